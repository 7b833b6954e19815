"""Column types and mixins shared by every model."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only kind we store)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the zone (timestamptz); SQLite drops it, so values are
    normalised to UTC on the way in and re-labelled UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TenantMixin:
    """Every tenant row carries its practice, indexed: the first filter of every query."""

    @declared_attr
    def practice_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            Integer, ForeignKey("practice.id", ondelete="CASCADE"), index=True, nullable=False
        )


def str_enum(enum_cls: type[enum.StrEnum]) -> Enum:
    """A VARCHAR holding the enum's values (not names), checked by a constraint."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=16,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
        create_constraint=True,
    )


# Expression indexes that PostgreSQL reads back in its own words (casts, TRUE): autogenerate
# would drop and re-create them on every run, so it leaves them out; their migration writes
# them and tests/test_migrations.py checks them. The models that declare one add its name.
BY_HAND_INDEXES: set[str] = set()


def compared_by_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: everything but the indexes in BY_HAND_INDEXES."""
    return not (type_ == "index" and name in BY_HAND_INDEXES)
