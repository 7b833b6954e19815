"""What each member wants to hear from us: email preferences and calendar feeds."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime
from coachhub.models.user import Membership


class NotificationPreference(TenantMixin, TimestampMixin, db.Model):
    """A member's choice for one optional kind of email; no row means the kind's default."""

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    # A key of coachhub.notifications.kinds.KINDS (e.g. "client_daily_reminder").
    kind: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Weekly kinds only: 0 = Monday ... 6 = Sunday, in the practice's timezone.
    weekday: Mapped[int | None] = mapped_column(Integer)
    # Event kinds only (the inbox): "instant", "digest" or "off"; None means the default.
    mode: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (UniqueConstraint("membership_id", "kind"),)


class CalendarToken(TenantMixin, TimestampMixin, db.Model):
    """The secret of a member's private iCalendar URL; only its SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # One feed per membership: regenerating replaces the hash, revoking deletes the row.
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()
