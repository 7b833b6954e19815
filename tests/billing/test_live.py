"""The gateway against Stripe test mode. Skipped unless STRIPE_TEST_SECRET_KEY is set.

    STRIPE_TEST_SECRET_KEY=sk_test_... STRIPE_TEST_PRICE_ID=price_... \\
        .venv/bin/pytest -m stripe_live tests/billing/test_live.py -v

Only a test-mode key is accepted. Every customer created here is deleted again
(which ends its subscriptions), and so is every webhook endpoint. docs/billing.md
("The live suite") says how to prepare a Stripe test account for it.
"""

import os
import time
import uuid

import pytest
import stripe

from coachhub.billing.gateway import API_VERSION, CustomerGone, Gateway, GatewayError
from coachhub.billing.webhooks import HANDLED_EVENTS

KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "")
PRICE = os.environ.get("STRIPE_TEST_PRICE_ID", "")

pytestmark = [
    pytest.mark.stripe_live,
    pytest.mark.skipif(not KEY, reason="STRIPE_TEST_SECRET_KEY is not set"),
]
needs_price = pytest.mark.skipif(not PRICE, reason="STRIPE_TEST_PRICE_ID is not set")
TAGS = {"practice_id": "999999", "coachhub_install": "live-test"}


@pytest.fixture(scope="module")
def gateway():
    if not KEY.startswith(("sk_test_", "rk_test_")):
        pytest.fail("STRIPE_TEST_SECRET_KEY must be a test-mode key")
    return Gateway(KEY, max_network_retries=2)


@pytest.fixture(scope="module")
def sdk():
    """The raw SDK, for what only the test does (cards, subscriptions, clean-up)."""
    return stripe.StripeClient(KEY, stripe_version=API_VERSION)


@pytest.fixture
def customer(gateway, sdk):
    run = uuid.uuid4().hex
    customer_id = gateway.create_customer(
        name=f"CoachHub live test {run}",
        email=f"live-{run}@example.com",
        metadata=TAGS,
        idempotency_key=f"coachhub-live-test-{run}",
    )
    yield customer_id
    sdk.v1.customers.delete(customer_id)


def _pay_with(sdk, customer_id: str, test_card: str) -> None:
    """Attach one of Stripe's test payment methods and make it the default."""
    method = sdk.v1.payment_methods.attach(test_card, params={"customer": customer_id})
    sdk.v1.customers.update(
        customer_id, params={"invoice_settings": {"default_payment_method": method.id}}
    )


def test_customer_creation_is_idempotent(gateway, sdk):
    run = uuid.uuid4().hex
    params = {
        "name": f"CoachHub live test {run}",
        "email": f"live-{run}@example.com",
        "metadata": TAGS,
        "idempotency_key": f"coachhub-live-test-{run}",
    }
    first = gateway.create_customer(**params)
    try:
        assert gateway.create_customer(**params) == first
        assert gateway.retrieve_customer(first).metadata == TAGS
    finally:
        sdk.v1.customers.delete(first)
    assert gateway.retrieve_customer(first).deleted is True


def test_a_new_customer_has_no_subscriptions_or_invoices(gateway, customer):
    assert gateway.list_subscriptions(customer) == []
    assert gateway.list_invoices(customer) == []


@needs_price
def test_checkout_session_for_seats(gateway, customer):
    price = gateway.retrieve_price(PRICE)
    assert price.interval in ("month", "year") and price.type == "recurring"
    session = gateway.create_checkout_session(
        customer_id=customer,
        price_id=PRICE,
        quantity=3,
        metadata=TAGS,
        client_reference_id="999999",
        success_url="https://example.com/return?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://example.com/billing",
        trial_end=None,
        automatic_tax=False,
        allow_promotion_codes=True,
        idempotency_key=f"coachhub-live-checkout-{customer}-{int(time.time())}",
    )
    assert session.url and session.url.startswith("https://checkout.stripe.com/")
    fetched = gateway.retrieve_checkout_session(session.id)
    assert fetched.customer_id == customer
    assert fetched.client_reference_id == "999999"
    assert fetched.status == "open"


@needs_price
def test_checkout_session_with_stripe_tax(gateway, customer):
    if gateway.tax_settings_status() != "active":
        pytest.skip("Stripe Tax is not set up on this test account (Settings → Tax)")
    session = gateway.create_checkout_session(
        customer_id=customer,
        price_id=PRICE,
        quantity=1,
        metadata=TAGS,
        client_reference_id="999999",
        success_url="https://example.com/return?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://example.com/billing",
        trial_end=None,
        automatic_tax=True,
        allow_promotion_codes=False,
        idempotency_key=f"coachhub-live-checkout-tax-{customer}-{int(time.time())}",
    )
    assert session.url


@needs_price
def test_seat_change_with_preview_then_a_declined_one_stays_pending(gateway, sdk, customer):
    """The whole seat flow on real Stripe: preview, confirm, and a failing card's pending update."""
    _pay_with(sdk, customer, "pm_card_visa")
    created = sdk.v1.subscriptions.create(
        params={"customer": customer, "items": [{"price": PRICE, "quantity": 1}], "metadata": TAGS}
    )
    [subscription] = gateway.list_subscriptions(customer)
    assert subscription.id == created.id and subscription.quantity == 1
    assert subscription.current_period_end is not None  # read from the item, as pinned
    proration_date = int(time.time())

    preview = gateway.preview_seat_change(
        customer_id=customer,
        subscription_id=subscription.id,
        item_id=subscription.item_id,
        quantity=2,
        proration_date=proration_date,
        automatic_tax=False,
    )
    assert preview.amount_due > 0 and preview.currency == subscription.price.currency

    changed = gateway.update_seats(
        subscription_id=subscription.id,
        item_id=subscription.item_id,
        quantity=2,
        proration_date=proration_date,
        idempotency_key=f"coachhub-live-seats-{subscription.id}-2-{proration_date}",
    )
    assert changed.quantity == 2 and changed.pending_quantity is None
    assert changed.latest_invoice is not None and changed.latest_invoice.status == "paid"
    assert changed.latest_invoice.amount_due == preview.amount_due  # charged as previewed

    # A card that attaches but declines every charge: the change waits for its payment.
    _pay_with(sdk, customer, "pm_card_chargeCustomerFail")
    later = int(time.time())
    pending = gateway.update_seats(
        subscription_id=subscription.id,
        item_id=subscription.item_id,
        quantity=3,
        proration_date=later,
        idempotency_key=f"coachhub-live-seats-{subscription.id}-3-{later}",
    )
    assert pending.quantity == 2  # the old quantity stays
    assert pending.pending_quantity == 3 and pending.pending_expires_at is not None
    assert pending.latest_invoice is not None and pending.latest_invoice.status == "open"
    assert pending.latest_invoice.hosted_invoice_url.startswith("https://invoice.stripe.com/")
    assert gateway.retrieve_subscription(subscription.id).pending_quantity == 3


def test_portal_session(gateway, customer):
    try:
        url = gateway.create_portal_session(customer_id=customer, return_url="https://example.com/")
    except GatewayError as error:
        pytest.skip(f"Customer Portal not configured in test mode: {error.message}")
    assert url.startswith("https://billing.stripe.com/")


def test_a_deleted_customer_is_gone_for_checkout(gateway, sdk):
    run = uuid.uuid4().hex
    customer_id = gateway.create_customer(
        name="CoachHub live test",
        email=f"gone-{run}@example.com",
        metadata=TAGS,
        idempotency_key=f"coachhub-live-gone-{run}",
    )
    sdk.v1.customers.delete(customer_id)
    with pytest.raises(CustomerGone):
        gateway.create_portal_session(customer_id=customer_id, return_url="https://example.com/")


@pytest.fixture
def live_app(app):
    """The app configured with the test key and no fake in between."""
    saved = {k: app.config.get(k) for k in ("STRIPE_SECRET_KEY", "STRIPE_PRICE_ID")}
    app.config.update(STRIPE_SECRET_KEY=KEY, STRIPE_PRICE_ID=PRICE)
    app.extensions.pop("stripe_http_client", None)
    yield app
    app.config.update(saved)


def test_setup_webhook_creates_then_updates_the_endpoint(live_app, db, gateway):
    url = f"https://coachhub-live-{uuid.uuid4().hex[:10]}.example.com/billing/stripe/webhook"
    runner = live_app.test_cli_runner()
    try:
        created = runner.invoke(args=["billing", "setup-webhook", url])
        assert created.exit_code == 0, created.output
        secret = created.output.strip().splitlines()[-1]
        assert secret.startswith("whsec_")
        [endpoint] = [e for e in gateway.list_webhook_endpoints() if e.url == url]
        assert endpoint.api_version == API_VERSION
        assert set(endpoint.enabled_events) == HANDLED_EVENTS

        again = runner.invoke(args=["billing", "setup-webhook", url])
        assert again.exit_code == 0, again.output
        assert "signing secret is unchanged" in again.output
        assert len([e for e in gateway.list_webhook_endpoints() if e.url == url]) == 1

        live_app.config["STRIPE_WEBHOOK_SECRETS"] = [secret]
        doctor = runner.invoke(args=["billing", "doctor", "--url", url])
        assert f"Webhook endpoint {url}: enabled, API version {API_VERSION}" in doctor.output
    finally:
        live_app.config["STRIPE_WEBHOOK_SECRETS"] = []
        for endpoint in gateway.list_webhook_endpoints():
            if endpoint.url == url:
                gateway.delete_webhook_endpoint(endpoint.id)
