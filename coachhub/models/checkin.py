"""Career sustainability: a client's stage (searching/placed), check-in cadence and check-ins."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, TimestampMixin, UTCDateTime, str_enum, utcnow
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import Membership


class CareerStage(enum.StrEnum):
    SEARCHING = "searching"
    PLACED = "placed"


class Cadence(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class CheckinStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class ClientCareer(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """One row per client (created on first use): stage, landing, cadence, manual at-risk flag.

    A client without a row is searching with no cadence.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[CareerStage] = mapped_column(str_enum(CareerStage), default=CareerStage.SEARCHING)
    employer: Mapped[str] = mapped_column(String(120), default="")
    role_title: Mapped[str] = mapped_column(String(120), default="")
    started_on: Mapped[date | None] = mapped_column(Date)
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence), default=Cadence.NONE)
    # The first due date of the series; later ones fall on the cadence from it.
    cadence_anchor_on: Mapped[date | None] = mapped_column(Date)
    # The due date of the next check-in not yet submitted (None without a cadence).
    next_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Set by hand by the coach, with a reason; cleared by hand.
    flag_reason: Mapped[str] = mapped_column(String(500), default="")
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flagged_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )

    client: Mapped[Membership] = relationship(foreign_keys="ClientCareer.client_membership_id")

    __table_args__ = (UniqueConstraint("client_membership_id"),)

    @property
    def is_placed(self) -> bool:
        return self.stage == CareerStage.PLACED


class StageChange(TenantMixin, ClientOwnedMixin, db.Model):
    """History: each move between searching and placed, with the landing's details."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[CareerStage] = mapped_column(str_enum(CareerStage))
    employer: Mapped[str] = mapped_column(String(120), default="")
    role_title: Mapped[str] = mapped_column(String(120), default="")
    started_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[Membership | None] = relationship(foreign_keys=[changed_by_membership_id])

    __table_args__ = (
        Index("ix_stage_change_client_changed", "client_membership_id", "changed_at"),
    )


class Checkin(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """A client's periodic career check-in: counts, free text, self-ratings and the pulse."""

    id: Mapped[int] = mapped_column(primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[CheckinStatus] = mapped_column(
        str_enum(CheckinStatus), default=CheckinStatus.DRAFT
    )
    # Counts for the period: pre-filled from what the client logged, editable.
    contacts_kept: Mapped[int] = mapped_column(Integer, default=0)
    new_contacts: Mapped[int] = mapped_column(Integer, default=0)
    events_attended: Mapped[int] = mapped_column(Integer, default=0)
    field_changes: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(Text, default="")
    concerns: Mapped[str] = mapped_column(Text, default="")
    # Self-ratings 1-5 (empty while a draft).
    rating_pulse: Mapped[int | None] = mapped_column(Integer)
    rating_realism: Mapped[int | None] = mapped_column(Integer)
    rating_security: Mapped[int | None] = mapped_column(Integer)
    # Logged activity in the period, snapshotted at submission: the pulse's activity inputs.
    logged_meetings: Mapped[int] = mapped_column(Integer, default=0)
    logged_contacts_kept: Mapped[int] = mapped_column(Integer, default=0)
    follow_ups_due: Mapped[int] = mapped_column(Integer, default=0)
    follow_ups_on_time: Mapped[int] = mapped_column(Integer, default=0)
    pulse: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coach_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )

    client: Mapped[Membership] = relationship(foreign_keys="Checkin.client_membership_id")
    reviewer: Mapped[Membership | None] = relationship(foreign_keys=[reviewer_membership_id])

    __table_args__ = (
        # History and trend per client by due date; the review queue by status.
        Index("ix_checkin_client_due", "client_membership_id", "due_on"),
        Index("ix_checkin_client_status", "client_membership_id", "status"),
        Index("ix_checkin_status_submitted", "status", "submitted_at"),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == CheckinStatus.DRAFT

    @property
    def can_correct(self) -> bool:
        """The client may change it until the coach reviews it."""
        return self.status != CheckinStatus.REVIEWED
