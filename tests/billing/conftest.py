"""Billing fixtures: Stripe settings and the fake Stripe HTTP layer on the shared app."""

import json
from datetime import UTC, datetime

import pytest
import time_machine

from tests import factories
from tests.billing.fake_stripe import FakeStripe, signed

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


@pytest.fixture
def stripe_settings(app):
    """Stripe configured for the duration of the test (the app fixture is shared)."""
    saved = {name: app.config.get(name) for name in STRIPE_SETTINGS}
    app.config.update(STRIPE_SETTINGS)
    yield STRIPE_SETTINGS
    app.config.update(saved)


@pytest.fixture
def fake_stripe(app, stripe_settings):
    """The fake Stripe API, installed as the SDK's HTTP client."""
    fake = FakeStripe()
    app.extensions["stripe_http_client"] = fake
    yield fake
    app.extensions.pop("stripe_http_client", None)


@pytest.fixture
def deliver(client):
    """`deliver(event_dict, secret=..., timestamp=..., body=...)` POSTs a signed webhook."""

    def _deliver(event, *, secret=WEBHOOK_SECRET, timestamp=None, body=None, header=None):
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
def now():
    """Time stands still at NOW (a Monday morning, UTC) for the test."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def world(now, db):
    """The shared two-practice world, built at NOW: practice trials end 14 days later."""
    return factories.build_world()
