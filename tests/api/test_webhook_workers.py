"""Two workers at once on PostgreSQL: every delivery reaches the receiver exactly once.

The workers need committed rows on their own connections, so this test commits for
real (outside the suite's rolled-back transaction) and deletes what it made after.
"""

import threading

import pytest
from sqlalchemy import delete

from coachhub.extensions import db
from coachhub.models import Practice, User, WebhookDelivery
from coachhub.services import webhooks
from coachhub.webhooks import delivery
from tests import factories
from tests.api.test_webhooks import Receiver


@pytest.fixture
def committed_world(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SKIP LOCKED claims: PostgreSQL only")
        world = factories.build_world()
        ids = (world.a.id, world.b.id)
        user_ids = [
            m.user_id
            for m in (
                world.owner_a,
                world.coach_a1,
                world.coach_a2,
                world.client_a1,
                world.client_a2,
                world.owner_b,
                world.coach_b,
                world.client_b,
            )
        ]
        yield world
        db.session.rollback()
        db.session.execute(delete(Practice).where(Practice.id.in_(ids)))
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
        db.session.commit()


def test_two_workers_never_send_the_same_delivery(app, committed_world):
    world = committed_world
    with Receiver() as receiver:
        endpoint = webhooks.add_endpoint(world.a, world.owner_a, receiver.url, ["log_submitted"])
        db.session.commit()
        for i in range(20):
            log = factories.MeetingLogFactory(client=world.client_a1)
            db.session.add(
                WebhookDelivery(
                    practice_id=world.a.id,
                    endpoint_id=endpoint.id,
                    event="log_submitted",
                    event_key=f"log_submitted:MeetingLog:{log.id}",
                    payload=f'{{"n": {i}}}',
                )
            )
        db.session.commit()
        results = []

        def work():
            with app.app_context():
                results.append(delivery.deliver_pending(100))
                db.session.remove()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        bodies = [body for body, _ in receiver.received]
        assert len(bodies) == 20 and len(set(bodies)) == 20
        assert sum(r.delivered for r in results) == 20
