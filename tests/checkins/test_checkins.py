"""Stages, due dates and at-risk rules, each at fixed dates (time-machine)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import (
    Cadence,
    CareerStage,
    Checkin,
    CheckinStatus,
    GoalStatus,
    StageChange,
)
from coachhub.services import ServiceError, at_risk, careers, checkins
from coachhub.services.careers import LandingData
from coachhub.services.checkins import CheckinData
from tests import factories

NOON = datetime(2027, 3, 10, 12, tzinfo=UTC)


def _at(day: date, hour: int = 12):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def _status(world, day: date, who=None):
    viewer = who or world.coach_a1
    rows = at_risk.status_rows(world.a, viewer, day, [world.client_a1.id])
    return rows[world.client_a1.id]


def _land(world, started_on=date(2027, 3, 15)):
    return careers.record_landing(
        world.a,
        world.coach_a1,
        world.client_a1,
        LandingData(employer="Kiwibank", role_title="Product manager", started_on=started_on),
    )


def test_landing_places_the_client_closes_goals_and_starts_monthly_check_ins(world):
    goal = factories.GoalFactory(client=world.client_a1)
    proposed = factories.GoalFactory(client=world.client_a1, status=GoalStatus.PROPOSED)
    with _at(date(2027, 3, 10)):
        career = _land(world)
        db.session.commit()
    assert career.stage == CareerStage.PLACED
    assert career.cadence == Cadence.MONTHLY
    assert career.next_due_on == date(2027, 4, 15)  # a month after the start date
    assert goal.status == GoalStatus.ACHIEVED and proposed.status == GoalStatus.DROPPED
    with _at(date(2027, 6, 1)):
        careers.return_to_searching(world.a, world.coach_a1, world.client_a1, "Restructured")
        db.session.commit()
    assert career.stage == CareerStage.SEARCHING
    history = db.session.scalars(
        select(StageChange).where(StageChange.client_membership_id == world.client_a1.id)
    ).all()
    assert [h.stage for h in history] == [CareerStage.PLACED, CareerStage.SEARCHING]
    assert history[0].employer == "Kiwibank"


def test_only_the_clients_own_coach_or_the_client_records_a_landing(world):
    with pytest.raises(ServiceError):
        careers.record_landing(
            world.a,
            world.coach_a2,
            world.client_a1,
            LandingData(employer="X", role_title="Y", started_on=date(2027, 1, 1)),
        )
    careers.record_landing(
        world.a,
        world.client_a1,
        world.client_a1,
        LandingData(employer="X", role_title="Y", started_on=date(2027, 1, 1), close_goals=False),
    )


def test_due_dates_fall_in_the_practice_timezone(world):
    world.a.timezone = "Pacific/Auckland"
    db.session.commit()
    # 11:30 UTC on 31 March is already 1 April in Auckland (UTC+13).
    with time_machine.travel(datetime(2027, 3, 31, 11, 30, tzinfo=UTC), tick=False):
        assert world.a.today() == date(2027, 4, 1)
        career = careers.set_cadence(world.a, world.coach_a1, world.client_a1, Cadence.MONTHLY)
        assert career.next_due_on == date(2027, 5, 1)
        # A first due date in the past starts from the next one on or after today.
        careers.set_cadence(
            world.a, world.coach_a1, world.client_a1, Cadence.WEEKLY, date(2027, 3, 1)
        )
        assert career.next_due_on == date(2027, 4, 5)


def test_check_in_draft_submit_correct_review(world):
    with _at(date(2027, 3, 10)):
        _land(world, started_on=date(2027, 2, 1))  # next due 10 April
    contact = factories.ContactFactory(client=world.client_a1)
    factories.MeetingLogFactory(
        client=world.client_a1,
        contact=contact,
        met_on=date(2027, 3, 20),
        follow_up_action="note",
        follow_up_due_on=date(2027, 3, 25),
        follow_up_done_on=date(2027, 3, 24),
    )
    factories.MeetingLogFactory(
        client=world.client_a1,
        met_on=date(2027, 4, 2),
        follow_up_action="call",
        follow_up_due_on=date(2027, 4, 5),
    )
    factories.MeetingLogFactory(
        client=world.client_a1, met_on=date(2027, 3, 1)
    )  # before the period
    with _at(date(2027, 4, 9)):
        checkin = checkins.start_checkin(world.a, world.client_a1)
        assert (checkin.period_start, checkin.period_end) == (date(2027, 3, 11), date(2027, 4, 10))
        assert (checkin.events_attended, checkin.contacts_kept) == (2, 2)
        assert checkins.start_checkin(world.a, world.client_a1) is checkin  # same draft
        data = CheckinData(contacts_kept=3, events_attended=2, concerns="AI tooling")
        checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=False)
        assert checkin.status == CheckinStatus.DRAFT and checkin.pulse is None
        with pytest.raises(ServiceError) as error:
            checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=True)
        assert error.value.field == "rating_pulse"
        data.rating_pulse, data.rating_realism, data.rating_security = 4, 3, 4
        checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=True)
        db.session.commit()
    # 31 days, target 3: ratings 33.3 + meetings 2/3*20 + contacts 2/3*15 + follow-ups 1/2*15
    assert checkin.status == CheckinStatus.SUBMITTED
    assert (checkin.logged_meetings, checkin.logged_contacts_kept) == (2, 2)
    assert (checkin.follow_ups_due, checkin.follow_ups_on_time) == (2, 1)
    assert checkin.pulse == 64
    assert careers.career_of(world.client_a1).next_due_on == date(2027, 5, 10)
    with _at(date(2027, 4, 11)):
        data.rating_security = 5
        checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=True)
        assert checkin.pulse == 68  # corrected: + 1/12 of 50
        checkins.review_checkin(world.a, world.coach_a1, checkin, "Good month.")
    assert checkin.status == CheckinStatus.REVIEWED
    with pytest.raises(ServiceError):
        checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=True)
    with pytest.raises(ServiceError):
        checkins.review_checkin(world.a, world.coach_a2, checkin, "not mine")


def test_a_late_check_in_skips_the_missed_periods(world):
    with _at(date(2027, 3, 10)):
        _land(world, started_on=date(2027, 2, 1))  # due 10 April
    with _at(date(2027, 6, 20)):
        checkin = checkins.start_checkin(world.a, world.client_a1)
        data = CheckinData(rating_pulse=3, rating_realism=3, rating_security=3)
        checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=True)
    assert careers.career_of(world.client_a1).next_due_on == date(2027, 7, 10)


def test_overdue_by_more_than_14_days_is_at_risk(world):
    with _at(date(2027, 3, 10)):
        _land(world, started_on=date(2027, 2, 1))  # due 10 April
    factories.MeetingLogFactory(client=world.client_a1, met_on=date(2027, 4, 1))
    assert _status(world, date(2027, 4, 10)).checkin_overdue == 0
    row = _status(world, date(2027, 4, 24))  # 14 days late: overdue, not yet at risk
    assert (row.checkin_overdue, row.long_overdue, row.at_risk) == (1, 0, 0)
    row = _status(world, date(2027, 4, 25))
    assert (row.long_overdue, row.at_risk) == (1, 1)
    assert at_risk.flags(row) == ["check-in overdue by more than 14 days"]


def test_placed_client_without_networking_for_60_days_has_not_kept_up(world):
    with _at(date(2027, 3, 10)):
        _land(world, started_on=date(2027, 1, 1))
    factories.MeetingLogFactory(client=world.client_a1, met_on=date(2027, 3, 1))
    assert _status(world, date(2027, 4, 29)).not_kept_up == 0  # 59 days
    row = _status(world, date(2027, 4, 30))  # 60 days
    assert row.not_kept_up == 1
    assert any("hasn't kept up" in f for f in at_risk.flags(row))
    # A one-click touch on a contact counts as networking.
    factories.ContactFactory(client=world.client_a1, manual_touch_on=date(2027, 4, 20))
    assert _status(world, date(2027, 4, 30)).not_kept_up == 0
    # A searching client is not judged by this rule.
    careers.return_to_searching(world.a, world.coach_a1, world.client_a1)
    assert _status(world, date(2027, 7, 30)).not_kept_up == 0


def test_low_pulse_and_a_drop_of_15_points(world):
    factories.CheckinFactory(client=world.client_a1, due_on=date(2027, 1, 10), pulse=80)
    factories.CheckinFactory(client=world.client_a1, due_on=date(2027, 2, 10), pulse=66)
    row = _status(world, date(2027, 2, 11))
    assert (row.last_pulse, row.previous_pulse, row.at_risk) == (66, 80, 0)
    assert at_risk.trend_arrow(row) == "↓"
    factories.CheckinFactory(client=world.client_a1, due_on=date(2027, 3, 10), pulse=51)
    # Drafts do not count.
    factories.CheckinFactory(
        client=world.client_a1, due_on=date(2027, 4, 10), pulse=None, status=CheckinStatus.DRAFT
    )
    row = _status(world, date(2027, 3, 11))
    assert (row.pulse_drop, row.low_pulse) == (1, 0)
    factories.CheckinFactory(client=world.client_a1, due_on=date(2027, 4, 11), pulse=49)
    row = _status(world, date(2027, 4, 12))
    assert (row.pulse_drop, row.low_pulse) == (0, 1)
    assert at_risk.flags(row) == ["pulse under 50"]
    assert row.to_review == 4


def test_manual_flag_says_why_and_can_be_cleared(world):
    with pytest.raises(ServiceError):
        careers.set_flag(world.a, world.coach_a1, world.client_a1, "  ")
    careers.set_flag(world.a, world.coach_a1, world.client_a1, "Team being restructured")
    row = _status(world, date(2027, 3, 10))
    assert row.at_risk == 1
    assert at_risk.flags(row) == ["flagged by the coach: Team being restructured"]
    careers.clear_flag(world.a, world.coach_a1, world.client_a1)
    assert _status(world, date(2027, 3, 10)).at_risk == 0


def test_status_rows_follow_visibility(world):
    assert (
        at_risk.status_rows(world.a, world.coach_a2, date(2027, 3, 10), [world.client_a1.id]) == {}
    )
    assert world.client_a1.id in at_risk.status_rows(
        world.a, world.owner_a, date(2027, 3, 10), [world.client_a1.id]
    )


def test_a_check_in_opens_a_week_before_it_is_due(world):
    """Filled in weeks early it would score a period that has barely begun."""
    with _at(date(2027, 3, 10)):
        _land(world, started_on=date(2027, 2, 1))  # due 10 April
        db.session.commit()
        with pytest.raises(ServiceError) as error:
            checkins.start_checkin(world.a, world.client_a1)
        assert "from 03 Apr 2027" in error.value.message
    assert db.session.scalars(select(Checkin)).all() == []
    factories.MeetingLogFactory(client=world.client_a1, met_on=date(2027, 3, 20))
    with _at(date(2027, 4, 3)):
        checkin = checkins.start_checkin(world.a, world.client_a1)
        data = CheckinData(rating_pulse=4, rating_realism=4, rating_security=4)
        checkins.save_checkin(world.a, world.client_a1, checkin, data, submit=True)
        db.session.commit()
    assert checkin.due_on == date(2027, 4, 10)
    # Scored on the period so far (11 March to 3 April): the meeting of 20 March counts.
    assert checkin.logged_meetings == 1 and checkin.pulse == 64
    career = careers.career_of(world.client_a1)
    assert career.next_due_on == date(2027, 5, 10)
    # Just submitted: the next one (due 10 May) cannot be started until 3 May.
    with _at(date(2027, 4, 4)), pytest.raises(ServiceError):
        checkins.start_checkin(world.a, world.client_a1)
    assert career.next_due_on == date(2027, 5, 10)
    assert _status(world, date(2027, 4, 4)).at_risk == 0


def test_touches_in_the_period_count_as_contacts_kept_in_touch(world):
    with _at(date(2027, 3, 10)):
        _land(world, started_on=date(2027, 2, 1))  # due 10 April: 11 March to 10 April
        db.session.commit()
    ana = factories.ContactFactory(client=world.client_a1)
    factories.TouchFactory(client=world.client_a1, contact=ana, touched_on=date(2027, 3, 20))
    factories.TouchFactory(client=world.client_a1, contact=ana, touched_on=date(2027, 4, 1))
    factories.TouchFactory(client=world.client_a1, touched_on=date(2027, 3, 5))  # before
    factories.TouchFactory(client=world.client_a2, touched_on=date(2027, 3, 20))  # not theirs
    with _at(date(2027, 4, 9)):
        checkin = checkins.start_checkin(world.a, world.client_a1)
    assert checkin.contacts_kept == 1  # Ana, once however often
