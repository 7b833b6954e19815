"""Career check-ins: stages, cadence and due dates, the check-in itself, review and at-risk rules.

Due dates fall on the client's cadence counted from an anchor date (the first
due date), in the practice's timezone (`Practice.today()`). A check-in due on D
covers the period from the day after the previous due date up to D. Submitting
moves the client's next due date to the first cadence date after both D and
today, so a late check-in skips the periods missed.

At-risk rules live in `status_query` as SQL, so the dashboards can filter and
count them in one query; `flags` turns a row into the messages shown.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, case, func, literal, or_, select, union
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import (
    Cadence,
    CareerStage,
    Checkin,
    CheckinStatus,
    ClientCareer,
    Contact,
    GoalStatus,
    MeetingLog,
    Membership,
    MemberStatus,
    NetworkingGoal,
    Practice,
    Role,
    StageChange,
    User,
    utcnow,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.goals import require_coach_of
from coachhub.services.pulse import Pulse, PulseInputs, pulse_score

LOW_PULSE = 50
PULSE_DROP = 15
OVERDUE_GRACE_DAYS = 14
KEPT_UP_DAYS = 60
DUE_SOON_DAYS = 7
CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3}
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14}
RATINGS = ("rating_pulse", "rating_realism", "rating_security")
TEXTS = ("field_changes", "skills", "concerns")
COUNTS = ("contacts_kept", "new_contacts", "events_attended")


# Cadence arithmetic -----------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_date(cadence: Cadence, anchor: date, k: int) -> date:
    """The k-th due date of the series starting at `anchor` (k = 0 is the anchor)."""
    if cadence in CADENCE_MONTHS:
        return add_months(anchor, k * CADENCE_MONTHS[cadence])
    if cadence in CADENCE_DAYS:
        return anchor + timedelta(days=k * CADENCE_DAYS[cadence])
    raise ValueError("no cadence")


def _index_at_or_before(cadence: Cadence, anchor: date, day: date) -> int:
    """The largest k with due_date(k) <= day (may be negative)."""
    if cadence in CADENCE_DAYS:
        return (day - anchor).days // CADENCE_DAYS[cadence]
    step = CADENCE_MONTHS[cadence]
    k = ((day.year - anchor.year) * 12 + day.month - anchor.month) // step + 1
    while due_date(cadence, anchor, k) > day:
        k -= 1
    return k


def next_due_after(cadence: Cadence, anchor: date, day: date) -> date:
    """The first due date strictly after `day` (the anchor itself if it is later)."""
    if anchor > day:
        return anchor
    return due_date(cadence, anchor, _index_at_or_before(cadence, anchor, day) + 1)


def previous_due(cadence: Cadence, anchor: date, due: date) -> date:
    """The due date one step before `due`: the check-in due on `due` covers the days after it."""
    return due_date(cadence, anchor, _index_at_or_before(cadence, anchor, due) - 1)


def period_for(career: ClientCareer | None, due: date) -> tuple[date, date]:
    """The days (first, last) a check-in due on `due` covers: one cadence step, or 30 days."""
    if career is None or career.cadence == Cadence.NONE or career.cadence_anchor_on is None:
        return due - timedelta(days=29), due
    return previous_due(career.cadence, career.cadence_anchor_on, due) + timedelta(days=1), due


# The client's career row, stage and cadence ------------------------------------------------


def career_of(client: Membership) -> ClientCareer | None:
    return db.session.scalars(
        select(ClientCareer).where(
            ClientCareer.practice_id == client.practice_id,
            ClientCareer.client_membership_id == client.id,
        )
    ).first()


def _career(client: Membership) -> ClientCareer:
    career = career_of(client)
    if career is None:
        career = ClientCareer(
            practice_id=client.practice_id,
            client_membership_id=client.id,
            stage=CareerStage.SEARCHING,
            cadence=Cadence.NONE,
            flag_reason="",
        )
        db.session.add(career)
    return career


def _require_client_or_coach(actor: Membership, client: Membership) -> None:
    if actor.id != client.id:
        require_coach_of(actor, client)


@dataclass
class LandingData:
    employer: str
    role_title: str
    started_on: date
    close_goals: bool = True
    note: str = ""


def record_landing(
    practice: Practice, actor: Membership, client: Membership, data: LandingData
) -> ClientCareer:
    """The client landed a role: placed, monthly check-ins by default, search goals closed."""
    _require_client_or_coach(actor, client)
    employer, role_title = data.employer.strip(), data.role_title.strip()
    if not employer:
        raise ServiceError("Who is the employer?", "employer")
    if not role_title:
        raise ServiceError("What is the role?", "role_title")
    career = _career(client)
    career.stage = CareerStage.PLACED
    career.employer, career.role_title, career.started_on = employer, role_title, data.started_on
    if career.cadence == Cadence.NONE:
        anchor = add_months(max(data.started_on, practice.today()), 1)
        _set_cadence(career, Cadence.MONTHLY, anchor, practice.today())
    db.session.add(
        StageChange(
            practice_id=practice.id,
            client_membership_id=client.id,
            stage=CareerStage.PLACED,
            employer=employer,
            role_title=role_title,
            started_on=data.started_on,
            note=data.note.strip(),
            changed_by_membership_id=actor.id,
        )
    )
    closed = 0
    if data.close_goals:
        open_goals = db.session.scalars(
            select(NetworkingGoal).where(
                NetworkingGoal.practice_id == practice.id,
                NetworkingGoal.client_membership_id == client.id,
                NetworkingGoal.status.in_([GoalStatus.OPEN, GoalStatus.PROPOSED]),
            )
        ).all()
        for goal in open_goals:
            goal.status = (
                GoalStatus.ACHIEVED if goal.status == GoalStatus.OPEN else GoalStatus.DROPPED
            )
            goal.closed_at = utcnow()
            closed += 1
    db.session.flush()
    record(practice, actor.user, "career.placed", career, client=client.id, goals_closed=closed)
    return career


def return_to_searching(
    practice: Practice, actor: Membership, client: Membership, note: str = ""
) -> ClientCareer:
    """A placed client is searching again; the landing stays in the history."""
    _require_client_or_coach(actor, client)
    career = _career(client)
    if career.stage != CareerStage.PLACED:
        raise ServiceError("This client is already searching.")
    career.stage = CareerStage.SEARCHING
    db.session.add(
        StageChange(
            practice_id=practice.id,
            client_membership_id=client.id,
            stage=CareerStage.SEARCHING,
            note=note.strip(),
            changed_by_membership_id=actor.id,
        )
    )
    db.session.flush()
    record(practice, actor.user, "career.searching", career, client=client.id)
    return career


def _set_cadence(career: ClientCareer, cadence: Cadence, first_due_on: date | None, today: date):
    career.cadence = cadence
    if cadence == Cadence.NONE:
        career.cadence_anchor_on = career.next_due_on = None
        return
    anchor = first_due_on or due_date(cadence, today, 1)
    career.cadence_anchor_on = anchor
    # The first due date on or after today: a past anchor does not make a check-in overdue.
    career.next_due_on = next_due_after(cadence, anchor, today - timedelta(days=1))


def set_cadence(
    practice: Practice,
    actor: Membership,
    client: Membership,
    cadence: Cadence,
    first_due_on: date | None = None,
) -> ClientCareer:
    """The coach sets how often the client checks in (and when the first check-in is due)."""
    require_coach_of(actor, client)
    cadence = Cadence(cadence)
    career = _career(client)
    _set_cadence(career, cadence, first_due_on, practice.today())
    db.session.flush()
    record(practice, actor.user, "career.cadence", career, cadence=cadence.value)
    return career


def set_flag(practice: Practice, actor: Membership, client: Membership, reason: str) -> None:
    """The coach marks the client at risk by hand; the reason is shown with the flag."""
    require_coach_of(actor, client)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why this client is at risk.", "reason")
    career = _career(client)
    career.flag_reason = reason
    career.flagged_at = utcnow()
    career.flagged_by_membership_id = actor.id
    db.session.flush()
    record(practice, actor.user, "career.flagged", career, reason=reason)


def clear_flag(practice: Practice, actor: Membership, client: Membership) -> None:
    require_coach_of(actor, client)
    career = career_of(client)
    if career is None or career.flagged_at is None:
        raise ServiceError("This client has no at-risk flag set by hand.")
    career.flag_reason = ""
    career.flagged_at = None
    career.flagged_by_membership_id = None
    record(practice, actor.user, "career.unflagged", career)


# Check-ins -------------------------------------------------------------------------------


@dataclass
class Activity:
    """What the client logged between two dates (both included)."""

    meetings: int
    contacts_kept: int
    new_contacts: int
    follow_ups_due: int
    follow_ups_on_time: int


def period_activity(practice: Practice, client: Membership, first: date, last: date) -> Activity:
    """Meetings, distinct contacts met or touched, new contacts and follow-ups in the period."""
    last = min(last, practice.today())
    owned = (MeetingLog.practice_id == practice.id, MeetingLog.client_membership_id == client.id)
    in_period = and_(MeetingLog.met_on >= first, MeetingLog.met_on <= last)
    due = and_(MeetingLog.follow_up_due_on >= first, MeetingLog.follow_up_due_on <= last)
    logs = db.session.execute(
        select(
            func.coalesce(func.sum(case((in_period, 1), else_=0)), 0),
            func.coalesce(func.sum(case((due, 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (and_(due, MeetingLog.follow_up_done_on <= MeetingLog.follow_up_due_on), 1),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(*owned, MeetingLog.archived_at.is_(None))
    ).one()
    contact_owned = (Contact.practice_id == practice.id, Contact.client_membership_id == client.id)
    touched = union(
        select(MeetingLog.contact_id.label("id")).where(
            *owned, MeetingLog.archived_at.is_(None), in_period
        ),
        select(Contact.id.label("id")).where(
            *contact_owned, Contact.manual_touch_on >= first, Contact.manual_touch_on <= last
        ),
    ).subquery()
    kept = db.session.scalar(select(func.count()).select_from(touched))
    start = datetime.combine(first, time(), practice.tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), practice.tz).astimezone(UTC)
    new = db.session.scalar(
        select(func.count()).where(
            *contact_owned, Contact.created_at >= start, Contact.created_at < end
        )
    )
    return Activity(int(logs[0]), int(kept or 0), int(new or 0), int(logs[1]), int(logs[2]))


def start_checkin(practice: Practice, actor: Membership) -> Checkin:
    """The client's check-in for their next due date: the open one, or a new draft pre-filled."""
    if not actor.is_client:
        raise ServiceError("Only clients fill in check-ins.")
    career = career_of(actor)
    due = career.next_due_on if career and career.next_due_on else practice.today()
    existing = db.session.scalars(
        select(Checkin).where(
            Checkin.practice_id == practice.id,
            Checkin.client_membership_id == actor.id,
            Checkin.due_on == due,
            Checkin.status == CheckinStatus.DRAFT,
        )
    ).first()
    if existing:
        return existing
    first, last = period_for(career, due)
    activity = period_activity(practice, actor, first, last)
    checkin = Checkin(
        practice_id=practice.id,
        client_membership_id=actor.id,
        due_on=due,
        period_start=first,
        period_end=last,
        status=CheckinStatus.DRAFT,
        contacts_kept=activity.contacts_kept,
        new_contacts=activity.new_contacts,
        events_attended=activity.meetings,
    )
    db.session.add(checkin)
    db.session.flush()
    record(practice, actor.user, "checkin.started", checkin)
    return checkin


@dataclass
class CheckinData:
    contacts_kept: int = 0
    new_contacts: int = 0
    events_attended: int = 0
    field_changes: str = ""
    skills: str = ""
    concerns: str = ""
    rating_pulse: int | None = None
    rating_realism: int | None = None
    rating_security: int | None = None


def pulse_of(checkin: Checkin) -> Pulse | None:
    """The score and its breakdown, from the check-in's stored inputs (None for a draft)."""
    if checkin.is_draft or checkin.rating_pulse is None:
        return None
    return pulse_score(
        PulseInputs(
            rating_pulse=checkin.rating_pulse,
            rating_realism=checkin.rating_realism or 1,
            rating_security=checkin.rating_security or 1,
            period_days=(checkin.period_end - checkin.period_start).days + 1,
            meetings=checkin.logged_meetings,
            contacts_kept=checkin.logged_contacts_kept,
            follow_ups_due=checkin.follow_ups_due,
            follow_ups_on_time=checkin.follow_ups_on_time,
        )
    )


def save_checkin(
    practice: Practice, actor: Membership, checkin: Checkin, data: CheckinData, submit: bool
) -> Checkin:
    """Save a draft, submit it, or correct a submitted one (until the coach reviews it)."""
    if actor.id != checkin.client_membership_id:
        raise ServiceError("Only the client fills in their check-in.")
    if not checkin.can_correct:
        raise ServiceError("Your coach has reviewed this check-in; it can no longer change.")
    for name in COUNTS:
        value = getattr(data, name)
        if value is None or not 0 <= value <= 1000:
            raise ServiceError("Enter a number from 0 to 1000.", name)
    for name in RATINGS:
        value = getattr(data, name)
        if value is not None and not 1 <= value <= 5:
            raise ServiceError("Rate from 1 to 5.", name)
    submitting = submit or not checkin.is_draft
    if submitting:
        for name in RATINGS:
            if getattr(data, name) is None:
                raise ServiceError("Rate from 1 to 5 before you submit.", name)
    for name in COUNTS + RATINGS:
        setattr(checkin, name, getattr(data, name))
    for name in TEXTS:
        setattr(checkin, name, (getattr(data, name) or "").strip())
    if submitting:
        activity = period_activity(
            practice, checkin.client, checkin.period_start, checkin.period_end
        )
        checkin.logged_meetings = activity.meetings
        checkin.logged_contacts_kept = activity.contacts_kept
        checkin.follow_ups_due = activity.follow_ups_due
        checkin.follow_ups_on_time = activity.follow_ups_on_time
        was_draft = checkin.is_draft
        checkin.status = CheckinStatus.SUBMITTED
        checkin.pulse = pulse_of(checkin).score
        if was_draft:
            checkin.submitted_at = utcnow()
            _advance(practice, checkin)
    db.session.flush()
    action = "submitted" if submit and checkin.submitted_at else "saved"
    record(practice, actor.user, f"checkin.{action}", checkin, pulse=checkin.pulse)
    return checkin


def _advance(practice: Practice, checkin: Checkin) -> None:
    career = career_of(checkin.client)
    if career is None or career.cadence == Cadence.NONE or career.cadence_anchor_on is None:
        return
    if career.next_due_on is not None and checkin.due_on < career.next_due_on:
        return
    after = max(checkin.due_on, practice.today())
    career.next_due_on = next_due_after(career.cadence, career.cadence_anchor_on, after)


def review_checkin(practice: Practice, actor: Membership, checkin: Checkin, comment: str) -> None:
    """The coach comments and marks the check-in reviewed: the client can no longer change it."""
    require_coach_of(actor, checkin.client)
    if checkin.is_draft:
        raise ServiceError("The client has not submitted this check-in yet.")
    checkin.coach_comment = comment.strip()
    checkin.status = CheckinStatus.REVIEWED
    checkin.reviewed_at = utcnow()
    checkin.reviewer_membership_id = actor.id
    record(practice, actor.user, "checkin.reviewed", checkin)


# Status, at-risk rules and trend ----------------------------------------------------------


def _flag(condition):
    return case((condition, 1), else_=0)


def status_query(practice: Practice, viewer: Membership, today: date) -> Select:
    """One row per active client the viewer may see: stage, due date, pulses, at-risk rules."""
    visible_done = and_(
        Checkin.practice_id == practice.id,
        Checkin.visible_to(viewer),
        Checkin.status.in_([CheckinStatus.SUBMITTED, CheckinStatus.REVIEWED]),
    )
    ranked = (
        select(
            Checkin.client_membership_id.label("client_id"),
            Checkin.pulse.label("pulse"),
            Checkin.status.label("status"),
            func.row_number()
            .over(
                partition_by=Checkin.client_membership_id,
                order_by=(Checkin.due_on.desc(), Checkin.id.desc()),
            )
            .label("rn"),
        )
        .where(visible_done)
        .subquery("ranked")
    )
    pulses = (
        select(
            ranked.c.client_id,
            func.max(case((ranked.c.rn == 1, ranked.c.pulse))).label("last_pulse"),
            func.max(case((ranked.c.rn == 2, ranked.c.pulse))).label("previous_pulse"),
            func.sum(case((ranked.c.status == CheckinStatus.SUBMITTED, 1), else_=0)).label(
                "to_review"
            ),
        )
        .group_by(ranked.c.client_id)
        .subquery("pulses")
    )
    met = (
        select(
            MeetingLog.client_membership_id.label("client_id"),
            func.max(MeetingLog.met_on).label("last_met"),
        )
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.visible_to(viewer),
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= today,
        )
        .group_by(MeetingLog.client_membership_id)
        .subquery("met")
    )
    touched = (
        select(
            Contact.client_membership_id.label("client_id"),
            func.max(Contact.manual_touch_on).label("last_touch"),
        )
        .where(
            Contact.practice_id == practice.id,
            Contact.visible_to(viewer),
            Contact.manual_touch_on <= today,
        )
        .group_by(Contact.client_membership_id)
        .subquery("touched")
    )
    last_activity = case(
        (touched.c.last_touch.is_(None), met.c.last_met),
        (met.c.last_met.is_(None), touched.c.last_touch),
        (touched.c.last_touch > met.c.last_met, touched.c.last_touch),
        else_=met.c.last_met,
    )
    stage = func.coalesce(ClientCareer.stage, literal(CareerStage.SEARCHING.value))
    rules = {
        "low_pulse": _flag(pulses.c.last_pulse < LOW_PULSE),
        "pulse_drop": _flag(pulses.c.last_pulse <= pulses.c.previous_pulse - PULSE_DROP),
        "long_overdue": _flag(
            ClientCareer.next_due_on < today - timedelta(days=OVERDUE_GRACE_DAYS)
        ),
        "not_kept_up": _flag(
            and_(
                ClientCareer.stage == CareerStage.PLACED,
                or_(
                    last_activity.is_(None),
                    last_activity <= today - timedelta(days=KEPT_UP_DAYS),
                ),
            )
        ),
        "flagged": _flag(ClientCareer.flagged_at.is_not(None)),
    }
    at_risk = case((or_(*(rule == 1 for rule in rules.values())), 1), else_=0)
    coach = aliased(Membership)
    coach_user = aliased(User)
    return (
        select(
            Membership.id.label("id"),
            User.name.label("name"),
            coach.id.label("coach_id"),
            coach_user.name.label("coach"),
            stage.label("stage"),
            ClientCareer.employer.label("employer"),
            ClientCareer.role_title.label("role_title"),
            ClientCareer.cadence.label("cadence"),
            ClientCareer.next_due_on.label("next_due_on"),
            ClientCareer.flag_reason.label("flag_reason"),
            pulses.c.last_pulse,
            pulses.c.previous_pulse,
            func.coalesce(pulses.c.to_review, 0).label("to_review"),
            last_activity.label("last_activity"),
            _flag(ClientCareer.next_due_on < today).label("checkin_overdue"),
            *(expr.label(name) for name, expr in rules.items()),
            at_risk.label("at_risk"),
        )
        .join(User, Membership.user_id == User.id)
        .outerjoin(coach, Membership.coach_membership_id == coach.id)
        .outerjoin(coach_user, coach.user_id == coach_user.id)
        .outerjoin(ClientCareer, ClientCareer.client_membership_id == Membership.id)
        .outerjoin(pulses, pulses.c.client_id == Membership.id)
        .outerjoin(met, met.c.client_id == Membership.id)
        .outerjoin(touched, touched.c.client_id == Membership.id)
        .where(
            Membership.practice_id == practice.id,
            Membership.visible_to(viewer),
            Membership.role == Role.CLIENT,
            Membership.status == MemberStatus.ACTIVE,
        )
    )


def status_rows(practice: Practice, viewer: Membership, today: date, client_ids) -> dict:
    """The status rows of these clients, by client id (one query)."""
    ids = list(client_ids)
    if not ids:
        return {}
    query = status_query(practice, viewer, today).where(Membership.id.in_(ids))
    return {row.id: row for row in db.session.execute(query)}


def attention_query(practice: Practice, viewer: Membership, today: date) -> Select:
    """Clients at risk, with an overdue check-in, or a check-in to review: worst first."""
    rows = status_query(practice, viewer, today).subquery("status")
    return (
        select(rows)
        .where((rows.c.at_risk == 1) | (rows.c.checkin_overdue == 1) | (rows.c.to_review > 0))
        .order_by(rows.c.at_risk.desc(), rows.c.next_due_on, rows.c.name, rows.c.id)
    )


FLAG_MESSAGES = {
    "low_pulse": f"pulse under {LOW_PULSE}",
    "pulse_drop": f"pulse dropped {PULSE_DROP}+ points since the previous check-in",
    "long_overdue": f"check-in overdue by more than {OVERDUE_GRACE_DAYS} days",
    "not_kept_up": f"placed, no networking activity in {KEPT_UP_DAYS} days (hasn't kept up)",
}


def flags(row) -> list[str]:
    """Which at-risk rules fired for a status row, in words (the manual flag with its reason)."""
    fired = [message for key, message in FLAG_MESSAGES.items() if getattr(row, key)]
    if row.flagged:
        fired.append(f"flagged by the coach: {row.flag_reason}")
    return fired


def trend_arrow(row) -> str:
    """↑, ↓ or → comparing the last pulse with the one before ('' with fewer than two)."""
    if row is None or row.last_pulse is None or row.previous_pulse is None:
        return ""
    if row.last_pulse > row.previous_pulse:
        return "↑"
    if row.last_pulse < row.previous_pulse:
        return "↓"
    return "→"


def practice_overview(practice: Practice, viewer: Membership, today: date) -> list:
    """Per coach: clients, placed, searching, at risk and overdue check-ins (one query)."""
    rows = status_query(practice, viewer, today).subquery("status")
    return db.session.execute(
        select(
            rows.c.coach_id,
            rows.c.coach,
            func.count().label("clients"),
            func.sum(case((rows.c.stage == CareerStage.PLACED.value, 1), else_=0)).label("placed"),
            func.sum(case((rows.c.stage == CareerStage.SEARCHING.value, 1), else_=0)).label(
                "searching"
            ),
            func.sum(rows.c.at_risk).label("at_risk"),
            func.sum(rows.c.checkin_overdue).label("overdue"),
        )
        .group_by(rows.c.coach_id, rows.c.coach)
        .order_by(rows.c.coach, rows.c.coach_id)
    ).all()


def overdue_query(practice: Practice, viewer: Membership, today: date) -> Select:
    rows = status_query(practice, viewer, today).subquery("status")
    return (
        select(rows)
        .where(rows.c.checkin_overdue == 1)
        .order_by(rows.c.next_due_on, rows.c.name, rows.c.id)
    )


TREND_POINTS = 24


def trend(practice: Practice, client: Membership) -> list[Checkin]:
    """The latest submitted check-ins, oldest first: the pulse chart's data in one query."""
    rows = db.session.scalars(
        select(Checkin)
        .where(
            Checkin.practice_id == practice.id,
            Checkin.client_membership_id == client.id,
            Checkin.status.in_([CheckinStatus.SUBMITTED, CheckinStatus.REVIEWED]),
        )
        .order_by(Checkin.due_on.desc(), Checkin.id.desc())
        .limit(TREND_POINTS)
    ).all()
    return list(reversed(rows))


def trend_data(checkins: list[Checkin]) -> list[dict]:
    """What the chart script reads: pulse, self-ratings and activity per check-in."""
    return [
        {
            "label": c.due_on.strftime("%d %b %Y"),
            "pulse": c.pulse,
            "rating_pulse": c.rating_pulse,
            "rating_realism": c.rating_realism,
            "rating_security": c.rating_security,
            "meetings": c.logged_meetings,
            "contacts": c.logged_contacts_kept,
        }
        for c in checkins
    ]
