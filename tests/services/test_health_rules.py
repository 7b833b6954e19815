"""Networking health, rule by rule: each metric's boundaries, what it leaves out, how the
dashboards sort and which clients need attention (services/health.py's definitions).

Every case is asymmetric on purpose (three logs, one of a kind, not one of each), so a
rule turned round gives a different number. `today` is fixed and passed in.
"""

import os
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import pytest

from coachhub.extensions import db
from coachhub.models import (
    ActionItem,
    Approach,
    GoalStatus,
    KeepInTouch,
    LedgerDirection,
    MemberStatus,
    NetworkingGoal,
    utcnow,
)
from coachhub.services import health
from tests import factories

TODAY = date(2026, 6, 10)  # a Wednesday
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def _log(client, met_on, **kw):
    return factories.MeetingLogFactory(client=client, met_on=met_on, **kw)


def _row(world, client=None, viewer=None, today=TODAY):
    return health.client_health(world.a, viewer or world.coach_a1, client or world.client_a1, today)


def _rows(world, viewer, sort="name", desc=False, today=TODAY):
    query = health.dashboard_query(world.a, viewer, today, sort, desc)
    return list(db.session.execute(query))


def _attention(world, viewer=None, today=TODAY):
    query = health.needs_attention_query(world.a, viewer or world.coach_a1, today)
    return list(db.session.execute(query))


def _action(client, due_on, done_on=None):
    item = ActionItem(
        practice_id=client.practice_id,
        client_membership_id=client.id,
        title="Send the thank-you note",
        due_on=due_on,
        done_on=done_on,
    )
    db.session.add(item)
    db.session.flush()
    return item


def test_a_meeting_today_counts_and_one_planned_for_tomorrow_does_not(world):
    _log(world.client_a1, TODAY)
    _log(world.client_a1, TODAY + timedelta(days=1), approach=Approach.INFORMATION)
    row = _row(world)
    assert (row.logs, row.meetings_30d, row.last_activity) == (1, 1, TODAY)
    assert row.unreviewed == 1
    assert row.information_rate is None  # the planned meeting's approach is not counted


def test_the_last_thirty_days_are_today_and_the_twenty_nine_before(world):
    _log(world.client_a1, TODAY - timedelta(days=29))
    _log(world.client_a1, TODAY - timedelta(days=30))
    _log(world.client_a1, TODAY - timedelta(days=31))
    row = _row(world)
    assert row.logs == 3
    assert row.meetings_30d == 1


def test_a_client_with_nothing_logged_has_zeros_and_no_ratios(world):
    row = _row(world)
    assert (row.logs, row.meetings_30d, row.overdue, row.unreviewed) == (0, 0, 0, 0)
    assert (row.open_goals, row.proposed_goals, row.contacts, row.stale_contacts) == (0, 0, 0, 0)
    assert (row.gave, row.received) == (0, 0)
    assert row.last_activity is None
    for ratio in (
        "goal_progress",
        "ask_offer_share",
        "reciprocity",
        "information_rate",
        "on_time_rate",
        "keep_in_touch_rate",
    ):
        assert getattr(row, ratio) is None, ratio
    assert health.percent(row.on_time_rate) == "–"


def test_shares_over_past_logs_are_asymmetric(world):
    """Three past logs: one weak, one without an offer; one planned log with neither."""
    day = TODAY - timedelta(days=3)
    _log(world.client_a1, day)
    _log(world.client_a1, day, is_weak=True)
    _log(world.client_a1, day, offer="")
    _log(world.client_a1, TODAY + timedelta(days=2), is_weak=True, offer="")
    row = _row(world)
    assert row.logs == 3
    assert row.ask_offer_share == pytest.approx(2 / 3)
    assert row.reciprocity == pytest.approx(2 / 3)


def test_a_share_with_nothing_in_the_numerator_is_zero_not_missing(world):
    _log(world.client_a1, TODAY - timedelta(days=3), is_weak=True, offer="")
    row = _row(world)
    assert row.ask_offer_share == 0.0
    assert row.reciprocity == 0.0
    assert row.keep_in_touch_rate == 1.0
    assert health.percent(row.ask_offer_share) == "0%"


def test_information_rate_counts_only_logs_that_say_how_they_came_across(world):
    day = TODAY - timedelta(days=3)
    _log(world.client_a1, day, approach=Approach.INFORMATION)
    _log(world.client_a1, day, approach=Approach.JOB_ASKING)
    _log(world.client_a1, day, approach=Approach.MIXED)
    _log(world.client_a1, day)  # not said
    row = _row(world)
    assert row.information_rate == pytest.approx(1 / 3)


def test_information_rate_with_every_log_unsaid_is_missing(world):
    _log(world.client_a1, TODAY - timedelta(days=3))
    assert _row(world).information_rate is None


def test_keep_in_touch_rate_leaves_out_logs_where_nobody_asked(world):
    day = TODAY - timedelta(days=3)
    _log(world.client_a1, day, keep_in_touch=KeepInTouch.YES)
    _log(world.client_a1, day, keep_in_touch=KeepInTouch.NO)
    _log(world.client_a1, day, keep_in_touch=KeepInTouch.NO)
    _log(world.client_a1, day, keep_in_touch=KeepInTouch.NOT_ASKED)
    _log(world.client_a1, TODAY + timedelta(days=1), keep_in_touch=KeepInTouch.YES)
    assert _row(world).keep_in_touch_rate == pytest.approx(1 / 3)


def test_follow_ups_due_today_count_as_due_and_are_not_overdue(world):
    met = TODAY - timedelta(days=5)
    _log(world.client_a1, met, follow_up_action="a", follow_up_due_on=TODAY)
    _log(world.client_a1, met, follow_up_action="b", follow_up_due_on=TODAY + timedelta(days=1))
    _log(  # done early, but not due yet: not in the rate
        world.client_a1,
        met,
        follow_up_action="c",
        follow_up_due_on=TODAY + timedelta(days=2),
        follow_up_done_on=TODAY,
    )
    row = _row(world)
    assert row.overdue == 0
    assert row.on_time_rate == 0.0  # one due (today), none done yet


def test_follow_ups_on_time_means_done_on_or_before_the_due_date(world):
    met = TODAY - timedelta(days=10)
    due = TODAY - timedelta(days=4)
    _log(world.client_a1, met, follow_up_action="a", follow_up_due_on=due, follow_up_done_on=due)
    _log(
        world.client_a1,
        met,
        follow_up_action="b",
        follow_up_due_on=due,
        follow_up_done_on=due + timedelta(days=1),
    )
    _log(world.client_a1, met, follow_up_action="c", follow_up_due_on=due)
    _log(world.client_a1, met)  # no follow-up at all
    row = _row(world)
    assert row.on_time_rate == pytest.approx(1 / 3)
    assert row.overdue == 1


def test_action_items_from_sessions_are_follow_ups_too(world):
    due = TODAY - timedelta(days=2)
    _action(world.client_a1, due, done_on=due)
    _action(world.client_a1, due, done_on=due + timedelta(days=1))
    _action(world.client_a1, due)
    _action(world.client_a1, TODAY)
    _action(world.client_a1, TODAY + timedelta(days=3))
    _log(
        world.client_a1,
        TODAY - timedelta(days=9),
        follow_up_action="a",
        follow_up_due_on=due,
        follow_up_done_on=due,
    )
    row = _row(world)
    # Due by today: three actions with an earlier date, one due today, and the log's one.
    assert row.on_time_rate == pytest.approx(2 / 5)
    assert row.overdue == 1


def test_action_items_alone_make_an_on_time_rate(world):
    due = TODAY - timedelta(days=1)
    _action(world.client_a1, due, done_on=due - timedelta(days=1))
    _action(world.client_a1, due)
    row = _row(world)
    assert row.on_time_rate == 0.5
    assert row.overdue == 1
    assert row.logs == 0


def test_archived_logs_and_contacts_are_left_out(world):
    day = TODAY - timedelta(days=3)
    contact = factories.ContactFactory(client=world.client_a1)
    _log(world.client_a1, day, contact=contact)
    _log(
        world.client_a1,
        day,
        contact=contact,
        archived_at=utcnow(),
        follow_up_action="x",
        follow_up_due_on=day,
        is_weak=True,
    )
    factories.ContactFactory(client=world.client_a1, archived_at=utcnow(), touch_due_on=day)
    row = _row(world)
    assert (row.logs, row.overdue, row.ask_offer_share) == (1, 0, 1.0)
    assert row.contacts == 1  # the logs' contact; the archived one is not counted
    assert row.stale_contacts == 0


def test_unreviewed_counts_past_logs_without_a_review(world):
    day = TODAY - timedelta(days=3)
    reviewed = _log(world.client_a1, day)
    factories.ReviewFactory(log_row=reviewed)
    _log(world.client_a1, day)
    _log(world.client_a1, day)
    _log(world.client_a1, TODAY + timedelta(days=1))
    assert _row(world).unreviewed == 2


def test_stale_contacts_are_those_whose_touch_is_past_due(world):
    for due in (TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1), None):
        factories.ContactFactory(client=world.client_a1, touch_due_on=due)
    factories.ContactFactory(client=world.client_a1, touch_due_on=TODAY - timedelta(days=9))
    row = _row(world)
    assert (row.contacts, row.stale_contacts) == (5, 2)


def test_the_ledger_counts_given_and_received_up_to_today(world):
    for direction, on in (
        (LedgerDirection.GAVE, TODAY),
        (LedgerDirection.GAVE, TODAY - timedelta(days=4)),
        (LedgerDirection.GAVE, TODAY + timedelta(days=1)),
        (LedgerDirection.RECEIVED, TODAY - timedelta(days=2)),
    ):
        factories.PromiseFactory(client=world.client_a1, direction=direction, happened_on=on)
    row = _row(world)
    assert (row.gave, row.received) == (2, 1)


def test_goal_progress_is_capped_per_open_goal(world):
    over = factories.GoalFactory(client=world.client_a1, target_meetings=2)
    under = factories.GoalFactory(client=world.client_a1, target_meetings=4)
    closed = factories.GoalFactory(
        client=world.client_a1, target_meetings=3, status=GoalStatus.ACHIEVED
    )
    factories.GoalFactory(client=world.client_a1, target_meetings=5, status=GoalStatus.PROPOSED)
    day = TODAY - timedelta(days=3)
    for goal, n in ((over, 5), (under, 1), (closed, 3)):
        for _ in range(n):
            _log(world.client_a1, day, goal_id=goal.id)
    _log(world.client_a1, day, goal_id=under.id, archived_at=utcnow())
    row = _row(world)
    assert (row.open_goals, row.proposed_goals) == (2, 1)
    # (min(5, 2) + min(1, 4)) / (2 + 4): the far-over goal does not hide the one under.
    assert row.goal_progress == pytest.approx(3 / 6)


def test_goal_progress_of_open_goals_with_no_logs_is_zero(world):
    factories.GoalFactory(client=world.client_a1, target_meetings=3)
    row = _row(world)
    assert row.goal_progress == 0.0
    assert row.open_goals == 1


def test_a_coach_sees_only_their_own_clients_and_the_owner_sees_all(world):
    _log(world.client_a2, TODAY - timedelta(days=1))
    _log(world.client_b, TODAY - timedelta(days=1))
    coach_ids = [row.Membership.id for row in _rows(world, world.coach_a1)]
    owner_ids = {row.Membership.id for row in _rows(world, world.owner_a)}
    assert coach_ids == [world.client_a1.id]
    assert owner_ids == {world.client_a1.id, world.client_a2.id}
    assert _row(world, world.client_a2, world.owner_a).logs == 1
    assert _row(world, world.client_a2, world.coach_a1) is None


def test_another_clients_logs_never_count(world):
    other = factories.client(world.a, world.coach_a1)
    _log(other, TODAY - timedelta(days=1), follow_up_action="a", follow_up_due_on=TODAY)
    row = _row(world)
    assert (row.logs, row.meetings_30d) == (0, 0)
    assert row.on_time_rate is None


@pytest.fixture
def three(world):
    """Three clients of coach A1 whose every metric differs: Ann < Ben < Cat by name."""
    world.client_a1.user.name = "Ben"
    ann = factories.client(world.a, world.coach_a1)
    ann.user.name = "Ann"
    cat = factories.client(world.a, world.coach_a1)
    cat.user.name = "Cat"
    db.session.flush()
    day = TODAY - timedelta(days=2)
    # Ann: 3 recent logs, all strong; Ben: 1 log 40 days ago, weak; Cat: nothing.
    for _ in range(3):
        _log(ann, day, approach=Approach.INFORMATION)
    _log(
        ann,
        day,
        follow_up_action="thank",
        follow_up_due_on=TODAY - timedelta(days=1),
        follow_up_done_on=day,
    )
    _log(
        world.client_a1,
        TODAY - timedelta(days=40),
        is_weak=True,
        offer="",
        follow_up_action="a",
        follow_up_due_on=TODAY - timedelta(days=35),
        keep_in_touch=KeepInTouch.NO,
        approach=Approach.JOB_ASKING,
    )
    return ann, world.client_a1, cat


RATIO = (["Ben", "Ann", "Cat"], ["Ann", "Ben", "Cat"])  # Cat has nothing: last both ways


@pytest.mark.parametrize(
    "sort, ascending, descending",
    [
        ("name", ["Ann", "Ben", "Cat"], ["Cat", "Ben", "Ann"]),
        ("coach", ["Ann", "Ben", "Cat"], ["Ann", "Ben", "Cat"]),
        ("meetings_30d", ["Ben", "Cat", "Ann"], ["Ann", "Ben", "Cat"]),
        ("overdue", ["Ann", "Cat", "Ben"], ["Ben", "Ann", "Cat"]),
        ("unreviewed", ["Cat", "Ben", "Ann"], ["Ann", "Ben", "Cat"]),
        ("last_activity", *RATIO),
        ("ask_offer_share", *RATIO),
        ("reciprocity", *RATIO),
        ("information_rate", *RATIO),
        ("keep_in_touch_rate", *RATIO),
        ("on_time_rate", *RATIO),
    ],
)
def test_each_sort_orders_by_its_metric_with_missing_values_last(
    world, three, sort, ascending, descending
):
    """Ties go by name; a client with nothing to measure sorts last either way."""

    def names(desc):
        return [row.Membership.user.name for row in _rows(world, world.coach_a1, sort, desc)]

    assert names(False) == ascending
    assert names(True) == descending


def test_goal_progress_sorts_with_clients_without_goals_last(world, three):
    ann, ben, cat = three
    g1 = factories.GoalFactory(client=ann, target_meetings=4)
    factories.GoalFactory(client=ben, target_meetings=4)
    _log(ann, TODAY - timedelta(days=1), goal_id=g1.id)
    rows = _rows(world, world.coach_a1, "goal_progress")
    assert [r.Membership.user.name for r in rows] == ["Ben", "Ann", "Cat"]
    rows = _rows(world, world.coach_a1, "goal_progress", desc=True)
    assert [r.Membership.user.name for r in rows] == ["Ann", "Ben", "Cat"]


def test_same_names_go_by_when_the_client_joined(world):
    """Two clients called the same: the one who joined first (the lower id) comes first."""
    twin = factories.client(world.a, world.coach_a1)
    world.client_a1.user.name = twin.user.name = "Sam"
    db.session.flush()
    for desc in (False, True):
        ids = [r.Membership.id for r in _rows(world, world.coach_a1, "name", desc)]
        assert ids == sorted(ids)


def test_a_client_who_left_is_not_on_the_dashboard(world):
    leaver = factories.client(world.a, world.coach_a1)
    leaver.status = MemberStatus.ARCHIVED
    # Overdue and unreviewed: an active client like this would need attention.
    _log(
        leaver,
        TODAY - timedelta(days=40),
        follow_up_action="x",
        follow_up_due_on=TODAY - timedelta(days=5),
    )
    db.session.flush()
    assert [r.Membership.id for r in _rows(world, world.coach_a1)] == [world.client_a1.id]
    assert [r.Membership.id for r in _attention(world)] == []


def test_the_owner_sees_clients_grouped_by_coach_then_sorted(world, three):
    world.coach_a1.user.name = "Zed Coach"
    world.coach_a2.user.name = "Amy Coach"
    world.client_a2.user.name = "Zoe"
    db.session.flush()
    rows = _rows(world, world.owner_a, "name")
    assert [(r.coach, r.Membership.user.name) for r in rows] == [
        ("Amy Coach", "Zoe"),
        ("Zed Coach", "Ann"),
        ("Zed Coach", "Ben"),
        ("Zed Coach", "Cat"),
    ]
    rows = _rows(world, world.owner_a, "coach", desc=True)
    assert [r.coach for r in rows] == ["Amy Coach", "Zed Coach", "Zed Coach", "Zed Coach"]


# Who needs attention -------------------------------------------------------------------


def _joined(member, when):
    member.created_at = when
    db.session.flush()


def test_attention_lists_overdue_then_unreviewed_then_quiet(world):
    """Worst first: more overdue, then more unreviewed, then by name."""
    coach = world.coach_a1
    people = {}
    for name in ("Dee", "Abe", "Cy", "Bo", "Al", "Eve"):
        people[name] = factories.client(world.a, coach)
        people[name].user.name = name
        _joined(people[name], LONG_AGO)
    world.client_a1.user.name = "Fay"
    _joined(world.client_a1, LONG_AGO)
    recent = TODAY - timedelta(days=3)
    overdue = {"follow_up_action": "a", "follow_up_due_on": TODAY - timedelta(days=1)}
    # Dee: 2 overdue (and 2 unreviewed). Abe: 1 overdue, 1 unreviewed.
    _log(people["Dee"], recent, **overdue)
    _log(people["Dee"], recent, **overdue)
    _log(people["Abe"], recent, **overdue)
    # Cy: 3 unreviewed. Bo: 1 unreviewed.
    for _ in range(3):
        _log(people["Cy"], recent)
    _log(people["Bo"], recent)
    _log(people["Al"], recent)  # the same as Bo: the name decides
    # Eve: quiet (last meeting 31 days ago, reviewed). Fay: active and reviewed.
    factories.ReviewFactory(log_row=_log(people["Eve"], TODAY - timedelta(days=31)))
    factories.ReviewFactory(log_row=_log(world.client_a1, recent))
    rows = _attention(world, coach)
    assert [r.name for r in rows] == ["Dee", "Abe", "Cy", "Al", "Bo", "Eve"]
    assert [r.quiet for r in rows] == [0, 0, 0, 0, 0, 1]
    assert [(r.overdue, r.unreviewed) for r in rows] == [
        (2, 2),
        (1, 1),
        (0, 3),
        (0, 1),
        (0, 1),
        (0, 0),
    ]


def test_one_overdue_follow_up_alone_needs_attention(world):
    _joined(world.client_a1, LONG_AGO)
    log = _log(
        world.client_a1,
        TODAY - timedelta(days=3),
        follow_up_action="a",
        follow_up_due_on=TODAY - timedelta(days=1),
    )
    factories.ReviewFactory(log_row=log)
    rows = _attention(world)
    assert [(r.id, r.overdue, r.unreviewed, r.quiet) for r in rows] == [
        (world.client_a1.id, 1, 0, 0)
    ]


def test_one_unreviewed_log_alone_needs_attention(world):
    _joined(world.client_a1, LONG_AGO)
    _log(world.client_a1, TODAY - timedelta(days=3))
    rows = _attention(world)
    assert [(r.id, r.overdue, r.unreviewed, r.quiet) for r in rows] == [
        (world.client_a1.id, 0, 1, 0)
    ]


def test_an_active_reviewed_client_does_not_need_attention(world):
    _joined(world.client_a1, LONG_AGO)
    factories.ReviewFactory(log_row=_log(world.client_a1, TODAY - timedelta(days=30)))
    assert _attention(world) == []


def test_a_client_who_never_met_anyone_goes_quiet_after_thirty_days(world):
    _joined(world.client_a1, LONG_AGO)
    rows = _attention(world)
    assert [(r.id, r.quiet) for r in rows] == [(world.client_a1.id, 1)]


def test_quiet_starts_the_thirty_first_day_without_a_meeting(world):
    _joined(world.client_a1, LONG_AGO)
    factories.ReviewFactory(log_row=_log(world.client_a1, health.quiet_since(TODAY)))
    assert _attention(world) == []
    factories.ReviewFactory(
        log_row=_log(world.client_a2, health.quiet_since(TODAY) - timedelta(days=1))
    )
    _joined(world.client_a2, LONG_AGO)
    rows = _attention(world, world.owner_a)
    assert [(r.id, r.quiet) for r in rows] == [(world.client_a2.id, 1)]


def test_joining_counts_from_midnight_where_the_practice_is(world):
    """Auckland is 12 hours ahead: joining at 13:00 UTC the day before is already 'since'."""
    world.a.timezone = "Pacific/Auckland"
    since = health.quiet_since(TODAY)
    midnight = datetime.combine(since, time(), world.a.tz).astimezone(UTC)
    _joined(world.client_a1, midnight - timedelta(minutes=1))
    _joined(world.client_a2, midnight)
    rows = _attention(world, world.owner_a)
    assert [r.id for r in rows] == [world.client_a1.id]
    # Read in UTC, the same day starts 12 hours later and would flag both of them.
    assert midnight < datetime.combine(since, time(), UTC)


@pytest.fixture
def server_far_from_utc():
    """The app server's own clock set to Los Angeles time: nothing may read it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    clock.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    clock.tzset()


def test_joining_is_judged_in_the_practices_timezone_not_the_servers(world, server_far_from_utc):
    world.a.timezone = "Pacific/Auckland"
    midnight = datetime.combine(health.quiet_since(TODAY), time(), world.a.tz).astimezone(UTC)
    _joined(world.client_a1, midnight - timedelta(minutes=1))
    _joined(world.client_a2, midnight)
    assert [r.id for r in _attention(world, world.owner_a)] == [world.client_a1.id]


def test_quiet_since_is_thirty_days_back():
    assert health.quiet_since(TODAY) == TODAY - timedelta(days=30)


# Meetings per week and percentages -------------------------------------------------------


def test_meetings_per_week_buckets_twelve_weeks_from_monday(world):
    monday = TODAY - timedelta(days=TODAY.weekday())
    first = monday - timedelta(weeks=11)
    for day in (TODAY, TODAY, monday, monday - timedelta(days=1), first):
        _log(world.client_a1, day)
    _log(world.client_a1, first - timedelta(days=1))  # before the window
    _log(world.client_a1, TODAY + timedelta(days=1))  # planned
    _log(world.client_a1, TODAY, archived_at=utcnow())
    _log(world.client_a2, TODAY)  # another client's
    weeks = health.meetings_per_week(world.client_a1, TODAY)
    assert [w.start for w in weeks] == [first + timedelta(weeks=i) for i in range(12)]
    assert weeks[-1].meetings == 3
    assert weeks[-2].meetings == 1
    assert weeks[0].meetings == 1
    assert sum(w.meetings for w in weeks) == 5


def test_meetings_per_week_of_a_shorter_window(world):
    _log(world.client_a1, TODAY)
    weeks = health.meetings_per_week(world.client_a1, TODAY, weeks=3)
    assert [w.meetings for w in weeks] == [0, 0, 1]


@pytest.mark.parametrize(
    "value, shown",
    [(None, "–"), (0.0, "0%"), (1.0, "100%"), (2 / 3, "67%"), (0.004, "0%"), (0.996, "100%")],
)
def test_percent(value, shown):
    assert health.percent(value) == shown


def test_a_planned_meeting_marked_information_seeking_does_not_raise_the_rate(world):
    _log(world.client_a1, TODAY - timedelta(days=2), approach=Approach.JOB_ASKING)
    _log(world.client_a1, TODAY + timedelta(days=4), approach=Approach.INFORMATION)
    assert _row(world).information_rate == 0.0


def test_an_action_item_done_early_is_not_due_yet(world):
    _action(world.client_a1, TODAY + timedelta(days=5), done_on=TODAY)
    _action(world.client_a1, TODAY - timedelta(days=1))
    row = _row(world)
    assert row.on_time_rate == 0.0
    assert row.overdue == 1


# --- each statistic on its own: only the viewer's clients, one row per client -----------------


@pytest.fixture
def everyone_busy(world):
    """Every kind of row for a client of each coach of Alpha and for Beta's client, one more of
    each for the second coach's client, so a lost filter or GROUP BY changes the rows."""
    day = TODAY - timedelta(days=2)
    for client, n in ((world.client_a1, 1), (world.client_a2, 2), (world.client_b, 4)):
        for _ in range(n):
            goal = factories.GoalFactory(client=client, target_meetings=3)
            _log(client, day, goal_id=goal.id, follow_up_action="Thank", follow_up_due_on=day)
            _action(client, day, done_on=day)
            factories.ContactFactory(client=client, touch_due_on=day)
            factories.PromiseFactory(client=client, direction=LedgerDirection.GAVE, happened_on=day)
    return world


STATS = {
    "log_stats": lambda w, viewer, ids=None: health.log_stats(w.a, viewer, TODAY, ids),
    "action_stats": lambda w, viewer, ids=None: health.action_stats(w.a, viewer, TODAY, ids),
    "goal_stats": lambda w, viewer, ids=None: health.goal_stats(w.a, viewer, ids),
    "contact_stats": lambda w, viewer, ids=None: health.contact_stats(w.a, viewer, TODAY, ids),
    "ledger_stats": lambda w, viewer, ids=None: health.ledger_stats(w.a, viewer, TODAY, ids),
}


def _stat_rows(stats) -> dict:
    """client id -> the row's counts (every column but the client id)."""
    rows = db.session.execute(db.select(stats)).mappings()
    return {row["client_id"]: tuple(v for k, v in row.items() if k != "client_id") for row in rows}


@pytest.mark.parametrize("name", STATS)
def test_each_statistic_holds_one_row_per_client_the_owner_sees(everyone_busy, name):
    world = everyone_busy
    rows = _stat_rows(STATS[name](world, world.owner_a))
    # Beta's client is in no row of Alpha's owner; each of Alpha's clients has its own row.
    assert set(rows) == {world.client_a1.id, world.client_a2.id}
    assert rows[world.client_a1.id] != rows[world.client_a2.id]


@pytest.mark.parametrize("name", STATS)
def test_each_statistic_holds_only_a_coachs_own_clients(everyone_busy, name):
    world = everyone_busy
    assert set(_stat_rows(STATS[name](world, world.coach_a1))) == {world.client_a1.id}


@pytest.mark.parametrize("name", STATS)
def test_each_statistic_of_a_page_reads_only_that_pages_clients(everyone_busy, name):
    world = everyone_busy
    page = [world.client_a2.id]
    assert set(_stat_rows(STATS[name](world, world.owner_a, page))) == set(page)


def test_goal_logged_counts_of_a_page_or_one_client_are_theirs_alone(everyone_busy):
    world = everyone_busy
    goals = db.session.execute(
        db.select(NetworkingGoal.id, NetworkingGoal.client_membership_id)
    ).all()
    theirs = {gid for gid, cid in goals if cid == world.client_a2.id}
    page = health.goal_logged_counts(world.a, world.owner_a, client_ids=[world.client_a2.id])
    one = health.goal_logged_counts(world.a, world.owner_a, client=world.client_a2)
    for counts in (page, one):
        assert set(dict(db.session.execute(db.select(counts)).all())) == theirs


def test_goal_logged_counts_count_each_goal_of_the_viewers_clients(everyone_busy):
    world = everyone_busy
    counts = dict(
        db.session.execute(db.select(health.goal_logged_counts(world.a, world.owner_a))).all()
    )
    goals = db.session.execute(
        db.select(NetworkingGoal.id, NetworkingGoal.client_membership_id)
    ).all()
    alpha = {gid for gid, cid in goals if cid in (world.client_a1.id, world.client_a2.id)}
    assert set(counts) == alpha and set(counts.values()) == {1}
    mine = dict(
        db.session.execute(db.select(health.goal_logged_counts(world.a, world.coach_a1))).all()
    )
    assert set(mine) == {gid for gid, cid in goals if cid == world.client_a1.id}


def test_logs_without_a_goal_are_not_counted_against_any(world):
    _log(world.client_a1, TODAY - timedelta(days=1))
    counts = db.session.execute(db.select(health.goal_logged_counts(world.a, world.owner_a)))
    assert counts.all() == []


def test_the_dashboard_sorts_by_the_requested_metric_not_the_name(world):
    """ "Overdue, most first" puts Zed (two overdue) above Amy (none)."""
    world.client_a1.user.name = "Amy"
    zed = factories.client(world.a, world.coach_a1)
    zed.user.name = "Zed"
    for _ in range(2):
        _log(
            zed,
            TODAY - timedelta(days=5),
            follow_up_action="Thank",
            follow_up_due_on=TODAY - timedelta(days=1),
        )
    db.session.flush()
    names = [row.Membership.user.name for row in _rows(world, world.coach_a1, "overdue", True)]
    assert names == ["Zed", "Amy"]
    names = [row.Membership.user.name for row in _rows(world, world.coach_a1, "overdue", False)]
    assert names == ["Amy", "Zed"]


@pytest.mark.parametrize("viewer", ["coach_a1", "owner_a"])
@pytest.mark.parametrize("sort", health.PAGE_FIRST_SORTS)
@pytest.mark.parametrize("desc", [False, True])
def test_the_page_of_clients_is_chosen_in_the_dashboards_order(world, three, viewer, sort, desc):
    """Sorted by name or coach, the dashboard picks its page of ids first: the same clients in
    the same order as the full table, none who left, no coach, no other practice's."""
    world.coach_a1.user.name = "Zed Coach"
    world.coach_a2.user.name = "Amy Coach"
    factories.client(world.a, world.coach_a2).user.name = "Bob"
    factories.client(world.a, world.coach_a1).status = MemberStatus.ARCHIVED
    db.session.flush()
    member = getattr(world, viewer)
    ids = db.session.execute(health.clients_query(world.a, member, sort, desc)).scalars().all()
    assert ids == [row.Membership.id for row in _rows(world, member, sort, desc)]
    assert world.client_a1.id in ids and world.client_b.id not in ids


def test_a_pages_table_reads_every_statistic_for_the_page_alone(world):
    """With a page of ids, each statistic's subquery (logs, actions, goals and their counts,
    contacts, ledger) and the clients themselves carry the page's condition: seven in all."""
    page = [world.client_a1.id]
    for query in (
        health.health_query(world.a, world.owner_a, TODAY, page),
        health.dashboard_query(world.a, world.owner_a, TODAY, "name", False, page),
    ):
        assert str(query).count("POSTCOMPILE") == 7
    assert "POSTCOMPILE" not in str(health.health_query(world.a, world.owner_a, TODAY))
