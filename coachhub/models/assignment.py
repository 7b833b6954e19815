"""Which coach a client had, and when: reassignment keeps the history."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, UTCDateTime, utcnow
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import Membership


class CoachAssignment(TenantMixin, ClientOwnedMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    from_coach_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    to_coach_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    changed_by_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_coach: Mapped[Membership | None] = relationship(foreign_keys=[from_coach_membership_id])
    to_coach: Mapped[Membership | None] = relationship(foreign_keys=[to_coach_membership_id])
    changed_by: Mapped[Membership | None] = relationship(foreign_keys=[changed_by_membership_id])

    __table_args__ = (
        Index("ix_coach_assignment_client_changed", "client_membership_id", "changed_at"),
    )
