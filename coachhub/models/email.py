"""The outbox: email is written here in the action's transaction and sent later."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import UTCDateTime, utcnow


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
    # Same key, same message: a repeated action never queues a second copy.
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
