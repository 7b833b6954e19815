"""Outgoing webhooks against a real HTTP receiver on 127.0.0.1 started by the test."""

import re
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from coachhub.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, utcnow
from coachhub.services import ServiceError, webhooks
from coachhub.services.inbox import notify
from coachhub.webhooks import delivery, gateway
from tests import factories

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def documented_verify():
    """The verification snippet of docs/api.md, executed as written."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 -- our own docs
    return namespace["verify"]


class Receiver:
    """An HTTP server that answers with the next status of `statuses` (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, self.headers[gateway.SIGNATURE_HEADER]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def _event(world):
    log = factories.MeetingLogFactory(client=world.client_a1)
    notify(
        world.a,
        "log_submitted",
        actor=world.client_a1,
        client=world.client_a1,
        obj=log,
        summary="logged a meeting",
    )
    from coachhub.extensions import db

    db.session.commit()
    return log


def test_a_delivery_is_signed_as_the_docs_say(world, db, receiver):
    endpoint = webhooks.add_endpoint(world.a, world.owner_a, receiver.url, ["log_submitted"])
    db.session.commit()
    _event(world)
    _event(world)  # another log: a second delivery
    assert delivery.deliver_pending().delivered == 2
    verify = documented_verify()
    body, header = receiver.received[0]
    assert verify(body, header, endpoint.secret)
    assert not verify(body + b" ", header, endpoint.secret)
    assert not verify(body, header, "whsec_wrong")
    # rotation: both secrets sign during the grace period
    webhooks.rotate_secret(world.a, world.owner_a, endpoint)
    old = endpoint.previous_secret
    db.session.commit()
    _event(world)
    delivery.deliver_pending()
    body, header = receiver.received[-1]
    assert header.count("v1=") == 2
    assert verify(body, header, endpoint.secret) and verify(body, header, old)


def test_events_nobody_subscribed_to_are_not_sent(world, db, receiver):
    webhooks.add_endpoint(world.a, world.owner_a, receiver.url, ["review_posted"])
    db.session.commit()
    _event(world)
    assert db.session.scalars(select(WebhookDelivery)).first() is None


def test_500s_are_retried_with_back_off(world, db, time_machine):
    with Receiver([500, 500]) as receiver:
        webhooks.add_endpoint(world.a, world.owner_a, receiver.url, ["log_submitted"])
        db.session.commit()
        _event(world)
        assert delivery.deliver_pending().failed == 1
        row = db.session.scalars(select(WebhookDelivery)).one()
        assert row.status == DeliveryStatus.PENDING and row.response_status == 500
        first_wait = row.next_attempt_at - utcnow()
        assert delivery.deliver_pending() == (0, 0)  # not due yet
        time_machine.move_to(row.next_attempt_at + timedelta(seconds=1))
        assert delivery.deliver_pending().failed == 1
        db.session.refresh(row)
        assert row.next_attempt_at - utcnow() > first_wait  # the wait doubled
        time_machine.move_to(row.next_attempt_at + timedelta(seconds=1))
        assert delivery.deliver_pending().delivered == 1
        db.session.refresh(row)
        assert row.status == DeliveryStatus.DELIVERED and row.attempts == 3
        assert len(receiver.received) == 3
        assert len({body for body, _ in receiver.received}) == 1  # the same body each time


def test_an_endpoint_is_switched_off_after_repeated_failure(app, world, db, outbox, time_machine):
    app.config["WEBHOOK_DISABLE_AFTER"] = 3
    try:
        with Receiver([500] * 10) as receiver:
            endpoint = webhooks.add_endpoint(
                world.a, world.owner_a, receiver.url, ["log_submitted"]
            )
            db.session.commit()
            for _ in range(3):
                _event(world)
            delivery.deliver_pending()
            db.session.refresh(endpoint)
            assert not endpoint.enabled and endpoint.consecutive_failures == 3
            emails = outbox(world.owner_a.user.email)
            assert emails and "switched off" in emails[-1].subject
            time_machine.move_to(utcnow() + timedelta(days=1))
            sent_before = len(receiver.received)
            delivery.deliver_pending()
            assert len(receiver.received) == sent_before  # nothing more goes out
    finally:
        app.config["WEBHOOK_DISABLE_AFTER"] = 10


def test_a_delivery_is_claimed_by_one_worker_only(world, db, receiver):
    webhooks.add_endpoint(world.a, world.owner_a, receiver.url, ["log_submitted"])
    db.session.commit()
    _event(world)
    first = delivery.claim_next(utcnow())
    assert first is not None
    assert delivery.claim_next(utcnow()) is None  # the second worker finds nothing


def test_private_addresses_are_refused_outside_development(app, world, db):
    app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = False
    try:
        for url in (
            "http://127.0.0.1/x",
            "http://10.0.0.5/x",
            "http://169.254.169.254/x",
            "http://[::1]/x",
            "ftp://example.com/x",
            "http://user:pw@example.com/",
        ):
            with pytest.raises(ServiceError):
                webhooks.add_endpoint(world.a, world.owner_a, url, ["log_submitted"])
        # saved while allowed, refused at delivery time once it is not
        endpoint = factories.webhook_endpoint(
            world.a, url="http://127.0.0.1:9/hook", events=["log_submitted"]
        )
        _event(world)
        delivery.deliver_pending()
        row = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
        ).one()
        assert "private network" in row.last_error
    finally:
        app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = True


def test_the_owner_adds_a_webhook_and_resends_from_the_log(world, login, db, receiver):
    page = login(world.owner_a.user)
    response = page.post(
        "/p/alpha/coach/webhooks", data={"url": receiver.url, "events": ["log_submitted"]}
    )
    assert response.status_code == 302
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    _event(world)
    delivery.deliver_pending()
    html = page.get(f"/p/alpha/coach/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "log_submitted" in html and "delivered" in html and endpoint.secret in html
    row = db.session.scalars(select(WebhookDelivery)).one()
    assert page.post(f"/p/alpha/coach/webhooks/deliveries/{row.id}/resend").status_code == 302
    delivery.deliver_pending()
    assert len(receiver.received) == 2
    bad = page.post("/p/alpha/coach/webhooks", data={"url": "nope", "events": []})
    assert bad.status_code == 200 and db.session.scalars(select(WebhookEndpoint)).one()


def test_webhook_and_token_pages_run_the_same_queries_at_1x_and_10x(
    world, db, login, count_queries, api_token
):
    page = login(world.owner_a.user)
    endpoint = factories.webhook_endpoint(world.a)

    def add(n):
        for _ in range(n):
            factories.webhook_endpoint(world.a)
            factories.webhook_delivery(world.a, endpoint, event_key=uuid.uuid4().hex)
            api_token(world.owner_a, "read")

    counts = {}
    for n in (3, 27):
        add(n)
        for url in (
            "/p/alpha/coach/webhooks",
            f"/p/alpha/coach/webhooks/{endpoint.id}",
            "/account/tokens",
        ):
            with count_queries() as counter:
                assert page.get(url).status_code == 200
            counts.setdefault(url, []).append(counter.count)
    for url, (small, large) in counts.items():
        assert small == large <= 12, (url, small, large)
