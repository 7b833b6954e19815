"""Security records: submissions already handled, two-factor recovery codes."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import UTCDateTime, utcnow


class SubmissionKey(db.Model):
    """A write request already handled: the same one again soon after is a double submit.

    The key is a hash of the member, the URL and the form's values; the row commits in
    the same transaction as the write, so a refused or failed request leaves none.
    """

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_submission_key_user_created", "user_id", "created_at"),)


class RecoveryCode(db.Model):
    """A single-use two-factor recovery code, stored as its SHA-256 only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
