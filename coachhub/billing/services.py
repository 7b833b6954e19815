"""Billing operations: subscribe, sync from Stripe, seat changes, billing emails.

Like every service these take the practice (and actor) explicitly, flush and
never commit. Stripe is reached only through a `Gateway` passed in.

Webhooks are the source of truth, but they only say *that* something changed:
`sync_practice` re-fetches the customer's subscriptions from Stripe and stores
the current one, so events arriving late, twice or out of order can never move
the practice's state backwards. The Checkout return page, the webhook handler
and `flask billing sync` all call it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from coachhub.billing.gateway import (
    Gateway,
    InvoicePreview,
    Subscription,
)
from coachhub.extensions import db
from coachhub.models import COACHING_ROLES, Membership, MemberStatus, Practice, Role, utcnow
from coachhub.notifications.outbox import queue_email
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.urls import external_url

REQUIRED_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_PRICE_ID", "STRIPE_WEBHOOK_SECRETS")
# Subscriptions the owner manages through the Customer Portal rather than a new Checkout.
PORTAL_STATUSES = frozenset({"trialing", "active", "past_due", "unpaid", "paused"})
# Stripe wants a subscription trial to end at least 48 hours ahead.
MIN_STRIPE_TRIAL = timedelta(hours=49)
# A repeated "Subscribe" within this window gets the same Checkout Session back.
CHECKOUT_KEY_WINDOW = 600


def missing_settings() -> list[str]:
    """The Stripe settings this server still needs before owners can subscribe."""
    return [name for name in REQUIRED_SETTINGS if not current_app.config.get(name)]


def seats_in_use(practice: Practice) -> int:
    """Paid seats needed: the active owner and coaches (clients are free)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.practice_id == practice.id,
            Membership.role.in_(COACHING_ROLES),
            Membership.status == MemberStatus.ACTIVE,
        )
    )


@dataclass(frozen=True)
class Seats:
    in_use: int
    paid: int
    subscribed: bool
    status: str | None = None

    @property
    def needs_change(self) -> bool:
        """A subscribed practice whose paid quantity no longer matches its coaches."""
        return self.subscribed and self.in_use != self.paid

    @property
    def next_coach_adds_seat(self) -> bool:
        """After the trial, with every paid seat taken: one more coach means one more seat."""
        return self.status in ("active", "past_due") and self.in_use >= self.paid


def seats(practice: Practice) -> Seats:
    """Seats in use against seats paid, for the billing and invitation pages."""
    subscribed = practice.subscription_status in PORTAL_STATUSES
    return Seats(
        in_use=seats_in_use(practice),
        paid=practice.paid_seats,
        subscribed=subscribed,
        status=practice.subscription_status,
    )


def owner_of(practice: Practice) -> Membership | None:
    """The practice's active owner (who gets the billing emails)."""
    return db.session.scalar(
        select(Membership)
        .where(
            Membership.practice_id == practice.id,
            Membership.role == Role.OWNER,
            Membership.status == MemberStatus.ACTIVE,
        )
        .options(db.joinedload(Membership.user))
    )


def lock_practice(practice: Practice) -> Practice:
    """Re-read the practice row under a lock (PostgreSQL) for the rest of the transaction."""
    return db.session.scalars(
        select(Practice)
        .where(Practice.id == practice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def ensure_customer(practice: Practice, actor: Membership, gateway: Gateway) -> str:
    """The practice's Stripe customer, created once.

    The row lock serialises concurrent clicks; the idempotency key makes Stripe
    return the same customer if our commit is lost after Stripe created it; the
    unique column refuses a second customer for the practice.
    """
    lock_practice(practice)
    if practice.stripe_customer_id:
        return practice.stripe_customer_id
    practice.stripe_customer_id = gateway.create_customer(
        practice_id=practice.id,
        name=practice.name,
        email=actor.user.email,
        idempotency_key=f"coachhub-practice-{practice.id}-customer",
    )
    db.session.flush()
    record(practice, actor.user, "billing.customer_created", practice)
    return practice.stripe_customer_id


def start_checkout(
    practice: Practice,
    actor: Membership,
    gateway: Gateway,
    *,
    price_id: str,
    success_url: str,
    cancel_url: str,
    now: datetime | None = None,
) -> str:
    """The URL of a Checkout Session subscribing the practice for its current seats."""
    now = now or utcnow()
    if practice.subscription_status in PORTAL_STATUSES:
        raise ServiceError("The practice already has a subscription: use Manage billing.")
    customer_id = ensure_customer(practice, actor, gateway)
    quantity = max(1, seats_in_use(practice))
    # Subscribing early keeps the rest of the free trial.
    trial_end = practice.trial_ends_at
    if trial_end is None or trial_end < now + MIN_STRIPE_TRIAL:
        trial_end = None
    window = int(now.timestamp()) // CHECKOUT_KEY_WINDOW
    trial_part = int(trial_end.timestamp()) if trial_end else 0
    session = gateway.create_checkout_session(
        customer_id=customer_id,
        price_id=price_id,
        quantity=quantity,
        practice_id=practice.id,
        success_url=success_url,
        cancel_url=cancel_url,
        trial_end=trial_end,
        idempotency_key=(
            f"coachhub-practice-{practice.id}-checkout-{price_id}-{quantity}-{trial_part}-{window}"
        ),
    )
    record(practice, actor.user, "billing.checkout_started", practice, quantity=quantity)
    if not session.url:
        raise ServiceError("Stripe did not return a Checkout page; try again.")
    return session.url


def portal_url(practice: Practice, gateway: Gateway, return_url: str) -> str:
    """A Customer Portal session for the practice's customer."""
    if not practice.stripe_customer_id:
        raise ServiceError("Subscribe first: there is no billing account to manage yet.")
    return gateway.create_portal_session(
        customer_id=practice.stripe_customer_id, return_url=return_url
    )


def choose_subscription(subscriptions: list[Subscription]) -> Subscription | None:
    """The practice's current subscription: the newest live one, else the newest of all."""
    if not subscriptions:
        return None
    live = [s for s in subscriptions if s.is_live]

    def newest(s: Subscription) -> float:
        return s.created.timestamp() if s.created else 0.0

    return max(live or subscriptions, key=newest)


def apply_subscription(practice: Practice, subscription: Subscription, at: datetime) -> None:
    """Copy Stripe's view of the subscription onto the practice."""
    practice.stripe_subscription_id = subscription.id
    practice.subscription_status = subscription.status
    practice.paid_seats = subscription.quantity
    practice.current_period_end = subscription.current_period_end
    practice.cancel_at_period_end = subscription.cancel_at_period_end
    if subscription.status == "past_due":
        # The grace period runs from the first failure, not from the latest retry.
        if practice.past_due_since is None or at < practice.past_due_since:
            practice.past_due_since = at
    elif subscription.status != "unpaid":
        practice.past_due_since = None


def sync_practice(
    practice: Practice, gateway: Gateway, *, at: datetime | None = None
) -> Subscription | None:
    """Re-fetch the customer's subscriptions from Stripe and store the current one.

    Idempotent; the caller should hold the practice row lock (`lock_practice`)
    so two syncs cannot interleave fetch and write.
    """
    if not practice.stripe_customer_id:
        return None
    current = choose_subscription(gateway.list_subscriptions(practice.stripe_customer_id))
    if current is not None:
        apply_subscription(practice, current, at or utcnow())
    db.session.flush()
    return current


def sync_checkout_return(practice: Practice, gateway: Gateway, session_id: str) -> bool:
    """After Checkout: sync if the session is this practice's; False when it is not."""
    session = gateway.retrieve_checkout_session(session_id)
    if (
        not practice.stripe_customer_id
        or session.customer_id != practice.stripe_customer_id
        or session.client_reference_id != str(practice.id)
    ):
        return False
    lock_practice(practice)
    sync_practice(practice, gateway)
    return True


def _require_subscription(practice: Practice, gateway: Gateway) -> Subscription:
    if not practice.stripe_subscription_id:
        raise ServiceError("There is no subscription to change yet.")
    subscription = gateway.retrieve_subscription(practice.stripe_subscription_id)
    if subscription.status not in ("active", "trialing", "past_due") or not subscription.item_id:
        raise ServiceError("Seats can be changed while the subscription is active.")
    return subscription


def _check_quantity(practice: Practice, quantity: int) -> None:
    in_use = seats_in_use(practice)
    if quantity < max(1, in_use):
        raise ServiceError(
            f"The practice has {in_use} active coaches (owner included): "
            f"keep at least {max(1, in_use)} seats, or archive coaches first.",
            "quantity",
        )


def preview_seat_change(
    practice: Practice, gateway: Gateway, quantity: int, proration_date: int
) -> InvoicePreview:
    """What changing to `quantity` seats would invoice now."""
    _check_quantity(practice, quantity)
    subscription = _require_subscription(practice, gateway)
    assert subscription.item_id is not None
    return gateway.preview_seat_change(
        customer_id=subscription.customer_id,
        subscription_id=subscription.id,
        item_id=subscription.item_id,
        quantity=quantity,
        proration_date=proration_date,
    )


def change_seats(
    practice: Practice, actor: Membership, gateway: Gateway, quantity: int, proration_date: int
) -> Subscription:
    """Set the subscription's quantity to `quantity`, prorated as previewed."""
    _check_quantity(practice, quantity)
    lock_practice(practice)
    subscription = _require_subscription(practice, gateway)
    assert subscription.item_id is not None
    if subscription.quantity != quantity:
        subscription = gateway.update_seats(
            subscription_id=subscription.id,
            item_id=subscription.item_id,
            quantity=quantity,
            proration_date=proration_date,
            idempotency_key=(
                f"coachhub-practice-{practice.id}-seats-{subscription.id}-{quantity}-{proration_date}"
            ),
        )
        record(practice, actor.user, "billing.seats_changed", practice, seats=subscription.quantity)
    apply_subscription(practice, subscription, utcnow())
    db.session.flush()
    return subscription


def notify_owner(practice: Practice, template: str, dedupe_key: str, **context) -> bool:
    """Queue a billing email to the practice owner (once per `dedupe_key`); True if queued."""
    owner = owner_of(practice)
    if owner is None:
        return False
    message = queue_email(
        template,
        owner.user.email,
        template,
        practice=practice,
        dedupe_key=dedupe_key,
        owner=owner.user,
        billing_url=external_url("billing.overview", practice_slug=practice.slug),
        **context,
    )
    return message is not None


def queue_trial_reminders(now: datetime | None = None) -> int:
    """Email owners whose free trial ends within 3 days and who have not subscribed."""
    now = now or utcnow()
    practices = db.session.scalars(
        select(Practice).where(
            Practice.subscription_status.is_(None),
            Practice.trial_ends_at > now,
            Practice.trial_ends_at <= now + timedelta(days=3),
        )
    ).all()
    queued = 0
    for practice in practices:
        assert practice.trial_ends_at is not None
        queued += notify_owner(
            practice,
            "trial_ending",
            f"trial-ending:{practice.id}:{practice.trial_ends_at:%Y%m%d}",
            trial_end=practice.trial_ends_at,
            subscribed=False,
        )
    return queued
