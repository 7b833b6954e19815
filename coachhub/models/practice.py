"""The tenant: a coaching practice."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import TimestampMixin, UTCDateTime


class Practice(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    trial_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The owner's rule: coaches and owners sign in with a second factor.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sessions: neither side may reschedule or cancel later than this many hours before.
    session_change_cutoff_hours: Mapped[int] = mapped_column(Integer, default=24)

    # Billing state, written only by the Stripe sync (see coachhub/billing).
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_status: Mapped[str | None] = mapped_column(String(32))
    paid_seats: Mapped[int] = mapped_column(Integer, default=0)
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    # A dated cancellation (the portal's "cancel on …", or at the period end): the last day.
    cancel_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    past_due_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A seat change waiting for its prorated payment (Stripe's pending update): the seats it
    # would bring, when Stripe drops it unpaid, and the invoice the owner can pay.
    pending_paid_seats: Mapped[int | None] = mapped_column(Integer)
    pending_seats_expire_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_invoice_url: Mapped[str | None] = mapped_column(String(2048))
    # Where Stripe sends invoices and receipts (the customer's email at Stripe).
    billing_email: Mapped[str | None] = mapped_column(String(255))
    # Branding: the accent colour (#rrggbb, checked for contrast) and the logo, kept in the file
    # store (coachhub/storage.py) under this key; both on the practice row, so every page that
    # loads the practice has them without a query of its own.
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    logo_key: Mapped[str | None] = mapped_column(String(64))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __repr__(self) -> str:
        return f"<Practice {self.slug}>"

    def today(self) -> date:
        """Today's date where the practice is: due dates and 'last 30 days' count from it."""
        from coachhub.models.base import utcnow

        return utcnow().astimezone(self.tz).date()

    @property
    def trial_days_left(self) -> int:
        """Whole days until the trial ends (0 once it has)."""
        from coachhub.models.base import utcnow

        if self.trial_ends_at is None:
            return 0
        seconds = (self.trial_ends_at - utcnow()).total_seconds()
        return max(0, -(-int(seconds) // 86400))
