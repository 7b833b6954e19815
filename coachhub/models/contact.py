"""A client's contacts: the people they network with, and who introduced whom."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
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
    # A promise ("I'll send the article") is a follow-up for the client: due, then kept.
    promise_due_on: Mapped[date | None] = mapped_column(Date)
    promise_done_on: Mapped[date | None] = mapped_column(Date)

    contact: Mapped[Contact] = relationship()

    __table_args__ = (
        # A contact's ledger and every contact's balance per client.
        Index("ix_ledger_entry_contact_happened", "contact_id", "happened_on"),
        # The client's open promises by due date (the follow-ups page).
        Index("ix_ledger_entry_client_promise_due", "client_membership_id", "promise_due_on"),
    )

    @property
    def is_promise(self) -> bool:
        return self.promise_due_on is not None

    def promise_state(self, today: date) -> str | None:
        """None (not a promise), 'done', 'overdue', 'due' (today) or 'planned'."""
        if self.promise_due_on is None:
            return None
        if self.promise_done_on is not None:
            return "done"
        if self.promise_due_on < today:
            return "overdue"
        return "due" if self.promise_due_on == today else "planned"


class IntroductionStatus(enum.StrEnum):
    """An introduction the client asked a contact for: requested → made → met, or declined."""

    REQUESTED = "requested"
    MADE = "made"
    MET = "met"
    DECLINED = "declined"


OPEN_INTRODUCTION = (IntroductionStatus.REQUESTED, IntroductionStatus.MADE)


class Introduction(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """ "Ask X to introduce me to someone at Y", followed from the ask to the meeting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    introducer_contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    # Who the client would like to meet: "someone at Y", "the head of data at Y".
    target: Mapped[str] = mapped_column(String(255))
    target_company: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[IntroductionStatus] = mapped_column(
        str_enum(IntroductionStatus), default=IntroductionStatus.REQUESTED
    )
    requested_on: Mapped[date] = mapped_column(Date)
    made_on: Mapped[date | None] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)
    declined_on: Mapped[date | None] = mapped_column(Date)
    # The contact the introduction brought (created, introduced by the introducer, when made).
    introduced_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")

    introducer: Mapped[Contact] = relationship(foreign_keys=[introducer_contact_id])
    introduced: Mapped[Contact | None] = relationship(foreign_keys=[introduced_contact_id])

    __table_args__ = (Index("ix_introduction_client_status", "client_membership_id", "status"),)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INTRODUCTION

    @property
    def latest_on(self) -> date:
        return self.declined_on or self.met_on or self.made_on or self.requested_on


class PendingImport(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """A parsed contact file waiting for the client's confirmation (upload → preview → import).

    The rows live here rather than in the session cookie: 5,000 contacts do not fit in one.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255), default="")
    # [{"name":…, "company":…, "title":…, "email":…, "profile_url":…, "notes":…}, …]
    rows: Mapped[list] = mapped_column(JSON)
