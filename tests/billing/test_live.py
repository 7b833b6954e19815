"""The gateway against Stripe test mode. Skipped unless STRIPE_TEST_SECRET_KEY is set.

    STRIPE_TEST_SECRET_KEY=sk_test_... STRIPE_TEST_PRICE_ID=price_... \
        .venv/bin/pytest -m stripe_live tests/billing/test_live.py

Only a test-mode key is accepted. Every customer created here is deleted again.
"""

import os
import time
import uuid

import pytest
import stripe

from coachhub.billing.gateway import Gateway, GatewayError

KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "")
PRICE = os.environ.get("STRIPE_TEST_PRICE_ID", "")

pytestmark = [
    pytest.mark.stripe_live,
    pytest.mark.skipif(not KEY, reason="STRIPE_TEST_SECRET_KEY is not set"),
]


@pytest.fixture(scope="module")
def gateway():
    if not KEY.startswith(("sk_test_", "rk_test_")):
        pytest.fail("STRIPE_TEST_SECRET_KEY must be a test-mode key")
    return Gateway(KEY)


@pytest.fixture
def customer(gateway):
    run = uuid.uuid4().hex
    customer_id = gateway.create_customer(
        practice_id=999_999,
        name=f"CoachHub live test {run}",
        email=f"live-{run}@example.com",
        idempotency_key=f"coachhub-live-test-{run}",
    )
    yield customer_id
    stripe.StripeClient(KEY).v1.customers.delete(customer_id)


def test_customer_creation_is_idempotent(gateway):
    run = uuid.uuid4().hex
    params = {
        "practice_id": 999_999,
        "name": f"CoachHub live test {run}",
        "email": f"live-{run}@example.com",
        "idempotency_key": f"coachhub-live-test-{run}",
    }
    first = gateway.create_customer(**params)
    try:
        assert gateway.create_customer(**params) == first
    finally:
        stripe.StripeClient(KEY).v1.customers.delete(first)


def test_a_new_customer_has_no_subscriptions_or_invoices(gateway, customer):
    assert gateway.list_subscriptions(customer) == []
    assert gateway.list_invoices(customer) == []


@pytest.mark.skipif(not PRICE, reason="STRIPE_TEST_PRICE_ID is not set")
def test_checkout_session_for_seats(gateway, customer):
    price = gateway.retrieve_price(PRICE)
    assert price.interval in ("month", "year")
    session = gateway.create_checkout_session(
        customer_id=customer,
        price_id=PRICE,
        quantity=3,
        practice_id=999_999,
        success_url="https://example.com/return?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://example.com/billing",
        trial_end=None,
        idempotency_key=f"coachhub-live-checkout-{customer}-{int(time.time())}",
    )
    assert session.url and session.url.startswith("https://checkout.stripe.com/")
    fetched = gateway.retrieve_checkout_session(session.id)
    assert fetched.customer_id == customer
    assert fetched.client_reference_id == "999999"


def test_portal_session(gateway, customer):
    try:
        url = gateway.create_portal_session(customer_id=customer, return_url="https://example.com/")
    except GatewayError as error:
        pytest.skip(f"Customer Portal not configured in test mode: {error.message}")
    assert url.startswith("https://billing.stripe.com/")
