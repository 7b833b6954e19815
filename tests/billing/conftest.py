"""Billing fixtures: Stripe settings and the fake Stripe HTTP layer on the shared app."""

import json
from datetime import UTC, datetime

import pytest
import stripe
import time_machine

from tests import factories
from tests.billing import stripe_api
from tests.billing.fake_stripe import FakeStripe, Tracked, signed

WEBHOOK_SECRET = "whsec_test_current"
PREVIOUS_WEBHOOK_SECRET = "whsec_test_previous"
STRIPE_SETTINGS = {
    "STRIPE_SECRET_KEY": "sk_test_fake",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_fake",
    "STRIPE_PRICE_ID": "price_monthly",
    "STRIPE_YEARLY_PRICE_ID": "price_yearly",
    # Rotation: the previous secret still verifies until it is removed.
    "STRIPE_WEBHOOK_SECRETS": [PREVIOUS_WEBHOOK_SECRET, WEBHOOK_SECRET],
    "STRIPE_MAX_NETWORK_RETRIES": 0,
}


@pytest.fixture(autouse=True)
def _fresh_price_cache(app):
    """Prices read from Stripe are cached on the (shared) app: each test starts without."""
    app.extensions.pop("billing_price_cache", None)
    yield
    app.extensions.pop("billing_price_cache", None)


@pytest.fixture
def stripe_settings(app):
    """Stripe configured for the duration of the test (the app fixture is shared)."""
    saved = {name: app.config.get(name) for name in STRIPE_SETTINGS}
    app.config.update(STRIPE_SETTINGS)
    yield STRIPE_SETTINGS
    app.config.update(saved)


@pytest.fixture
def fake_stripe(app, stripe_settings, monkeypatch):
    """The fake Stripe API, installed as the SDK's HTTP client, held to the pinned API.

    Every request the gateway sends, every object the fake serves and every field the
    code reads from them is checked against the pinned SDK's types when the test ends:
    a test whose billing code strays from the pinned API fails here.
    """
    fake = FakeStripe()
    app.extensions["stripe_http_client"] = fake
    to_dict = stripe.StripeObject.to_dict

    def tracked_to_dict(self, *args, **kwargs):
        return Tracked(to_dict(self, *args, **kwargs), fake.reads)

    # The gateway turns every SDK object into plain data through to_dict(); watch what it reads.
    monkeypatch.setattr(stripe.StripeObject, "to_dict", tracked_to_dict)
    yield fake
    app.extensions.pop("stripe_http_client", None)
    monkeypatch.undo()
    fake.assert_conformant()


@pytest.fixture
def deliver(client):
    """`deliver(event_dict, secret=..., timestamp=..., body=...)` POSTs a signed webhook."""

    def _deliver(event, *, secret=WEBHOOK_SECRET, timestamp=None, body=None, header=None):
        problems = stripe_api.check_object(event)
        assert not problems, "Not an event the pinned API sends:\n  " + "\n  ".join(problems)
        # Stripe sends pretty-printed JSON: any re-serialisation would break the signature.
        payload = json.dumps(event, indent=2)
        signature = header if header is not None else signed(payload, secret, timestamp)
        headers = {"Stripe-Signature": signature} if signature else {}
        return client.post(
            "/billing/stripe/webhook",
            data=body if body is not None else payload,
            headers=headers,
            content_type="application/json",
        )

    return _deliver


def subscribe(practice, fake, db, **kw):
    """Give `practice` a Stripe customer and subscription, stored as the sync would."""
    from coachhub.billing.gateway import subscription_from
    from coachhub.billing.services import apply_subscription
    from coachhub.models import utcnow

    if not practice.stripe_customer_id:
        practice.stripe_customer_id = fake.add_customer(practice_id=practice.id)
    sub = fake.add_subscription(practice.stripe_customer_id, practice_id=practice.id, **kw)
    apply_subscription(practice, subscription_from(sub), utcnow())
    db.session.commit()
    return sub


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def now(clock):
    """Time stands still at NOW (a Monday morning, UTC) for the test."""
    return NOW


@pytest.fixture
def time_travel(clock):
    """`time_travel(datetime)` moves the standing clock."""
    return clock.move_to


@pytest.fixture
def world(now, db):
    """The shared two-practice world, built at NOW: practice trials end 14 days later."""
    return factories.build_world()
