"""Stripe webhook handling: record the event, re-fetch, update the practice, once.

`receive` is the unit of work for one event and owns its transactions, like a
view: the event row and the practice update commit together; if handling
fails, that transaction is rolled back and the error is recorded on the event
row in a second one, so Stripe's retry (we answer 500) processes it again.
An event whose row is marked processed is a duplicate and does nothing.
"""

import enum
import logging

from sqlalchemy import select
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
from coachhub.models import Practice, StripeEvent, utcnow

log = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "customer.subscription.trial_will_end",
    }
)
INVOICE_EVENTS = frozenset(
    {"invoice.paid", "invoice.payment_failed", "invoice.payment_action_required"}
)
HANDLED_EVENTS = SUBSCRIPTION_EVENTS | INVOICE_EVENTS | {"checkout.session.completed"}


class Outcome(enum.StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"  # unknown type or unknown customer: acknowledged, nothing to do
    FAILED = "failed"


def receive(event: Event, gateway: Gateway, *, replay: bool = False) -> Outcome:
    """Process `event` once; commits. `replay` processes it again even if recorded."""
    row = db.session.get(StripeEvent, event.id)
    if row is not None and row.processed_at is not None and not replay:
        return Outcome.DUPLICATE
    if row is None:
        row = StripeEvent(id=event.id, type=event.type, created=event.created)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            # Another worker stored it first (and held it until it committed).
            db.session.rollback()
            return Outcome.DUPLICATE
    try:
        outcome = _handle(event, gateway, row)
        row.processed_at = utcnow()
        row.error = None
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("stripe event %s (%s) failed", event.id, event.type)
        _record_failure(event, exc)
        return Outcome.FAILED
    return outcome


def _record_failure(event: Event, exc: Exception) -> None:
    """Keep the error on the event row, in its own transaction."""
    row = db.session.get(StripeEvent, event.id)
    if row is None:
        row = StripeEvent(id=event.id, type=event.type, created=event.created)
        db.session.add(row)
    row.error = f"{type(exc).__name__}: {exc}"[:2000]
    row.processed_at = None
    db.session.commit()


def _handle(event: Event, gateway: Gateway, row: StripeEvent) -> Outcome:
    if event.type not in HANDLED_EVENTS:
        log.info("stripe event %s of type %s ignored", event.id, event.type)
        return Outcome.IGNORED
    obj = event.object
    customer_id = obj.get("customer")
    if isinstance(customer_id, dict):
        customer_id = customer_id.get("id")
    practice = None
    if customer_id:
        practice = db.session.scalars(
            select(Practice)
            .where(Practice.stripe_customer_id == customer_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    if practice is None:
        log.warning(
            "stripe event %s (%s) for unknown customer %s ignored",
            event.id,
            event.type,
            customer_id,
        )
        return Outcome.IGNORED
    row.practice_id = practice.id
    if event.type == "checkout.session.completed" and obj.get("client_reference_id") not in (
        None,
        str(practice.id),
    ):
        log.warning("checkout session %s names another practice; syncing by customer", obj["id"])

    current = services.sync_practice(practice, gateway, at=event.created)
    _notify(event, practice, current)
    return Outcome.PROCESSED


def _notify(event: Event, practice: Practice, current: Subscription | None) -> None:
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
    elif event.type == "customer.subscription.deleted" and (
        # Only when the practice is left without a live subscription (not a replaced one).
        current is None or not current.is_live
    ):
        services.notify_owner(
            practice, "subscription_canceled", f"stripe:subscription_canceled:{obj['id']}"
        )
