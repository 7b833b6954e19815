"""A client's career: stage (searching → placed), the landing, check-in cadence, manual flag.

Due dates fall on the client's cadence counted from an anchor date (the first
due date), in the practice's timezone (`Practice.today()`). A check-in due on D
covers the period from the day after the previous due date up to D.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import (
    Cadence,
    CareerStage,
    ClientCareer,
    GoalStatus,
    Membership,
    NetworkingGoal,
    Practice,
    StageChange,
    utcnow,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.goals import require_coach_of
from coachhub.services.inbox import notify

CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3}
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14}
# A check-in due within this many days is shown as "due soon".
DUE_SOON_DAYS = 7


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
    notify(
        practice,
        "at_risk_flagged",
        actor=actor,
        client=client,
        obj=career,
        summary=f"{actor.user.name} flagged {client.user.name} at risk: {reason}",
        once_per=career.flagged_at.isoformat(),
    )


def clear_flag(practice: Practice, actor: Membership, client: Membership) -> None:
    require_coach_of(actor, client)
    career = career_of(client)
    if career is None or career.flagged_at is None:
        raise ServiceError("This client has no at-risk flag set by hand.")
    career.flag_reason = ""
    career.flagged_at = None
    career.flagged_by_membership_id = None
    record(practice, actor.user, "career.unflagged", career)
