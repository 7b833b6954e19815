"""Coaching sessions: availability, the sessions booked in it, their agenda, action items."""

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum
from coachhub.models.goal import NetworkingGoal
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import Membership, Role


class CoachAvailability(TenantMixin, TimestampMixin, db.Model):
    """A coach's booking rules; one row per coach (and the row a booking locks)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), unique=True
    )
    # Comma-separated minutes, e.g. "30,45,60".
    session_lengths: Mapped[str] = mapped_column(String(32), default="30,45,60")
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=15)
    min_notice_hours: Mapped[int] = mapped_column(Integer, default=24)
    horizon_days: Mapped[int] = mapped_column(Integer, default=28)
    # Where sessions happen unless the booking says otherwise.
    default_location: Mapped[str] = mapped_column(String(255), default="")
    default_video_url: Mapped[str] = mapped_column(String(2048), default="")

    coach: Mapped[Membership] = relationship()
    windows: Mapped[list["AvailabilityWindow"]] = relationship(
        back_populates="availability",
        cascade="all, delete-orphan",
        order_by="(AvailabilityWindow.weekday, AvailabilityWindow.starts_at)",
    )
    blocked: Mapped[list["BlockedDate"]] = relationship(
        back_populates="availability",
        cascade="all, delete-orphan",
        order_by="BlockedDate.blocked_on",
    )

    @property
    def lengths(self) -> list[int]:
        return sorted(int(part) for part in self.session_lengths.split(",") if part.strip())


class AvailabilityWindow(TenantMixin, db.Model):
    """Weekly open hours in the coach's timezone: weekday 0 = Monday."""

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int] = mapped_column(
        ForeignKey("coach_availability.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)

    availability: Mapped[CoachAvailability] = relationship(back_populates="windows")


class BlockedDate(TenantMixin, db.Model):
    """A one-off day off (in the coach's timezone)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int] = mapped_column(
        ForeignKey("coach_availability.id", ondelete="CASCADE"), index=True
    )
    blocked_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(120), default="")

    availability: Mapped[CoachAvailability] = relationship(back_populates="blocked")

    __table_args__ = (UniqueConstraint("availability_id", "blocked_on"),)


class SessionStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no-show"


class CoachingSession(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """A session between a coach and one of their clients."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE")
    )
    booked_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.BOOKED
    )
    location: Mapped[str] = mapped_column(String(255), default="")
    video_url: Mapped[str] = mapped_column(String(2048), default="")
    # Seen by the client; the private notes never are (nor in the client's export).
    shared_notes: Mapped[str] = mapped_column(Text, default="")
    private_notes: Mapped[str] = mapped_column(Text, default="")
    # The invitation's identity: the same UID for every change, SEQUENCE up by one each time.
    ical_uid: Mapped[str] = mapped_column(String(120), unique=True)
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    change_reason: Mapped[str] = mapped_column(String(500), default="")
    changed_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recap_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coach: Mapped[Membership] = relationship(foreign_keys=[coach_membership_id])
    client: Mapped[Membership] = relationship(foreign_keys="CoachingSession.client_membership_id")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.id"
    )
    action_items: Mapped[list["ActionItem"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ActionItem.id"
    )

    __table_args__ = (
        # The database's own guard: one live session per coach per start time (a partial
        # unique index, on SQLite and PostgreSQL); overlaps are refused under the coach's
        # row lock in services.sessions.
        Index(
            "uq_coaching_session_coach_start_booked",
            "coach_membership_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_coaching_session_coach_starts", "coach_membership_id", "starts_at"),
        Index("ix_coaching_session_client_starts", "client_membership_id", "starts_at"),
    )

    @classmethod
    def visible_to(cls, membership: Membership) -> ColumnElement[bool]:
        """Owners all; a coach the sessions they run and those of their clients; a client their
        own."""
        if membership.role == Role.COACH:
            return or_(cls.coach_membership_id == membership.id, super().visible_to(membership))
        return super().visible_to(membership)

    @property
    def is_booked(self) -> bool:
        return self.status == SessionStatus.BOOKED

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaItem(TenantMixin, ClientOwnedMixin, db.Model):
    """One point for a session's agenda, added by either side or pre-filled from open work."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_session.id", ondelete="CASCADE"), index=True
    )
    author_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    # "" for a point someone wrote; otherwise what it was pre-filled from.
    source: Mapped[str] = mapped_column(String(32), default="")
    body: Mapped[str] = mapped_column(String(500))

    session: Mapped[CoachingSession] = relationship(back_populates="agenda")
    author: Mapped[Membership | None] = relationship(foreign_keys=[author_membership_id])


class ActionItem(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """Something the client agreed in a session to do by a date: one of their follow-ups."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_session.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("networking_goal.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(255))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    session: Mapped[CoachingSession | None] = relationship(back_populates="action_items")
    goal: Mapped[NetworkingGoal | None] = relationship()

    __table_args__ = (Index("ix_action_item_client_due", "client_membership_id", "due_on"),)

    def state(self, today: date) -> str:
        """'done', 'overdue', 'due' (today) or 'planned', like a meeting's follow-up."""
        if self.done_on is not None:
            return "done"
        if self.due_on < today:
            return "overdue"
        if self.due_on == today:
            return "due"
        return "planned"
