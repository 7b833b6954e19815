"""Coaching sessions: the reminder the day before, and the sessions in each calendar feed.

Session reminders (`session_reminder`, a kind of its own that members can switch off):
on the day before a booked session (the practice's local date), from REMINDER_HOUR on,
the coach and the client each get one email listing their sessions of the next day, in
their own timezone. Invitations and changes are not reminders: they are transactional and
queued by `services.sessions`.

Calendar: a client's feed has their booked sessions; a coach's (and the owner's) the
sessions they run, as timed events. The coach's private notes are never in a feed.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import (
    COACHING_ROLES,
    CoachingSession,
    Membership,
    Practice,
    Role,
    SessionStatus,
    User,
    utcnow,
)
from coachhub.notifications.calendar import CALENDAR_PROVIDERS, CalendarEvent, CalendarProvider
from coachhub.notifications.due import Items, ReminderItem, reminder_provider
from coachhub.notifications.kinds import KINDS, Cadence, NotificationKind
from coachhub.services.sessions import format_when
from coachhub.urls import external_url

SESSION_REMINDER = KINDS.register(
    NotificationKind(
        key="session_reminder",
        label="Session reminders",
        description="The day before a coaching session: when, where, and what is on the agenda.",
        roles=frozenset({Role.CLIENT, *COACHING_ROLES}),
        cadence=Cadence.DAILY,
        template="session_reminder",
        order=30,
    )
)
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 180


def _day_bounds(practice: Practice, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), practice.tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), practice.tz).astimezone(UTC)
    return start, end


@reminder_provider(
    kind="session_reminder", key="sessions_tomorrow", heading="Your sessions tomorrow", order=10
)
def sessions_tomorrow(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Booked sessions on tomorrow's date, for both their coach and their client (one query)."""
    start, end = _day_bounds(practice, today + timedelta(days=1))
    ids = [m.id for m in members]
    by_id = {m.id: m for m in members}
    coach, coach_user = aliased(Membership), aliased(User)
    client, client_user = aliased(Membership), aliased(User)
    rows = db.session.execute(
        select(CoachingSession, coach_user.name, client_user.name)
        .join(coach, coach.id == CoachingSession.coach_membership_id)
        .join(coach_user, coach_user.id == coach.user_id)
        .join(client, client.id == CoachingSession.client_membership_id)
        .join(client_user, client_user.id == client.user_id)
        .where(
            CoachingSession.practice_id == practice.id,
            CoachingSession.status == SessionStatus.BOOKED,
            CoachingSession.starts_at >= start,
            CoachingSession.starts_at < end,
            or_(
                CoachingSession.coach_membership_id.in_(ids),
                CoachingSession.client_membership_id.in_(ids),
            ),
        )
        .order_by(CoachingSession.starts_at, CoachingSession.id)
    ).all()
    items: Items = defaultdict(list)
    for session, coach_name, client_name in rows:
        where = session.location or session.video_url
        for member_id, other, endpoint in (
            (session.coach_membership_id, client_name, "coach.session_detail"),
            (session.client_membership_id, coach_name, "client.session_detail"),
        ):
            member = by_id.get(member_id)
            if member is None:
                continue
            items[member_id].append(
                ReminderItem(
                    title=f"{format_when(session.starts_at, member.tz)} with {other}",
                    detail=f"{session.minutes} minutes" + (f", {where}" if where else ""),
                    url=external_url(endpoint, practice_slug=practice.slug, session_id=session.id),
                    key=f"session:{session.id}",
                )
            )
    return items


def session_events(practice: Practice, membership: Membership) -> list[CalendarEvent]:
    """Booked and held sessions near now: a client's own; those a coach (or owner) runs."""
    now = utcnow()
    other = aliased(Membership)
    other_user = aliased(User)
    query = select(
        CoachingSession.id,
        CoachingSession.ical_uid,
        CoachingSession.starts_at,
        CoachingSession.ends_at,
        CoachingSession.location,
        CoachingSession.video_url,
        other_user.name,
    ).where(
        CoachingSession.practice_id == practice.id,
        CoachingSession.status != SessionStatus.CANCELLED,
        CoachingSession.starts_at >= now - timedelta(days=FEED_DAYS_BACK),
        CoachingSession.starts_at < now + timedelta(days=FEED_DAYS_AHEAD),
    )
    if membership.is_client:
        query = query.where(CoachingSession.client_membership_id == membership.id).join(
            other, other.id == CoachingSession.coach_membership_id
        )
        endpoint = "client.session_detail"
    else:
        query = query.where(CoachingSession.coach_membership_id == membership.id).join(
            other, other.id == CoachingSession.client_membership_id
        )
        endpoint = "coach.session_detail"
    query = query.join(other_user, other_user.id == other.user_id).order_by(
        CoachingSession.starts_at
    )
    events = []
    for row in db.session.execute(query):
        where = [part for part in (row.location, row.video_url) if part]
        events.append(
            CalendarEvent(
                uid=row.ical_uid,
                summary=f"Coaching session with {row.name}",
                start=row.starts_at,
                end=row.ends_at,
                description="\n".join(where),
                url=external_url(endpoint, practice_slug=practice.slug, session_id=row.id),
            )
        )
    return events


CALENDAR_PROVIDERS.register(CalendarProvider("sessions", session_events, order=5))
