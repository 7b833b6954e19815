"""The at-risk rules one by one, at their boundaries, and the lists built on them
(services/at_risk.py): status rows, who needs attention, overdue check-ins, the overview.

Careers and check-ins are written directly so each case sets exactly what it tests;
`today` is fixed and passed in.
"""

from datetime import date, timedelta

import pytest

from coachhub.extensions import db
from coachhub.models import (
    Cadence,
    CareerStage,
    CheckinStatus,
    ClientCareer,
    MemberStatus,
    utcnow,
)
from coachhub.services import at_risk
from tests import factories

TODAY = date(2027, 3, 10)


def _career(client, stage=CareerStage.PLACED, next_due_on=None, **kw) -> ClientCareer:
    career = ClientCareer(
        practice_id=client.practice_id,
        client_membership_id=client.id,
        stage=stage,
        next_due_on=next_due_on,
        **kw,
    )
    db.session.add(career)
    db.session.flush()
    return career


def _checkin(client, due_on, pulse, status=CheckinStatus.SUBMITTED):
    return factories.CheckinFactory(client=client, due_on=due_on, pulse=pulse, status=status)


def _status(world, client=None, viewer=None, today=TODAY):
    client = client or world.client_a1
    return at_risk.status_rows(world.a, viewer or world.coach_a1, today, [client.id]).get(client.id)


def _named(member, name):
    member.user.name = name
    db.session.flush()
    return member


def test_a_client_with_no_career_is_searching_and_not_at_risk(world):
    row = _status(world)
    assert row.stage == CareerStage.SEARCHING.value
    assert (row.last_pulse, row.previous_pulse, row.to_review) == (None, None, 0)
    assert (row.at_risk, row.checkin_overdue, row.not_kept_up) == (0, 0, 0)
    assert at_risk.flags(row) == []
    assert at_risk.trend_arrow(row) == ""


def test_the_row_carries_the_career_and_the_coach(world):
    world.coach_a1.user.name = "Coach One"
    _career(
        world.client_a1,
        employer="Kiwibank",
        role_title="Product manager",
        cadence=Cadence.MONTHLY,
        next_due_on=TODAY + timedelta(days=3),
    )
    factories.MeetingLogFactory(client=world.client_a1, met_on=TODAY)
    row = _status(world)
    assert (row.stage, row.employer, row.role_title) == ("placed", "Kiwibank", "Product manager")
    assert row.cadence == Cadence.MONTHLY
    assert row.next_due_on == TODAY + timedelta(days=3)
    assert (row.coach_id, row.coach, row.name) == (
        world.coach_a1.id,
        "Coach One",
        world.client_a1.user.name,
    )


@pytest.mark.parametrize("pulse, low", [(49, 1), (50, 0), (51, 0)])
def test_low_pulse_is_under_fifty(world, pulse, low):
    _checkin(world.client_a1, TODAY - timedelta(days=3), pulse)
    row = _status(world)
    assert (row.last_pulse, row.low_pulse, row.at_risk) == (pulse, low, low)


@pytest.mark.parametrize("previous, drop", [(80, 1), (79, 0), (81, 1)])
def test_a_drop_of_fifteen_points_or_more(world, previous, drop):
    _checkin(world.client_a1, TODAY - timedelta(days=40), previous)
    _checkin(world.client_a1, TODAY - timedelta(days=10), 65)
    row = _status(world)
    assert (row.last_pulse, row.previous_pulse) == (65, previous)
    assert (row.pulse_drop, row.at_risk) == (drop, drop)


def test_the_last_pulse_is_the_latest_due_date_not_the_latest_written(world):
    _checkin(world.client_a1, TODAY - timedelta(days=10), 70)
    _checkin(world.client_a1, TODAY - timedelta(days=40), 90)  # written later, due earlier
    _checkin(world.client_a1, TODAY - timedelta(days=70), 30)
    row = _status(world)
    assert (row.last_pulse, row.previous_pulse) == (70, 90)
    assert at_risk.trend_arrow(row) == "↓"


def test_two_check_ins_due_the_same_day_the_later_written_is_last(world):
    day = TODAY - timedelta(days=5)
    _checkin(world.client_a1, day, 40)
    _checkin(world.client_a1, day, 60)
    row = _status(world)
    assert (row.last_pulse, row.previous_pulse) == (60, 40)
    assert at_risk.trend_arrow(row) == "↑"


def test_drafts_and_other_clients_check_ins_do_not_count(world):
    _checkin(world.client_a1, TODAY - timedelta(days=40), 70)
    _checkin(world.client_a1, TODAY - timedelta(days=5), 10, status=CheckinStatus.DRAFT)
    other = factories.client(world.a, world.coach_a1)
    _checkin(other, TODAY - timedelta(days=2), 20)
    row = _status(world)
    assert (row.last_pulse, row.previous_pulse, row.low_pulse) == (70, None, 0)
    assert at_risk.trend_arrow(row) == ""


def test_to_review_counts_submitted_check_ins_only(world):
    _checkin(world.client_a1, TODAY - timedelta(days=70), 70, status=CheckinStatus.REVIEWED)
    _checkin(world.client_a1, TODAY - timedelta(days=40), 70)
    _checkin(world.client_a1, TODAY - timedelta(days=10), 70)
    _checkin(world.client_a1, TODAY - timedelta(days=1), None, status=CheckinStatus.DRAFT)
    row = _status(world)
    assert row.to_review == 2
    assert at_risk.trend_arrow(row) == "→"


def test_a_reviewed_check_in_still_gives_the_pulse(world):
    _checkin(world.client_a1, TODAY - timedelta(days=5), 30, status=CheckinStatus.REVIEWED)
    row = _status(world)
    assert (row.last_pulse, row.low_pulse, row.to_review) == (30, 1, 0)


@pytest.mark.parametrize(
    "days_late, overdue, long_overdue", [(0, 0, 0), (1, 1, 0), (14, 1, 0), (15, 1, 1)]
)
def test_check_in_overdue_and_long_overdue(world, days_late, overdue, long_overdue):
    _career(world.client_a1, next_due_on=TODAY - timedelta(days=days_late))
    factories.MeetingLogFactory(client=world.client_a1, met_on=TODAY)
    row = _status(world)
    assert (row.checkin_overdue, row.long_overdue, row.at_risk) == (
        overdue,
        long_overdue,
        long_overdue,
    )


def test_a_placed_client_who_never_networked_has_not_kept_up(world):
    _career(world.client_a1)
    row = _status(world)
    assert (row.last_activity, row.not_kept_up, row.at_risk) == (None, 1, 1)
    assert at_risk.flags(row) == [at_risk.FLAG_MESSAGES["not_kept_up"]]


@pytest.mark.parametrize("days, kept_up", [(59, True), (60, False), (61, False)])
def test_kept_up_means_networking_within_sixty_days(world, days, kept_up):
    _career(world.client_a1)
    factories.MeetingLogFactory(client=world.client_a1, met_on=TODAY - timedelta(days=days))
    assert _status(world).not_kept_up == (0 if kept_up else 1)


def test_a_searching_client_is_not_judged_on_keeping_up(world):
    _career(world.client_a1, stage=CareerStage.SEARCHING)
    row = _status(world)
    assert (row.stage, row.not_kept_up, row.at_risk) == ("searching", 0, 0)


def test_last_activity_is_the_later_of_meetings_and_touches(world):
    _career(world.client_a1)
    contact = factories.ContactFactory(
        client=world.client_a1, manual_touch_on=TODAY - timedelta(days=10)
    )
    factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=TODAY - timedelta(days=20)
    )
    assert _status(world).last_activity == TODAY - timedelta(days=10)
    factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=TODAY - timedelta(days=5)
    )
    assert _status(world).last_activity == TODAY - timedelta(days=5)


def test_a_touch_alone_is_activity(world):
    _career(world.client_a1)
    factories.ContactFactory(client=world.client_a1, manual_touch_on=TODAY - timedelta(days=3))
    row = _status(world)
    assert (row.last_activity, row.not_kept_up) == (TODAY - timedelta(days=3), 0)


def test_planned_meetings_future_touches_and_archived_logs_are_not_activity(world):
    _career(world.client_a1)
    old = TODAY - timedelta(days=90)
    contact = factories.ContactFactory(
        client=world.client_a1, manual_touch_on=TODAY + timedelta(days=2)
    )
    factories.MeetingLogFactory(client=world.client_a1, contact=contact, met_on=old)
    factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=TODAY + timedelta(days=1)
    )
    factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=TODAY, archived_at=utcnow()
    )
    other = factories.client(world.a, world.coach_a1)
    factories.MeetingLogFactory(client=other, met_on=TODAY)
    factories.ContactFactory(client=other, manual_touch_on=TODAY)
    row = _status(world)
    assert (row.last_activity, row.not_kept_up) == (old, 1)


def test_a_meeting_today_and_a_touch_today_are_activity(world):
    _career(world.client_a1)
    factories.ContactFactory(client=world.client_a1, manual_touch_on=TODAY)
    assert _status(world).last_activity == TODAY
    other = _career(factories.client(world.a, world.coach_a1)).client
    factories.MeetingLogFactory(client=other, met_on=TODAY)
    assert _status(world, other).last_activity == TODAY


def test_the_coaches_flag_makes_a_client_at_risk_with_the_reason(world):
    _career(world.client_a1, flagged_at=utcnow(), flag_reason="Team restructured")
    factories.MeetingLogFactory(client=world.client_a1, met_on=TODAY)
    row = _status(world)
    assert (row.flagged, row.at_risk) == (1, 1)
    assert at_risk.flags(row) == ["flagged by the coach: Team restructured"]


def test_every_rule_that_fires_is_listed_in_order(world):
    _career(
        world.client_a1,
        next_due_on=TODAY - timedelta(days=30),
        flagged_at=utcnow(),
        flag_reason="Quiet",
    )
    _checkin(world.client_a1, TODAY - timedelta(days=60), 90)
    _checkin(world.client_a1, TODAY - timedelta(days=30), 40)
    row = _status(world)
    assert at_risk.flags(row) == [
        "pulse under 50",
        "pulse dropped 15+ points since the previous check-in",
        "check-in overdue by more than 14 days",
        "placed, no networking activity in 60 days (hasn't kept up)",
        "flagged by the coach: Quiet",
    ]


def test_only_visible_active_clients_have_rows(world):
    assert _status(world, world.client_a2) is None
    assert _status(world, world.client_a2, world.owner_a) is not None
    assert _status(world, world.client_b, world.owner_a) is None
    assert at_risk.status_rows(world.a, world.coach_a1, TODAY, []) == {}


def test_another_practices_check_ins_and_logs_never_count(world):
    _career(world.client_a1)
    _checkin(world.client_b, TODAY - timedelta(days=1), 10)
    factories.MeetingLogFactory(client=world.client_b, met_on=TODAY)
    row = _status(world, viewer=world.owner_a)
    assert (row.last_pulse, row.last_activity) == (None, None)


# The lists ----------------------------------------------------------------------------


@pytest.fixture
def four(world):
    """Coach A1's clients: Ann at risk, Ben overdue, Cat with a check-in to review, Dan fine."""
    ann = _named(world.client_a1, "Ann")
    ben = _named(factories.client(world.a, world.coach_a1), "Ben")
    cat = _named(factories.client(world.a, world.coach_a1), "Cat")
    dan = _named(factories.client(world.a, world.coach_a1), "Dan")
    for member in (ann, ben, cat, dan):
        factories.MeetingLogFactory(client=member, met_on=TODAY)
    _career(ann, next_due_on=TODAY + timedelta(days=5), flagged_at=utcnow(), flag_reason="x")
    _career(ben, next_due_on=TODAY - timedelta(days=2))
    _career(cat, next_due_on=TODAY + timedelta(days=20))
    _checkin(cat, TODAY - timedelta(days=3), 70)
    _career(dan, next_due_on=TODAY + timedelta(days=1))
    return ann, ben, cat, dan


def test_attention_is_at_risk_first_then_by_due_date(world, four):
    rows = db.session.execute(at_risk.attention_query(world.a, world.coach_a1, TODAY)).all()
    assert [r.name for r in rows] == ["Ann", "Ben", "Cat"]
    # Two at risk: the earlier due date first, then the name.
    eve = _named(factories.client(world.a, world.coach_a1), "Eve")
    _career(eve, next_due_on=TODAY - timedelta(days=20))
    factories.MeetingLogFactory(client=eve, met_on=TODAY)
    rows = db.session.execute(at_risk.attention_query(world.a, world.coach_a1, TODAY)).all()
    assert [r.name for r in rows] == ["Eve", "Ann", "Ben", "Cat"]


def test_attention_puts_a_client_with_no_check_in_due_after_those_with_one(world):
    """Both flagged by the coach; a client without a due date (no cadence) comes last on
    SQLite and PostgreSQL alike, though the two sort NULL at opposite ends by themselves."""
    for name, due in (("Abe", None), ("Zia", TODAY + timedelta(days=30))):
        member = _named(factories.client(world.a, world.coach_a1), name)
        _career(member, next_due_on=due, flagged_at=utcnow(), flag_reason="x")
        factories.MeetingLogFactory(client=member, met_on=TODAY)
    rows = db.session.execute(at_risk.attention_query(world.a, world.coach_a1, TODAY)).all()
    assert [r.name for r in rows] == ["Zia", "Abe"]


def test_attention_ties_go_by_name(world):
    for name in ("Zed", "Amy"):
        member = _named(factories.client(world.a, world.coach_a1), name)
        _career(member, next_due_on=TODAY - timedelta(days=1))
        factories.MeetingLogFactory(client=member, met_on=TODAY)
    rows = db.session.execute(at_risk.attention_query(world.a, world.coach_a1, TODAY)).all()
    assert [r.name for r in rows] == ["Amy", "Zed"]


def test_overdue_lists_late_check_ins_earliest_first(world, four):
    ann, ben, cat, dan = four
    zoe = _named(factories.client(world.a, world.coach_a1), "Zoe")
    _career(zoe, next_due_on=TODAY - timedelta(days=9))
    amy = _named(factories.client(world.a, world.coach_a1), "Amy")
    _career(amy, next_due_on=TODAY - timedelta(days=2))
    rows = db.session.execute(at_risk.overdue_query(world.a, world.coach_a1, TODAY)).all()
    assert [r.name for r in rows] == ["Zoe", "Amy", "Ben"]


def test_the_practice_overview_counts_per_coach(world, four):
    world.coach_a1.user.name = "Bea Coach"
    world.coach_a2.user.name = "Al Coach"
    _career(world.client_a2, stage=CareerStage.SEARCHING, next_due_on=TODAY - timedelta(days=1))
    db.session.flush()
    rows = at_risk.practice_overview(world.a, world.owner_a, TODAY)
    summary = [(r.coach, r.clients, r.placed, r.searching, r.at_risk, r.overdue) for r in rows]
    # Coach A2: one searching client, overdue. Coach A1: four placed, Ann at risk, Ben overdue.
    assert summary == [("Al Coach", 1, 0, 1, 0, 1), ("Bea Coach", 4, 4, 0, 1, 1)]
    assert [r.coach_id for r in rows] == [world.coach_a2.id, world.coach_a1.id]


def test_a_coach_overview_is_their_own_clients(world, four):
    rows = at_risk.practice_overview(world.a, world.coach_a1, TODAY)
    assert [(r.coach_id, r.clients) for r in rows] == [(world.coach_a1.id, 4)]


def test_a_client_without_a_career_counts_as_searching(world):
    rows = at_risk.practice_overview(world.a, world.owner_a, TODAY)
    assert sorted((r.clients, r.placed, r.searching) for r in rows) == [(1, 0, 1), (1, 0, 1)]


def test_each_client_has_their_own_last_touch(world):
    for client, days in ((world.client_a1, 3), (world.client_a2, 8)):
        _career(client)
        factories.ContactFactory(client=client, manual_touch_on=TODAY - timedelta(days=days))
    rows = at_risk.status_rows(
        world.a, world.owner_a, TODAY, [world.client_a1.id, world.client_a2.id]
    )
    assert rows[world.client_a1.id].last_activity == TODAY - timedelta(days=3)
    assert rows[world.client_a2.id].last_activity == TODAY - timedelta(days=8)


def _twins(world, **career):
    """Two clients of coach A1 with the same name and the same career: only the id differs."""
    twins = [_named(factories.client(world.a, world.coach_a1), "Sam Lee") for _ in range(2)]
    for member in twins:
        _career(member, **career)
    return [member.id for member in twins]


def test_attention_and_overdue_ties_go_by_who_joined_first(world):
    ids = _twins(world, next_due_on=TODAY - timedelta(days=3), flagged_at=utcnow())
    for query in (at_risk.attention_query, at_risk.overdue_query):
        rows = db.session.execute(query(world.a, world.coach_a1, TODAY)).all()
        assert [r.id for r in rows if r.name == "Sam Lee"] == ids


def test_two_coaches_with_the_same_name_have_their_own_lines_in_the_overview(world):
    world.coach_a1.user.name = world.coach_a2.user.name = "Alex Kim"
    extra = factories.client(world.a, world.coach_a2)
    _career(extra, stage=CareerStage.PLACED)
    db.session.flush()
    rows = at_risk.practice_overview(world.a, world.owner_a, TODAY)
    assert [(r.coach_id, r.clients, r.placed) for r in rows] == [
        (world.coach_a1.id, 1, 0),
        (world.coach_a2.id, 2, 1),
    ]


def test_a_client_who_left_has_no_status_and_needs_no_attention(world):
    world.client_a1.status = MemberStatus.ARCHIVED
    _career(world.client_a1, next_due_on=TODAY - timedelta(days=30), flagged_at=utcnow())
    assert _status(world) is None
    rows = db.session.execute(at_risk.attention_query(world.a, world.coach_a1, TODAY)).all()
    assert rows == []
    assert at_risk.practice_overview(world.a, world.coach_a1, TODAY) == []


def test_pulses_of_several_clients_read_together_stay_each_clients_own(world):
    for client, pulses in ((world.client_a1, (80, 40)), (world.client_a2, (30, 90))):
        for weeks, pulse in enumerate(pulses):
            _checkin(client, TODAY - timedelta(weeks=4 - weeks), pulse)
    rows = at_risk.status_rows(
        world.a, world.owner_a, TODAY, [world.client_a1.id, world.client_a2.id]
    )
    assert (rows[world.client_a1.id].last_pulse, rows[world.client_a1.id].previous_pulse) == (
        40,
        80,
    )
    assert (rows[world.client_a2.id].last_pulse, rows[world.client_a2.id].previous_pulse) == (
        90,
        30,
    )
    assert (rows[world.client_a1.id].to_review, rows[world.client_a2.id].to_review) == (2, 2)
