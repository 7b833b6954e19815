"""The conformance check itself: it holds requests, fixtures and reads to the pinned Stripe API.

Every billing test that uses the `fake_stripe` fixture is checked when it ends
(tests/billing/conftest.py). These tests feed the check deliberately wrong
requests and fixtures, through the real SDK, and prove that each kind of
mistake is caught, so a green suite means something.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import stripe

from coachhub.billing import gateway as gateway_module
from coachhub.billing.gateway import API_VERSION
from tests.billing import stripe_api
from tests.billing.fake_stripe import FakeStripe, Tracked

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake():
    return FakeStripe()


@pytest.fixture
def sdk(fake):
    """The real SDK client on the fake, as the gateway builds it."""
    return stripe.StripeClient(
        "sk_test_fake", http_client=fake, stripe_version=API_VERSION, max_network_retries=0
    )


def _problems(fake) -> str:
    return "\n".join(fake.violations())


def test_the_pinned_api_is_the_sdks():
    assert stripe_api.API_VERSION == stripe.api_version == API_VERSION == "2026-10-28.endive"


def test_the_route_table_knows_every_operation_the_gateway_uses():
    for method, path in [
        ("POST", "/v1/customers"),
        ("GET", "/v1/customers/cus_1"),
        ("POST", "/v1/checkout/sessions"),
        ("GET", "/v1/checkout/sessions/cs_1"),
        ("POST", "/v1/billing_portal/sessions"),
        ("GET", "/v1/subscriptions"),
        ("GET", "/v1/subscriptions/sub_1"),
        ("POST", "/v1/subscriptions/sub_1"),
        ("POST", "/v1/invoices/create_preview"),
        ("GET", "/v1/invoices"),
        ("GET", "/v1/prices/price_1"),
        ("GET", "/v1/events/evt_1"),
        ("GET", "/v1/webhook_endpoints"),
        ("POST", "/v1/webhook_endpoints"),
        ("POST", "/v1/webhook_endpoints/we_1"),
        ("DELETE", "/v1/webhook_endpoints/we_1"),
        ("GET", "/v1/tax/settings"),
    ]:
        route = stripe_api.route_for(method, path)
        assert route is not None and route.params is not None and route.returns is not None, path
    # A literal path wins over a parametrised one: create_preview is not "update invoice".
    assert stripe_api.route_for("POST", "/v1/invoices/create_preview").params.__name__ == (
        "InvoiceCreatePreviewParams"
    )


def test_a_correct_seat_change_conforms(fake, sdk):
    sub = fake.add_subscription(fake.add_customer(), quantity=3)
    sdk.v1.subscriptions.update(
        sub["id"],
        params={
            "items": [{"id": sub["items"]["data"][0]["id"], "quantity": 4}],
            "proration_behavior": "always_invoice",
            "proration_date": 1_790_000_000,
            "payment_behavior": "pending_if_incomplete",
            "expand": ["latest_invoice"],
        },
    )
    assert fake.violations() == []


def test_an_unknown_parameter_fails(fake, sdk):
    sub = fake.add_subscription(fake.add_customer())
    sdk.v1.subscriptions.update(sub["id"], params={"proration_dat": 1_790_000_000})  # type: ignore[typeddict-unknown-key]
    assert "proration_dat: unknown parameter for SubscriptionUpdateParams" in _problems(fake)
    with pytest.raises(AssertionError, match="Not the pinned Stripe API"):
        fake.assert_conformant()


def test_an_unknown_nested_parameter_fails(fake, sdk):
    sub = fake.add_subscription(fake.add_customer())
    sdk.v1.invoices.create_preview(
        params={
            "subscription": sub["id"],
            "subscription_details": {"items": [{"id": "si_1", "quantity": 2, "qty": 2}]},  # type: ignore[typeddict-unknown-key]
        }
    )
    assert "subscription_details.items[0].qty: unknown parameter" in _problems(fake)


def test_a_bad_enum_fails(fake, sdk):
    sub = fake.add_subscription(fake.add_customer())
    sdk.v1.subscriptions.update(sub["id"], params={"payment_behavior": "pending_if_complete"})  # type: ignore[typeddict-item]
    problems = _problems(fake)
    assert "payment_behavior: 'pending_if_complete' is not one of the values" in problems
    assert "'pending_if_incomplete'" in problems


def test_a_bad_type_fails(fake, sdk):
    sub = fake.add_subscription(fake.add_customer())
    sdk.v1.subscriptions.update(sub["id"], params={"proration_date": "tomorrow"})  # type: ignore[typeddict-item]
    assert "proration_date: expected int, got 'tomorrow'" in _problems(fake)


def test_a_missing_required_parameter_fails(fake, sdk):
    sdk.v1.webhook_endpoints.create(
        params={"url": "https://coachhub.example/billing/stripe/webhook"}
    )  # type: ignore[typeddict-item]
    assert "enabled_events: required parameter missing" in _problems(fake)


def test_a_missing_required_nested_parameter_fails(fake, sdk):
    customer = fake.add_customer()
    sdk.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": customer,
            "line_items": [{"price": "price_monthly", "quantity": 1}],
            "automatic_tax": {"liability": {"type": "self"}},  # type: ignore[typeddict-item]
            "success_url": "https://coachhub.example/return",
        }
    )
    assert "automatic_tax.enabled: required parameter missing" in _problems(fake)


def test_an_operation_the_pinned_api_does_not_have_fails(fake, sdk):
    with pytest.raises(stripe.StripeError):
        sdk.raw_request("post", "/v1/subscriptions/sub_1/upgrade", plan="pro")
    assert "no such operation in the pinned API" in _problems(fake)


def test_a_request_with_another_api_version_fails(fake):
    other = stripe.StripeClient(
        "sk_test_fake", http_client=fake, stripe_version="2025-03-31.basil", max_network_retries=0
    )
    other.v1.prices.retrieve("price_monthly")
    assert "Stripe-Version '2025-03-31.basil', not the pinned" in _problems(fake)


def test_a_fixture_field_the_pinned_api_does_not_return_fails(fake, sdk):
    """The pre-2025-03-31 shape: current_period_end on the subscription, not on its item."""
    sub = fake.add_subscription(fake.add_customer())
    sub["current_period_end"] = 1_790_000_000  # bypassing the builder, as a hand-made fixture would
    sdk.v1.subscriptions.retrieve(sub["id"])
    assert "current_period_end: the pinned API (2026-10-28.endive) does not return this field" in (
        _problems(fake)
    )


def test_the_builder_refuses_a_field_the_pinned_api_does_not_return(fake):
    with pytest.raises(ValueError, match="subscription.current_period_end"):
        stripe_api.build("subscription", current_period_end=1_790_000_000)
    with pytest.raises(ValueError, match="subscription.quantity"):
        stripe_api.build("subscription", quantity=3)
    with pytest.raises(ValueError, match="invoice.subscription"):
        stripe_api.build("invoice", subscription="sub_1")


def test_a_fixture_with_a_bad_enum_or_type_fails(fake, sdk):
    sub = fake.add_subscription(fake.add_customer())
    sub["status"] = "cancelled"  # British spelling: not Stripe's
    sub["items"]["data"][0]["quantity"] = "3"
    sdk.v1.subscriptions.retrieve(sub["id"])
    problems = _problems(fake)
    assert "subscription.status: 'cancelled' is not one of the values" in problems
    assert "items.data[0].quantity: expected int, got '3'" in problems


def test_a_fixture_missing_a_field_fails(fake, sdk):
    sub = fake.add_subscription(fake.add_customer())
    del sub["livemode"]
    sdk.v1.subscriptions.retrieve(sub["id"])
    assert "livemode: missing field (Subscription always has it)" in _problems(fake)


def test_reading_a_field_the_pinned_api_does_not_return_fails(fake):
    data = Tracked(fake.add_subscription(fake.add_customer()), fake.reads)
    data.get("current_period_end")
    assert "the code reads subscription.current_period_end, which the pinned API" in (
        _problems(fake)
    )


def test_the_gateway_reads_only_what_the_pinned_api_returns():
    """Every subscription and invoice shape the pinned API allows, read by the gateway.

    A metered item has no quantity and a one-off invoice no subscription: the old
    fallbacks then read top-level `quantity` and `subscription`, which this API version
    does not have.
    """
    fake = FakeStripe()
    sub = fake.add_subscription(fake.add_customer())
    sub["items"]["data"][0]["quantity"] = None
    gateway_module.subscription_from(Tracked(sub, fake.reads))
    invoice = fake.add_invoice(sub["customer"], None)
    gateway_module.invoice_subscription_id(Tracked(invoice, fake.reads))
    assert fake.violations() == []


def test_fake_objects_are_full_objects_of_the_pinned_api():
    fake = FakeStripe()
    customer = fake.add_customer()
    sub = fake.add_subscription(customer)
    invoice = fake.add_invoice(customer, sub["id"])
    for obj in (sub, invoice, fake.customers[customer], fake.prices["price_monthly"]):
        assert stripe_api.check_object(obj) == []
        assert obj["livemode"] is False and obj["created"] > 0
    for name in ("pending_update", "latest_invoice", "cancel_at", "livemode", "created"):
        assert name in sub
    assert stripe_api.check_object(fake.event("invoice.paid", invoice)) == []


def test_a_deliberately_wrong_request_fails_the_billing_test_that_sent_it(tmp_path):
    """The fixture's check runs in every billing test: a wrong request fails that test."""
    test_file = tmp_path / "test_wrong_request.py"
    test_file.write_text(
        textwrap.dedent(
            """
            from coachhub.billing.gateway import get_gateway

            def test_sends_a_wrong_request(app, fake_stripe):
                with app.app_context():
                    gateway = get_gateway()
                    gateway._client.v1.subscriptions.list(
                        params={"customer": "cus_1", "limit": 5, "colour": "red"}
                    )
            """
        )
    )
    env = {**os.environ, "TEST_DATABASE_URL": "sqlite://"}  # the inner run: its own database
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.conftest",
            "-p",
            "tests.billing.conftest",
            "-p",
            "no:cacheprovider",
            str(test_file),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "colour: unknown parameter for SubscriptionListParams" in result.stdout
    assert "1 passed, 1 error" in result.stdout


def test_the_fake_refuses_a_key_reused_with_other_parameters(fake, sdk):
    """As Stripe does: so a retry that changed its request cannot pass for the same one."""
    customer = fake.add_customer()
    params = {"customer": customer, "return_url": "https://coachhub.example/"}
    first = sdk.v1.billing_portal.sessions.create(params=params, options={"idempotency_key": "k"})
    again = sdk.v1.billing_portal.sessions.create(params=params, options={"idempotency_key": "k"})
    assert first.id == again.id
    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.billing_portal.sessions.create(
            params={**params, "return_url": "https://elsewhere.example/"},
            options={"idempotency_key": "k"},
        )
