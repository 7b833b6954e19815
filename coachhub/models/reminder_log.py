"""Which reminder lines went to whom, on which local day: the memory behind escalation."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, UTCDateTime, utcnow


class SentReminderItem(TenantMixin, db.Model):
    """One line (a `ReminderItem.key`, e.g. "followup:42") in one member's email of one day.

    Written by `flask send-reminders` in the transaction that queues the email.
    "Reminded on three days and still not done" is a count of distinct
    `sent_on` per (membership, item_key).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recipient. The unique constraint's index (membership first) serves the lookups.
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    # A key of coachhub.notifications.kinds.KINDS.
    kind: Mapped[str] = mapped_column(String(40))
    item_key: Mapped[str] = mapped_column(String(80))
    # The practice's local date of the email (the day part of its dedupe key).
    sent_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Per kind as well: two kinds of email to one member may mention the same thing.
    __table_args__ = (UniqueConstraint("membership_id", "item_key", "sent_on", "kind"),)
