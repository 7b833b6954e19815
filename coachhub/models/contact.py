"""A client's contacts: the people they network with, and who introduced whom."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum
from coachhub.models.tenant import ClientOwnedMixin


class Contact(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(120), default="")
    industry: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    profile_url: Mapped[str] = mapped_column(String(500), default="")
    how_met: Mapped[str] = mapped_column(String(255), default="")
    introduced_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    # Keep in touch every N days; None means no cadence (never stale).
    cadence_days: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Derived by services.contacts.refresh_touch: the latest meeting log or touch of any kind.
    last_touched_on: Mapped[date | None] = mapped_column(Date)
    # The latest touch outside a meeting log (Touch rows), kept here for the aggregate queries.
    manual_touch_on: Mapped[date | None] = mapped_column(Date)
    # last touch (or the day the contact was added) + cadence: stale once it is past.
    touch_due_on: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    introduced_by: Mapped["Contact | None"] = relationship(
        remote_side="Contact.id", foreign_keys=[introduced_by_contact_id]
    )

    __table_args__ = (
        # Contact list (by name) and the stale list (by touch_due_on) per client.
        Index("ix_contact_client_archived_name", "client_membership_id", "archived_at", "name"),
        Index("ix_contact_client_touch_due", "client_membership_id", "touch_due_on"),
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.name!r}>"


class TouchKind(enum.StrEnum):
    """Contact outside a logged meeting; a meeting itself is a meeting log."""

    EMAIL = "email"
    CALL = "call"
    MESSAGE = "message"
    SOCIAL = "social"
    EVENT = "event"
    OTHER = "other"


class Touch(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """The client was in touch with a contact: an email, a call, a message, a like, an event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    kind: Mapped[TouchKind] = mapped_column(str_enum(TouchKind))
    touched_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # Set when the touch is a meeting's follow-up being done (the thank-you email, the call).
    meeting_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_log.id", ondelete="SET NULL"), index=True
    )

    contact: Mapped[Contact] = relationship()

    __table_args__ = (
        # A contact's timeline and latest touch.
        Index("ix_touch_contact_touched_on", "contact_id", "touched_on"),
    )


class LedgerDirection(enum.StrEnum):
    GAVE = "gave"
    RECEIVED = "received"


class LedgerKind(enum.StrEnum):
    INFORMATION = "information"
    INTRODUCTION = "introduction"
    HELP = "help"
    ARTICLE = "article"
    REFERRAL = "referral"
    OTHER = "other"


class LedgerEntry(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """Reciprocity, per contact: what the client gave and what they received.

    Entries with a meeting log are kept in step with that log (its offer, what was learned,
    introductions offered); the others the client added by hand.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    direction: Mapped[LedgerDirection] = mapped_column(str_enum(LedgerDirection))
    kind: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind))
    description: Mapped[str] = mapped_column(String(500), default="")
    happened_on: Mapped[date] = mapped_column(Date)
    meeting_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_log.id", ondelete="CASCADE"), index=True
    )

    contact: Mapped[Contact] = relationship()

    __table_args__ = (
        # A contact's ledger and every contact's balance per client.
        Index("ix_ledger_entry_contact_happened", "contact_id", "happened_on"),
    )
