"""Edges the rest of the suite passed over: each test here fails against one realistic bug.

Each bug was planted in the code, one at a time, and the test beside it was seen to fail
(docs/testing.md lists which test kills which bug). Most rules here are guarded twice, by
a view and by its service, so each guard gets a test of its own.
"""

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import g
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from werkzeug.datastructures import MultiDict

from coachhub.billing.gateway import Subscription
from coachhub.billing.services import apply_subscription, choose_subscription
from coachhub.extensions import db
from coachhub.models import (
    Cadence,
    KeepInTouch,
    MeetingFormat,
    MeetingLog,
    Membership,
    MemberStatus,
    Role,
)
from coachhub.services import (
    ServiceError,
    at_risk,
    careers,
    checkins,
    contacts,
    exports,
    health,
    invitations,
    meetings,
    memberships,
)
from coachhub.services.careers import LandingData
from coachhub.services.meetings import MeetingData
from coachhub.services.pulse import PulseInputs, pulse_score
from tests import factories

TODAY = date(2027, 3, 10)


def _at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def _health(world, today=TODAY):
    return health.client_health(world.a, world.coach_a1, world.client_a1, today)


# --- the pulse score and the at-risk rules ---------------------------------------------------


def test_pulse_rounds_half_up_even_when_the_integer_part_is_even():
    """42.5 points -> 43 (banker's rounding would give 42)."""
    pulse = pulse_score(
        PulseInputs(
            rating_pulse=1,
            rating_realism=1,
            rating_security=1,
            period_days=15,  # target 1
            meetings=1,  # 20
            contacts_kept=1,  # 15
            follow_ups_due=2,
            follow_ups_on_time=1,  # 7.5
        )
    )
    assert sum(p.points for p in pulse.parts) == 42.5
    assert pulse.score == 43


def test_a_last_pulse_of_exactly_50_is_not_at_risk(world):
    factories.CheckinFactory(client=world.client_a1, due_on=TODAY - timedelta(days=1), pulse=50)
    row = at_risk.status_rows(world.a, world.coach_a1, TODAY, [world.client_a1.id])[
        world.client_a1.id
    ]
    assert (row.last_pulse, row.low_pulse, row.at_risk) == (50, 0, 0)


# --- networking health -----------------------------------------------------------------------


def test_goal_progress_is_capped_per_goal(world):
    """Four meetings on a goal of two do not make up for none on the other goal of two."""
    ahead = factories.GoalFactory(client=world.client_a1, target_meetings=2)
    factories.GoalFactory(client=world.client_a1, target_meetings=2)
    contact = factories.ContactFactory(client=world.client_a1)
    for days in range(1, 5):
        factories.MeetingLogFactory(
            client=world.client_a1,
            contact=contact,
            goal_id=ahead.id,
            met_on=TODAY - timedelta(days),
        )
    assert _health(world).goal_progress == 0.5


def _follow_up(world, due: date, done: date | None, met_on: date | None = None):
    return factories.MeetingLogFactory(
        client=world.client_a1,
        met_on=met_on or due - timedelta(days=5),
        follow_up_action="Send the article",
        follow_up_due_on=due,
        follow_up_done_on=done,
    )


def test_a_follow_up_done_after_its_due_date_is_late_on_the_dashboard(world):
    _follow_up(world, due=TODAY - timedelta(days=3), done=TODAY - timedelta(days=2))
    _follow_up(world, due=TODAY - timedelta(days=3), done=TODAY - timedelta(days=3))
    assert _health(world).on_time_rate == 0.5


def test_a_follow_up_done_after_its_due_date_is_late_in_the_check_in(world):
    _follow_up(world, due=TODAY - timedelta(days=3), done=TODAY - timedelta(days=2))
    _follow_up(world, due=TODAY - timedelta(days=4), done=TODAY - timedelta(days=5))
    with _at(TODAY):
        activity = checkins.period_activity(
            world.a, world.client_a1, TODAY - timedelta(days=29), TODAY
        )
    assert (activity.follow_ups_due, activity.follow_ups_on_time) == (2, 1)


def test_a_follow_up_due_today_is_not_overdue(world):
    _follow_up(world, due=TODAY, done=None)
    row = _health(world)
    assert row.overdue == 0
    assert health.client_health(world.a, world.coach_a1, world.client_a1, TODAY + timedelta(1))
    assert _health(world, TODAY + timedelta(days=1)).overdue == 1


def test_a_planned_meeting_does_not_move_last_touched(world):
    contact = factories.ContactFactory(client=world.client_a1, cadence_days=30)
    factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=TODAY - timedelta(days=10)
    )
    factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=TODAY + timedelta(days=5)
    )
    contacts.refresh_touch(contact, TODAY)
    assert contact.last_touched_on == TODAY - timedelta(days=10)
    assert contact.touch_due_on == TODAY + timedelta(days=20)


def test_a_ratio_with_nothing_to_divide_by_is_empty_not_an_error(world):
    """One log with no follow-up, no approach and no keep-in-touch question: three ratios
    over zero. SQLite answers NULL to x / 0 by itself, PostgreSQL raises, so the query
    itself must guard every denominator."""
    factories.MeetingLogFactory(
        client=world.client_a1,
        met_on=TODAY - timedelta(days=2),
        keep_in_touch=KeepInTouch.NOT_ASKED,
        approach=None,
    )
    row = _health(world)
    assert row.logs == 1
    assert (row.on_time_rate, row.keep_in_touch_rate, row.information_rate) == (None,) * 3
    query = health.health_query(world.a, world.coach_a1, TODAY, "name", False)
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    divisions = re.findall(r"/\s*(?:CAST\()?(\w+)\(", sql)
    assert divisions and set(divisions) == {"nullif"}, divisions
    # Each NULLIF turns a zero denominator into NULL: its second argument is 0, never NULL.
    assert ", NULL)" not in sql


# --- billing ---------------------------------------------------------------------------------


def _subscription(sub_id: str, status: str, created: datetime) -> Subscription:
    return Subscription(
        id=sub_id,
        customer_id="cus_1",
        status=status,
        item_id="si_1",
        quantity=1,
        price=None,
        current_period_end=None,
        cancel_at_period_end=False,
        cancel_at=None,
        trial_end=None,
        created=created,
    )


def test_the_newest_of_two_live_subscriptions_is_chosen():
    older = _subscription("sub_old", "active", datetime(2027, 1, 1, tzinfo=UTC))
    newer = _subscription("sub_new", "active", datetime(2027, 2, 1, tzinfo=UTC))
    ended = _subscription("sub_end", "canceled", datetime(2027, 3, 1, tzinfo=UTC))
    assert choose_subscription([older, newer, ended]).id == "sub_new"
    assert choose_subscription([newer, older]).id == "sub_new"
    assert choose_subscription([ended]).id == "sub_end"
    assert choose_subscription([]) is None


def test_a_second_failed_payment_keeps_the_grace_period_from_the_first(world):
    first = datetime(2027, 3, 1, 9, tzinfo=UTC)
    apply_subscription(world.a, _subscription("sub_1", "past_due", first), first)
    apply_subscription(world.a, _subscription("sub_1", "past_due", first), first + timedelta(3))
    assert world.a.past_due_since == first
    apply_subscription(world.a, _subscription("sub_1", "active", first), first + timedelta(4))
    assert world.a.past_due_since is None


# --- the client's export ---------------------------------------------------------------------


def test_the_export_holds_this_clients_check_ins_and_stage_changes_only(world):
    mine = factories.CheckinFactory(client=world.client_a1, due_on=TODAY - timedelta(days=3))
    factories.CheckinFactory(client=world.client_a2, due_on=TODAY - timedelta(days=4))
    factories.CheckinFactory(client=world.client_b, due_on=TODAY - timedelta(days=5))
    with _at(TODAY):
        careers.record_landing(
            world.a,
            world.coach_a1,
            world.client_a1,
            LandingData(employer="Kiwibank", role_title="Analyst", started_on=TODAY),
        )
        careers.record_landing(
            world.a,
            world.coach_a2,
            world.client_a2,
            LandingData(employer="Other Co", role_title="Analyst", started_on=TODAY),
        )
    data = exports.client_export(world.client_a1)
    assert [c["id"] for c in data["checkins"]] == [mine.id]
    assert [(s["stage"], s["employer"]) for s in data["stage_changes"]] == [("placed", "Kiwibank")]
    with zipfile.ZipFile(io.BytesIO(exports.client_export_zip(data))) as archive:
        stages = archive.read("stage_changes.csv").decode()
        checkin_rows = archive.read("checkins.csv").decode().strip().splitlines()
    assert "Kiwibank" in stages and "Other Co" not in stages
    assert len(checkin_rows) == 2  # the header and this client's one check-in


# --- the practice's coaches, invitations --------------------------------------------------------


def test_coaches_to_choose_from_are_this_practices_only(world, login):
    assert {m.id for m in memberships.active_coaches(world.a)} == {
        world.owner_a.id,
        world.coach_a1.id,
        world.coach_a2.id,
    }
    c = login(world.owner_a.user)
    for path in ("invitations", f"clients/{world.client_a1.id}/reassign"):
        page = c.get(f"/p/alpha/coach/{path}").get_data(as_text=True)
        assert world.coach_a2.user.name in page
        assert world.coach_b.user.name not in page and world.owner_b.user.name not in page


def test_the_invitation_service_refuses_another_practices_coach(world):
    with pytest.raises(ServiceError) as refused:
        invitations.invite(world.a, world.owner_a, "new@example.test", Role.CLIENT, world.coach_b)
    assert refused.value.field == "coach"


def _third_practice():
    """A practice made after A and B, so their owners come first in any unscoped query."""
    c = factories.PracticeFactory(name="Gamma Coaching", slug="gamma")
    return c, factories.owner(c), factories.coach(c)


def test_accepting_gives_an_orphaned_client_to_this_practices_owner(world):
    c, owner_c, coach_c = _third_practice()
    inv, _ = factories.invitation(c, coach_c, "orphan@example.test")
    coach_c.status = MemberStatus.ARCHIVED
    user = factories.UserFactory(email="orphan@example.test")
    membership = invitations.accept(inv, user)
    assert membership.practice_id == c.id
    assert membership.coach_membership_id == owner_c.id


def test_a_member_of_another_practice_can_accept(world):
    c, _, coach_c = _third_practice()
    inv, _ = factories.invitation(c, coach_c, world.client_a1.user.email)
    membership = invitations.accept(inv, world.client_a1.user)
    assert (membership.practice_id, membership.coach_membership_id) == (c.id, coach_c.id)
    assert db.session.scalar(
        select(Membership).where(Membership.user_id == world.client_a1.user_id).limit(1)
    )


# --- the meeting form's own check, and its service's ---------------------------------------------


def test_the_meeting_forms_lookup_refuses_another_clients_contact_and_goal(app, world):
    from coachhub.client.forms import MeetingForm
    from coachhub.client.meetings import _meeting_data  # the view's own guard, alone

    theirs_contact = factories.ContactFactory(client=world.client_a2)
    theirs_goal = factories.GoalFactory(client=world.client_a2)
    mine = factories.ContactFactory(client=world.client_a1)
    cases = [
        ({"contact_id": str(theirs_contact.id)}, "contact_id"),
        ({"contact_id": str(mine.id), "goal_id": str(theirs_goal.id)}, "goal_id"),
    ]
    for fields, field in cases:
        with app.test_request_context(method="POST"):
            g.practice, g.membership = world.a, world.client_a1
            form = MeetingForm(formdata=MultiDict({"met_on": "2027-03-01", **fields}))
            form.validate()
            with pytest.raises(ServiceError) as refused:
                _meeting_data(form)
            assert refused.value.field == field


def test_the_meeting_service_refuses_another_clients_contact_and_goal(world):
    theirs_contact = factories.ContactFactory(client=world.client_a2)
    theirs_goal = factories.GoalFactory(client=world.client_a2)
    mine = factories.ContactFactory(client=world.client_a1)
    base = {"met_on": TODAY, "format": MeetingFormat.COFFEE}
    for data, field in (
        (MeetingData(**base, contact=theirs_contact), "contact_id"),
        (MeetingData(**base, contact=mine, goal=theirs_goal), "goal_id"),
    ):
        with _at(TODAY), pytest.raises(ServiceError) as refused:
            meetings.log_meeting(world.a, world.client_a1, data)
        assert refused.value.field == field
    assert db.session.scalar(select(MeetingLog).limit(1)) is None


# --- the owner's dashboard, as coaches grow ----------------------------------------------------


def test_owner_dashboard_queries_do_not_grow_with_coaches(world, login, count_queries):
    def add_coaches(n):
        for _ in range(n):
            coach = factories.coach(world.a)
            client = factories.client(world.a, coach)
            factories.MeetingLogFactory(client=client)
            careers.set_cadence(world.a, world.owner_a, client, Cadence.MONTHLY, TODAY)

    def measure():
        with count_queries() as counter:
            response = c.get("/p/alpha/coach/")
        assert response.status_code == 200
        return counter.count

    with _at(TODAY):
        c = login(world.owner_a.user)
        add_coaches(1)
        small = measure()
        add_coaches(9)
        large = measure()
    assert small == large
