"""Meeting logs, the coach's review of each, and the comment thread under it."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    literal,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import Grouping

from coachhub.extensions import db
from coachhub.models.base import (
    BY_HAND_INDEXES,
    TenantMixin,
    TimestampMixin,
    UTCDateTime,
    str_enum,
    utcnow,
)
from coachhub.models.contact import Contact
from coachhub.models.goal import NetworkingGoal
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import Membership


class MeetingFormat(enum.StrEnum):
    COFFEE = "coffee"
    EVENT = "event"
    CALL = "call"
    VIDEO = "video"
    ONLINE_SOCIAL = "online-social"
    OTHER = "other"


class Approach(enum.StrEnum):
    """How the client came across: the method says information-seeking, not job-asking."""

    INFORMATION = "information"
    MIXED = "mixed"
    JOB_ASKING = "job-asking"


class KeepInTouch(enum.StrEnum):
    NOT_ASKED = "not-asked"
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class MeetingLog(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    # Indexed by ix_meeting_log_goal_archived (goal_id first).
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("networking_goal.id", ondelete="SET NULL")
    )
    met_on: Mapped[date] = mapped_column(Date)
    format: Mapped[MeetingFormat] = mapped_column(str_enum(MeetingFormat))
    # Before the meeting (can be filled ahead as a plan).
    ask: Mapped[str] = mapped_column(Text, default="")
    offer: Mapped[str] = mapped_column(Text, default="")
    # After the meeting.
    learned: Mapped[str] = mapped_column(Text, default="")
    # The offer is a promise ("I'll send the article"): its ledger entry is a follow-up too.
    offer_is_promise: Mapped[bool] = mapped_column(default=False)
    they_asked: Mapped[str] = mapped_column(Text, default="")
    introductions: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[Approach | None] = mapped_column(str_enum(Approach))
    reflection: Mapped[str] = mapped_column(Text, default="")
    keep_in_touch: Mapped[KeepInTouch] = mapped_column(
        str_enum(KeepInTouch), default=KeepInTouch.NOT_ASKED
    )
    keep_in_touch_answer: Mapped[str] = mapped_column(String(255), default="")
    follow_up_action: Mapped[str] = mapped_column(String(255), default="")
    follow_up_due_on: Mapped[date | None] = mapped_column(Date)
    follow_up_done_on: Mapped[date | None] = mapped_column(Date)
    # A log without both an ask and an offer, or asking for a job, is weak; set by the service.
    is_weak: Mapped[bool] = mapped_column(default=False)
    # Set when the client edits the log; later than the review's time = "changed after review".
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact: Mapped[Contact] = relationship()
    goal: Mapped[NetworkingGoal | None] = relationship()
    client: Mapped[Membership] = relationship(foreign_keys="MeetingLog.client_membership_id")
    review: Mapped["Review | None"] = relationship(back_populates="log", uselist=False)

    __table_args__ = (
        # Meeting list and metrics per client by date; follow-ups by due date.
        Index("ix_meeting_log_client_met_on", "client_membership_id", "met_on"),
        Index("ix_meeting_log_client_follow_up_due", "client_membership_id", "follow_up_due_on"),
        Index("ix_meeting_log_client_follow_up_done", "client_membership_id", "follow_up_done_on"),
        Index("ix_meeting_log_goal_archived", "goal_id", "archived_at"),
        Index("ix_meeting_log_archived_at", "archived_at"),
    )

    @property
    def weak_reasons(self) -> list[str]:
        """Why this log is weak, in the words the client sees."""
        reasons = []
        if not self.ask.strip():
            reasons.append("no ask: what did you want to find out?")
        if not self.offer.strip():
            reasons.append("no offer: what could you do for them?")
        if self.approach == Approach.JOB_ASKING:
            reasons.append(
                "asking for a job: ask for information and advice instead; people help "
                "someone curious, and back away from someone desperate"
            )
        return reasons

    @property
    def changed_after_review(self) -> bool:
        return bool(self.review and self.edited_at and self.edited_at > self.review.updated_at)

    def follow_up_state(self, today: date) -> str | None:
        """None (no follow-up), 'done', 'overdue', 'due' (today) or 'planned'."""
        if self.follow_up_due_on is None:
            return None
        if self.follow_up_done_on is not None:
            return "done"
        if self.follow_up_due_on < today:
            return "overdue"
        if self.follow_up_due_on == today:
            return "due"
        return "planned"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def review_rank(log: type[MeetingLog] = MeetingLog):
    """The review queue's first sort key: job-asking logs (0), then weak ones (1), then the rest.

    Written with inline constants so PostgreSQL matches it to ix_meeting_log_review_queue.
    """
    return case(
        (log.approach == literal(Approach.JOB_ASKING.value, literal_execute=True), 0),
        (log.is_weak.is_(True), 1),
        else_=2,
    )


# The review queue walks a practice's live logs in its order and stops at the page's end
# (the reviewed ones are skipped through the review's unique index), not sorting them all.
Index(
    "ix_meeting_log_review_queue",
    MeetingLog.practice_id,
    # In parentheses: PostgreSQL wants an index expression that is not a column bracketed.
    Grouping(review_rank()),
    MeetingLog.met_on,
    MeetingLog.id,
    postgresql_where=MeetingLog.archived_at.is_(None),
    sqlite_where=MeetingLog.archived_at.is_(None),
)
BY_HAND_INDEXES.add("ix_meeting_log_review_queue")


class Review(TenantMixin, ClientOwnedMixin, TimestampMixin, db.Model):
    """The coach's scores (1-5) and comment on one meeting log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("meeting_log.id", ondelete="CASCADE"))
    reviewer_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    intent_clarity: Mapped[int] = mapped_column(Integer)
    reciprocity: Mapped[int] = mapped_column(Integer)
    follow_up: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    log: Mapped[MeetingLog] = relationship(back_populates="review")
    reviewer: Mapped[Membership | None] = relationship(foreign_keys=[reviewer_membership_id])

    # The unique constraint's index serves lookups by log_id.
    __table_args__ = (
        UniqueConstraint("log_id"),
        Index("ix_review_client_updated", "client_membership_id", "updated_at"),
    )


class LogComment(TenantMixin, ClientOwnedMixin, db.Model):
    """A reply in the thread under a meeting log, by the client or a coach."""

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("meeting_log.id", ondelete="CASCADE"))
    author_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Membership | None] = relationship(foreign_keys=[author_membership_id])

    __table_args__ = (Index("ix_log_comment_log_created", "log_id", "created_at"),)
