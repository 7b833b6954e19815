"""Coaching sessions: booking, rescheduling, cancelling, the agenda, notes and action items.

No slot is ever booked twice: every booking or move first locks the coach's
membership row (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs one writer at
a time), then checks the coach's booked sessions for an overlap, and the
partial unique index on (coach, start) of booked sessions backs that up in the
database. Every change queues an email with an iCalendar invitation to both
sides (METHOD:REQUEST with the session's stable UID and the next SEQUENCE, or
METHOD:CANCEL) through the outbox; nothing is sent from here.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.models import (
    ActionItem,
    AgendaItem,
    CoachingSession,
    GoalStatus,
    MeetingLog,
    Membership,
    NetworkingGoal,
    Practice,
    Review,
    Role,
    SessionStatus,
    User,
    utcnow,
)
from coachhub.notifications.outbox import queue_email
from coachhub.services import ServiceError
from coachhub.services import availability as avail
from coachhub.services.audit import record
from coachhub.services.inbox import notify as notify_inbox
from coachhub.urls import external_url

MAX_CHANGE_REASON = 500
OUTCOMES = (SessionStatus.COMPLETED, SessionStatus.NO_SHOW)


# -- booking ---------------------------------------------------------------------------


def _lock_coach(coach: Membership) -> None:
    """Serialise bookings per coach: a row lock on the coach's membership until commit."""
    db.session.execute(
        select(Membership.id).where(Membership.id == coach.id).with_for_update()
    ).first()


def _overlaps(
    coach: Membership, client: Membership, start: datetime, end: datetime, *, excluding=None
) -> str | None:
    """Why [start, end) is taken (the coach's or the client's booked session), or None."""
    query = select(CoachingSession.coach_membership_id).where(
        CoachingSession.practice_id == coach.practice_id,
        CoachingSession.status == SessionStatus.BOOKED,
        (CoachingSession.coach_membership_id == coach.id)
        | (CoachingSession.client_membership_id == client.id),
        CoachingSession.starts_at < end,
        CoachingSession.ends_at > start,
    )
    if excluding is not None:
        query = query.where(CoachingSession.id != excluding)
    who = db.session.scalars(query).first()
    if who is None:
        return None
    if who == coach.id:
        return "That time was just taken. Please choose another slot."
    return "You already have a session at that time."


def _coach_of(client: Membership) -> Membership:
    if client.role != Role.CLIENT or client.coach is None:
        raise ServiceError("This client has no coach to book with.")
    return client.coach


def book_session(
    practice: Practice,
    actor: Membership,
    client: Membership,
    starts_at: datetime,
    minutes: int,
    *,
    location: str = "",
    video_url: str = "",
    now: datetime | None = None,
) -> CoachingSession:
    """A session for `client` with their coach; flushes and queues the invitations.

    A client books one of the coach's open slots; a coach (or the owner) may
    schedule any free time in the future, inside the hours or not.
    """
    now = now or utcnow()
    coach = _coach_of(client)
    starts_at = starts_at.astimezone(UTC)
    _lock_coach(coach)
    availability = avail.availability_of(coach)
    rules = avail.rules_for(coach, availability)
    if actor.role == Role.CLIENT:
        if actor.id != client.id:
            raise ServiceError("You can only book your own sessions.")
        busy = avail.busy_times(coach, starts_at - timedelta(days=1), starts_at + timedelta(days=1))
        if minutes not in rules.lengths or not avail.is_open(rules, busy, starts_at, minutes, now):
            raise ServiceError("That time was just taken. Please choose another slot.", "slot")
    else:
        if minutes not in avail.LENGTH_CHOICES:
            raise ServiceError("Choose a session length.", "minutes")
        if starts_at <= now:
            raise ServiceError("Choose a time in the future.", "starts_at")
    end = starts_at + timedelta(minutes=minutes)
    clash = _overlaps(coach, client, starts_at, end)
    if clash:
        raise ServiceError(clash, "slot" if actor.role == Role.CLIENT else "starts_at")
    session = CoachingSession(
        practice_id=practice.id,
        coach_membership_id=coach.id,
        client_membership_id=client.id,
        booked_by_membership_id=actor.id,
        starts_at=starts_at,
        ends_at=end,
        location=(location or (availability.default_location if availability else "")).strip(),
        video_url=(video_url or (availability.default_video_url if availability else "")).strip(),
        ical_uid=f"session-{uuid.uuid4().hex}",
        ical_sequence=0,
    )
    try:
        with db.session.begin_nested():
            db.session.add(session)
    except IntegrityError:
        raise ServiceError(
            "That time was just taken. Please choose another slot.", "slot"
        ) from None
    session.coach, session.client = coach, client
    prefill_agenda(practice, session, now.astimezone(practice.tz).date())
    record(practice, actor.user, "session.booked", session, starts_at=starts_at.isoformat())
    notify(practice, actor, session, "booked")
    return session


def set_change_cutoff(practice: Practice, actor: Membership, hours: int) -> None:
    """The owner's rule: how many hours before a session it may still be moved or cancelled."""
    if not 0 <= hours <= 168:
        raise ServiceError("0 to 168 hours.", "session_change_cutoff_hours")
    if hours != practice.session_change_cutoff_hours:
        practice.session_change_cutoff_hours = hours
        record(practice, actor.user, "practice.session_cutoff_changed", practice, hours=hours)


def _check_cutoff(practice: Practice, session: CoachingSession, now: datetime) -> None:
    if not session.is_booked:
        raise ServiceError("This session is no longer booked.")
    cutoff = timedelta(hours=practice.session_change_cutoff_hours)
    if now > session.starts_at - cutoff:
        raise ServiceError(
            f"Sessions can be changed up to {practice.session_change_cutoff_hours} hours "
            "before they start; please get in touch instead.",
            "reason",
        )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Say why, for the other side.", "reason")
    if len(reason) > MAX_CHANGE_REASON:
        raise ServiceError(f"Keep it under {MAX_CHANGE_REASON} characters.", "reason")
    return reason


def reschedule_session(
    practice: Practice,
    actor: Membership,
    session: CoachingSession,
    starts_at: datetime,
    minutes: int,
    reason: str,
    *,
    now: datetime | None = None,
) -> CoachingSession:
    """Move a booked session (before the practice's cut-off); same UID, next SEQUENCE."""
    now = now or utcnow()
    reason = _reason(reason)
    _check_cutoff(practice, session, now)
    coach, client = session.coach, session.client
    starts_at = starts_at.astimezone(UTC)
    _lock_coach(coach)
    if actor.role == Role.CLIENT:
        rules = avail.rules_for(coach, avail.availability_of(coach))
        busy = avail.busy_times(
            coach,
            starts_at - timedelta(days=1),
            starts_at + timedelta(days=1),
            excluding=session.id,
        )
        if minutes not in rules.lengths or not avail.is_open(rules, busy, starts_at, minutes, now):
            raise ServiceError("That time was just taken. Please choose another slot.", "slot")
    elif starts_at <= now:
        raise ServiceError("Choose a time in the future.", "starts_at")
    end = starts_at + timedelta(minutes=minutes)
    clash = _overlaps(coach, client, starts_at, end, excluding=session.id)
    if clash:
        raise ServiceError(clash, "slot" if actor.role == Role.CLIENT else "starts_at")
    session.starts_at, session.ends_at = starts_at, end
    session.ical_sequence += 1
    session.change_reason = reason
    session.changed_by_membership_id = actor.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ServiceError(
            "That time was just taken. Please choose another slot.", "slot"
        ) from None
    record(practice, actor.user, "session.rescheduled", session, starts_at=starts_at.isoformat())
    notify(practice, actor, session, "rescheduled")
    return session


def cancel_session(
    practice: Practice,
    actor: Membership,
    session: CoachingSession,
    reason: str,
    *,
    now: datetime | None = None,
) -> None:
    """Cancel a booked session (before the cut-off); the invitation goes out as METHOD:CANCEL."""
    now = now or utcnow()
    reason = _reason(reason)
    _check_cutoff(practice, session, now)
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.ical_sequence += 1
    session.change_reason = reason
    session.changed_by_membership_id = actor.id
    db.session.flush()
    record(practice, actor.user, "session.cancelled", session)
    notify(practice, actor, session, "cancelled")


def record_outcome(
    practice: Practice, actor: Membership, session: CoachingSession, status: SessionStatus
) -> None:
    """The coach says how it went: held (completed) or a no-show; only once it has started."""
    if status not in OUTCOMES:
        raise ServiceError("Choose held or no-show.", "status")
    if session.status == SessionStatus.CANCELLED:
        raise ServiceError("This session was cancelled.")
    if session.starts_at > utcnow():
        raise ServiceError("A session's outcome can be recorded once it has started.")
    session.status = status
    db.session.flush()
    record(practice, actor.user, "session.outcome", session, status=status.value)


# -- the session itself -----------------------------------------------------------------


def save_notes(
    practice: Practice, actor: Membership, session: CoachingSession, shared: str, private: str
) -> None:
    """The coach's notes: shared ones the client reads, private ones only coaches do."""
    session.shared_notes = shared.strip()
    session.private_notes = private.strip()
    db.session.flush()


def add_agenda_item(
    practice: Practice, actor: Membership, session: CoachingSession, body: str, source: str = ""
) -> AgendaItem:
    body = " ".join((body or "").split())
    if not body:
        raise ServiceError("Write the point you want to talk about.", "body")
    if len(body) > 500:
        raise ServiceError("Keep it under 500 characters.", "body")
    item = AgendaItem(
        practice_id=practice.id,
        client_membership_id=session.client_membership_id,
        author_membership_id=actor.id if actor else None,
        source=source,
        body=body,
    )
    session.agenda.append(item)
    db.session.flush()
    return item


def open_items(practice: Practice, client: Membership, today: date) -> list[tuple[str, str]]:
    """What is open for the client, as (source, text): the agenda's pre-filled points."""
    items: list[tuple[str, str]] = []
    overdue = db.session.scalar(
        select(func.count(MeetingLog.id)).where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.client_membership_id == client.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.follow_up_due_on < today,
            MeetingLog.follow_up_done_on.is_(None),
        )
    )
    overdue_actions = db.session.scalar(
        select(func.count(ActionItem.id)).where(
            ActionItem.practice_id == practice.id,
            ActionItem.client_membership_id == client.id,
            ActionItem.due_on < today,
            ActionItem.done_on.is_(None),
        )
    )
    if overdue or overdue_actions:
        items.append(
            ("follow-ups", f"Overdue follow-ups: {(overdue or 0) + (overdue_actions or 0)}")
        )
    unreviewed = db.session.scalar(
        select(func.count(MeetingLog.id))
        .outerjoin(Review, and_(Review.log_id == MeetingLog.id, Review.practice_id == practice.id))
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.client_membership_id == client.id,
            MeetingLog.archived_at.is_(None),
            Review.id.is_(None),
        )
    )
    if unreviewed:
        items.append(("reviews", f"Meeting logs awaiting review: {unreviewed}"))
    logged = (
        select(func.count(MeetingLog.id))
        .where(MeetingLog.goal_id == NetworkingGoal.id, MeetingLog.archived_at.is_(None))
        .correlate(NetworkingGoal)
        .scalar_subquery()
    )
    behind = db.session.execute(
        select(NetworkingGoal.title, logged.label("logged"), NetworkingGoal.target_meetings).where(
            NetworkingGoal.practice_id == practice.id,
            NetworkingGoal.client_membership_id == client.id,
            NetworkingGoal.status == GoalStatus.OPEN,
            NetworkingGoal.due_on.is_not(None),
            and_(logged < NetworkingGoal.target_meetings),
        )
    ).all()
    for title, count, target in behind:
        items.append(("goals", f"Goal behind target: {title} ({count} of {target} meetings)"))
    from coachhub.services import at_risk

    row = at_risk.status_rows(practice, client, today, [client.id]).get(client.id)
    if row is not None:
        reasons = at_risk.flags(row)
        if reasons:
            items.append(("at-risk", "At risk: " + "; ".join(reasons)))
    return items


def prefill_agenda(practice: Practice, session: CoachingSession, today: date) -> None:
    """Start the agenda with what is open for the client (flushes)."""
    for source, body in open_items(practice, session.client, today):
        session.agenda.append(
            AgendaItem(
                practice_id=practice.id,
                client_membership_id=session.client_membership_id,
                source=source,
                body=body[:500],
            )
        )
    db.session.flush()


def add_action_item(
    practice: Practice,
    actor: Membership,
    session: CoachingSession,
    title: str,
    due_on: date,
    goal_id: int | None = None,
) -> ActionItem:
    """An action the client agreed to in the session: one of their follow-ups from now on."""
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError("Say what the client will do.", "title")
    if len(title) > 255:
        raise ServiceError("Keep it under 255 characters.", "title")
    if goal_id is not None:
        goal = db.session.scalar(
            select(NetworkingGoal).where(
                NetworkingGoal.id == goal_id,
                NetworkingGoal.practice_id == practice.id,
                NetworkingGoal.client_membership_id == session.client_membership_id,
            )
        )
        if goal is None:
            raise ServiceError("Choose one of the client's goals.", "goal")
    item = ActionItem(
        practice_id=practice.id,
        client_membership_id=session.client_membership_id,
        title=title,
        due_on=due_on,
        goal_id=goal_id,
    )
    session.action_items.append(item)
    db.session.flush()
    record(practice, actor.user, "session.action_item_added", item)
    return item


def complete_action_item(
    practice: Practice, actor: Membership, item: ActionItem, done_on: date
) -> None:
    if item.done_on is not None:
        raise ServiceError("That action is done already.")
    if done_on > practice.today():
        raise ServiceError("The day you did it cannot be in the future.", "done_on")
    item.done_on = done_on
    db.session.flush()


def send_recap(practice: Practice, actor: Membership, session: CoachingSession) -> None:
    """Email the client the shared notes and action items (never the private notes)."""
    if session.status == SessionStatus.CANCELLED:
        raise ServiceError("This session was cancelled.")
    client = session.client
    session.recap_sent_at = utcnow()
    queue_email(
        "session_recap",
        client.user.email,
        "session_recap",
        practice=practice,
        dedupe_key=f"session-recap:{session.id}:{session.recap_sent_at.isoformat()}",
        session=session,
        member=client,
        coach_name=session.coach.user.name,
        when=format_when(session.starts_at, client.tz),
        action_items=list(session.action_items),
        link=external_url(
            "client.session_detail", practice_slug=practice.slug, session_id=session.id
        ),
    )
    db.session.flush()
    record(practice, actor.user, "session.recap_sent", session)


# -- what both sides hear ---------------------------------------------------------------


def format_when(instant: datetime, tz) -> str:
    """'Tue 3 Mar 2026, 09:30 GMT' in the reader's timezone."""
    local = instant.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def _host() -> str:
    return urlsplit(current_app.config["APP_BASE_URL"]).hostname or "coachhub"


def invitation_ics(practice: Practice, session: CoachingSession, method: str) -> str:
    """The iCalendar invitation for the session: METHOD:REQUEST, or METHOD:CANCEL."""
    coach_user: User = session.coach.user
    client_user: User = session.client.user
    calendar = Calendar()
    calendar.add("prodid", "-//CoachHub//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{session.ical_uid}@{_host()}")
    event.add("sequence", session.ical_sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", f"Coaching session: {coach_user.name} and {client_user.name}")
    description = [f"{practice.name} coaching session."]
    if session.video_url:
        description.append(f"Video call: {session.video_url}")
        event.add("url", session.video_url)
    if session.location or session.video_url:
        event.add("location", session.location or session.video_url)
    event.add("description", "\n".join(description))
    organizer = vCalAddress(f"mailto:{coach_user.email}")
    organizer.params["cn"] = vText(coach_user.name)
    event.add("organizer", organizer)
    for user in (coach_user, client_user):
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(user.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        event.add("attendee", attendee, encode=0)
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def notify(practice: Practice, actor: Membership, session: CoachingSession, change: str) -> None:
    """Queue the change, with its invitation, to the coach and the client (transactional)."""
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    ics = invitation_ics(practice, session, method)
    notify_inbox(
        practice,
        "session_changed",
        actor=actor,
        client=session.client,
        obj=session,
        summary=f"{actor.user.name} {change} a session: "
        f"{format_when(session.starts_at, practice.tz)}",
        once_per=f"{change}:{session.ical_sequence}",
    )
    for member in (session.coach, session.client):
        endpoint = "coach.session_detail" if member.is_coaching else "client.session_detail"
        queue_email(
            f"session_{change}",
            member.user.email,
            "session_changed",
            practice=practice,
            dedupe_key=f"session:{session.id}:{session.ical_sequence}:{member.id}",
            calendar_ics=ics,
            session=session,
            change=change,
            member=member,
            actor_name=actor.user.name,
            by_self=actor.id == member.id,
            other_name=(session.client if member.is_coaching else session.coach).user.name,
            when=format_when(session.starts_at, member.tz),
            link=external_url(endpoint, practice_slug=practice.slug, session_id=session.id),
        )


# -- what the pages read ----------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    booked: int
    completed: int
    cancelled: int
    no_shows: int


def upcoming_query(practice: Practice, viewer: Membership, now: datetime, *, limit: int = 5):
    """Booked sessions from now on that the viewer may see, soonest first, with both people."""
    return (
        select(CoachingSession)
        .where(
            CoachingSession.practice_id == practice.id,
            CoachingSession.visible_to(viewer),
            CoachingSession.status == SessionStatus.BOOKED,
            CoachingSession.ends_at > now,
        )
        .options(
            joinedload(CoachingSession.client).joinedload(Membership.user),
            joinedload(CoachingSession.coach).joinedload(Membership.user),
        )
        .order_by(CoachingSession.starts_at, CoachingSession.id)
        .limit(limit)
    )


def outcome_counts(practice: Practice, since: datetime) -> dict[int, Counts]:
    """Per coach since `since`: booked, held, cancelled and no-show sessions (one query)."""
    s = CoachingSession

    def count(status):
        return func.count(s.id).filter(s.status == status)

    rows = db.session.execute(
        select(
            s.coach_membership_id,
            count(SessionStatus.BOOKED),
            count(SessionStatus.COMPLETED),
            count(SessionStatus.CANCELLED),
            count(SessionStatus.NO_SHOW),
        )
        .where(s.practice_id == practice.id, s.starts_at >= since)
        .group_by(s.coach_membership_id)
    ).all()
    return {row[0]: Counts(*row[1:]) for row in rows}
