"""Properties of the domain rules, checked with Hypothesis on generated inputs.

Bounds (a score 0-100, a ratio 0-1), monotonicity (one more on-time follow-up never
lowers the rate), the cadence arithmetic behind check-in due dates and reminders, and
"today" read in the practice's timezone whatever the server's. Examples per property:
HYPOTHESIS_EXAMPLES (default 30; the database-backed ones use a third of it).
"""

import os
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachhub.models import Cadence, KeepInTouch
from coachhub.notifications.due import dedupe_key, local_today
from coachhub.notifications.kinds import KINDS
from coachhub.notifications.kinds import Cadence as KindCadence
from coachhub.services import at_risk, careers, health
from coachhub.services.pulse import (
    FOLLOW_UPS_POINTS,
    PulseInputs,
    activity_target,
    pulse_score,
)
from tests import factories

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "30"))
PURE = settings(max_examples=EXAMPLES, deadline=None, database=None)
# The database-backed properties build rows per example inside the test's transaction.
WITH_DB = settings(
    max_examples=max(5, EXAMPLES // 3),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = date(2027, 3, 10)
ZONES = st.sampled_from(
    ["UTC", "Pacific/Auckland", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns",
     "Asia/Kathmandu", "Europe/London", "America/Los_Angeles", "Australia/Lord_Howe"]
)  # fmt: skip
INSTANTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)

# --- the pulse score ----------------------------------------------------------------------

RATING = st.integers(1, 5)


@st.composite
def pulse_inputs(draw):
    due = draw(st.integers(0, 40))
    return PulseInputs(
        rating_pulse=draw(RATING),
        rating_realism=draw(RATING),
        rating_security=draw(RATING),
        period_days=draw(st.integers(1, 120)),
        meetings=draw(st.integers(0, 30)),
        contacts_kept=draw(st.integers(0, 30)),
        follow_ups_due=due,
        follow_ups_on_time=draw(st.integers(0, due)),
    )


def _with(inputs: PulseInputs, **changes) -> PulseInputs:
    return PulseInputs(**{**inputs.__dict__, **changes})


@PURE
@given(pulse_inputs())
def test_pulse_is_0_to_100_and_each_part_within_its_points(inputs):
    pulse = pulse_score(inputs)
    assert 0 <= pulse.score <= 100
    for part in pulse.parts:
        assert 0 <= part.points <= part.max_points
    assert sum(p.max_points for p in pulse.parts) == 100
    exact = Decimal(str(sum(p.points for p in pulse.parts)))
    assert pulse.score == int(exact.quantize(Decimal("1"), ROUND_HALF_UP))


@PURE
@given(pulse_inputs(), st.sampled_from(["rating_pulse", "rating_realism", "rating_security"]))
def test_a_higher_self_rating_never_lowers_the_pulse(inputs, rating):
    value = getattr(inputs, rating)
    if value < 5:
        higher = _with(inputs, **{rating: value + 1})
        assert pulse_score(higher).score >= pulse_score(inputs).score


@PURE
@given(pulse_inputs(), st.sampled_from(["meetings", "contacts_kept"]))
def test_one_more_meeting_or_contact_never_lowers_the_pulse(inputs, count):
    more = _with(inputs, **{count: getattr(inputs, count) + 1})
    assert pulse_score(more).score >= pulse_score(inputs).score


@PURE
@given(pulse_inputs())
def test_one_more_follow_up_on_time_never_lowers_the_pulse(inputs):
    if inputs.follow_ups_on_time < inputs.follow_ups_due:
        more = _with(inputs, follow_ups_on_time=inputs.follow_ups_on_time + 1)
        assert pulse_score(more).score >= pulse_score(inputs).score
    # ... and one more follow-up due, not done, never raises it
    late = _with(inputs, follow_ups_due=inputs.follow_ups_due + 1)
    if inputs.follow_ups_due:
        assert pulse_score(late).parts[3].points <= pulse_score(inputs).parts[3].points
    else:
        assert pulse_score(late).parts[3].points <= FOLLOW_UPS_POINTS


@PURE
@given(st.integers(1, 400), st.integers(1, 400))
def test_the_activity_target_grows_with_the_period(a, b):
    short, long = sorted((a, b))
    assert 1 <= activity_target(short) <= activity_target(long)
    assert activity_target(long) * 15 >= long


# --- networking health ratios -------------------------------------------------------------


@st.composite
def logs(draw):
    """Meeting logs as (met days ago, offer?, keep in touch, follow-up due/done offsets)."""
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        met = draw(st.integers(-5, 60))  # negative: a planned meeting
        due = draw(st.one_of(st.none(), st.integers(-10, 40)))
        done = None if due is None else draw(st.one_of(st.none(), st.integers(-10, 40)))
        rows.append(
            {
                "met_on": TODAY - timedelta(days=met),
                "offer": draw(st.sampled_from(["", "An intro"])),
                "is_weak": draw(st.booleans()),
                "keep_in_touch": draw(st.sampled_from(list(KeepInTouch))),
                "follow_up_action": "" if due is None else "Follow up",
                "follow_up_due_on": None if due is None else TODAY - timedelta(days=due),
                "follow_up_done_on": None if done is None else TODAY - timedelta(days=done),
            }
        )
    return rows


RATIOS = ("goal_progress", "ask_offer_share", "reciprocity", "information_rate")
RATIOS += ("on_time_rate", "keep_in_touch_rate")


def _client_with(world, rows, goal_target=3):
    client = factories.client(world.a, world.coach_a1)
    goal = factories.GoalFactory(client=client, target_meetings=goal_target)
    contact = factories.ContactFactory(client=client)
    for row in rows:
        factories.MeetingLogFactory(client=client, contact=contact, goal_id=goal.id, **row)
    return client


@WITH_DB
@given(rows=logs(), goal_target=st.integers(1, 5))
def test_every_health_ratio_is_empty_or_between_0_and_1(world, rows, goal_target):
    client = _client_with(world, rows, goal_target)
    row = health.client_health(world.a, world.coach_a1, client, TODAY)
    for name in RATIOS:
        value = getattr(row, name)
        assert value is None or 0 <= value <= 1, (name, value)
    assert row.overdue >= 0 and row.meetings_30d <= row.logs


@WITH_DB
@given(rows=logs(), late=st.booleans())
def test_one_more_follow_up_on_time_never_lowers_the_on_time_rate(world, rows, late):
    client = _client_with(world, rows)
    before = health.client_health(world.a, world.coach_a1, client, TODAY).on_time_rate
    due = TODAY - timedelta(days=3)
    factories.MeetingLogFactory(
        client=client,
        met_on=due - timedelta(days=2),
        follow_up_action="Send thanks",
        follow_up_due_on=due,
        follow_up_done_on=due + timedelta(days=1) if late else due,
    )
    after = health.client_health(world.a, world.coach_a1, client, TODAY).on_time_rate
    if late:
        assert after < 1 and (before is None or after <= before)
    else:
        assert after > 0 and (before is None or after >= before)


# --- at-risk rules --------------------------------------------------------------------------


@WITH_DB
@given(last=st.integers(0, 100), previous=st.one_of(st.none(), st.integers(0, 100)))
def test_the_pulse_rules_follow_their_definitions(world, last, previous):
    client = factories.client(world.a, world.coach_a1)
    if previous is not None:
        factories.CheckinFactory(client=client, due_on=TODAY - timedelta(days=40), pulse=previous)
    factories.CheckinFactory(client=client, due_on=TODAY - timedelta(days=10), pulse=last)
    row = at_risk.status_rows(world.a, world.coach_a1, TODAY, [client.id])[client.id]
    assert row.low_pulse == (last < at_risk.LOW_PULSE)
    dropped = previous is not None and last <= previous - at_risk.PULSE_DROP
    assert row.pulse_drop == dropped
    assert row.at_risk == (row.low_pulse or dropped)


@WITH_DB
@given(late_by=st.integers(-30, 60))
def test_a_check_in_is_at_risk_only_when_over_14_days_late(world, late_by):
    client = factories.client(world.a, world.coach_a1)
    careers.set_cadence(world.a, world.coach_a1, client, Cadence.MONTHLY, TODAY)
    row_due = TODAY + timedelta(days=late_by)
    rows = at_risk.status_rows(world.a, world.coach_a1, row_due, [client.id])
    row = rows[client.id]
    assert row.checkin_overdue == (late_by > 0)
    assert row.long_overdue == (late_by > at_risk.OVERDUE_GRACE_DAYS)


# --- cadence arithmetic (check-in due dates, the periods they cover) ----------------------

CADENCES = st.sampled_from(
    [Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY, Cadence.QUARTERLY]
)
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@PURE
@given(CADENCES, DAYS, DAYS)
def test_the_next_due_date_is_the_first_of_the_series_after_the_day(cadence, anchor, day):
    due = careers.next_due_after(cadence, anchor, day)
    assert due > day and due >= anchor
    if anchor <= day:
        # a date of the series, and the one before it is not after `day`
        k = next(k for k in range(0, 2000) if careers.due_date(cadence, anchor, k) == due)
        assert careers.due_date(cadence, anchor, k - 1) <= day


@PURE
@given(CADENCES, DAYS, DAYS, DAYS)
def test_the_next_due_date_never_goes_back_as_days_pass(cadence, anchor, a, b):
    early, late = sorted((a, b))
    assert careers.next_due_after(cadence, anchor, early) <= careers.next_due_after(
        cadence, anchor, late
    )


@PURE
@given(DAYS, st.integers(-48, 48))
def test_adding_months_keeps_the_day_or_the_months_last(day, months):
    moved = careers.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(1)).day == 1)


# --- "today" where the practice is --------------------------------------------------------


@pytest.fixture
def server_tz():
    """Sets the server process's own timezone (TZ) for one example, and restores it."""
    original = os.environ.get("TZ")

    def _set(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield _set
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()


@WITH_DB
@given(instant=INSTANTS, zone=ZONES, server=ZONES)
def test_today_is_the_practices_date_whatever_the_servers_timezone(
    world, server_tz, instant, zone, server
):
    world.a.timezone = zone
    server_tz(server)
    with time_machine.travel(instant, tick=False):
        assert world.a.today() == instant.astimezone(ZoneInfo(zone)).date()


@PURE
@given(instant=INSTANTS, zone=ZONES, offset=st.integers(-14 * 60, 14 * 60))
def test_reminders_pick_the_local_day_from_the_instant_not_its_offset(app, instant, zone, offset):
    """The same instant written with any UTC offset gives the same local day and window."""
    from datetime import timezone

    practice = factories.PracticeFactory.build(timezone=zone)
    shifted = instant.astimezone(timezone(timedelta(minutes=offset)))
    with app.app_context():
        assert local_today(practice, instant) == local_today(practice, shifted)
        day, in_window = local_today(practice, instant)
        local = instant.astimezone(ZoneInfo(zone))
        assert day == local.date()
        assert in_window == (local.hour >= app.config["REMINDER_HOUR"])


@PURE
@given(a=DAYS, b=DAYS, kind=st.sampled_from(list(KINDS)))
def test_one_reminder_per_local_day_or_iso_week(a, b, kind):
    member = factories.MembershipFactory.build(id=7)
    same = dedupe_key(kind, member, a) == dedupe_key(kind, member, b)
    if kind.cadence == KindCadence.WEEKLY:
        assert same == (a.isocalendar()[:2] == b.isocalendar()[:2])
    else:
        assert same == (a == b)
