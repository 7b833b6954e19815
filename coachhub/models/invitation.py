"""Invitations to join a practice as a coach or a client."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, or_, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum, utcnow
from coachhub.models.practice import Practice
from coachhub.models.user import Membership, Role


class Invitation(TenantMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    invited_by_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    # For client invitations: the coach the client will be assigned to.
    coach_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    # Only the SHA-256 of the emailed token is kept: a database leak reveals no usable link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_count: Mapped[int] = mapped_column(Integer, default=1)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    practice: Mapped[Practice] = relationship()
    invited_by: Mapped[Membership] = relationship(foreign_keys=[invited_by_membership_id])
    coach: Mapped[Membership | None] = relationship(foreign_keys=[coach_membership_id])

    @property
    def state(self) -> str:
        """pending, accepted, revoked or expired: what the invitee's link will say."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"

    @classmethod
    def visible_to(cls, membership: Membership) -> ColumnElement[bool]:
        """Owners see every invitation; coaches the ones they sent or that assign to them."""
        if membership.role == Role.OWNER:
            return true()
        if membership.role == Role.COACH:
            return or_(
                cls.invited_by_membership_id == membership.id,
                cls.coach_membership_id == membership.id,
            )
        return cls.id.is_(None)


class ReplacedInvitationLink(TenantMixin, TimestampMixin, db.Model):
    """The hash of a link that a resend replaced: its page points to the newer email, not a 404."""

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    invitation: Mapped[Invitation] = relationship()
