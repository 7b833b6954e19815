"""Session invitations and feeds: what calendar apps need, checked by two parsers.

`icalendar` (which builds them) parses them back; `vobject`, an independent
implementation, validates them (required properties, value types, line folding).
"""

import email
import warnings
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from coachhub.models import CoachingSession, OutboundEmail, SessionStatus, utcnow
from coachhub.notifications.delivery import build_message
from coachhub.notifications.due import send_reminders_for_practice
from coachhub.services import sessions
from tests import factories

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import vobject

NOW = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def _validate(ics: str):
    """Parse with vobject and check what Outlook, Google and Apple look for."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cal = vobject.readOne(ics, validate=True)
    assert cal.version.value == "2.0"
    assert cal.prodid.value
    event = cal.vevent
    for name in ("uid", "dtstamp", "dtstart", "dtend", "sequence", "organizer", "summary"):
        assert hasattr(event, name), name
    assert event.dtstart.value.tzinfo is not None
    return cal


@pytest.fixture
def booked(world):
    world.a.timezone = "Europe/London"
    with time_machine.travel(NOW, tick=False):
        session = sessions.book_session(
            world.a,
            world.coach_a1,
            world.client_a1,
            datetime(2026, 10, 26, 10, 0, tzinfo=UTC),  # the Monday after the clocks go back
            60,
            location="Room 2, 1 High Street",
            video_url="https://meet.example.test/xyz",
        )
        factories.db.session.commit()
        yield world, session


def _messages(db, kind):
    return list(
        db.session.scalars(
            OutboundEmail.__table__.select()
            .where(OutboundEmail.kind == kind)
            .order_by(OutboundEmail.id)
            .with_only_columns(OutboundEmail.__table__.c.id)
        )
    )


def _rows(db, kind) -> list[OutboundEmail]:
    return [db.session.get(OutboundEmail, i) for i in _messages(db, kind)]


def test_request_then_update_then_cancel_keep_the_uid_and_raise_the_sequence(booked, db):
    world, session = booked
    (first, _) = _rows(db, "session_booked")
    with time_machine.travel(NOW, tick=False):
        sessions.reschedule_session(
            world.a, world.coach_a1, session, datetime(2026, 10, 27, 11, tzinfo=UTC), 45, "Clash"
        )
        sessions.cancel_session(world.a, world.client_a1, session, "Got the job!")
    (moved, _) = _rows(db, "session_rescheduled")
    (cancelled, _) = _rows(db, "session_cancelled")
    uids, sequences = set(), []
    for row, method in ((first, "REQUEST"), (moved, "REQUEST"), (cancelled, "CANCEL")):
        cal = Calendar.from_ical(row.calendar_ics)
        assert cal["method"] == method
        (event,) = cal.walk("VEVENT")
        uids.add(str(event["uid"]))
        sequences.append(int(event["sequence"]))
        other = _validate(row.calendar_ics)
        assert other.method.value == method
        assert str(other.vevent.uid.value) == str(event["uid"])
    assert len(uids) == 1
    assert sequences == [0, 1, 2]
    event = Calendar.from_ical(moved.calendar_ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 10, 27, 11, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert (
        str(Calendar.from_ical(cancelled.calendar_ics).walk("VEVENT")[0]["status"]) == "CANCELLED"
    )


def test_the_invitation_has_place_link_organizer_and_attendees(booked, db):
    world, session = booked
    row = _rows(db, "session_booked")[0]
    event = Calendar.from_ical(row.calendar_ics).walk("VEVENT")[0]
    assert str(event["location"]) == "Room 2, 1 High Street"
    assert str(event["url"]) == "https://meet.example.test/xyz"
    assert "https://meet.example.test/xyz" in str(event["description"])
    assert str(event["organizer"]) == f"mailto:{world.coach_a1.user.email}"
    attendees = {str(a) for a in event.get("attendee")}
    assert attendees == {
        f"mailto:{world.coach_a1.user.email}",
        f"mailto:{world.client_a1.user.email}",
    }


def test_the_email_carries_the_invitation_inline_and_attached(booked, db, app):
    world, session = booked
    row = _rows(db, "session_booked")[0]
    message = email.message_from_bytes(build_message(row).as_bytes())
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert parts["application/ics"].get_filename() == "invite.ics"
    ics = parts["text/calendar"].get_payload(decode=True).decode()
    _validate(ics)


def test_sessions_are_in_both_members_calendar_feeds(booked, db, login, client):
    world, session = booked
    import re

    for who, area in ((world.client_a1, "client"), (world.coach_a1, "coach")):
        c = login(who.user)
        assert c.post(f"/p/alpha/{area}/calendar/new").status_code == 302
        page = c.get(f"/p/alpha/{area}/calendar").get_data(as_text=True)
        url = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)
        with time_machine.travel(NOW, tick=False):
            response = client.get(url)
        cal = Calendar.from_ical(response.data)
        summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
        other = world.coach_a1 if area == "client" else world.client_a1
        assert f"Coaching session with {other.user.name}" in summaries
        assert "PRIVATE" not in response.get_data(as_text=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            vobject.readOne(response.get_data(as_text=True), validate=True)
    # Another coach's feed does not have it.
    c = login(world.coach_a2.user)
    c.post("/p/alpha/coach/calendar/new")
    page = c.get("/p/alpha/coach/calendar").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)
    assert b"Coaching session" not in client.get(url).data


def test_the_reminder_goes_out_the_day_before_to_both_and_respects_preferences(booked, db):
    world, session = booked
    from coachhub.notifications import preferences
    from coachhub.notifications.providers.sessions import SESSION_REMINDER

    # Sunday 25 October, 08:00 local (GMT again): the day before.
    run = send_reminders_for_practice(world.a, datetime(2026, 10, 25, 8, 0, tzinfo=UTC))
    reminders = _rows(db, "session_reminder")
    assert {r.to_email for r in reminders} == {
        world.coach_a1.user.email,
        world.client_a1.user.email,
    }
    assert all("Mon 26 Oct 2026, 10:00 GMT" in r.body_text for r in reminders)
    assert run.queued >= 2
    # Twice the same day: nothing new. A member who switched them off gets none.
    send_reminders_for_practice(world.a, datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    assert len(_rows(db, "session_reminder")) == 2
    preferences.set_preference(world.client_a1, SESSION_REMINDER, enabled=False)
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    db.session.commit()
    send_reminders_for_practice(world.a, datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    assert [r.to_email for r in _rows(db, "session_reminder")][2:] == [world.coach_a1.user.email]


def test_cancelled_sessions_get_no_reminder(booked, db):
    world, session = booked
    session.status = SessionStatus.CANCELLED
    db.session.commit()
    send_reminders_for_practice(world.a, datetime(2026, 10, 25, 8, 0, tzinfo=UTC))
    assert _rows(db, "session_reminder") == []
    assert isinstance(session, CoachingSession) and utcnow()
