"""Billing operations: subscribe, sync from Stripe, seat changes, billing emails.

Like every service these take the practice (and actor) explicitly, flush and
never commit. Stripe is reached only through a `Gateway` passed in.

Webhooks are the source of truth, but they only say *that* something changed:
`sync_practice` re-fetches the customer's subscriptions from Stripe and stores
the current one (`sync_customer` does the same for the customer), so events
arriving late, twice or out of order can never move the practice's state
backwards. The Checkout return page, the webhook handler and
`flask billing sync` all call it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coachhub.billing.gateway import (
    CustomerGone,
    Gateway,
    GatewayError,
    InvoicePreview,
    Price,
    Subscription,
)
from coachhub.extensions import db
from coachhub.models import (
    COACHING_ROLES,
    AuditEvent,
    Membership,
    MemberStatus,
    Practice,
    Role,
    StripeInstall,
    User,
    utcnow,
)
from coachhub.models.billing import new_install_key
from coachhub.notifications.outbox import queue_email
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.urls import external_url

log = logging.getLogger(__name__)

REQUIRED_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_PRICE_ID", "STRIPE_WEBHOOK_SECRETS")
# Subscriptions the owner manages through the Customer Portal rather than a new Checkout.
PORTAL_STATUSES = frozenset({"trialing", "active", "past_due", "unpaid", "paused"})
# Stripe wants a subscription trial to end at least 48 hours ahead.
MIN_STRIPE_TRIAL = timedelta(hours=49)
# A repeated "Subscribe" within this window gets the same Checkout Session back.
CHECKOUT_KEY_WINDOW = 600
# A seat-change confirmation must come within this many seconds of its priced preview.
PRORATION_MAX_AGE = 600
# Prices change rarely; the public pricing page must not call Stripe per visitor.
PRICE_CACHE_TTL = timedelta(hours=1)


class StalePreview(ServiceError):
    """The confirmation does not carry a fresh preview of this change: price it again."""


class CustomerForgotten(ServiceError):
    """Stripe no longer had the practice's customer; the practice was unlinked (commit it)."""


def missing_settings() -> list[str]:
    """The Stripe settings this server still needs before owners can subscribe."""
    return [name for name in REQUIRED_SETTINGS if not current_app.config.get(name)]


# --- this install ---------------------------------------------------------------------
def install_id() -> str:
    """This database's id at Stripe, made once (normally by the migration that adds it)."""
    row = db.session.get(StripeInstall, 1)
    if row is not None:
        return row.key
    row = StripeInstall(id=1, key=new_install_key())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another process made it first
        row = db.session.get(StripeInstall, 1)
        assert row is not None
    return row.key


def idempotency_prefix() -> str:
    """The start of every idempotency key this install sends."""
    return f"coachhub-{install_id()}"


def customer_metadata(practice: Practice) -> dict[str, str]:
    """What CoachHub writes on the practice's Stripe objects, to recognise them later."""
    return {"practice_id": str(practice.id), "coachhub_install": install_id()}


# --- seats ------------------------------------------------------------------------------
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


# --- the customer -------------------------------------------------------------------------
def _forgotten_customers(practice: Practice) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.practice_id == practice.id,
            AuditEvent.action == "billing.customer_forgotten",
        )
    )


def ensure_customer(practice: Practice, actor: Membership, gateway: Gateway) -> str:
    """The practice's Stripe customer, created once.

    The row lock serialises concurrent clicks; the idempotency key makes Stripe
    return the same customer if our commit is lost after Stripe created it; the
    unique column refuses a second customer for the practice. The key counts the
    customers forgotten before, so a new customer after a deletion really is new.
    """
    lock_practice(practice)
    if practice.stripe_customer_id:
        return practice.stripe_customer_id
    generation = _forgotten_customers(practice)
    practice.stripe_customer_id = gateway.create_customer(
        name=practice.name,
        email=actor.user.email,
        metadata=customer_metadata(practice),
        idempotency_key=f"{idempotency_prefix()}-practice-{practice.id}-customer-{generation}",
    )
    practice.billing_email = actor.user.email
    db.session.flush()
    record(practice, actor.user, "billing.customer_created", practice)
    return practice.stripe_customer_id


def forget_customer(practice: Practice, actor: User | None, reason: str) -> None:
    """Unlink a customer Stripe no longer has: its subscriptions ended with it.

    The practice keeps everything else; a running free trial goes on, a
    subscribed practice counts as canceled, and the next Subscribe makes a new
    customer.
    """
    old = practice.stripe_customer_id
    if practice.subscription_status is not None:
        practice.subscription_status = "canceled"
    practice.stripe_customer_id = None
    practice.stripe_subscription_id = None
    practice.paid_seats = 0
    practice.current_period_end = None
    practice.cancel_at_period_end = False
    practice.cancel_at = None
    practice.past_due_since = None
    practice.pending_paid_seats = None
    practice.pending_seats_expire_at = None
    practice.pending_invoice_url = None
    practice.billing_email = None
    record(practice, actor, "billing.customer_forgotten", practice, customer=old, reason=reason)
    db.session.flush()
    log.warning("practice %s: Stripe customer %s forgotten (%s)", practice.slug, old, reason)


def sync_customer(practice: Practice, gateway: Gateway) -> None:
    """Re-fetch the practice's customer: keep its billing email, or forget it if deleted."""
    if not practice.stripe_customer_id:
        return
    customer = gateway.retrieve_customer(practice.stripe_customer_id)
    if customer.deleted:
        forget_customer(practice, None, "deleted at Stripe")
        return
    practice.billing_email = customer.email
    db.session.flush()


def adopt_customer(customer_id: str, gateway: Gateway) -> Practice | None:
    """The practice an unlinked customer of ours belongs to, now linked; None if not ours.

    A customer is ours when its metadata names this install and a practice that has
    no customer yet: Stripe created it, but the commit that saved its id was lost.
    """
    customer = gateway.retrieve_customer(customer_id)
    if customer.deleted or customer.metadata.get("coachhub_install") != install_id():
        return None
    try:
        practice_id = int(customer.metadata.get("practice_id", ""))
    except ValueError:
        return None
    practice = db.session.scalars(
        select(Practice)
        .where(Practice.id == practice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if practice is not None and practice.stripe_customer_id == customer.id:
        return practice  # linked meanwhile, by the Subscribe whose commit we waited for
    if practice is None or practice.stripe_customer_id is not None:
        return None
    practice.stripe_customer_id = customer.id
    practice.billing_email = customer.email
    db.session.flush()
    record(practice, None, "billing.customer_linked", practice, customer=customer.id)
    return practice


# --- Checkout and the portal --------------------------------------------------------------
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
    config = current_app.config

    def checkout(customer: str):
        window = int(now.timestamp()) // CHECKOUT_KEY_WINDOW
        trial_part = int(trial_end.timestamp()) if trial_end else 0
        return gateway.create_checkout_session(
            customer_id=customer,
            price_id=price_id,
            quantity=quantity,
            metadata=customer_metadata(practice),
            client_reference_id=str(practice.id),
            success_url=success_url,
            cancel_url=cancel_url,
            trial_end=trial_end,
            automatic_tax=config["STRIPE_AUTOMATIC_TAX"],
            allow_promotion_codes=config["STRIPE_ALLOW_PROMOTION_CODES"],
            idempotency_key=(
                f"{idempotency_prefix()}-practice-{practice.id}-checkout-{customer}"
                f"-{price_id}-{quantity}-{trial_part}-{window}"
            ),
        )

    try:
        session = checkout(customer_id)
    except CustomerGone:
        # Deleted at Stripe and the webhook missed: start again with a new customer, once.
        forget_customer(practice, actor.user, "missing at Stripe (Checkout)")
        session = checkout(ensure_customer(practice, actor, gateway))
    record(practice, actor.user, "billing.checkout_started", practice, quantity=quantity)
    if not session.url:
        raise ServiceError("Stripe did not return a Checkout page; try again.")
    return session.url


def portal_url(practice: Practice, actor: Membership, gateway: Gateway, return_url: str) -> str:
    """A Customer Portal session for the practice's customer."""
    if not practice.stripe_customer_id:
        raise ServiceError("Subscribe first: there is no billing account to manage yet.")
    try:
        return gateway.create_portal_session(
            customer_id=practice.stripe_customer_id, return_url=return_url
        )
    except CustomerGone:
        lock_practice(practice)
        forget_customer(practice, actor.user, "missing at Stripe (portal)")
        raise CustomerForgotten(
            "The practice's billing account was deleted at Stripe. "
            "Subscribe again to start a new one; nothing in the practice was lost."
        ) from None


# --- syncing from Stripe -------------------------------------------------------------------
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
    practice.cancel_at = subscription.cancel_at
    if subscription.status == "past_due":
        # The grace period runs from the first failure, not from the latest retry.
        if practice.past_due_since is None or at < practice.past_due_since:
            practice.past_due_since = at
    elif subscription.status != "unpaid":
        practice.past_due_since = None
    # A seat change waiting for its payment: the seats stay as they are until it is paid.
    pending = subscription.pending_quantity
    invoice = subscription.latest_invoice
    practice.pending_paid_seats = pending
    practice.pending_seats_expire_at = subscription.pending_expires_at if pending else None
    practice.pending_invoice_url = (
        invoice.hosted_invoice_url if pending and invoice and invoice.status == "open" else None
    )


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


# --- seat changes --------------------------------------------------------------------------
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


def _proration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="billing-proration")


def proration_token(practice: Practice, quantity: int, proration_date: int) -> str:
    """A signed note of the preview shown: this practice, this quantity, priced at this time."""
    return _proration_serializer().dumps(
        {"practice": practice.id, "quantity": quantity, "date": proration_date}
    )


def proration_date_from(practice: Practice, quantity: int, token: str | None) -> int:
    """The proration date of the preview the owner confirmed; StalePreview if it is not one.

    The date is the server's: a confirmation cannot choose its own (a date far in
    the future would shrink the prorated charge), and must follow its preview
    within PRORATION_MAX_AGE.
    """
    try:
        data = _proration_serializer().loads(token or "", max_age=PRORATION_MAX_AGE)
    except SignatureExpired:
        raise StalePreview(
            f"The price shown was more than {PRORATION_MAX_AGE // 60} minutes old. "
            "Review the price again below, then confirm.",
            "quantity",
        ) from None
    except BadSignature:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("practice") != practice.id
        or data.get("quantity") != quantity
        or not isinstance(data.get("date"), int)
    ):
        raise StalePreview(
            "Review the price again below, then confirm: the confirmation did not match "
            "the price shown.",
            "quantity",
        )
    return data["date"]


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
        automatic_tax=current_app.config["STRIPE_AUTOMATIC_TAX"],
    )


def change_seats(
    practice: Practice, actor: Membership, gateway: Gateway, quantity: int, proration_date: int
) -> Subscription:
    """Ask for `quantity` seats, prorated as previewed.

    If the prorated payment fails, Stripe keeps the old quantity and holds the change
    as pending until its invoice is paid (or the change lapses); the practice then
    shows the pending seats and the invoice to pay.
    """
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
                f"{idempotency_prefix()}-practice-{practice.id}-seats-{subscription.id}"
                f"-{quantity}-{proration_date}"
            ),
        )
        if subscription.pending_quantity is not None:
            record(practice, actor.user, "billing.seats_pending", practice, seats=quantity)
        else:
            record(practice, actor.user, "billing.seats_changed", practice, seats=quantity)
    apply_subscription(practice, subscription, utcnow())
    db.session.flush()
    return subscription


# --- prices ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prices:
    monthly: Price | None
    yearly: Price | None


def _configured_price(amount: int | None, interval: str) -> Price | None:
    config = current_app.config
    if amount is None or not config["PRICING_CURRENCY"]:
        return None
    return Price(
        id=f"configured-{interval}",
        unit_amount=amount,
        currency=config["PRICING_CURRENCY"],
        interval=interval,
    )


def _stripe_price(gateway: Gateway, price_id: str, fallback: Price | None) -> Price | None:
    cache = current_app.extensions.setdefault("billing_price_cache", {})
    now = utcnow()
    cached = cache.get(price_id)
    if cached is not None and now - cached[0] < PRICE_CACHE_TTL:
        return cached[1]
    try:
        price = gateway.retrieve_price(price_id)
    except GatewayError as error:
        log.warning("price %s not read from Stripe: %s", price_id, error.message)
        return fallback
    cache[price_id] = (now, price)
    return price


def display_prices(gateway: Gateway | None) -> Prices:
    """The per-seat prices to show: Stripe's (read once an hour), or the configured ones."""
    config = current_app.config
    monthly = _configured_price(config["PRICING_MONTHLY_AMOUNT"], "month")
    yearly = _configured_price(config["PRICING_YEARLY_AMOUNT"], "year")
    if gateway is None:
        return Prices(monthly, yearly)
    return Prices(
        _stripe_price(gateway, config["STRIPE_PRICE_ID"], monthly)
        if config["STRIPE_PRICE_ID"]
        else None,
        _stripe_price(gateway, config["STRIPE_YEARLY_PRICE_ID"], yearly)
        if config["STRIPE_YEARLY_PRICE_ID"]
        else None,
    )


# --- emails ---------------------------------------------------------------------------------
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
