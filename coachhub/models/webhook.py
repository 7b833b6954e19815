"""Outgoing webhooks: the owner's endpoints and each delivery of an event to one of them."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum, utcnow


class WebhookEndpoint(TenantMixin, TimestampMixin, db.Model):
    """A URL the owner registered, the event types it wants and the secret that signs them.

    The secret is kept as such (it signs every delivery). After a rotation the previous
    one signs too until `previous_secret_expires_at`, so receivers can switch over.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(80))
    previous_secret: Mapped[str | None] = mapped_column(String(80))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )

    @classmethod
    def visible_to(cls, membership):
        """Only owners manage webhooks (the coach-area guard plus owner_required say so)."""
        from sqlalchemy import false, true

        return true() if membership.is_owner else false()


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(TenantMixin, db.Model):
    """One event for one endpoint: its body, and how sending it went."""

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    # The event's own key (event:object:id…): one delivery per endpoint and event.
    event_key: Mapped[str] = mapped_column(String(160))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()

    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_key"),
        Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),
    )

    @classmethod
    def visible_to(cls, membership):
        return WebhookEndpoint.visible_to(membership)
