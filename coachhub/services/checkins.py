"""Career check-ins: the client fills one in per due date; the coach reviews it.

Submitting moves the client's next due date to the first cadence date after
both the check-in's due date and today, so a late check-in skips the periods
missed. The pulse score is computed from the stored inputs (`services/pulse.py`).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select, union

from coachhub.extensions import db
from coachhub.models import (
    Cadence,
    Checkin,
    CheckinStatus,
    Contact,
    MeetingLog,
    Membership,
    Practice,
    Touch,
    utcnow,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.careers import DUE_SOON_DAYS, career_of, next_due_after, period_for
from coachhub.services.goals import require_coach_of
from coachhub.services.inbox import notify
from coachhub.services.pulse import Pulse, PulseInputs, pulse_score

RATINGS = ("rating_pulse", "rating_realism", "rating_security")
TEXTS = ("field_changes", "skills", "concerns")
COUNTS = ("contacts_kept", "new_contacts", "events_attended")


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
        select(Touch.contact_id.label("id")).where(
            Touch.practice_id == practice.id,
            Touch.client_membership_id == client.id,
            Touch.touched_on >= first,
            Touch.touched_on <= last,
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


def opens_on(due: date) -> date:
    """The first day a check-in due on `due` can be filled in: DUE_SOON_DAYS before it."""
    return due - timedelta(days=DUE_SOON_DAYS)


def start_checkin(practice: Practice, actor: Membership) -> Checkin:
    """The client's check-in for their next due date: the open one, or a new draft pre-filled."""
    if not actor.is_client:
        raise ServiceError("Only clients fill in check-ins.")
    career = career_of(actor)
    today = practice.today()
    due = career.next_due_on if career and career.next_due_on else today
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
    opens = opens_on(due)
    if today < opens:
        # Filled in weeks ahead, a check-in would score a period that has barely begun (every
        # count 0, a low pulse, an at-risk flag) and push the next due date a period further.
        raise ServiceError(
            f"Your next check-in is due on {due:%d %b %Y}: you can fill it in from "
            f"{opens:%d %b %Y}."
        )
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
            notify(
                practice,
                "checkin_submitted",
                actor=actor,
                client=checkin.client,
                obj=checkin,
                summary=f"{actor.user.name} submitted a check-in",
            )
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
    notify(
        practice,
        "checkin_reviewed",
        actor=actor,
        client=checkin.client,
        obj=checkin,
        summary=f"{actor.user.name} reviewed your check-in",
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
