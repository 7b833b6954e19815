"""Instant inbox emails: a burst is one email per member after the window; at most one per
window; hidden items are not emailed; and with two workers at once (PostgreSQL) every
member still gets exactly one email and every event one item per recipient."""

import os
import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import InboxItem, MemberStatus, OutboundEmail, utcnow
from coachhub.notifications.instant import queue_instant_emails
from coachhub.services import inbox, messages
from tests import factories
from tests.conftest import link_path

PG = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _emails(to=None):
    query = select(OutboundEmail).where(OutboundEmail.kind.like("inbox_%"))
    if to:
        query = query.where(OutboundEmail.to_email == to)
    return list(db.session.scalars(query.order_by(OutboundEmail.id)))


def test_a_burst_of_messages_is_one_email_after_five_minutes(world):
    start = utcnow()
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(4):
            messages.post_message(world.a, world.coach_a1, world.client_a1, f"Note {n}")
            traveller.shift(timedelta(seconds=50))
        db.session.commit()
        assert queue_instant_emails() == 0  # the first one is under 5 minutes old
        traveller.shift(timedelta(minutes=2))
        assert queue_instant_emails() == 1
        (email,) = _emails(world.client_a1.user.email)
        assert email.subject == f"4 new updates in {world.a.name}"
        for n in range(4):
            assert f"Note {n}" in email.body_text
        assert "/p/alpha/client/messages" in email.body_text
        # the next message starts a new window: no second email within it
        messages.post_message(world.a, world.coach_a1, world.client_a1, "One more")
        db.session.commit()
        traveller.shift(timedelta(minutes=4))
        assert queue_instant_emails() == 0
        traveller.shift(timedelta(minutes=2))
        assert queue_instant_emails() == 1
    assert len(_emails(world.client_a1.user.email)) == 2
    assert (
        db.session.scalar(
            select(func.count()).select_from(InboxItem).where(InboxItem.email_state == "pending")
        )
        == 0
    )


def test_different_events_share_the_email_each_with_its_unsubscribe_link(world, client):
    from tests.inbox.triggers import trigger

    trigger(world, "review_posted")
    trigger(world, "goal_assigned")
    traveller = time_machine.travel(utcnow() + timedelta(minutes=6))
    traveller.start()
    assert queue_instant_emails() == 1
    (email,) = _emails(world.client_a1.user.email)
    assert email.body_text.count("Stop emails about") == 2
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # the one-click link of the header switches that event's email off
    one_click = email.headers["List-Unsubscribe"].strip("<>").split("://", 1)[1]
    response = client.post(
        one_click[one_click.index("/") :], data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    from coachhub.notifications.events import EVENTS, event_kind
    from coachhub.notifications.preferences import load_modes

    modes = load_modes([world.client_a1], event_kind(EVENTS.get(email.kind[len("inbox_") :])))
    assert modes[world.client_a1.id] == "off"
    # and the link in the body opens the confirmation page
    assert client.get(link_path(email.body_text, "unsubscribe")).status_code == 200
    traveller.stop()


def test_items_the_member_may_no_longer_see_are_not_emailed(world):
    from tests.inbox.triggers import trigger

    trigger(world, "thread_reply")  # to coach_a1 about client_a1
    world.client_a1.status = MemberStatus.ARCHIVED
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        assert queue_instant_emails() == 0
    assert _emails() == []


def test_a_second_pass_sends_nothing_new(world):
    from tests.inbox.triggers import trigger

    trigger(world, "review_posted")
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        assert queue_instant_emails() == 1
        assert queue_instant_emails() == 0
    assert len(_emails()) == 1


def test_send_outbox_batches_then_delivers(world, runner):
    from tests.inbox.triggers import trigger

    trigger(world, "review_posted")
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        result = runner.invoke(args=["send-outbox"])
    assert "sent 1" in result.output
    (email,) = _emails()
    assert email.status.value == "sent"


@pytest.mark.skipif(not PG, reason="needs PostgreSQL: real row locks and concurrent commits")
def test_two_workers_at_once_send_one_email_per_member(committing_app):
    app = committing_app
    with app.app_context():
        world = factories.build_world()
        clients = [world.client_a1] + [factories.client(world.a, world.coach_a1) for _ in range(19)]
        long_ago = utcnow() - timedelta(minutes=10)
        for c in clients:
            for n in range(5):
                factories.inbox_item(
                    c, c, email_state="pending", created_at=long_ago, event_key=f"burst:{c.id}:{n}"
                )
        emails = [c.user.email for c in clients]
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                start.wait()
                results.append(queue_instant_emails())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(results) == 20
    with app.app_context():
        sent_to = db.session.scalars(select(OutboundEmail.to_email)).all()
        assert sorted(sent_to) == sorted(emails)
        states = set(db.session.scalars(select(InboxItem.email_state)))
        assert states == {"emailed"}


@pytest.mark.skipif(not PG, reason="needs PostgreSQL: real concurrent transactions")
def test_the_same_event_raised_twice_at_once_is_one_item(committing_app):
    app = committing_app
    with app.app_context():
        world = factories.build_world()
        log = factories.MeetingLogFactory(client=world.client_a1)
        ids = (world.a.id, world.coach_a1.id, world.client_a1.id, log.id)
    start = threading.Barrier(4)
    errors = []

    def worker():
        from coachhub.models import MeetingLog, Membership, Practice

        try:
            with app.app_context():
                practice = db.session.get(Practice, ids[0])
                coach = db.session.get(Membership, ids[1])
                client_m = db.session.get(Membership, ids[2])
                row = db.session.get(MeetingLog, ids[3])
                start.wait()
                inbox.notify(
                    practice,
                    "review_posted",
                    actor=coach,
                    client=client_m,
                    obj=row,
                    summary="Reviewed",
                )
                db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InboxItem)) == 1
