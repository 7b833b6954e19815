"""Services of the portals, called directly: rules, derived fields, audit."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coachhub.models import (
    AuditEvent,
    CoachAssignment,
    GoalStatus,
    KeepInTouch,
    MeetingFormat,
    Touch,
    TouchKind,
    utcnow,
)
from coachhub.services import ServiceError, assignments, contacts, goals, health, meetings, reviews
from coachhub.services.meetings import MeetingData
from tests import factories

GOAL = {
    "title": "Meet people in climate tech",
    "focus": "industry",
    "target": "climate startups",
    "find_out": "",
    "can_offer": "",
    "target_meetings": 3,
    "due_on": None,
}


def _today():
    return utcnow().date()


def test_goal_lifecycle(world):
    goal = goals.assign_goal(world.a, world.coach_a1, world.client_a1, **GOAL)
    assert goal.status == GoalStatus.OPEN
    goals.close_goal(world.a, world.coach_a1, goal, GoalStatus.ACHIEVED)
    assert goal.status == GoalStatus.ACHIEVED and goal.closed_at
    with pytest.raises(ServiceError):
        goals.close_goal(world.a, world.coach_a1, goal, GoalStatus.DROPPED)
    goals.reopen_goal(world.a, world.coach_a1, goal)
    assert goal.status == GoalStatus.OPEN and goal.closed_at is None


def test_only_the_clients_coach_or_owner_assigns(world):
    with pytest.raises(ServiceError):
        goals.assign_goal(world.a, world.coach_a2, world.client_a1, **GOAL)
    assert goals.assign_goal(world.a, world.owner_a, world.client_a1, **GOAL).id


def test_goal_target_must_be_sensible(world):
    with pytest.raises(ServiceError) as error:
        goals.assign_goal(
            world.a, world.coach_a1, world.client_a1, **{**GOAL, "target_meetings": 0}
        )
    assert error.value.field == "target_meetings"


def test_client_proposes_and_coach_accepts(world):
    goal = goals.propose_goal(world.a, world.client_a1, **GOAL)
    assert goal.status == GoalStatus.PROPOSED
    with pytest.raises(ServiceError):
        goals.close_goal(world.a, world.coach_a1, goal, GoalStatus.ACHIEVED)
    goals.accept_goal(world.a, world.coach_a1, goal)
    assert goal.status == GoalStatus.OPEN
    with pytest.raises(ServiceError):
        goals.propose_goal(world.a, world.coach_a1, **GOAL)


def test_progress_is_capped():
    assert goals.progress(1, 4) == 25
    assert goals.progress(9, 4) == 100
    assert goals.progress(0, 0) == 0


def test_introduction_loops_are_refused(world):
    a = contacts.add_contact(world.a, world.client_a1, name="A")
    b = contacts.add_contact(world.a, world.client_a1, name="B", introduced_by_contact_id=a.id)
    with pytest.raises(ServiceError) as error:
        contacts.update_contact(
            world.a, world.client_a1, a, name="A", introduced_by_contact_id=b.id
        )
    assert "loop" in error.value.message


def test_chains_and_longest(world):
    a = contacts.add_contact(world.a, world.client_a1, name="A")
    b = contacts.add_contact(world.a, world.client_a1, name="B", introduced_by_contact_id=a.id)
    c = contacts.add_contact(world.a, world.client_a1, name="C", introduced_by_contact_id=b.id)
    d = contacts.add_contact(world.a, world.client_a1, name="D", introduced_by_contact_id=a.id)
    lonely = contacts.add_contact(world.a, world.client_a1, name="Lonely")
    trees, longest = contacts.introduction_chains([a, b, c, d, lonely])
    assert [t.contact for t in trees] == [a]
    assert longest == [a, b, c]


def _meeting(world, contact, **kw):
    data = MeetingData(
        met_on=kw.pop("met_on", _today() - timedelta(days=1)),
        format=MeetingFormat.CALL,
        contact=contact,
        ask=kw.pop("ask", "What do you look for in a hire?"),
        offer=kw.pop("offer", "An article"),
        **kw,
    )
    return meetings.log_meeting(world.a, world.client_a1, data)


def test_log_meeting_marks_weak_and_touches_contact(world):
    contact = contacts.add_contact(world.a, world.client_a1, name="Ann", cadence_days=10)
    log = _meeting(world, contact, offer="")
    assert log.is_weak and log.weak_reasons == ["no offer: what could you do for them?"]
    assert contact.last_touched_on == _today() - timedelta(days=1)
    assert contact.touch_due_on == _today() + timedelta(days=9)
    meetings.archive_meeting(world.a, world.client_a1, log)
    assert contact.last_touched_on is None
    meetings.restore_meeting(world.a, world.client_a1, log)
    assert contact.last_touched_on == _today() - timedelta(days=1)


def test_only_the_client_logs(world):
    contact = factories.ContactFactory(client=world.client_a1)
    data = MeetingData(met_on=_today(), format=MeetingFormat.COFFEE, contact=contact)
    with pytest.raises(ServiceError):
        meetings.log_meeting(world.a, world.coach_a1, data)


def test_follow_up_rules(world):
    contact = factories.ContactFactory(client=world.client_a1)
    with pytest.raises(ServiceError) as error:
        _meeting(
            world, contact, follow_up_action="Call", follow_up_due_on=_today() - timedelta(days=5)
        )
    assert error.value.field == "follow_up_due_on"
    log = _meeting(world, contact, follow_up_action="Call", follow_up_due_on=_today())
    with pytest.raises(ServiceError):
        meetings.complete_follow_up(world.a, world.client_a1, log, _today() + timedelta(days=1))
    meetings.complete_follow_up(world.a, world.client_a1, log)
    assert log.follow_up_done_on == _today()


def test_touch_moves_stale_date(world):
    contact = contacts.add_contact(world.a, world.client_a1, name="Tim", cadence_days=7)
    touch = contacts.log_touch(world.a, world.client_a1, contact, "call", note="Quick catch-up")
    assert (touch.kind, touch.touched_on, touch.note) == (
        TouchKind.CALL,
        _today(),
        "Quick catch-up",
    )
    assert contact.last_touched_on == _today()
    assert contact.touch_due_on == _today() + timedelta(days=7)
    # An older touch does not move "last touched" back.
    contacts.log_touch(world.a, world.client_a1, contact, "email", _today() - timedelta(days=3))
    assert contact.last_touched_on == _today()
    with pytest.raises(ServiceError):
        contacts.log_touch(world.a, world.client_a1, contact, "pigeon")
    with pytest.raises(ServiceError):
        contacts.log_touch(world.a, world.coach_a1, contact, "email")  # the client's own


def test_a_done_follow_up_is_a_touch_of_its_kind(world, db):
    today = _today()
    contact = contacts.add_contact(world.a, world.client_a1, name="Ana", cadence_days=30)
    log = _meeting(
        world,
        contact,
        met_on=today - timedelta(days=40),
        follow_up_action="Send thank-you email",
        follow_up_due_on=today - timedelta(days=38),
    )
    contacts.refresh_touch(contact, today)
    assert contact.last_touched_on == today - timedelta(days=40)
    assert contact.touch_due_on < today  # stale: the keep-in-touch cadence would nag
    meetings.complete_follow_up(world.a, world.client_a1, log, today - timedelta(days=2))
    assert contact.last_touched_on == today - timedelta(days=2)
    assert contact.touch_due_on == today + timedelta(days=28)
    touch = db.session.scalars(select(Touch).where(Touch.meeting_log_id == log.id)).one()
    assert (touch.kind, touch.note) == (TouchKind.EMAIL, "Send thank-you email")


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("Send thank-you email", TouchKind.EMAIL),
        ("Call about the role", TouchKind.CALL),
        ("Connect on LinkedIn", TouchKind.SOCIAL),
        ("Text her the link", TouchKind.MESSAGE),
        ("See him at the UX meetup", TouchKind.EVENT),
        ("Read the annual report", TouchKind.OTHER),
    ],
)
def test_a_follow_ups_kind_is_read_from_its_action(action, kind):
    assert contacts.guess_touch_kind(action) == kind


def test_review_and_thread(world):
    log = factories.MeetingLogFactory(client=world.client_a1)
    with pytest.raises(ServiceError):
        reviews.review_meeting(
            world.a, world.coach_a1, log, intent_clarity=6, reciprocity=3, follow_up=3
        )
    with pytest.raises(ServiceError):
        reviews.review_meeting(
            world.a, world.coach_a2, log, intent_clarity=3, reciprocity=3, follow_up=3
        )
    review = reviews.review_meeting(
        world.a, world.coach_a1, log, intent_clarity=4, reciprocity=3, follow_up=2, comment="ok"
    )
    again = reviews.review_meeting(
        world.a, world.coach_a1, log, intent_clarity=5, reciprocity=5, follow_up=5
    )
    assert again.id == review.id and review.intent_clarity == 5
    reviews.comment_on_meeting(world.a, world.client_a1, log, "Thanks")
    with pytest.raises(ServiceError):
        reviews.comment_on_meeting(world.a, world.client_a2, log, "Not mine")
    with pytest.raises(ServiceError):
        reviews.comment_on_meeting(world.a, world.coach_a2, log, "Not my client")


def test_reassign_keeps_history(world, db):
    assert assignments.reassign_client(world.a, world.owner_a, world.client_a1, world.coach_a2)
    assert world.client_a1.coach_membership_id == world.coach_a2.id
    history = db.session.scalars(select(CoachAssignment)).all()
    assert [(h.from_coach_membership_id, h.to_coach_membership_id) for h in history] == [
        (world.coach_a1.id, world.coach_a2.id)
    ]
    with pytest.raises(ServiceError):
        assignments.reassign_client(world.a, world.coach_a2, world.client_a1, world.coach_a1)
    with pytest.raises(ServiceError):
        assignments.reassign_client(world.a, world.owner_a, world.client_a1, world.coach_b)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "client.reassigned" in actions


def test_health_metrics(world, db):
    today = _today()
    goal = factories.GoalFactory(client=world.client_a1, target_meetings=4)
    contact = factories.ContactFactory(client=world.client_a1)
    log_kw = {"client": world.client_a1, "contact": contact}
    strong = factories.MeetingLogFactory(
        **log_kw,
        goal_id=goal.id,
        met_on=today - timedelta(days=5),
        follow_up_action="a",
        follow_up_due_on=today - timedelta(days=2),
        follow_up_done_on=today - timedelta(days=3),
    )
    factories.MeetingLogFactory(
        **log_kw,
        goal_id=goal.id,
        met_on=today - timedelta(days=40),
        offer="",
        is_weak=True,
        keep_in_touch=KeepInTouch.NO,
        follow_up_action="b",
        follow_up_due_on=today - timedelta(days=30),
    )
    factories.MeetingLogFactory(**log_kw, met_on=today + timedelta(days=3))  # a plan
    factories.MeetingLogFactory(**log_kw, archived_at=utcnow())  # archived: ignored
    factories.ReviewFactory(log_row=strong)
    row = health.client_health(world.a, world.coach_a1, world.client_a1, today)
    assert row.logs == 2
    assert row.meetings_30d == 1
    assert row.ask_offer_share == 0.5
    assert row.reciprocity == 0.5
    assert row.on_time_rate == 0.5
    assert row.overdue == 1
    assert row.keep_in_touch_rate == 0.5
    assert row.last_activity == today - timedelta(days=5)
    assert row.unreviewed == 1
    assert row.open_goals == 1 and row.goal_progress == 0.5
    attention = db.session.execute(
        health.needs_attention_query(world.a, world.coach_a1, today)
    ).all()
    assert [r.id for r in attention] == [world.client_a1.id]


def test_meetings_per_week(world):
    today = _today()
    contact = factories.ContactFactory(client=world.client_a1)
    for days in (0, 1, 8, 100):
        factories.MeetingLogFactory(
            client=world.client_a1, contact=contact, met_on=today - timedelta(days=days)
        )
    weeks = health.meetings_per_week(world.client_a1, today)
    assert len(weeks) == 12
    assert sum(w.meetings for w in weeks) == 3
    assert weeks[-1].start == today - timedelta(days=today.weekday())


def test_a_new_client_is_not_quiet_until_thirty_days_after_joining(world, db):
    """Just after accepting the invitation nobody has had 30 days to go quiet."""
    today = world.a.today()
    newcomer = factories.client(world.a, world.coach_a1)
    db.session.flush()

    def quiet_ids():
        rows = db.session.execute(health.needs_attention_query(world.a, world.coach_a1, today))
        return {row.id for row in rows if row.quiet}

    assert newcomer.id not in quiet_ids()
    # A meeting from before they joined, logged on day one, does not make them quiet either.
    contact = factories.ContactFactory(client=newcomer)
    factories.MeetingLogFactory(client=newcomer, contact=contact, met_on=today - timedelta(days=90))
    assert newcomer.id not in quiet_ids()
    newcomer.created_at = utcnow() - timedelta(days=31)
    db.session.flush()
    assert newcomer.id in quiet_ids()
