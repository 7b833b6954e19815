"""Stripe webhook handling: log the delivery, record the event, re-fetch, update, once.

`receive` is the unit of work for one event and owns its transactions, like a
view: the event row and the practice update commit together; if handling
fails, that transaction is rolled back and the error is recorded on the event
row in a second one, so Stripe's retry (we answer 500) processes it again.
An event whose row is marked processed is a duplicate and does nothing.

Every delivery is also kept as received (`StripeWebhookDelivery`: headers, raw
body, whether the signature verified, what handling made of it), committed on
its own so that a refused or failed delivery is still there for support, and so
that `flask billing replay EVENT_ID` can feed it through `receive` again.
"""

import enum
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from coachhub.billing import services
from coachhub.billing.gateway import (
    Event,
    Gateway,
    Subscription,
    from_timestamp,
    invoice_subscription_id,
)
from coachhub.extensions import db
from coachhub.models import Practice, StripeEvent, StripeWebhookDelivery, utcnow

log = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "customer.subscription.trial_will_end",
        "customer.subscription.pending_update_applied",
        "customer.subscription.pending_update_expired",
    }
)
INVOICE_EVENTS = frozenset(
    {"invoice.paid", "invoice.payment_failed", "invoice.payment_action_required"}
)
CUSTOMER_EVENTS = frozenset({"customer.updated", "customer.deleted"})
# Also the events `flask billing setup-webhook` subscribes the endpoint to.
HANDLED_EVENTS = (
    SUBSCRIPTION_EVENTS | INVOICE_EVENTS | CUSTOMER_EVENTS | {"checkout.session.completed"}
)

MAX_LOGGED_BODY = 256 * 1024
# Never Stripe's, and not ours to keep.
UNLOGGED_HEADERS = frozenset({"cookie", "authorization"})


class Outcome(enum.StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"  # unknown type or not our customer: acknowledged, nothing to do
    FAILED = "failed"  # handling raised: rolled back, answered 500 so Stripe retries
    REFUSED = "refused"  # not accepted at all: bad signature, or the other mode's event


HTTP_STATUS = {Outcome.FAILED: 500, Outcome.REFUSED: 400}


@dataclass(frozen=True)
class Receipt:
    outcome: Outcome
    practice_id: int | None = None
    error: str | None = None

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.outcome, 200)


def receive(event: Event, gateway: Gateway, *, replay: bool = False) -> Receipt:
    """Process `event` once; commits. `replay` processes it again even if recorded."""
    if event.livemode != gateway.livemode:
        # A test event reaching the live server (or the reverse): a misconfigured endpoint.
        mode = "live" if event.livemode else "test"
        key = "live" if gateway.livemode else "test"
        error = f"livemode mismatch: a {mode}-mode event for a {key}-mode key"
        log.error("stripe event %s refused: %s", event.id, error)
        return Receipt(Outcome.REFUSED, error=error)
    row = db.session.get(StripeEvent, event.id)
    if row is not None and row.processed_at is not None and not replay:
        return Receipt(Outcome.DUPLICATE, row.practice_id)
    if row is None:
        row = StripeEvent(id=event.id, type=event.type, created=event.created)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            # Another worker stored it first (and held it until it committed).
            db.session.rollback()
            return Receipt(Outcome.DUPLICATE)
    try:
        outcome = _handle(event, gateway, row)
        row.processed_at = utcnow()
        row.error = None
        practice_id = row.practice_id
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("stripe event %s (%s) failed", event.id, event.type)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _record_failure(event, error)
        return Receipt(Outcome.FAILED, error=error)
    return Receipt(outcome, practice_id)


def _record_failure(event: Event, error: str) -> None:
    """Keep the error on the event row, in its own transaction."""
    row = db.session.get(StripeEvent, event.id)
    if row is None:
        row = StripeEvent(id=event.id, type=event.type, created=event.created)
        db.session.add(row)
    row.error = error
    row.processed_at = None
    db.session.commit()


def _customer_id(obj: dict) -> str | None:
    if obj.get("object") == "customer":
        return obj.get("id")
    customer = obj.get("customer")
    return customer.get("id") if isinstance(customer, dict) else customer


def _handle(event: Event, gateway: Gateway, row: StripeEvent) -> Outcome:
    if event.type not in HANDLED_EVENTS:
        log.info("stripe event %s of type %s ignored", event.id, event.type)
        return Outcome.IGNORED
    obj = event.object
    customer_id = _customer_id(obj)
    practice = None
    if customer_id:
        practice = db.session.scalars(
            select(Practice)
            .where(Practice.stripe_customer_id == customer_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if practice is None and event.type != "customer.deleted":
            # Perhaps ours, with the commit that linked it lost: Stripe's metadata says.
            # If Stripe cannot be asked, this raises and the event is retried later.
            practice = services.adopt_customer(customer_id, gateway)
    if practice is None:
        log.warning(
            "stripe event %s (%s) for unknown customer %s ignored",
            event.id,
            event.type,
            customer_id,
        )
        return Outcome.IGNORED
    row.practice_id = practice.id
    if event.type in CUSTOMER_EVENTS:
        services.sync_customer(practice, gateway)
        return Outcome.PROCESSED
    if event.type == "checkout.session.completed" and obj.get("client_reference_id") not in (
        None,
        str(practice.id),
    ):
        log.warning("checkout session %s names another practice; syncing by customer", obj["id"])

    pending_before = practice.pending_paid_seats
    current = services.sync_practice(practice, gateway, at=event.created)
    _notify(event, practice, current, pending_before)
    return Outcome.PROCESSED


def _notify(
    event: Event, practice: Practice, current: Subscription | None, pending_before: int | None
) -> None:
    """The owner's billing emails; dedupe keys from Stripe ids make repeats harmless."""
    obj = event.object
    if event.type == "customer.subscription.trial_will_end":
        services.notify_owner(
            practice,
            "trial_ending",
            f"stripe:trial_will_end:{obj['id']}:{obj.get('trial_end') or 0}",
            trial_end=from_timestamp(obj.get("trial_end")),
            subscribed=True,
        )
    elif event.type in ("invoice.payment_failed", "invoice.payment_action_required"):
        action_required = event.type == "invoice.payment_action_required"
        kind = "action_required" if action_required else "failed"
        services.notify_owner(
            practice,
            "payment_failed",
            f"stripe:payment_{kind}:{obj['id']}:{obj.get('attempt_count') or 0}",
            action_required=action_required,
            amount_due=obj.get("amount_due") or 0,
            currency=obj.get("currency") or "",
            invoice_url=obj.get("hosted_invoice_url"),
            subscription_id=invoice_subscription_id(obj),
        )
    elif event.type == "customer.subscription.pending_update_expired" and pending_before:
        services.notify_owner(
            practice,
            "seat_change_lapsed",
            f"stripe:pending_update_expired:{event.id}",
            requested_seats=pending_before,
            paid_seats=practice.paid_seats,
        )
    elif event.type == "customer.subscription.deleted" and (
        # Only when the practice is left without a live subscription (not a replaced one).
        current is None or not current.is_live
    ):
        services.notify_owner(
            practice, "subscription_canceled", f"stripe:subscription_canceled:{obj['id']}"
        )


# --- the delivery log ----------------------------------------------------------------------
def log_delivery(
    body: bytes, headers: dict[str, str], *, remote_addr: str | None, source: str = "stripe"
) -> int:
    """Store a delivery as received, committed at once; returns its id."""
    text = body.decode("utf-8", errors="replace")
    row = StripeWebhookDelivery(
        source=source,
        remote_addr=remote_addr,
        headers={k: v for k, v in headers.items() if k.lower() not in UNLOGGED_HEADERS},
        body=text[:MAX_LOGGED_BODY],
        body_truncated=len(text) > MAX_LOGGED_BODY,
        received_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def verified(delivery_id: int, event: Event) -> None:
    """Note on the delivery that its signature verified, and the event it carries."""
    row = db.session.get(StripeWebhookDelivery, delivery_id)
    assert row is not None
    row.signature_verified = True
    row.event_id = event.id
    row.event_type = event.type
    row.livemode = event.livemode
    row.api_version = event.api_version
    db.session.commit()


def finish_delivery(
    delivery_id: int,
    receipt: Receipt,
    *,
    http_status: int | None = None,
    verification_error: str | None = None,
) -> None:
    """Record what became of a delivery."""
    row = db.session.get(StripeWebhookDelivery, delivery_id)
    assert row is not None
    row.outcome = receipt.outcome.value
    row.http_status = http_status if http_status is not None else receipt.http_status
    row.error = receipt.error
    row.verification_error = verification_error
    row.practice_id = receipt.practice_id
    row.finished_at = utcnow()
    db.session.commit()


def latest_verified_delivery(event_id: str) -> StripeWebhookDelivery | None:
    """The newest complete, verified delivery of an event, for replaying it."""
    return db.session.scalars(
        select(StripeWebhookDelivery)
        .where(
            StripeWebhookDelivery.event_id == event_id,
            StripeWebhookDelivery.signature_verified.is_(True),
            StripeWebhookDelivery.body_truncated.is_(False),
            StripeWebhookDelivery.source == "stripe",
        )
        .order_by(StripeWebhookDelivery.id.desc())
        .limit(1)
    ).first()


def prune_deliveries(older_than: datetime) -> int:
    """Delete deliveries received before `older_than`; how many went."""
    result = db.session.execute(
        delete(StripeWebhookDelivery).where(StripeWebhookDelivery.received_at < older_than)
    )
    return result.rowcount
