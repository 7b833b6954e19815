"""Personal access tokens: how a member's scripts and integrations call /api/v1/."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachhub.extensions import db
from coachhub.models.base import TenantMixin, UTCDateTime, str_enum, utcnow
from coachhub.models.user import Membership


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"  # write includes read


class ApiToken(TenantMixin, db.Model):
    """One token of one member in one practice; only the SHA-256 of the secret is kept.

    The secret (`chp_…`) is shown once when the token is made; `prefix` (its first
    characters) is what the token list shows so the member can tell tokens apart.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(str_enum(TokenScope), default=TokenScope.READ)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    membership: Mapped[Membership] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def is_usable(self, now: datetime) -> bool:
        """Not revoked and not past its expiry."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
