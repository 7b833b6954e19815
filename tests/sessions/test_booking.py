"""Booking, rescheduling and cancelling through the pages, and what each side hears."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from coachhub.models import CoachingSession, SessionStatus
from tests import factories

# Monday 1 June 2026, 08:00 UTC (09:00 in London).
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booking(world, frozen):
    world.a.timezone = "Europe/London"
    world.client_a1.timezone = "America/New_York"
    factories.availability(world.coach_a1, min_notice_hours=2, buffer_minutes=15)
    return world


def _sessions(db):
    return list(db.session.scalars(select(CoachingSession).order_by(CoachingSession.id)))


def _ics(message) -> Calendar:
    return Calendar.from_ical(message.calendar_ics)


def test_the_client_sees_open_slots_in_their_own_timezone(booking, login):
    c = login(booking.client_a1.user)
    page = c.get("/p/alpha/client/sessions/book?minutes=60").get_data(as_text=True)
    # Tuesday 2 June 09:00 London (BST) is 04:00 in New York (EDT).
    assert 'value="2026-06-02T08:00:00+00:00"' in page
    assert "America/New_York" in page
    assert ">04:00<" in page


def test_a_client_books_a_slot_and_both_sides_get_an_invitation(booking, login, db, outbox):
    c = login(booking.client_a1.user)
    response = c.post(
        "/p/alpha/client/sessions/book",
        data={"slot": "2026-06-02T08:00:00+00:00", "minutes": "60"},
    )
    assert response.status_code == 302
    (session,) = _sessions(db)
    assert session.coach_membership_id == booking.coach_a1.id
    assert session.starts_at == datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    assert session.ends_at - session.starts_at == timedelta(hours=1)
    mails = [m for m in outbox() if m.kind == "session_booked"]
    assert {m.to_email for m in mails} == {
        booking.coach_a1.user.email,
        booking.client_a1.user.email,
    }
    client_mail = next(m for m in mails if m.to_email == booking.client_a1.user.email)
    assert "04:00 EDT" in client_mail.subject
    coach_mail = next(m for m in mails if m.to_email == booking.coach_a1.user.email)
    assert "09:00 BST" in coach_mail.subject
    cal = _ics(client_mail)
    assert cal["method"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]).startswith(session.ical_uid)
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == session.starts_at


def test_a_taken_slot_is_refused_with_the_reason_and_nothing_saved(booking, login, db):
    factories.CoachingSessionFactory(
        client=booking.client_a1,
        starts_at=datetime(2026, 6, 2, 8, 0, tzinfo=UTC),
        ends_at=datetime(2026, 6, 2, 9, 0, tzinfo=UTC),
    )
    other = factories.client(booking.a, booking.coach_a1)
    c = login(other.user)
    response = c.post(
        "/p/alpha/client/sessions/book",
        data={"slot": "2026-06-02T08:00:00+00:00", "minutes": "60"},
    )
    assert response.status_code == 409
    assert "just taken" in response.get_data(as_text=True)
    assert len(_sessions(db)) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"slot": "not-a-date", "minutes": "60"},
        {"slot": "2026-06-02T08:00:00", "minutes": "60"},  # no zone
        {"slot": "2026-06-02T08:07:00+00:00", "minutes": "60"},  # off the grid
        {"slot": "2026-06-02T08:00:00+00:00", "minutes": "90"},  # not a length offered
        {"slot": "2026-06-01T08:30:00+00:00", "minutes": "60"},  # inside the notice
        {"slot": "2026-06-06T09:00:00+00:00", "minutes": "60"},  # Saturday
        {"slot": "9999-99-99", "minutes": "x"},
        {},
    ],
)
def test_bad_slots_are_refused_without_5xx(booking, login, db, data):
    c = login(booking.client_a1.user)
    response = c.post("/p/alpha/client/sessions/book", data=data)
    assert response.status_code in (200, 409)
    assert _sessions(db) == []


def test_the_coach_schedules_for_a_client_in_the_coachs_timezone(booking, login, db, outbox):
    booking.coach_a1.timezone = "Europe/London"
    c = login(booking.coach_a1.user)
    response = c.post(
        "/p/alpha/coach/sessions/new",
        data={
            "client": booking.client_a1.id,
            "day": "2026-06-10",
            "start": "18:30",  # outside the weekly hours: a coach may
            "minutes": "45",
            "video_url": "https://meet.example.test/abc",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    (session,) = _sessions(db)
    assert session.starts_at == datetime(2026, 6, 10, 17, 30, tzinfo=UTC)
    assert session.video_url == "https://meet.example.test/abc"
    client_mail = next(m for m in outbox(booking.client_a1.user.email))
    event = _ics(client_mail).walk("VEVENT")[0]
    assert str(event["location"]) == "https://meet.example.test/abc"
    assert "Video call: https://meet.example.test/abc" in client_mail.body_text


def test_coach_cannot_schedule_another_coachs_client(booking, login, db):
    c = login(booking.coach_a1.user)
    response = c.post(
        "/p/alpha/coach/sessions/new",
        data={
            "client": booking.client_a2.id,
            "day": "2026-06-10",
            "start": "10:00",
            "minutes": "60",
        },
    )
    assert response.status_code == 200  # not a choice on the form
    assert _sessions(db) == []


def test_reschedule_keeps_the_uid_and_raises_the_sequence_then_cancel(booking, login, db, outbox):
    session = factories.CoachingSessionFactory(
        client=booking.client_a1,
        starts_at=datetime(2026, 6, 3, 8, 0, tzinfo=UTC),
        ends_at=datetime(2026, 6, 3, 9, 0, tzinfo=UTC),
    )
    c = login(booking.client_a1.user)
    response = c.post(
        f"/p/alpha/client/sessions/{session.id}/reschedule",
        data={"slot": "2026-06-04T12:00:00+00:00", "minutes": "60", "reason": "A job interview"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.starts_at == datetime(2026, 6, 4, 12, 0, tzinfo=UTC)
    assert session.ical_sequence == 1
    moved = next(m for m in outbox(booking.coach_a1.user.email) if m.kind == "session_rescheduled")
    assert "A job interview" in moved.body_text
    event = _ics(moved).walk("VEVENT")[0]
    assert int(event["sequence"]) == 1 and str(event["uid"]).startswith(session.ical_uid)

    coach = login(booking.coach_a1.user)
    response = coach.post(
        f"/p/alpha/coach/sessions/{session.id}/cancel", data={"reason": "I am ill"}
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED
    cancelled = next(
        m for m in outbox(booking.client_a1.user.email) if m.kind == "session_cancelled"
    )
    cal = _ics(cancelled)
    assert cal["method"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert int(event["sequence"]) == 2 and str(event["status"]) == "CANCELLED"
    assert "I am ill" in cancelled.body_text


def test_changes_after_the_cut_off_are_refused(booking, login, db):
    booking.a.session_change_cutoff_hours = 24
    session = factories.CoachingSessionFactory(
        client=booking.client_a1,
        starts_at=NOW + timedelta(hours=20),
        ends_at=NOW + timedelta(hours=21),
    )
    c = login(booking.client_a1.user)
    response = c.post(f"/p/alpha/client/sessions/{session.id}/cancel", data={"reason": "Busy"})
    assert response.status_code == 200
    assert "24 hours" in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.status == SessionStatus.BOOKED


def test_a_reason_is_needed(booking, login, db):
    session = factories.CoachingSessionFactory(client=booking.client_a1)
    c = login(booking.client_a1.user)
    response = c.post(f"/p/alpha/client/sessions/{session.id}/cancel", data={"reason": "  "})
    assert response.status_code == 200
    db.session.refresh(session)
    assert session.status == SessionStatus.BOOKED


def test_the_client_sets_their_timezone(booking, login, db):
    c = login(booking.client_a1.user)
    response = c.post("/p/alpha/client/sessions/timezone", data={"timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    db.session.refresh(booking.client_a1)
    assert booking.client_a1.timezone == "Asia/Tokyo"
    response = c.post("/p/alpha/client/sessions/timezone", data={"timezone": "Mars/Base"})
    db.session.refresh(booking.client_a1)
    assert booking.client_a1.timezone == "Asia/Tokyo"


def test_the_owner_sets_the_cut_off(world, login, db):
    c = login(world.owner_a.user)
    data = {"name": "Alpha Coaching", "timezone": "UTC", "session_change_cutoff_hours": "48"}
    assert c.post("/p/alpha/coach/settings", data=data).status_code == 302
    db.session.refresh(world.a)
    assert world.a.session_change_cutoff_hours == 48
    data["session_change_cutoff_hours"] = "999"
    assert c.post("/p/alpha/coach/settings", data=data).status_code == 200
    db.session.refresh(world.a)
    assert world.a.session_change_cutoff_hours == 48


def test_the_client_cancels_and_the_coach_is_told(booking, login, db, outbox):
    session = factories.CoachingSessionFactory(
        client=booking.client_a1,
        starts_at=datetime(2026, 6, 5, 8, 0, tzinfo=UTC),
        ends_at=datetime(2026, 6, 5, 9, 0, tzinfo=UTC),
    )
    c = login(booking.client_a1.user)
    assert c.get(f"/p/alpha/client/sessions/{session.id}/cancel").status_code == 200
    response = c.post(
        f"/p/alpha/client/sessions/{session.id}/cancel", data={"reason": "I got the job"}
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED
    assert session.private_notes.startswith("PRIVATE")  # untouched by the client's page
    mail = next(m for m in outbox(booking.coach_a1.user.email) if m.kind == "session_cancelled")
    assert "I got the job" in mail.body_text
    # A cancelled session frees the slot: it is offered again.
    page = c.get("/p/alpha/client/sessions/book?minutes=60").get_data(as_text=True)
    assert 'value="2026-06-05T08:00:00+00:00"' in page
