"""Stripe events as received: the id is the key that makes webhook delivery idempotent."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import UTCDateTime, utcnow


class StripeEvent(db.Model):
    """One row per Stripe event id; `processed_at` set once its handler committed."""

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    # When Stripe created the event (not when it reached us).
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    # The practice the event turned out to be about, for support; null when unknown.
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<StripeEvent {self.id} {self.type}>"
