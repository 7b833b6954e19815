"""Networking goals: what a client sets out to learn, agreed with their coach."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import Membership


class GoalFocus(enum.StrEnum):
    COMPANY = "company"
    PEOPLE = "people"
    INDUSTRY = "industry"


class GoalStatus(enum.StrEnum):
    PROPOSED = "proposed"  # suggested by the client, waiting for the coach to accept
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class NetworkingGoal(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    focus: Mapped[GoalFocus] = mapped_column(str_enum(GoalFocus))
    target: Mapped[str] = mapped_column(String(255), default="")
    find_out: Mapped[str] = mapped_column(Text, default="")
    can_offer: Mapped[str] = mapped_column(Text, default="")
    target_meetings: Mapped[int] = mapped_column(Integer, default=5)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus), default=GoalStatus.OPEN)
    created_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[Membership] = relationship(foreign_keys="NetworkingGoal.client_membership_id")

    __table_args__ = (
        # The client's goal list and the dashboards filter by status.
        Index("ix_networking_goal_client_status", "client_membership_id", "status"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == GoalStatus.OPEN

    def __repr__(self) -> str:
        return f"<NetworkingGoal {self.id} {self.title!r}>"
