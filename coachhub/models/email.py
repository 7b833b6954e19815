"""The outbox: email is written here in the action's transaction and sent later."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import UTCDateTime, str_enum, utcnow


class EmailStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
    SENDING = "sending"  # claimed by a worker (claimed_at); reclaimed if the worker died
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts; last_error says why


class OutboundEmail(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for mail that belongs to no practice (password resets).
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers, e.g. List-Unsubscribe on optional emails.
    headers: Mapped[dict | None] = mapped_column(JSON)
    # An iCalendar invitation sent along (text/calendar; its METHOD inside), or None.
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    # Same key, same message: a repeated action never queues a second copy.
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[EmailStatus] = mapped_column(str_enum(EmailStatus), default=EmailStatus.PENDING)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    # The worker's query: what is due, oldest first.
    __table_args__ = (Index("ix_outbound_email_status_next_attempt", "status", "next_attempt_at"),)
