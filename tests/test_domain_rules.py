"""Domain rules pinned where mutation testing (make mutate) found them unguarded.

Each test fails for a family of small changes to the rule it names (docs/testing.md,
"Mutation testing"); the rules' main tests live with their features.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from werkzeug.exceptions import NotFound

from coachhub.billing.gateway import Invoice, Subscription
from coachhub.billing.services import apply_subscription, choose_subscription
from coachhub.models import Membership
from coachhub.tenancy import get_client_or_404
from tests import factories

AT = datetime(2027, 3, 1, 9, tzinfo=UTC)


def _sub(**kw) -> Subscription:
    values = dict(
        id="sub_1",
        customer_id="cus_1",
        status="active",
        item_id="si_1",
        quantity=4,
        price=None,
        current_period_end=AT + timedelta(days=30),
        cancel_at_period_end=True,
        cancel_at=AT + timedelta(days=30),
        trial_end=None,
        created=AT - timedelta(days=60),
    )
    values.update(kw)
    return Subscription(**values)


def _invoice(status="open") -> Invoice:
    return Invoice(
        id="in_1",
        number="A-1",
        created=AT,
        total=1000,
        amount_due=1000,
        currency="nzd",
        status=status,
        hosted_invoice_url="https://invoice.example/in_1",
    )


# --- which subscription counts, and what it means ---------------------------------------------


def test_a_subscription_without_a_creation_date_loses_to_any_dated_one():
    dated = _sub(id="sub_dated")
    undated = _sub(id="sub_undated", created=None)
    assert choose_subscription([undated, dated]).id == "sub_dated"
    assert choose_subscription([undated]).id == "sub_undated"


def test_applying_a_subscription_copies_stripes_view_onto_the_practice(world):
    apply_subscription(world.a, _sub(), AT)
    a = world.a
    assert (a.stripe_subscription_id, a.subscription_status, a.paid_seats) == ("sub_1", "active", 4)
    assert (a.current_period_end, a.cancel_at_period_end, a.cancel_at) == (
        AT + timedelta(days=30),
        True,
        AT + timedelta(days=30),
    )
    assert (a.pending_paid_seats, a.pending_seats_expire_at, a.pending_invoice_url) == (None,) * 3


def test_a_seat_change_waiting_for_payment_is_kept_with_its_invoice(world):
    expires = AT + timedelta(hours=23)
    sub = _sub(pending_quantity=6, pending_expires_at=expires, latest_invoice=_invoice())
    apply_subscription(world.a, sub, AT)
    assert world.a.paid_seats == 4
    assert world.a.pending_paid_seats == 6
    assert world.a.pending_seats_expire_at == expires
    assert world.a.pending_invoice_url == "https://invoice.example/in_1"
    # a paid (not open) invoice has no link to pay; without a pending change, nothing waits
    apply_subscription(world.a, replace(sub, latest_invoice=_invoice("paid")), AT)
    assert world.a.pending_invoice_url is None
    apply_subscription(world.a, _sub(pending_expires_at=expires, latest_invoice=_invoice()), AT)
    assert world.a.pending_seats_expire_at is None and world.a.pending_invoice_url is None
    apply_subscription(world.a, replace(sub, latest_invoice=None), AT)
    assert world.a.pending_paid_seats == 6 and world.a.pending_invoice_url is None


@pytest.mark.parametrize(("status", "kept"), [("unpaid", True), ("active", False)])
def test_unpaid_keeps_the_first_failure_but_a_good_standing_clears_it(world, status, kept):
    apply_subscription(world.a, _sub(status="past_due"), AT)
    apply_subscription(world.a, _sub(status=status), AT + timedelta(days=9))
    assert world.a.past_due_since == (AT if kept else None)


def test_an_earlier_failure_arriving_late_moves_the_start_back(world):
    apply_subscription(world.a, _sub(status="past_due"), AT)
    apply_subscription(world.a, _sub(status="past_due"), AT - timedelta(hours=2))
    assert world.a.past_due_since == AT - timedelta(hours=2)


# --- tenancy ----------------------------------------------------------------------------------


def test_a_client_lookup_never_returns_a_coach_or_owner(app, world):
    with app.test_request_context():
        g.practice, g.membership = world.a, world.owner_a
        assert get_client_or_404(world.client_a2.id).id == world.client_a2.id
        for member in (world.coach_a1, world.owner_a):
            assert isinstance(member, Membership)
            with pytest.raises(NotFound):
                get_client_or_404(member.id)


# --- the pulse score's "why this score" ---------------------------------------------------------


def test_the_pulse_breakdown_says_what_each_part_counts():
    from coachhub.services.pulse import PulseInputs, pulse_score

    def inputs(**kw):
        values = dict(
            rating_pulse=4,
            rating_realism=3,
            rating_security=5,
            period_days=30,
            meetings=3,
            contacts_kept=1,
            follow_ups_due=0,
            follow_ups_on_time=0,
        )
        return PulseInputs(**{**values, **kw})

    parts = pulse_score(inputs()).parts
    assert [(p.label, p.detail) for p in parts] == [
        ("Self-ratings", "average 4.0 of 5 (4 + 3 + 5)"),
        ("Meetings", "3 logged, target 2"),
        ("Contacts kept in touch", "1, target 2"),
        ("Follow-ups on time", "none due (and you met people)"),
    ]
    assert pulse_score(inputs(meetings=0)).parts[3].detail == "none due"
    with pytest.raises(ValueError, match="^self-ratings are 1 to 5$"):
        pulse_score(inputs(rating_realism=6))


# --- the access policy ----------------------------------------------------------------------


def _practice(**kw):
    from coachhub.models import Practice

    return Practice(name="P", slug="p", trial_ends_at=AT + timedelta(days=3), **kw)


def test_grace_and_trial_say_why_and_until_when():
    from coachhub.billing.access import Level, access_for

    grace = access_for(_practice(subscription_status="past_due", past_due_since=AT), AT)
    assert (grace.level, grace.reason, grace.until) == (
        Level.GRACE,
        "past_due",
        AT + timedelta(days=7),
    )
    trial = access_for(_practice(), AT)
    assert (trial.level, trial.reason, trial.until) == (Level.FULL, "trial", AT + timedelta(3))


def test_a_read_only_practice_refuses_a_write_with_the_read_only_page(app):
    from werkzeug.exceptions import HTTPException

    from coachhub.billing.access import READ_ONLY_STATUS, access_for, refuse_if_read_only

    practice = _practice(subscription_status="canceled")
    with app.test_request_context():
        refuse_if_read_only(practice, access_for(practice, AT))  # still in the trial: passes
        later = access_for(practice, AT + timedelta(days=4))
        with pytest.raises(HTTPException) as refused:
            refuse_if_read_only(practice, later)
    response = refused.value.response
    assert READ_ONLY_STATUS == 402 and response.status_code == 402
    page = response.get_data(as_text=True)
    assert "This practice is read-only" in page and "P's CoachHub account is paused" in page


def test_the_read_only_page_tells_the_owner_why_and_where_to_go(app, world):
    from werkzeug.exceptions import HTTPException

    from coachhub.billing.access import access_for, refuse_if_read_only

    world.a.subscription_status = "canceled"
    world.a.trial_ends_at = AT - timedelta(days=1)
    with app.test_request_context():
        g.membership = world.owner_a
        with pytest.raises(HTTPException) as refused:
            refuse_if_read_only(world.a, access_for(world.a, AT))
    page = refused.value.response.get_data(as_text=True)
    assert "The subscription was canceled." in page
    assert 'href="/p/alpha/billing/"' in page


# --- reminders -----------------------------------------------------------------------------


def test_a_read_only_practice_is_counted_once_and_sent_nothing(app, world, outbox):
    from coachhub.notifications.due import send_reminders_for_practice

    world.a.subscription_status = "canceled"
    world.a.trial_ends_at = datetime.now(UTC) - timedelta(days=1)
    factories.MeetingLogFactory(
        client=world.client_a1,
        follow_up_action="Call back",
        follow_up_due_on=world.a.today() - timedelta(days=3),
    )
    with app.app_context():
        run = send_reminders_for_practice(world.a, datetime.now(UTC).replace(hour=12))
    assert (run.read_only_practices, run.queued, run.keys) == (1, 0, [])
    assert outbox() == []


# --- careers: what each change says, records and refuses ------------------------------------


def _last_event():
    from sqlalchemy import select

    from coachhub.extensions import db
    from coachhub.models import AuditEvent

    e = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    return (e.actor_user_id, e.action, e.object_type, e.object_id, e.details)


def _refusal(call):
    from coachhub.services import ServiceError

    with pytest.raises(ServiceError) as refused:
        call()
    return (str(refused.value), refused.value.field)


def test_a_landing_needs_an_employer_and_a_role(world):
    from coachhub.services import careers
    from coachhub.services.careers import LandingData

    def land(employer, role):
        data = LandingData(employer=employer, role_title=role, started_on=AT.date())
        return lambda: careers.record_landing(world.a, world.coach_a1, world.client_a1, data)

    assert _refusal(land(" ", "PM")) == ("Who is the employer?", "employer")
    assert _refusal(land("Kiwibank", "  ")) == ("What is the role?", "role_title")


def test_flagging_by_hand_says_why_and_is_recorded(world):
    from coachhub.services import careers

    a, coach, client = world.a, world.coach_a1, world.client_a1
    assert _refusal(lambda: careers.set_flag(a, coach, client, "  ")) == (
        "Say why this client is at risk.",
        "reason",
    )
    careers.set_flag(a, coach, client, " Team restructured ")
    career = careers.career_of(client)
    assert (career.flag_reason, career.flagged_by_membership_id) == ("Team restructured", coach.id)
    assert _last_event() == (
        coach.user_id,
        "career.flagged",
        "ClientCareer",
        career.id,
        {"reason": "Team restructured"},
    )
    careers.clear_flag(a, coach, client)
    assert (career.flag_reason, career.flagged_at) == ("", None)
    assert _last_event() == (coach.user_id, "career.unflagged", "ClientCareer", career.id, {})
    assert _refusal(lambda: careers.clear_flag(a, coach, client)) == (
        "This client has no at-risk flag set by hand.",
        None,
    )


def test_returning_to_searching_is_a_stage_change_with_its_note(world):
    from sqlalchemy import select

    from coachhub.extensions import db
    from coachhub.models import StageChange
    from coachhub.services import careers
    from coachhub.services.careers import LandingData

    a, coach, client = world.a, world.coach_a1, world.client_a1
    assert _refusal(lambda: careers.return_to_searching(a, coach, client)) == (
        "This client is already searching.",
        None,
    )
    careers.record_landing(
        a, coach, client, LandingData(employer="K", role_title="PM", started_on=AT.date())
    )
    careers.return_to_searching(a, coach, client, " Contract ended ")
    change = db.session.scalars(select(StageChange).order_by(StageChange.id.desc())).first()
    assert (change.stage.value, change.note, change.changed_by_membership_id) == (
        "searching",
        "Contract ended",
        coach.id,
    )
    career = careers.career_of(client)
    assert _last_event() == (
        coach.user_id,
        "career.searching",
        "ClientCareer",
        career.id,
        {"client": client.id},
    )
    careers.record_landing(
        a, coach, client, LandingData(employer="K", role_title="PM", started_on=AT.date())
    )
    careers.return_to_searching(a, coach, client)
    assert (
        db.session.scalars(select(StageChange).order_by(StageChange.id.desc())).first().note == ""
    )


def test_without_a_cadence_a_check_in_covers_the_30_days_up_to_its_due_date():
    from datetime import date

    from coachhub.models import Cadence, ClientCareer
    from coachhub.services import careers

    due = date(2027, 3, 31)
    assert careers.period_for(None, due) == (date(2027, 3, 2), due)
    for career in (
        ClientCareer(cadence=Cadence.NONE, cadence_anchor_on=date(2027, 1, 1)),
        ClientCareer(cadence=Cadence.MONTHLY, cadence_anchor_on=None),
    ):
        assert careers.period_for(career, due) == (date(2027, 3, 2), due)
    with pytest.raises(ValueError, match="^no cadence$"):
        careers.due_date(Cadence.NONE, due, 1)


def test_a_landing_closes_this_clients_search_goals_and_records_its_stage(world):
    from sqlalchemy import select

    from coachhub.extensions import db
    from coachhub.models import GoalStatus, StageChange
    from coachhub.services import careers
    from coachhub.services.careers import LandingData

    a, coach, client = world.a, world.coach_a1, world.client_a1
    open_goal = factories.GoalFactory(client=client)
    proposed = factories.GoalFactory(client=client, status=GoalStatus.PROPOSED)
    done = factories.GoalFactory(client=client, status=GoalStatus.ACHIEVED)
    theirs = factories.GoalFactory(client=world.client_a2)
    other_practice = factories.GoalFactory(client=world.client_b)
    data = LandingData(
        employer=" Kiwibank ", role_title=" PM ", started_on=AT.date(), note=" Via Dana "
    )
    career = careers.record_landing(a, coach, client, data)
    change = db.session.scalars(select(StageChange).order_by(StageChange.id.desc())).first()
    assert (change.stage.value, change.employer, change.role_title) == ("placed", "Kiwibank", "PM")
    assert (change.started_on, change.note, change.changed_by_membership_id) == (
        AT.date(),
        "Via Dana",
        coach.id,
    )
    assert (open_goal.status, proposed.status) == (GoalStatus.ACHIEVED, GoalStatus.DROPPED)
    assert open_goal.closed_at is not None and proposed.closed_at is not None
    assert done.closed_at is None
    assert (theirs.status, other_practice.status) == (GoalStatus.OPEN, GoalStatus.OPEN)
    assert _last_event() == (
        coach.user_id,
        "career.placed",
        "ClientCareer",
        career.id,
        {"client": client.id, "goals_closed": 2},
    )
    careers.return_to_searching(a, coach, client)
    careers.record_landing(a, coach, client, replace(data, close_goals=False))
    assert _last_event()[4] == {"client": client.id, "goals_closed": 0}


def test_setting_a_cadence_is_recorded_and_none_clears_the_dates(world):
    from coachhub.models import Cadence
    from coachhub.services import careers

    a, coach, client = world.a, world.coach_a1, world.client_a1
    career = careers.set_cadence(a, coach, client, Cadence.WEEKLY, AT.date())
    assert _last_event() == (
        coach.user_id,
        "career.cadence",
        "ClientCareer",
        career.id,
        {"cadence": "weekly"},
    )
    careers.set_cadence(a, coach, client, Cadence.NONE)
    assert (career.cadence_anchor_on, career.next_due_on) == (None, None)


# --- at-risk: the lists and counts built on the status rows -------------------------------------


def _status_world(world):
    """client_a1: a low last pulse, one to review; client_a2: a check-in 20 days late;
    a third client (coach_a1) placed and fine."""
    from coachhub.models import Cadence
    from coachhub.services import careers
    from coachhub.services.careers import LandingData

    today = AT.date()
    factories.CheckinFactory(client=world.client_a1, due_on=today - timedelta(days=40), pulse=70)
    factories.CheckinFactory(client=world.client_a1, due_on=today - timedelta(days=10), pulse=40)
    careers.set_cadence(world.a, world.coach_a1, world.client_a1, Cadence.MONTHLY, today)
    careers.career_of(world.client_a1).next_due_on = today + timedelta(days=5)
    careers.set_cadence(world.a, world.coach_a2, world.client_a2, Cadence.MONTHLY, today)
    careers.career_of(world.client_a2).next_due_on = today - timedelta(days=20)
    placed = factories.client(world.a, world.coach_a1)
    careers.record_landing(
        world.a,
        world.coach_a1,
        placed,
        LandingData(employer="K", role_title="PM", started_on=today),
    )
    careers.career_of(placed).next_due_on = today + timedelta(days=20)
    factories.MeetingLogFactory(client=placed, met_on=today - timedelta(days=2))
    return today, placed


def test_the_attention_list_holds_the_at_risk_overdue_and_to_review_worst_first(world):
    from coachhub.extensions import db
    from coachhub.services import at_risk

    today, placed = _status_world(world)
    rows = db.session.execute(at_risk.attention_query(world.a, world.owner_a, today)).all()
    assert [(r.id, r.at_risk, r.checkin_overdue, r.to_review) for r in rows] == [
        (world.client_a2.id, 1, 1, 0),
        (world.client_a1.id, 1, 0, 2),
    ]
    assert at_risk.flags(rows[0]) == ["check-in overdue by more than 14 days"]
    assert at_risk.flags(rows[1]) == [
        "pulse under 50",
        "pulse dropped 15+ points since the previous check-in",
    ]
    assert at_risk.trend_arrow(rows[1]) == "↓"
    overdue = db.session.execute(at_risk.overdue_query(world.a, world.owner_a, today)).all()
    assert [r.id for r in overdue] == [world.client_a2.id]
    mine = db.session.execute(at_risk.attention_query(world.a, world.coach_a1, today)).all()
    assert [r.id for r in mine] == [world.client_a1.id]


def test_the_practice_overview_counts_per_coach(world):
    from coachhub.services import at_risk

    today, placed = _status_world(world)
    rows = at_risk.practice_overview(world.a, world.owner_a, today)
    by_coach = {r.coach_id: tuple(r)[2:] for r in rows}
    # clients, placed, searching, at risk, overdue
    assert by_coach == {
        world.coach_a1.id: (2, 1, 1, 1, 0),
        world.coach_a2.id: (1, 0, 1, 1, 1),
    }
    assert [r.coach_id for r in rows] == sorted(by_coach, key=lambda i: db_name(world, i))


def db_name(world, membership_id):
    from coachhub.extensions import db
    from coachhub.models import Membership

    return db.session.get(Membership, membership_id).user.name


def test_trend_arrows_and_the_manual_flag_in_words():
    from types import SimpleNamespace

    from coachhub.services import at_risk

    def row(last, previous):
        return SimpleNamespace(last_pulse=last, previous_pulse=previous)

    assert [at_risk.trend_arrow(r) for r in (None, row(None, 5), row(5, None))] == ["", "", ""]
    assert [at_risk.trend_arrow(row(a, b)) for a, b in ((6, 5), (5, 6), (5, 5))] == ["↑", "↓", "→"]
    flagged = SimpleNamespace(
        low_pulse=0, pulse_drop=0, long_overdue=0, not_kept_up=1, flagged=1, flag_reason="Moved"
    )
    assert at_risk.flags(flagged) == [
        "placed, no networking activity in 60 days (hasn't kept up)",
        "flagged by the coach: Moved",
    ]


# --- check-ins -------------------------------------------------------------------------------


def test_the_pulse_of_a_check_in_comes_from_its_stored_inputs(world):
    from coachhub.models import CheckinStatus
    from coachhub.services import checkins

    today = AT.date()
    kw = dict(
        client=world.client_a1,
        period_start=today - timedelta(days=14),  # 15 days: a target of one meeting
        period_end=today,
        rating_pulse=3,
        rating_realism=None,
        rating_security=None,
        logged_meetings=1,
        logged_contacts_kept=0,
        follow_ups_due=0,
        follow_ups_on_time=0,
    )
    checkin = factories.CheckinFactory(**kw)
    # ratings 3, 1, 1 -> 8.33; one meeting of one -> 20; none due, met people -> 15
    assert checkins.pulse_of(checkin).score == 43
    assert checkins.pulse_of(factories.CheckinFactory(**{**kw, "rating_pulse": None})) is None
    draft = factories.CheckinFactory(**kw, status=CheckinStatus.DRAFT)
    assert checkins.pulse_of(draft) is None


def test_reviewing_a_check_in_is_recorded_and_needs_a_submitted_one(world):
    from coachhub.models import CheckinStatus
    from coachhub.services import checkins

    draft = factories.CheckinFactory(client=world.client_a1, status=CheckinStatus.DRAFT)
    assert _refusal(lambda: checkins.review_checkin(world.a, world.coach_a1, draft, "x")) == (
        "The client has not submitted this check-in yet.",
        None,
    )
    checkin = factories.CheckinFactory(client=world.client_a1)
    checkins.review_checkin(world.a, world.coach_a1, checkin, "  Well done  ")
    assert (checkin.status, checkin.coach_comment) == (CheckinStatus.REVIEWED, "Well done")
    assert checkin.reviewed_at is not None and checkin.reviewer_membership_id == world.coach_a1.id
    assert _last_event() == (world.coach_a1.user_id, "checkin.reviewed", "Checkin", checkin.id, {})


def test_saving_a_check_in_refuses_the_wrong_person_a_reviewed_one_and_missing_counts(world):
    from coachhub.models import CheckinStatus
    from coachhub.services import checkins
    from coachhub.services.checkins import CheckinData

    checkin = factories.CheckinFactory(client=world.client_a1)
    data = CheckinData(rating_pulse=3, rating_realism=3, rating_security=3)

    def save(actor, c=checkin, d=data):
        return lambda: checkins.save_checkin(world.a, actor, c, d, submit=False)

    assert _refusal(save(world.client_a2)) == ("Only the client fills in their check-in.", None)
    assert _refusal(save(world.client_a1, d=replace(data, new_contacts=None))) == (
        "Enter a number from 0 to 1000.",
        "new_contacts",
    )
    reviewed = factories.CheckinFactory(client=world.client_a1, status=CheckinStatus.REVIEWED)
    assert _refusal(save(world.client_a1, c=reviewed)) == (
        "Your coach has reviewed this check-in; it can no longer change.",
        None,
    )


def test_the_trend_is_this_clients_latest_submitted_check_ins_oldest_first(world):
    from coachhub.models import CheckinStatus
    from coachhub.services import checkins

    today = AT.date()
    mine = [
        factories.CheckinFactory(client=world.client_a1, due_on=today - timedelta(weeks=n))
        for n in range(26)
    ]
    factories.CheckinFactory(client=world.client_a1, due_on=today, status=CheckinStatus.DRAFT)
    factories.CheckinFactory(client=world.client_a2, due_on=today)
    trend = checkins.trend(world.a, world.client_a1)
    assert [c.id for c in trend] == [c.id for c in reversed(mine[: checkins.TREND_POINTS])]
    assert checkins.TREND_POINTS == 24
    point = checkins.trend_data(trend[-1:])[0]
    assert point == {
        "label": today.strftime("%d %b %Y"),
        "pulse": 66,
        "rating_pulse": 4,
        "rating_realism": 3,
        "rating_security": 4,
        "meetings": 1,
        "contacts": 2,
    }


def test_period_activity_counts_exactly_the_days_of_the_period(world):
    """Every boundary: the day before the first, the first, the last, the day after; this
    client's rows only, archived logs left out; new contacts by the practice's local day."""
    from datetime import date, time
    from zoneinfo import ZoneInfo

    import time_machine

    from coachhub.models import utcnow
    from coachhub.services import checkins

    world.a.timezone = "Pacific/Auckland"
    tz = ZoneInfo("Pacific/Auckland")
    first, last = date(2027, 3, 1), date(2027, 3, 15)
    me, other = world.client_a1, world.client_a2
    with time_machine.travel(datetime(2027, 3, 20, 12, tzinfo=UTC), tick=False):
        assert checkins.period_activity(world.a, me, first, last) == checkins.Activity(
            0, 0, 0, 0, 0
        )
        days = (first - timedelta(days=1), first, last, last + timedelta(days=1))
        for day in days:
            factories.MeetingLogFactory(client=me, met_on=day)
            factories.TouchFactory(client=me, touched_on=day)
            factories.MeetingLogFactory(
                client=me,
                met_on=day - timedelta(days=20),
                follow_up_action="Send it",
                follow_up_due_on=day,
                follow_up_done_on=day,
            )
            for client in (other, world.client_b):
                factories.MeetingLogFactory(
                    client=client,
                    met_on=day,
                    follow_up_action="x",
                    follow_up_due_on=day,
                    follow_up_done_on=day,
                )
                factories.TouchFactory(client=client, touched_on=day)
        factories.MeetingLogFactory(
            client=me,
            met_on=first - timedelta(days=3),
            follow_up_action="Late",
            follow_up_due_on=first + timedelta(days=2),
            follow_up_done_on=first + timedelta(days=3),
        )
        factories.MeetingLogFactory(
            client=me, met_on=first + timedelta(days=1), archived_at=utcnow()
        )
        for moment, _inside in (
            (datetime.combine(first, time(), tz) - timedelta(seconds=1), False),
            (datetime.combine(first, time(), tz), True),
            (datetime.combine(last, time(23, 59), tz), True),
            (datetime.combine(last + timedelta(days=1), time(), tz), False),
        ):
            factories.ContactFactory(client=me, created_at=moment.astimezone(UTC))
            factories.ContactFactory(client=other, created_at=moment.astimezone(UTC))
        activity = checkins.period_activity(world.a, me, first, last)
    # meetings: the first and last day; contacts: those met (2) and touched (2), all
    # distinct; new: the two created inside; follow-ups due 2 on time + 1 late
    assert activity == checkins.Activity(
        meetings=2, contacts_kept=4, new_contacts=2, follow_ups_due=3, follow_ups_on_time=2
    )


def test_a_status_row_shows_the_career_and_the_latest_activity(world):
    from coachhub.models import Cadence
    from coachhub.services import at_risk, careers
    from coachhub.services.careers import LandingData

    today = AT.date()
    me = world.client_a1

    def row():
        return at_risk.status_rows(world.a, world.owner_a, today, [me.id])[me.id]

    fresh = row()
    assert (fresh.stage, fresh.employer, fresh.cadence, fresh.last_activity) == (
        "searching",
        None,
        None,
        None,
    )
    careers.record_landing(
        world.a, world.coach_a1, me, LandingData(employer="K", role_title="PM", started_on=today)
    )
    careers.set_cadence(world.a, world.coach_a1, me, Cadence.QUARTERLY, today)
    factories.MeetingLogFactory(client=me, met_on=today - timedelta(days=9))
    factories.MeetingLogFactory(client=me, met_on=today - timedelta(days=1), archived_at=AT)
    factories.MeetingLogFactory(client=me, met_on=today + timedelta(days=1))  # a plan
    factories.MeetingLogFactory(client=world.client_a2, met_on=today)
    r = row()
    assert (r.stage, r.employer, r.role_title, r.cadence) == ("placed", "K", "PM", "quarterly")
    assert r.last_activity == today - timedelta(days=9)
    factories.ContactFactory(client=me, manual_touch_on=today - timedelta(days=5))
    factories.ContactFactory(client=me, manual_touch_on=today + timedelta(days=2))
    assert row().last_activity == today - timedelta(days=5)
    factories.MeetingLogFactory(client=me, met_on=today)
    assert row().last_activity == today
    factories.ContactFactory(client=world.client_a2, manual_touch_on=today)
    factories.ContactFactory(client=me, manual_touch_on=today)
    assert row().last_activity == today


def test_saving_a_check_in_checks_every_bound_and_records_what_happened(world):
    from coachhub.models import CheckinStatus
    from coachhub.services import checkins
    from coachhub.services.checkins import CheckinData

    me = world.client_a1
    draft = factories.CheckinFactory(
        client=me, status=CheckinStatus.DRAFT, pulse=None, submitted_at=None
    )

    def save(submit=False, **kw):
        data = CheckinData(**kw)
        return lambda: checkins.save_checkin(world.a, me, draft, data, submit=submit)

    for value in (0, 6):
        assert _refusal(save(rating_realism=value)) == ("Rate from 1 to 5.", "rating_realism")
    assert _refusal(save(contacts_kept=1001)) == ("Enter a number from 0 to 1000.", "contacts_kept")
    assert _refusal(save(True, rating_pulse=3, rating_realism=3)) == (
        "Rate from 1 to 5 before you submit.",
        "rating_security",
    )
    save(rating_pulse=1, rating_realism=5, contacts_kept=1000, skills=None)()
    assert (draft.rating_pulse, draft.rating_realism, draft.contacts_kept) == (1, 5, 1000)
    assert (draft.skills, draft.status, draft.submitted_at) == ("", CheckinStatus.DRAFT, None)
    assert _last_event() == (me.user_id, "checkin.saved", "Checkin", draft.id, {"pulse": None})
    save(True, rating_pulse=5, rating_realism=5, rating_security=5)()
    assert draft.status == CheckinStatus.SUBMITTED and draft.submitted_at is not None
    assert _last_event() == (
        me.user_id,
        "checkin.submitted",
        "Checkin",
        draft.id,
        {"pulse": draft.pulse},
    )
    assert _refusal(lambda: checkins.start_checkin(world.a, world.coach_a1)) == (
        "Only clients fill in check-ins.",
        None,
    )
