"""POST /billing/stripe/webhook: signatures, idempotency, re-fetching, one transaction."""

import json
import logging
from datetime import timedelta

from sqlalchemy import delete, select

from coachhub.billing import services
from coachhub.models import OutboundEmail, StripeEvent, StripeWebhookDelivery
from tests.billing.conftest import PREVIOUS_WEBHOOK_SECRET, subscribe
from tests.billing.fake_stripe import signed
from tests.test_isolation import _fingerprint


def _customer(world, fake, db):
    world.a.stripe_customer_id = fake.add_customer(practice_id=world.a.id)
    db.session.commit()
    return world.a.stripe_customer_id


def _row(db, event_id) -> StripeEvent | None:
    db.session.expire_all()
    return db.session.get(StripeEvent, event_id)


def test_subscription_created_updates_the_practice_from_a_refetch(
    world, fake_stripe, deliver, db, now
):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(
        customer, quantity=3, period_end=int(now.timestamp()) + 86400
    )
    evt = fake_stripe.event("customer.subscription.created", sub)

    response = deliver(evt)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"status": "processed", "event": evt["id"]}
    db.session.expire_all()
    a = world.a
    assert (a.subscription_status, a.paid_seats, a.stripe_subscription_id) == (
        "active",
        3,
        sub["id"],
    )
    assert a.current_period_end == now + timedelta(days=1)  # read from the subscription item
    row = _row(db, evt["id"])
    assert row.processed_at == now and row.error is None and row.practice_id == a.id
    # Re-fetched from Stripe, not trusted from the payload.
    assert [r.path for r in fake_stripe.requests] == ["/v1/subscriptions"]
    assert fake_stripe.requests[0].params == {
        "customer": customer,
        "status": "all",
        "limit": "100",
        "expand": ["data.latest_invoice"],
    }


def test_previous_secret_still_verifies_during_rotation(world, fake_stripe, deliver, db):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(customer)
    response = deliver(
        fake_stripe.event("customer.subscription.updated", sub), secret=PREVIOUS_WEBHOOK_SECRET
    )
    assert response.status_code == 200


def _without_the_log(db) -> None:
    """Drop the webhook log's rows: they record every delivery, refused ones too."""
    db.session.execute(delete(StripeWebhookDelivery))
    db.session.commit()


def _refused(deliver, db, fake, **kw):
    before = _fingerprint()
    response = deliver(**kw)
    assert response.status_code == 400
    db.session.expire_all()
    [logged] = db.session.scalars(select(StripeWebhookDelivery)).all()
    assert logged.outcome == "refused" and not logged.signature_verified
    _without_the_log(db)
    assert _fingerprint() == before
    assert fake.requests == []
    return response


def test_bad_signature_is_refused_and_changes_nothing(world, fake_stripe, deliver, db):
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    _refused(
        deliver,
        db,
        fake_stripe,
        event=fake_stripe.event("customer.subscription.updated", sub),
        secret="whsec_wrong",
    )


def test_missing_signature_is_refused(world, fake_stripe, deliver, db):
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    _refused(
        deliver,
        db,
        fake_stripe,
        event=fake_stripe.event("customer.subscription.updated", sub),
        header="",
    )


def test_stale_timestamp_is_refused(world, fake_stripe, deliver, db, now):
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    evt = fake_stripe.event("customer.subscription.updated", sub)
    _refused(deliver, db, fake_stripe, event=evt, timestamp=int(now.timestamp()) - 301)
    # Within the 300-second tolerance it is fine.
    assert deliver(evt, timestamp=int(now.timestamp()) - 290).status_code == 200


def test_tampered_body_is_refused(world, fake_stripe, deliver, db):
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    evt = fake_stripe.event("customer.subscription.updated", sub)
    header = signed(json.dumps(evt, indent=2), "whsec_test_current")
    evt["data"]["object"]["customer"] = "cus_someone_else"
    _refused(deliver, db, fake_stripe, event=evt, header=header)


def test_re_serialised_body_does_not_verify(world, fake_stripe, deliver, db):
    """The signature covers the exact bytes Stripe sent; compact JSON of the same event fails."""
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    evt = fake_stripe.event("customer.subscription.updated", sub)
    header = signed(json.dumps(evt, indent=2), "whsec_test_current")
    _refused(deliver, db, fake_stripe, event=evt, header=header, body=json.dumps(evt))


def test_without_a_webhook_secret_the_endpoint_refuses_to_run(
    app, world, fake_stripe, deliver, db, caplog
):
    app.config["STRIPE_WEBHOOK_SECRETS"] = []
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    with caplog.at_level(logging.ERROR, logger="coachhub"):
        coachhub_logger = logging.getLogger("coachhub")
        coachhub_logger.addHandler(caplog.handler)
        try:
            response = deliver(fake_stripe.event("customer.subscription.updated", sub))
        finally:
            coachhub_logger.removeHandler(caplog.handler)
    assert response.status_code == 503
    assert "STRIPE_WEBHOOK_SECRETS" in caplog.text
    assert db.session.scalar(select(StripeEvent)) is None


def test_duplicate_delivery_is_acknowledged_and_does_nothing(world, fake_stripe, deliver, db):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(customer, status="past_due")
    invoice = fake_stripe.add_invoice(customer, sub["id"], status="open", attempt_count=1)
    evt = fake_stripe.event("invoice.payment_failed", invoice)

    assert deliver(evt).get_json()["status"] == "processed"
    calls = len(fake_stripe.requests)
    second = deliver(evt)

    assert second.status_code == 200
    assert second.get_json()["status"] == "duplicate"
    assert len(fake_stripe.requests) == calls
    emails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "payment_failed"))
    assert len(emails.all()) == 1


def test_updated_before_created_cannot_move_state_backwards(world, fake_stripe, deliver, db):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(customer, status="incomplete", quantity=3)
    created = fake_stripe.event("customer.subscription.created", dict(sub))  # snapshot: incomplete
    fake_stripe.update_subscription(sub["id"], status="active")
    updated = fake_stripe.event(
        "customer.subscription.updated", json.loads(json.dumps(sub))
    )  # active

    assert deliver(updated).status_code == 200
    assert deliver(created).status_code == 200  # arrives late, carrying the old state

    db.session.expire_all()
    assert world.a.subscription_status == "active"
    assert world.a.paid_seats == 3


def test_event_for_another_practices_customer_touches_only_that_practice(
    world, fake_stripe, deliver, db
):
    _customer(world, fake_stripe, db)
    world.b.stripe_customer_id = fake_stripe.add_customer(practice_id=world.b.id)
    db.session.commit()
    sub_b = fake_stripe.add_subscription(world.b.stripe_customer_id, quantity=2)
    session = fake_stripe.build(
        "checkout.session",
        mode="subscription",
        status="complete",
        customer=world.b.stripe_customer_id,
        subscription=sub_b["id"],
        # Claims to be practice A: the customer, not the claim, decides.
        client_reference_id=str(world.a.id),
    )

    assert deliver(fake_stripe.event("checkout.session.completed", session)).status_code == 200

    db.session.expire_all()
    assert world.b.subscription_status == "active" and world.b.paid_seats == 2
    assert world.a.subscription_status is None and world.a.stripe_subscription_id is None


def test_unknown_customer_is_logged_and_ignored(world, fake_stripe, deliver, db):
    sub = fake_stripe.add_subscription(fake_stripe.add_customer())
    before = _fingerprint()
    evt = fake_stripe.event("customer.subscription.updated", sub)

    response = deliver(evt)

    assert response.status_code == 200
    assert response.get_json()["status"] == "ignored"
    row = _row(db, evt["id"])
    assert row.processed_at is not None and row.practice_id is None
    db.session.delete(row)
    _without_the_log(db)
    assert _fingerprint() == before


def test_unknown_event_type_is_acknowledged_and_ignored(world, fake_stripe, deliver, db):
    _customer(world, fake_stripe, db)
    tax_id = fake_stripe.build("tax_id", customer=world.a.stripe_customer_id, value="123")
    evt = fake_stripe.event("customer.tax_id.created", tax_id)
    response = deliver(evt)
    assert response.status_code == 200
    assert response.get_json()["status"] == "ignored"
    assert fake_stripe.requests == []


def test_a_failing_handler_rolls_back_records_the_error_and_is_retried(
    world, fake_stripe, deliver, db, monkeypatch
):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(customer, status="past_due", quantity=4)
    invoice = fake_stripe.add_invoice(customer, sub["id"], status="open")
    evt = fake_stripe.event("invoice.payment_failed", invoice)

    def broken(*args, **kwargs):
        raise RuntimeError("mail template exploded")

    monkeypatch.setattr(services, "notify_owner", broken)
    response = deliver(evt)

    assert response.status_code == 500
    db.session.expire_all()
    # The sync ran before the failure, and was rolled back with it.
    assert world.a.subscription_status is None and world.a.paid_seats == 0
    assert world.a.past_due_since is None
    row = _row(db, evt["id"])
    assert row.processed_at is None
    assert "mail template exploded" in row.error

    monkeypatch.undo()
    retry = deliver(evt)  # Stripe retries after a 500
    assert retry.get_json()["status"] == "processed"
    db.session.expire_all()
    assert world.a.subscription_status == "past_due" and world.a.paid_seats == 4
    row = _row(db, evt["id"])
    assert row.processed_at is not None and row.error is None


def test_stripe_unreachable_during_refetch_returns_500(world, fake_stripe, deliver, db):
    sub = fake_stripe.add_subscription(_customer(world, fake_stripe, db))
    fake_stripe.fail_next("GET", "/v1/subscriptions", status=503, message="down")
    evt = fake_stripe.event("customer.subscription.updated", sub)
    assert deliver(evt).status_code == 500
    assert "GatewayError" in _row(db, evt["id"]).error


def test_payment_failed_starts_the_grace_period_and_emails_the_owner(
    world, fake_stripe, deliver, db, now, outbox
):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(customer, status="past_due", quantity=3)
    invoice = fake_stripe.add_invoice(
        customer, sub["id"], status="open", amount_due=8700, attempt_count=1
    )

    assert deliver(fake_stripe.event("invoice.payment_failed", invoice)).status_code == 200

    db.session.expire_all()
    assert world.a.subscription_status == "past_due"
    assert world.a.past_due_since == now
    [email] = outbox(world.owner_a.user.email)
    assert email.kind == "payment_failed"
    assert "failed" in email.subject and "Alpha Coaching" in email.subject
    assert "87.00 NZD" in email.body_text
    assert "/p/alpha/billing/" in email.body_text
    assert email.dedupe_key == f"stripe:payment_failed:{invoice['id']}:1"


def test_invoice_paid_after_past_due_clears_the_grace(world, fake_stripe, deliver, db, now):
    customer = _customer(world, fake_stripe, db)
    sub = subscribe(world.a, fake_stripe, db, status="past_due")
    world.a.past_due_since = now - timedelta(days=3)
    db.session.commit()
    fake_stripe.update_subscription(sub["id"], status="active")
    invoice = fake_stripe.add_invoice(customer, sub["id"], status="paid")

    assert deliver(fake_stripe.event("invoice.paid", invoice)).status_code == 200

    db.session.expire_all()
    assert world.a.subscription_status == "active"
    assert world.a.past_due_since is None


def test_payment_action_required_emails_the_owner(world, fake_stripe, deliver, db, outbox):
    customer = _customer(world, fake_stripe, db)
    sub = fake_stripe.add_subscription(customer, status="past_due")
    invoice = fake_stripe.add_invoice(customer, sub["id"], status="open")
    deliver(fake_stripe.event("invoice.payment_action_required", invoice))
    [email] = outbox(world.owner_a.user.email)
    assert "confirm" in email.subject
    assert invoice["hosted_invoice_url"] in email.body_text


def test_trial_will_end_emails_the_owner_once(world, fake_stripe, deliver, db, now, outbox):
    customer = _customer(world, fake_stripe, db)
    trial_end = int((now + timedelta(days=3)).timestamp())
    sub = fake_stripe.add_subscription(customer, status="trialing", trial_end=trial_end)
    deliver(fake_stripe.event("customer.subscription.trial_will_end", sub))
    deliver(
        fake_stripe.event("customer.subscription.trial_will_end", sub)
    )  # a second event, same trial
    [email] = outbox(world.owner_a.user.email)
    assert email.kind == "trial_ending"
    assert "05 Mar 2026" in email.subject


def test_subscription_deleted_makes_the_practice_read_only_and_emails(
    world, fake_stripe, deliver, db, now, outbox
):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    fake_stripe.update_subscription(sub["id"], status="canceled")
    with_trial_over = now + timedelta(days=20)
    deliver(fake_stripe.event("customer.subscription.deleted", sub))

    db.session.expire_all()
    assert world.a.subscription_status == "canceled"
    from coachhub.billing.access import access_for

    assert not access_for(world.a, with_trial_over).can_write
    [email] = outbox(world.owner_a.user.email)
    assert email.kind == "subscription_canceled"
    # Nothing was deleted: the coaches and clients are all still there.
    assert services.seats_in_use(world.a) == 3


def test_deleting_an_old_subscription_does_not_replace_the_current_one(
    world, fake_stripe, deliver, db, now, outbox
):
    customer = _customer(world, fake_stripe, db)
    old = fake_stripe.add_subscription(
        customer, status="canceled", created=int(now.timestamp()) - 86400
    )
    current = fake_stripe.add_subscription(customer, status="active", quantity=3)

    deliver(fake_stripe.event("customer.subscription.deleted", old))

    db.session.expire_all()
    assert world.a.stripe_subscription_id == current["id"]
    assert world.a.subscription_status == "active"
    assert outbox(world.owner_a.user.email) == []
