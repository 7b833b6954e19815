"""Stripe bookkeeping: events (the idempotency key), webhook deliveries, this install's id."""

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, event
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


class StripeWebhookDelivery(db.Model):
    """One POST to the webhook endpoint (or one replay), kept as received for support."""

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # "stripe" for a delivery, "replay" for `flask billing replay`.
    source: Mapped[str] = mapped_column(String(16), default="stripe")
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text)
    body_truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    signature_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verification_error: Mapped[str | None] = mapped_column(Text)
    # Known only once the signature verified.
    event_id: Mapped[str | None] = mapped_column(String(255), index=True)
    event_type: Mapped[str | None] = mapped_column(String(100))
    livemode: Mapped[bool | None] = mapped_column(Boolean)
    api_version: Mapped[str | None] = mapped_column(String(40))
    # processed | duplicate | ignored | failed | refused; null while it is being handled.
    outcome: Mapped[str | None] = mapped_column(String(16))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<StripeWebhookDelivery {self.id} {self.event_id} {self.outcome}>"


class StripeInstall(db.Model):
    """This database's id at Stripe: one row, made on first use.

    It prefixes idempotency keys and tags customers, so two databases on one Stripe
    account (staging beside production, two developers) never share a key or adopt
    each other's customers, although their practice ids repeat.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_install_key() -> str:
    """A fresh random install id."""
    return secrets.token_hex(8)


@event.listens_for(StripeInstall.__table__, "after_create")
def _first_install_row(table, connection, **kw) -> None:
    # A database made by create_all (tests, scripts) gets its id with its tables, as one
    # made by `flask db upgrade` does from the migration, so no request ever has to make it.
    connection.execute(table.insert().values(id=1, key=new_install_key(), created_at=utcnow()))
