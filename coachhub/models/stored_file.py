"""Files the app keeps for a practice (its logo), in the database so every app server sees them."""

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, UTCDateTime, utcnow


class StoredFile(TenantMixin, db.Model):
    """One file's bytes under a content key (its SHA-256), unique within the practice."""

    __table_args__ = (UniqueConstraint("practice_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
