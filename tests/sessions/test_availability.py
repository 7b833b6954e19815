"""Open slots: weekly hours in the coach's timezone, across clock changes, for a client
elsewhere; buffer, notice, horizon, days off; and how fast it answers with a year of sessions."""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from coachhub.models import CoachingSession, SessionStatus
from coachhub.services import availability as avail
from tests import factories

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def _rules(**kw) -> avail.Rules:
    defaults = dict(
        tz=LONDON,
        windows={day: [(time(9), time(12))] for day in range(5)},
        buffer=timedelta(0),
        notice=timedelta(0),
        horizon_days=14,
    )
    defaults.update(kw)
    return avail.Rules(**defaults)


def _starts(slots, tz=LONDON):
    return [slot.starts_at.astimezone(tz) for slot in slots]


def test_a_nine_oclock_window_stays_nine_oclock_across_the_spring_clock_change():
    # Europe/London goes from GMT to BST on Sunday 29 March 2026.
    now = datetime(2026, 3, 26, 0, 0, tzinfo=UTC)  # Thursday
    slots = avail.open_slots(_rules(), [], 60, now)
    friday = [s for s in slots if s.starts_at.astimezone(LONDON).date() == date(2026, 3, 27)]
    monday = [s for s in slots if s.starts_at.astimezone(LONDON).date() == date(2026, 3, 30)]
    assert friday[0].starts_at == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # 09:00 GMT
    assert monday[0].starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST
    for slot in friday + monday:
        local = slot.starts_at.astimezone(LONDON)
        assert time(9) <= local.time() and (local + timedelta(hours=1)).time() <= time(12)
    # 09:00, 09:15, ... 11:00: 9 start times a day, every weekday.
    assert len(friday) == len(monday) == 9


def test_the_same_slots_read_right_for_a_client_in_new_york():
    # New York moved to daylight time on 8 March, London only on 29 March: the gap shrinks.
    now = datetime(2026, 3, 26, 0, 0, tzinfo=UTC)
    slots = avail.open_slots(_rules(), [], 60, now)
    friday = _starts(slots, NEW_YORK)[0]
    monday = next(s for s in _starts(slots, NEW_YORK) if s.date() == date(2026, 3, 30))
    assert (friday.hour, friday.tzname()) == (5, "EDT")  # 09:00 GMT
    assert (monday.hour, monday.tzname()) == (4, "EDT")  # 09:00 BST


def test_autumn_change_and_a_client_across_the_date_line():
    # London goes back to GMT on Sunday 25 October 2026; Auckland is then on NZDT (+13).
    now = datetime(2026, 10, 22, 0, 0, tzinfo=UTC)
    slots = avail.open_slots(_rules(), [], 30, now)
    friday = next(s for s in slots if s.starts_at.astimezone(LONDON).date() == date(2026, 10, 23))
    monday = next(s for s in slots if s.starts_at.astimezone(LONDON).date() == date(2026, 10, 26))
    assert friday.starts_at == datetime(2026, 10, 23, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert monday.starts_at == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 09:00 GMT
    # For the client in Auckland, Monday 09:00 in London is Monday 22:00 there.
    local = monday.starts_at.astimezone(AUCKLAND)
    assert (local.date(), local.hour) == (date(2026, 10, 26), 22)


def test_the_skipped_hour_is_never_offered_and_the_repeated_one_once():
    sunday = {6: [(time(0), time(4))]}
    spring = avail.open_slots(_rules(windows=sunday), [], 60, datetime(2026, 3, 28, 12, tzinfo=UTC))
    on_day = [s for s in spring if s.starts_at.astimezone(LONDON).date() == date(2026, 3, 29)]
    local_hours = {s.starts_at.astimezone(LONDON).hour for s in on_day}
    assert 1 not in local_hours  # 01:00-02:00 does not exist that night
    # The window is three real hours long: last start at 03:00 BST (02:00 UTC).
    assert on_day[-1].starts_at == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    autumn = avail.open_slots(
        _rules(windows=sunday), [], 60, datetime(2026, 10, 24, 12, tzinfo=UTC)
    )
    on_day = [s for s in autumn if s.starts_at.astimezone(LONDON).date() == date(2026, 10, 25)]
    assert len({s.starts_at for s in on_day}) == len(on_day)
    # Five real hours that night: the last 60-minute slot starts at 03:00 GMT.
    assert on_day[-1].starts_at == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_busy_times_keep_the_buffer_clear():
    now = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # Monday; London is on BST (UTC+1)
    busy = [(datetime(2026, 6, 2, 9, 0, tzinfo=UTC), datetime(2026, 6, 2, 10, 0, tzinfo=UTC))]
    rules = _rules(buffer=timedelta(minutes=15), windows={1: [(time(9), time(13))]})
    starts = [s.starts_at for s in avail.open_slots(rules, busy, 60, now)]
    tuesday = [s for s in starts if s.date() == date(2026, 6, 2)]
    # Busy 10:00-11:00 BST: a slot must end by 09:45 or start at 11:15 or later.
    assert datetime(2026, 6, 2, 8, 0, tzinfo=UTC) not in tuesday  # 09:00-10:00 touches it
    assert tuesday[0] == datetime(2026, 6, 2, 10, 15, tzinfo=UTC)
    assert all(
        not (busy[0][0] - timedelta(minutes=75) < s < busy[0][1] + timedelta(minutes=15))
        for s in tuesday
    )


def test_notice_horizon_and_days_off():
    now = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)  # Monday 09:30 BST
    rules = _rules(
        notice=timedelta(hours=24), horizon_days=7, blocked=frozenset({date(2026, 6, 3)})
    )
    slots = avail.open_slots(rules, [], 60, now)
    days = {s.starts_at.astimezone(LONDON).date() for s in slots}
    assert slots[0].starts_at >= now + timedelta(hours=24)
    assert date(2026, 6, 1) not in days
    assert date(2026, 6, 3) not in days  # blocked
    assert max(days) <= date(2026, 6, 8)
    assert date(2026, 6, 8) in days  # the horizon's last day still counts


def test_no_windows_no_slots():
    assert avail.open_slots(_rules(windows={}), [], 60, datetime(2026, 6, 1, tzinfo=UTC)) == []


def test_slots_for_a_coach_with_a_year_of_sessions_answer_in_under_100_ms(db, world):
    coach = world.coach_a1
    coach.timezone = "Europe/London"
    factories.availability(coach, horizon_days=60, buffer_minutes=15)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    rows = []
    for day in range(365 + 60):
        for hour in (0, 2, 4, 6):  # four sessions a day, every day, past and ahead
            starts = start + timedelta(days=day, hours=hour)
            rows.append(
                CoachingSession(
                    practice_id=coach.practice_id,
                    coach_membership_id=coach.id,
                    client_membership_id=world.client_a1.id,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=60),
                    status=SessionStatus.BOOKED if day % 7 else SessionStatus.COMPLETED,
                    ical_uid=f"bench-{day}-{hour}",
                )
            )
    db.session.add_all(rows)
    db.session.commit()
    with time_machine.travel(datetime(2027, 1, 4, 7, 0, tzinfo=UTC), tick=False):
        from coachhub.models import utcnow

        avail.slots_for(coach, 60, utcnow())  # warm up
        timings = []
        for _ in range(5):
            began = clock.perf_counter()
            slots = avail.slots_for(coach, 60, utcnow())
            timings.append(clock.perf_counter() - began)
    best = min(timings) * 1000
    print(f"AVAILABILITY {len(rows)} sessions, {len(slots)} open slots: {best:.1f} ms")
    assert slots
    assert best < 100, f"{best:.1f} ms"
