"""Private calendar feeds: the page, the .ics, and tokens that are revoked or replaced."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from coachhub.models import CalendarToken, MemberStatus, utcnow
from coachhub.notifications.calendar import CALENDAR_PROVIDERS, CalendarEvent, CalendarProvider


class FakeDueDates:
    """Each membership has its own due dates; the feed must show only the owner's."""

    def __init__(self, world):
        self.by_member = {
            world.client_a1.id: [
                CalendarEvent(
                    "followup-1", "Follow up with Ana", date(2026, 12, 1), url="http://localhost/x"
                ),
                CalendarEvent(
                    "meeting-2",
                    "Coffee with Ben",
                    datetime(2026, 12, 2, 20, tzinfo=UTC),
                    datetime(2026, 12, 2, 21, tzinfo=UTC),
                    description="Ask about the product team",
                ),
            ],
            world.client_a2.id: [
                CalendarEvent("followup-3", "Follow up with Cleo", date(2026, 12, 3))
            ],
            world.coach_a1.id: [
                CalendarEvent("checkin-4", "Check-in due: client 1", date(2026, 12, 5))
            ],
        }

    def collect(self, practice, membership):
        return self.by_member.get(membership.id, [])


@pytest.fixture
def due_dates(world):
    fake = FakeDueDates(world)
    with CALENDAR_PROVIDERS.temporarily(CalendarProvider("fake", fake.collect)):
        yield fake


def _new_feed(c, area="client") -> str:
    """Create (or replace) the feed through the page; returns its path."""
    response = c.post(f"/p/alpha/{area}/calendar/new")
    assert response.status_code == 302
    page = c.get(f"/p/alpha/{area}/calendar").get_data(as_text=True)
    url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', page).group(1)
    return url.removeprefix("http://localhost")


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_page_creates_a_feed_and_shows_its_address_once(db, world, login, due_dates):
    c = login(world.client_a1.user)
    page = c.get("/p/alpha/client/calendar").get_data(as_text=True)
    assert "You have no calendar feed." in page
    path = _new_feed(c)
    # shown once: the next view has no address (only its hash is stored)
    again = c.get("/p/alpha/client/calendar").get_data(as_text=True)
    assert 'data-testid="feed-url"' not in again
    assert ".ics" not in again
    assert "Your feed is on since" in again
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    row = db.session.query(CalendarToken).one()
    assert row.membership_id == world.client_a1.id
    assert token not in row.token_hash


def test_the_feed_parses_and_holds_only_the_owners_items(db, world, login, client, due_dates):
    path = _new_feed(login(world.client_a1.user))
    events = _events(client.get(path))
    assert set(events) == {"Follow up with Ana", "Coffee with Ben"}
    ana = events["Follow up with Ana"]
    assert ana["DTSTART"].dt == date(2026, 12, 1)  # all-day
    assert ana["DTEND"].dt == date(2026, 12, 2)
    assert str(ana["UID"]) == "followup-1.alpha@localhost"
    assert str(ana["URL"]) == "http://localhost/x"
    ben = events["Coffee with Ben"]
    assert ben["DTSTART"].dt == datetime(2026, 12, 2, 20, tzinfo=UTC)
    assert str(ben["DESCRIPTION"]) == "Ask about the product team"

    coach_path = _new_feed(login(world.coach_a1.user), "coach")
    assert set(_events(client.get(coach_path))) == {"Check-in due: client 1"}
    other_path = _new_feed(login(world.client_a2.user))
    assert set(_events(client.get(other_path))) == {"Follow up with Cleo"}


def test_regenerated_and_revoked_tokens_get_404(db, world, login, client, due_dates, request):
    c = login(world.client_a1.user)
    old = _new_feed(c)
    # A while later (the same click within seconds is a double submit, done once).
    traveller = time_machine.travel(utcnow() + timedelta(minutes=1))
    traveller.start()
    request.addfinalizer(traveller.stop)
    new = _new_feed(c)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert c.post("/p/alpha/client/calendar/revoke").status_code == 302
    assert client.get(new).status_code == 404
    db.session.expire_all()
    assert db.session.query(CalendarToken).count() == 0
    assert "You have no calendar feed." in c.get("/p/alpha/client/calendar").get_data(as_text=True)


def test_unknown_tokens_and_archived_members_get_404(db, world, login, client, due_dates):
    assert client.get("/calendar/nothing-here.ics").status_code == 404
    path = _new_feed(login(world.client_a1.user))
    world.client_a1.status = MemberStatus.ARCHIVED
    db.session.commit()
    assert client.get(path).status_code == 404


def test_the_feed_remembers_when_it_was_last_read(db, world, login, client, due_dates):
    path = _new_feed(login(world.client_a1.user))
    db.session.expire_all()
    assert db.session.query(CalendarToken).one().last_used_at is None
    client.get(path)
    db.session.expire_all()
    assert db.session.query(CalendarToken).one().last_used_at is not None


def test_without_providers_the_feed_is_an_empty_valid_calendar(db, world, login, client):
    path = _new_feed(login(world.client_a1.user))
    response = client.get(path)
    calendar = Calendar.from_ical(response.data)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "CoachHub · Alpha Coaching"
