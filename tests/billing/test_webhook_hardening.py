"""The webhook refuses future timestamps, signed non-objects and huge bodies: 400/413, never 500."""

import json

import pytest
from sqlalchemy import select

from coachhub.models import StripeWebhookDelivery
from tests.billing.conftest import WEBHOOK_SECRET
from tests.billing.fake_stripe import signed


def _post(client, payload: str, header: str):
    return client.post(
        "/billing/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header},
        content_type="application/json",
    )


def test_a_timestamp_an_hour_ahead_is_refused(world, fake_stripe, deliver, db, now):
    world.a.stripe_customer_id = fake_stripe.add_customer(practice_id=world.a.id)
    db.session.commit()
    sub = fake_stripe.add_subscription(world.a.stripe_customer_id)
    evt = fake_stripe.event("customer.subscription.updated", sub)
    response = deliver(evt, timestamp=int(now.timestamp()) + 3600)
    assert response.status_code == 400
    assert fake_stripe.requests == []
    # Clock skew within the tolerance is fine.
    assert deliver(evt, timestamp=int(now.timestamp()) + 60).status_code == 200


@pytest.mark.parametrize("payload", ["[]", "null", "42", '"text"', '{"id": 1}', "{}"])
def test_a_signed_body_that_is_not_an_event_is_a_400(client, fake_stripe, db, now, payload):
    response = _post(client, payload, signed(payload, WEBHOOK_SECRET, int(now.timestamp())))
    assert response.status_code == 400
    [logged] = db.session.scalars(select(StripeWebhookDelivery)).all()
    assert logged.outcome == "refused"


def test_a_30_mb_body_is_refused_before_it_is_read(client, fake_stripe, db, now):
    payload = json.dumps({"padding": "x" * (30 * 1024 * 1024)})
    response = _post(client, payload, signed("{}", WEBHOOK_SECRET, int(now.timestamp())))
    assert response.status_code == 413
    assert db.session.scalars(select(StripeWebhookDelivery)).all() == []
