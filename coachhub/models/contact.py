"""A client's contacts: the people they network with, and who introduced whom."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime
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
    # Derived by services.contacts.refresh_touch from meeting logs and one-click touches.
    last_touched_on: Mapped[date | None] = mapped_column(Date)
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
