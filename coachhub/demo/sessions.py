"""Demo coaching sessions: each coach's weekly hours, past sessions with shared and private
notes and action items (one no-show, one cancelled), and upcoming bookings."""

import uuid
from datetime import UTC, datetime, time, timedelta

from coachhub.extensions import db
from coachhub.models import CoachingSession, Membership, Practice, SessionStatus
from coachhub.services import availability, sessions

PAST = [
    # (days ago, local hour, status, shared notes, private notes, action items)
    (
        21,
        10,
        SessionStatus.COMPLETED,
        "We mapped who you already know in fintech and picked three people to ask for "
        "advice (not jobs). Your ask: how their teams decide what to build next.",
        "Confidence dips when talking about the gap year; come back to the story.",
        [("Email Ana and Ben for a 20-minute coffee", -14), ("Draft your two-line intro", -18)],
    ),
    (
        7,
        14,
        SessionStatus.COMPLETED,
        "Good progress: two coffees done. Next: turn each meeting into a follow-up within "
        "48 hours and offer something back (the article on open banking).",
        "Seems to be avoiding the follow-ups; check in on it next time.",
        [("Send Ana the open banking article", 3), ("Ask Ben who else to talk to", 5)],
    ),
    (3, 11, SessionStatus.NO_SHOW, "", "No-show, no message. Reach out gently.", []),
]


def _local(practice: Practice, days: int, hour: int) -> datetime:
    day = practice.today() + timedelta(days=days)
    return datetime.combine(day, time(hour), practice.tz).astimezone(UTC)


def seed_availability(practice: Practice, coach: Membership) -> None:
    """Mon-Fri 09:00-17:00 in the practice's timezone, 30/45/60 minutes, a quarter-hour buffer."""
    week = {day: (time(9), time(17)) if day < 5 else None for day in range(7)}
    availability.save_availability(
        practice,
        coach,
        availability.RulesInput(
            lengths=[30, 45, 60],
            buffer_minutes=15,
            min_notice_hours=12,
            horizon_days=28,
            default_video_url="https://meet.example.test/demo-coaching",
            week=week,
        ),
    )


def seed_sessions(practice: Practice, client: Membership, coach: Membership) -> None:
    """Past sessions of `client` (notes, action items) and two upcoming bookings."""
    for days_ago, hour, status, shared, private, actions in PAST:
        start = _local(practice, -days_ago, hour)
        session = CoachingSession(
            practice_id=practice.id,
            coach_membership_id=coach.id,
            client_membership_id=client.id,
            booked_by_membership_id=client.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=60),
            status=status,
            video_url="https://meet.example.test/demo-coaching",
            shared_notes=shared,
            private_notes=private,
            ical_uid=f"session-{uuid.uuid4().hex}",
        )
        db.session.add(session)
        db.session.flush()
        for title, due_in in actions:
            item = sessions.add_action_item(
                practice, coach, session, title, practice.today() + timedelta(days=due_in)
            )
            if due_in < 0:
                item.done_on = item.due_on
    cancelled_start = _local(practice, -10, 15)
    db.session.add(
        CoachingSession(
            practice_id=practice.id,
            coach_membership_id=coach.id,
            client_membership_id=client.id,
            starts_at=cancelled_start,
            ends_at=cancelled_start + timedelta(minutes=45),
            status=SessionStatus.CANCELLED,
            change_reason="A job interview came up at the same time.",
            ical_uid=f"session-{uuid.uuid4().hex}",
            ical_sequence=1,
        )
    )
    db.session.flush()
    # Upcoming: scheduled by the coach (with the invitations a real booking queues).
    for days_ahead, hour in ((2, 10), (9, 14)):
        upcoming = sessions.book_session(
            practice, coach, client, _local(practice, days_ahead, hour), 60
        )
        sessions.add_agenda_item(practice, client, upcoming, "How to ask for introductions")
