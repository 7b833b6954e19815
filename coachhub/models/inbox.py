"""The inbox and the messages: events for a member to see, and the coach–client conversation."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, UTCDateTime, utcnow
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import Membership


class InboxItem(TenantMixin, db.Model):
    """One event for one recipient: a review posted, a goal assigned, a message, ...

    `event_key` names the event (`review_posted:review:12`); with the recipient it is
    unique, so an event gives each recipient exactly one item whoever calls twice.
    `client_membership_id` is the client the event is about (None for a coach who joined):
    the inbox shows an item only while its recipient may still see that client.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE")
    )
    client_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    actor_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    # A key of coachhub.notifications.events.EVENTS (e.g. "review_posted").
    event: Mapped[str] = mapped_column(String(40))
    event_key: Mapped[str] = mapped_column(String(120))
    # What the item links to: "log", "goal", "checkin", "career", "conversation", "member".
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Email: "pending" (instant, waiting for its batch), "digest", "none" (off), "emailed".
    email_state: Mapped[str] = mapped_column(String(16), default="none")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[Membership | None] = relationship(foreign_keys=[actor_membership_id])
    client: Mapped[Membership | None] = relationship(foreign_keys=[client_membership_id])

    __table_args__ = (
        UniqueConstraint("recipient_membership_id", "event_key"),
        # The inbox page and the bell: a recipient's items, newest first, unread ones.
        Index("ix_inbox_item_recipient_created", "recipient_membership_id", "created_at"),
        Index("ix_inbox_item_recipient_read", "recipient_membership_id", "read_at"),
        # The instant-email batcher: pending items by recipient.
        Index("ix_inbox_item_email_state", "email_state", "recipient_membership_id"),
    )


class Message(TenantMixin, ClientOwnedMixin, db.Model):
    """A message in a client's conversation (one per client: the client, their coach, the owner).

    It may point at one of that client's meeting logs, goals or check-ins (`ref_type`,
    `ref_id`, checked by the service); `ref_label` keeps what it was called then.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    author_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    ref_type: Mapped[str | None] = mapped_column(String(16))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    ref_label: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Membership | None] = relationship(foreign_keys=[author_membership_id])

    # The conversation, newest first, a page at a time (keyset on id).
    __table_args__ = (Index("ix_message_client_id", "client_membership_id", "id"),)


class ConversationRead(TenantMixin, db.Model):
    """How far a member has read a client's conversation: the unread marker."""

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    client_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("membership_id", "client_membership_id"),)
