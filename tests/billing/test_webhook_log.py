"""The webhook log: every delivery kept as received, shown to operators, replayable by event id."""

import json

from sqlalchemy import select

from coachhub.models import StripeEvent
from coachhub.models.billing import StripeWebhookDelivery
from tests.billing.conftest import WEBHOOK_SECRET, subscribe
from tests.billing.fake_stripe import signed


def _deliveries(db) -> list[StripeWebhookDelivery]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(StripeWebhookDelivery).order_by(StripeWebhookDelivery.id))
    )


def test_a_processed_delivery_is_logged_with_headers_and_raw_body(
    world, fake_stripe, deliver, db, now
):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    evt = fake_stripe.event("customer.subscription.updated", sub)

    deliver(evt)

    [row] = _deliveries(db)
    assert row.event_id == evt["id"] and row.event_type == "customer.subscription.updated"
    assert row.signature_verified is True and row.verification_error is None
    assert row.outcome == "processed" and row.http_status == 200 and row.error is None
    assert row.body == json.dumps(evt, indent=2)  # the exact bytes Stripe sent
    assert row.headers["Stripe-Signature"].startswith("t=")
    assert row.headers["Content-Type"] == "application/json"
    assert row.practice_id == world.a.id
    assert row.received_at == now and row.livemode is False
    assert row.source == "stripe"


def test_a_bad_signature_is_logged_as_refused(world, fake_stripe, deliver, db):
    sub = subscribe(world.a, fake_stripe, db)
    deliver(fake_stripe.event("customer.subscription.updated", sub), secret="whsec_wrong")
    [row] = _deliveries(db)
    assert row.signature_verified is False
    assert "No signatures found" in row.verification_error
    assert row.outcome == "refused" and row.http_status == 400
    assert row.event_id is None  # an unverified body names nothing we trust


def test_failures_and_duplicates_are_logged(world, fake_stripe, deliver, db):
    sub = subscribe(world.a, fake_stripe, db)
    evt = fake_stripe.event("customer.subscription.updated", sub)
    fake_stripe.fail_next("GET", "/v1/subscriptions", 503, "Stripe is down")
    deliver(evt)
    deliver(evt)
    deliver(evt)
    failed, processed, duplicate = _deliveries(db)
    assert (failed.outcome, failed.http_status) == ("failed", 500)
    assert "Stripe is down" in failed.error
    assert (processed.outcome, duplicate.outcome) == ("processed", "duplicate")


def test_an_oversized_body_is_kept_truncated(world, fake_stripe, client, db):
    body = "x" * 300_000
    client.post(
        "/billing/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": signed(body, WEBHOOK_SECRET)},
        content_type="application/json",
    )
    [row] = _deliveries(db)
    assert len(row.body) == 256 * 1024 and row.body_truncated is True
    assert row.outcome == "refused"


def test_webhook_log_lists_and_shows_deliveries(world, fake_stripe, deliver, runner, db):
    sub = subscribe(world.a, fake_stripe, db)
    evt = fake_stripe.event("customer.subscription.updated", sub)
    deliver(evt)
    deliver(evt, secret="whsec_wrong")

    listing = runner.invoke(args=["billing", "webhook-log"])

    assert listing.exit_code == 0, listing.output
    lines = listing.output.strip().splitlines()
    assert evt["id"] in lines[-2] and "processed" in lines[-2] and "200" in lines[-2]
    assert "refused" in lines[-1] and "bad signature" in lines[-1]
    failed_only = runner.invoke(args=["billing", "webhook-log", "--failed"])
    assert evt["id"] not in failed_only.output and "refused" in failed_only.output

    first = _deliveries(db)[0]
    detail = runner.invoke(args=["billing", "webhook-log", str(first.id)])
    assert detail.exit_code == 0
    assert f"Event: {evt['id']} customer.subscription.updated" in detail.output
    assert "Stripe-Signature: t=" in detail.output
    assert '"type": "customer.subscription.updated"' in detail.output
    assert runner.invoke(args=["billing", "webhook-log", "999999"]).exit_code == 1


def test_webhook_log_with_nothing_logged(runner, db):
    result = runner.invoke(args=["billing", "webhook-log"])
    assert result.exit_code == 0
    assert "No webhook deliveries logged" in result.output


def test_replay_an_event_from_the_log(world, fake_stripe, deliver, runner, db):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    fake_stripe.update_subscription(sub["id"], quantity=5)
    evt = fake_stripe.event("customer.subscription.updated", sub)
    fake_stripe.fail_next("GET", "/v1/subscriptions", 503, "Stripe is down")
    deliver(evt)  # failed; Stripe would retry, but support replays it now

    result = runner.invoke(args=["billing", "replay", evt["id"]])

    assert result.exit_code == 0, result.output
    assert f"{evt['id']} (customer.subscription.updated) from delivery #" in result.output
    assert result.output.strip().endswith("processed")
    db.session.expire_all()
    assert world.a.paid_seats == 5
    assert db.session.get(StripeEvent, evt["id"]).processed_at is not None
    replayed = _deliveries(db)[-1]
    assert replayed.source == "replay" and replayed.outcome == "processed"
    assert fake_stripe.sent("GET", r"/v1/events/.*") == []  # the log had it


def test_replay_fetches_an_event_the_log_does_not_have_from_stripe(world, fake_stripe, runner, db):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    fake_stripe.update_subscription(sub["id"], quantity=4)
    evt = fake_stripe.event("customer.subscription.updated", sub)  # never delivered

    result = runner.invoke(args=["billing", "replay", evt["id"]])

    assert result.exit_code == 0, result.output
    assert "fetched from Stripe" in result.output
    [call] = fake_stripe.sent("GET", r"/v1/events/.*")
    assert call.path == f"/v1/events/{evt['id']}"
    db.session.expire_all()
    assert world.a.paid_seats == 4


def test_replay_twice_is_harmless(world, fake_stripe, deliver, runner, db):
    sub = subscribe(world.a, fake_stripe, db, quantity=2)
    evt = fake_stripe.event("customer.subscription.updated", sub)
    deliver(evt)
    for _ in range(2):
        result = runner.invoke(args=["billing", "replay", evt["id"]])
        assert result.exit_code == 0 and "processed" in result.output
    db.session.expire_all()
    assert world.a.paid_seats == 2


def test_replay_of_an_unknown_event(fake_stripe, runner, db):
    result = runner.invoke(args=["billing", "replay", "evt_nope"])
    assert result.exit_code == 1
    assert "evt_nope is not in the webhook log and Stripe does not know it" in result.output


def test_prune_keeps_recent_deliveries(world, fake_stripe, deliver, runner, db, time_travel, now):
    from datetime import timedelta

    sub = subscribe(world.a, fake_stripe, db)
    deliver(fake_stripe.event("customer.subscription.updated", sub))
    time_travel(now + timedelta(days=40))
    deliver(fake_stripe.event("customer.subscription.updated", sub))

    result = runner.invoke(args=["billing", "prune-webhook-log", "--days", "30"])

    assert result.exit_code == 0 and "1 delivery(ies) older than 30 days deleted" in result.output
    assert len(_deliveries(db)) == 1
