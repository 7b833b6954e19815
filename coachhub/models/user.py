"""People and their place in practices."""

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum
from coachhub.models.practice import Practice


class User(UserMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; the functional unique index below also guards case.
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on logout and password change: every session holding the old value ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (TOTP): the base32 key, set while setting up; on once enabled_at is.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time step whose code signed in: a code works once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id"
    )

    __table_args__ = (Index("uq_user_email_lower", func.lower(email), unique=True),)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        """Flask-Login stores this in the session: id plus session version."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Role(enum.StrEnum):
    OWNER = "owner"
    COACH = "coach"
    CLIENT = "client"


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


COACHING_ROLES = (Role.OWNER, Role.COACH)


class Membership(TenantMixin, TimestampMixin, db.Model):
    """A user's role in one practice; a client's membership points at its coach's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus), default=MemberStatus.ACTIVE
    )
    coach_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The member's own timezone for session times; None = the practice's.
    timezone: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    practice: Mapped[Practice] = relationship()
    coach: Mapped["Membership | None"] = relationship(
        remote_side="Membership.id", foreign_keys=[coach_membership_id]
    )

    __table_args__ = (
        UniqueConstraint("practice_id", "user_id"),
        Index("ix_membership_practice_role_status", "practice_id", "role", "status"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def tz(self) -> ZoneInfo:
        """Where this member is: their own timezone, else the practice's."""
        return ZoneInfo(self.timezone or self.practice.timezone)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_coaching(self) -> bool:
        """Owners coach too: both may use the coach portal."""
        return self.role in COACHING_ROLES

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @classmethod
    def visible_to(cls, membership: "Membership") -> ColumnElement[bool]:
        """Owners see everyone; coaches themselves and their clients; clients themselves."""
        if membership.role == Role.OWNER:
            return true()
        if membership.role == Role.COACH:
            return or_(cls.id == membership.id, cls.coach_membership_id == membership.id)
        return cls.id == membership.id

    def __repr__(self) -> str:
        return f"<Membership {self.role} user={self.user_id} practice={self.practice_id}>"
