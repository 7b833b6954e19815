"""The gateway's own guarantees: timeouts, the pinned version, paging, keys, dated cancellation."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe
from sqlalchemy import delete

from coachhub.billing import gateway as gateway_module
from coachhub.billing import services
from coachhub.billing.gateway import API_VERSION, GatewayError, get_gateway
from coachhub.models import StripeEvent
from coachhub.models.billing import StripeInstall
from tests.billing.conftest import subscribe

PORTS = range(5210, 5220)  # this branch's ports


class _Slow(BaseHTTPRequestHandler):
    """Answers like Stripe, but only after `delay` seconds."""

    delay = 5.0
    seen: list[str] = []

    def _answer(self):
        self.seen.append(self.path)
        time.sleep(self.delay)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"object": "list", "data": [], "has_more": false, "url": "/v1/x"}')
        except OSError:
            pass  # the client gave up, as it should

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_stripe():
    """A real HTTP server on 127.0.0.1 that takes 5 seconds to answer."""
    server = None
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), _Slow)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 5210-5219"
    server.daemon_threads = True
    _Slow.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_behind(app, stripe_settings, slow_stripe):
    """The app's gateway pointed at the slow server, with a 0.5 s timeout."""
    saved = {k: app.config.get(k) for k in ("STRIPE_API_BASE", "STRIPE_TIMEOUT")}
    app.config.update(STRIPE_API_BASE=slow_stripe, STRIPE_TIMEOUT=0.5)
    yield slow_stripe
    app.config.update(saved)


def test_a_hanging_stripe_fails_within_the_timeout(app, stripe_behind):
    with app.app_context():
        gateway = get_gateway()
        started = time.monotonic()
        with pytest.raises(GatewayError):
            gateway.list_subscriptions("cus_1")
        elapsed = time.monotonic() - started
    assert _Slow.seen, "the request never reached the server"
    assert elapsed < 2.5  # 0.5 s, not the SDK's 80 s


def test_a_webhook_during_a_stripe_hang_answers_500_quickly(app, world, stripe_behind, deliver, db):
    from tests.billing.fake_stripe import FakeStripe

    fake = FakeStripe()  # only to build the event; Stripe itself is the slow server
    world.a.stripe_customer_id = fake.add_customer(practice_id=world.a.id)
    db.session.commit()
    sub = fake.add_subscription(world.a.stripe_customer_id)
    started = time.monotonic()

    response = deliver(fake.event("customer.subscription.updated", sub))

    assert response.status_code == 500
    assert _Slow.seen, "the request never reached the server"
    assert time.monotonic() - started < 2.5
    db.session.expire_all()
    assert db.session.get(StripeEvent, response.get_json()["event"]).processed_at is None


def test_the_default_http_client_has_the_configured_timeout(app, stripe_settings):
    app.config["STRIPE_TIMEOUT"] = 7.5
    try:
        with app.app_context():
            gateway = get_gateway()
    finally:
        app.config["STRIPE_TIMEOUT"] = 10.0
    http = gateway.http_client
    assert isinstance(http, stripe.RequestsClient)
    assert http._timeout == 7.5


def test_the_api_version_is_pinned_explicitly(fake_stripe, app):
    assert API_VERSION == "2026-10-28.endive"
    # Upgrading the SDK changes the shapes it was generated for: review, then move the pin.
    assert stripe.api_version == API_VERSION
    with app.app_context():
        get_gateway().retrieve_price("price_monthly")
    [call] = fake_stripe.requests
    assert call.headers["Stripe-Version"] == API_VERSION


def test_the_key_decides_the_mode(stripe_settings, app):
    assert gateway_module.Gateway("sk_test_x").livemode is False
    assert gateway_module.Gateway("rk_live_x").livemode is True
    assert gateway_module.Gateway("sk_live_x").livemode is True


def test_every_subscription_is_read_even_past_the_first_page(world, fake_stripe, db, now):
    """A live subscription behind many newer abandoned Checkouts is still the current one."""
    customer = fake_stripe.add_customer(practice_id=world.a.id)
    world.a.stripe_customer_id = customer
    db.session.commit()
    old = int((now - timedelta(days=200)).timestamp())
    live = fake_stripe.add_subscription(customer, status="active", quantity=3, created=old)
    for n in range(120):
        fake_stripe.add_subscription(customer, status="incomplete_expired", created=old + 1000 + n)

    services.sync_practice(world.a, get_gateway())

    assert world.a.stripe_subscription_id == live["id"]
    assert world.a.paid_seats == 3
    pages = fake_stripe.sent("GET", "/v1/subscriptions")
    assert len(pages) == 2
    assert pages[0].params["limit"] == "100" and "starting_after" not in pages[0].params
    newest_first = sorted(
        fake_stripe.subscriptions.values(), key=lambda s: (s["created"], s["id"]), reverse=True
    )
    assert pages[1].params["starting_after"] == newest_first[99]["id"]


def test_idempotency_keys_carry_this_installs_prefix(world, fake_stripe, login, db):
    owner = login(world.owner_a.user)
    owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    prefix = services.idempotency_prefix()
    assert prefix.startswith("coachhub-") and len(prefix) > len("coachhub-") + 8
    [customer_call] = fake_stripe.sent("POST", "/v1/customers")
    assert customer_call.idempotency_key == f"{prefix}-practice-{world.a.id}-customer-0"
    assert customer_call.params["metadata"] == {
        "practice_id": str(world.a.id),
        "coachhub_install": services.install_id(),
    }
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.idempotency_key.startswith(f"{prefix}-practice-{world.a.id}-checkout-")


def test_two_databases_on_one_stripe_account_do_not_share_keys(world, fake_stripe, db, app):
    """Another database has its own install id: the same practice id gets its own customer."""
    with app.test_request_context():
        first = services.ensure_customer(world.a, world.owner_a, get_gateway())
        db.session.rollback()
        db.session.execute(delete(StripeInstall))  # what another database looks like
        db.session.commit()
        db.session.expire_all()
        second = services.ensure_customer(world.a, world.owner_a, get_gateway())
    keys = [r.idempotency_key for r in fake_stripe.sent("POST", "/v1/customers")]
    assert keys[0] != keys[1]
    assert first != second


def test_the_install_id_is_stable(db):
    assert services.install_id() == services.install_id()


def test_a_dated_cancellation_is_stored_and_shown(world, fake_stripe, login, db, now):
    ends = int((now + timedelta(days=12)).timestamp())
    subscribe(world.a, fake_stripe, db, quantity=3, cancel_at=ends)
    db.session.expire_all()
    assert world.a.cancel_at == now + timedelta(days=12)
    assert world.a.cancel_at_period_end is False
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "ends on 14 Mar 2026 and will not renew" in html


def test_a_dated_cancellation_arriving_by_webhook(world, fake_stripe, deliver, db, now):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    ends = int((now + timedelta(days=5)).timestamp())
    fake_stripe.update_subscription(sub["id"], cancel_at=ends)
    deliver(
        fake_stripe.event("customer.subscription.updated", fake_stripe.subscriptions[sub["id"]])
    )
    db.session.expire_all()
    assert world.a.cancel_at == now + timedelta(days=5)
    # Taken back in the portal: the date goes.
    fake_stripe.update_subscription(sub["id"], cancel_at=None)
    deliver(
        fake_stripe.event("customer.subscription.updated", fake_stripe.subscriptions[sub["id"]])
    )
    db.session.expire_all()
    assert world.a.cancel_at is None


def test_an_event_from_the_other_mode_is_refused(world, fake_stripe, deliver, db):
    """A live event reaching a server with a test key (or the other way) is a misconfiguration."""
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    fake_stripe.update_subscription(sub["id"], quantity=9)
    evt = fake_stripe.event("customer.subscription.updated", sub, livemode=True)
    calls = len(fake_stripe.requests)

    response = deliver(evt)

    assert response.status_code == 400
    assert "livemode" in response.get_json()["error"]
    assert len(fake_stripe.requests) == calls
    db.session.expire_all()
    assert world.a.paid_seats == 3
    assert db.session.get(StripeEvent, evt["id"]) is None
