"""A coach's availability: the booking rules, and the open slots they leave.

`open_slots` is a pure function of the rules, the busy times and the moment
asked: it walks each day of the horizon in the coach's timezone, so a 09:00
window stays 09:00 on both sides of a daylight-saving change, and returns UTC
instants that each page shows in its reader's own timezone. Everything else
here reads or writes the rules (flush, never commit).
"""

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coachhub.extensions import db
from coachhub.models import (
    AvailabilityWindow,
    BlockedDate,
    CoachAvailability,
    CoachingSession,
    Membership,
    Practice,
    SessionStatus,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record

LENGTH_CHOICES = (30, 45, 60)
# Offered start times fall on this grid of the coach's wall clock.
SLOT_STEP = timedelta(minutes=15)
MAX_BUFFER_MINUTES = 120
MAX_NOTICE_HOURS = 24 * 14
MAX_HORIZON_DAYS = 180


@dataclass(frozen=True)
class Rules:
    """What `open_slots` needs to know about a coach, detached from the database."""

    tz: ZoneInfo
    # weekday (0 = Monday) -> [(start, end)] wall-clock times in `tz`
    windows: dict[int, list[tuple[time, time]]]
    lengths: tuple[int, ...] = LENGTH_CHOICES
    buffer: timedelta = timedelta(minutes=15)
    notice: timedelta = timedelta(hours=24)
    horizon_days: int = 28
    blocked: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


def open_slots(
    rules: Rules,
    busy: Sequence[tuple[datetime, datetime]],
    minutes: int,
    now: datetime,
    *,
    until: datetime | None = None,
) -> list[Slot]:
    """Every bookable slot of `minutes` from `now` (plus notice) to the horizon, soonest first.

    A slot fits inside one weekly window of its day (wall clock, coach's
    timezone), not on a blocked date, and keeps `rules.buffer` clear of every
    `busy` (start, end) interval. Wall-clock times that do not exist (the hour
    skipped when clocks go forward) are never offered; an hour that happens
    twice is offered once.
    """
    if minutes <= 0 or not rules.windows:
        return []
    length = timedelta(minutes=minutes)
    earliest = now + rules.notice
    tz = rules.tz
    first_day = now.astimezone(tz).date()
    last_day = first_day + timedelta(days=rules.horizon_days)
    if until is not None:
        last_day = min(last_day, until.astimezone(tz).date())
    intervals = sorted(busy)
    starts = [start for start, _ in intervals]
    # The longest busy interval bounds how far back an overlapping one can start.
    longest = max((end - start for start, end in intervals), default=timedelta(0))
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        windows = rules.windows.get(day.weekday())
        if windows and day not in rules.blocked:
            for window_start, window_end in windows:
                window_close = _instant(day, window_end, tz)
                wall = datetime.combine(day, window_start)
                last_wall = datetime.combine(day, window_end)
                while wall < last_wall:
                    current, wall = wall, wall + SLOT_STEP
                    start = _instant(day, current.time(), tz)
                    if start.astimezone(tz).replace(tzinfo=None) != current:
                        continue  # a wall-clock time the clock change skipped
                    end = start + length
                    if end > window_close:
                        break
                    if start < earliest:
                        continue
                    if not _clashes(start, end, intervals, starts, longest, rules.buffer):
                        slots.append(Slot(start, end))
        day += timedelta(days=1)
    return slots


def _instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tz).astimezone(UTC)


def _clashes(
    start: datetime,
    end: datetime,
    intervals: list[tuple[datetime, datetime]],
    starts: list[datetime],
    longest: timedelta,
    buffer: timedelta,
) -> bool:
    """Does [start, end), widened by the buffer, overlap a busy interval? O(log n + k)."""
    low = bisect_left(starts, start - buffer - longest)
    high = bisect_left(starts, end + buffer)
    for busy_start, busy_end in intervals[low:high]:
        if busy_start < end + buffer and start < busy_end + buffer:
            return True
    return False


def is_open(rules: Rules, busy, starts_at: datetime, minutes: int, now: datetime) -> bool:
    """Is the slot starting at `starts_at` one that `open_slots` offers?"""
    day_end = starts_at + timedelta(minutes=minutes)
    return any(
        slot.starts_at == starts_at for slot in open_slots(rules, busy, minutes, now, until=day_end)
    )


# -- reading the rules ---------------------------------------------------------------


def availability_of(coach: Membership) -> CoachAvailability | None:
    """The coach's availability row with its windows and blocked dates, or None (not set)."""
    return db.session.scalar(
        select(CoachAvailability)
        .where(CoachAvailability.coach_membership_id == coach.id)
        .options(
            selectinload(CoachAvailability.windows),
            selectinload(CoachAvailability.blocked),
        )
    )


def rules_for(coach: Membership, availability: CoachAvailability | None) -> Rules:
    """The pure-function view of a coach's availability (no windows when none is set)."""
    if availability is None:
        return Rules(tz=coach.tz, windows={})
    windows: dict[int, list[tuple[time, time]]] = {}
    for window in availability.windows:
        windows.setdefault(window.weekday, []).append((window.starts_at, window.ends_at))
    return Rules(
        tz=coach.tz,
        windows=windows,
        lengths=tuple(availability.lengths) or LENGTH_CHOICES,
        buffer=timedelta(minutes=availability.buffer_minutes),
        notice=timedelta(hours=availability.min_notice_hours),
        horizon_days=availability.horizon_days,
        blocked=frozenset(b.blocked_on for b in availability.blocked),
    )


def busy_times(
    coach: Membership, start: datetime, end: datetime, *, excluding: int | None = None
) -> list[tuple[datetime, datetime]]:
    """The coach's booked sessions overlapping [start, end): free/busy, nothing more."""
    query = select(CoachingSession.starts_at, CoachingSession.ends_at).where(
        CoachingSession.practice_id == coach.practice_id,
        CoachingSession.coach_membership_id == coach.id,
        CoachingSession.status == SessionStatus.BOOKED,
        CoachingSession.starts_at < end,
        CoachingSession.ends_at > start,
    )
    if excluding is not None:
        query = query.where(CoachingSession.id != excluding)
    return [(row.starts_at, row.ends_at) for row in db.session.execute(query)]


def slots_for(coach: Membership, minutes: int, now: datetime) -> list[Slot]:
    """Open slots of `coach` for a session of `minutes`, read from the database (2 queries)."""
    rules = rules_for(coach, availability_of(coach))
    horizon_end = now + timedelta(days=rules.horizon_days + 2)
    return open_slots(rules, busy_times(coach, now - timedelta(days=1), horizon_end), minutes, now)


# -- writing the rules ---------------------------------------------------------------


@dataclass(frozen=True)
class RulesInput:
    lengths: Iterable[int]
    buffer_minutes: int
    min_notice_hours: int
    horizon_days: int
    default_location: str = ""
    default_video_url: str = ""
    # weekday -> (start, end) or None for a day off
    week: dict[int, tuple[time, time] | None] = field(default_factory=dict)


def save_availability(practice: Practice, coach: Membership, data: RulesInput) -> CoachAvailability:
    """Set the coach's lengths, buffer, notice, horizon and weekly hours; flushes."""
    lengths = sorted(set(data.lengths))
    if not lengths or any(length not in LENGTH_CHOICES for length in lengths):
        raise ServiceError("Choose at least one session length.", "lengths")
    if not 0 <= data.buffer_minutes <= MAX_BUFFER_MINUTES:
        raise ServiceError(f"A buffer of 0 to {MAX_BUFFER_MINUTES} minutes.", "buffer_minutes")
    if not 0 <= data.min_notice_hours <= MAX_NOTICE_HOURS:
        raise ServiceError(f"Notice of 0 to {MAX_NOTICE_HOURS} hours.", "min_notice_hours")
    if not 1 <= data.horizon_days <= MAX_HORIZON_DAYS:
        raise ServiceError(f"A horizon of 1 to {MAX_HORIZON_DAYS} days.", "horizon_days")
    for weekday, hours in data.week.items():
        if hours is not None and hours[0] >= hours[1]:
            raise ServiceError("Each day's hours must end after they start.", f"day{weekday}")
    availability = availability_of(coach)
    if availability is None:
        availability = CoachAvailability(practice_id=practice.id, coach_membership_id=coach.id)
        db.session.add(availability)
    availability.session_lengths = ",".join(str(length) for length in lengths)
    availability.buffer_minutes = data.buffer_minutes
    availability.min_notice_hours = data.min_notice_hours
    availability.horizon_days = data.horizon_days
    availability.default_location = data.default_location.strip()
    availability.default_video_url = data.default_video_url.strip()
    availability.windows.clear()
    for weekday in sorted(data.week):
        hours = data.week[weekday]
        if hours is not None:
            availability.windows.append(
                AvailabilityWindow(
                    practice_id=practice.id, weekday=weekday, starts_at=hours[0], ends_at=hours[1]
                )
            )
    db.session.flush()
    record(practice, coach.user, "availability.saved", coach)
    return availability


def block_date(practice: Practice, coach: Membership, day: date, note: str = "") -> BlockedDate:
    """Take one day off; flushes. A day already blocked stays as it is."""
    availability = availability_of(coach)
    if availability is None:
        raise ServiceError("Set your weekly hours first.", "blocked_on")
    existing = next((b for b in availability.blocked if b.blocked_on == day), None)
    if existing is not None:
        return existing
    blocked = BlockedDate(practice_id=practice.id, blocked_on=day, note=note.strip())
    availability.blocked.append(blocked)
    db.session.flush()
    return blocked


def unblock_date(practice: Practice, coach: Membership, blocked_id: int) -> None:
    """Open a blocked day again (only the coach's own); flushes."""
    availability = availability_of(coach)
    row = next(
        (b for b in (availability.blocked if availability else []) if b.id == blocked_id), None
    )
    if row is None:
        raise ServiceError("That day is not blocked.")
    availability.blocked.remove(row)
    db.session.flush()
