"""Email preferences pages for clients and coaches, and the kinds registry behind them."""

import re

import pytest

from coachhub.models import NotificationPreference
from coachhub.notifications import preferences
from coachhub.notifications.kinds import (
    CLIENT_DAILY_REMINDER,
    COACH_WEEKLY_DIGEST,
    KINDS,
    Cadence,
    NotificationKind,
)
from coachhub.services import ServiceError

CHECKED = re.compile(r'<input[^>]* checked [^>]*name="client_daily_reminder"')


def _prefs(membership):
    return {p.kind.key: p for p in preferences.preferences_for(membership)}


def test_defaults_per_role(db, world):
    assert set(_prefs(world.client_a1)) == {"client_daily_reminder", "session_reminder"}
    coach = _prefs(world.coach_a1)
    assert set(coach) == {"coach_weekly_digest", "session_reminder"}
    assert coach["coach_weekly_digest"].enabled and coach["coach_weekly_digest"].weekday == 0
    assert set(_prefs(world.owner_a)) == {"coach_weekly_digest", "session_reminder"}


def test_client_page_switches_the_daily_reminder_off_and_on(db, world, login):
    c = login(world.client_a1.user)
    page = c.get("/p/alpha/client/notifications").get_data(as_text=True)
    assert "Daily reminders" in page
    assert "Weekly digest" not in page
    assert CHECKED.search(page)
    assert "Always sent" in page and "password resets" in page

    response = c.post("/p/alpha/client/notifications", data={})
    assert response.status_code == 302
    assert response.location.endswith("/p/alpha/client/notifications")
    db.session.expire_all()
    assert not _prefs(world.client_a1)["client_daily_reminder"].enabled
    assert not CHECKED.search(c.get("/p/alpha/client/notifications").get_data(as_text=True))

    c.post("/p/alpha/client/notifications", data={"client_daily_reminder": "y"})
    db.session.expire_all()
    assert _prefs(world.client_a1)["client_daily_reminder"].enabled
    # another client's choice is untouched
    assert _prefs(world.client_a2)["client_daily_reminder"].enabled


def test_coach_page_chooses_the_digest_day(db, world, login):
    c = login(world.coach_a1.user)
    page = c.get("/p/alpha/coach/notifications").get_data(as_text=True)
    assert "Weekly digest" in page and "Send it on" in page
    response = c.post(
        "/p/alpha/coach/notifications",
        data={"coach_weekly_digest": "y", "coach_weekly_digest_weekday": "2"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    digest = _prefs(world.coach_a1)["coach_weekly_digest"]
    assert digest.enabled and digest.weekday_name == "Wednesday"
    page = c.get("/p/alpha/coach/notifications").get_data(as_text=True)
    assert '<option selected value="2">Wednesday</option>' in page


def test_an_invalid_day_is_refused_and_nothing_saved(db, world, login):
    c = login(world.coach_a1.user)
    response = c.post(
        "/p/alpha/coach/notifications",
        data={"coach_weekly_digest": "y", "coach_weekly_digest_weekday": "9"},
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.query(NotificationPreference).count() == 0


def test_the_service_refuses_kinds_of_another_role_and_bad_days(db, world):
    with pytest.raises(ServiceError):
        preferences.set_preference(world.client_a1, COACH_WEEKLY_DIGEST, True, 1)
    with pytest.raises(ServiceError):
        preferences.set_preference(world.coach_a1, COACH_WEEKLY_DIGEST, True, 7)
    with pytest.raises(ServiceError):
        preferences.set_preference(world.client_a1, CLIENT_DAILY_REMINDER, True, 3)
    with pytest.raises(ServiceError):
        preferences.update_preferences(world.b, world.client_a1, {})


def test_switching_a_weekly_kind_off_keeps_the_day(db, world):
    preferences.set_preference(world.coach_a1, COACH_WEEKLY_DIGEST, True, 4)
    preferences.unsubscribe(world.coach_a1, COACH_WEEKLY_DIGEST)
    digest = _prefs(world.coach_a1)["coach_weekly_digest"]
    assert not digest.enabled and digest.weekday == 4


def test_a_kind_registered_later_shows_up_on_the_page(db, world, login):
    """How a feature adds an optional email: register a kind; the page offers it."""
    kind = NotificationKind(
        key="client_checkin_nudge",
        label="Check-in nudges",
        description="A nudge when a check-in falls due.",
        roles=frozenset(CLIENT_DAILY_REMINDER.roles),
        cadence=Cadence.DAILY,
        template="client_daily_reminder",
        order=15,
    )
    with KINDS.temporarily(kind):
        c = login(world.client_a1.user)
        page = c.get("/p/alpha/client/notifications").get_data(as_text=True)
        assert page.index("Daily reminders") < page.index("Check-in nudges")
        c.post("/p/alpha/client/notifications", data={"client_daily_reminder": "y"})
        db.session.expire_all()
        prefs = _prefs(world.client_a1)
        assert prefs["client_daily_reminder"].enabled
        assert not prefs["client_checkin_nudge"].enabled


def test_nav_links_to_the_page(db, world, login):
    assert "/p/alpha/client/notifications" in login(world.client_a1.user).get(
        "/p/alpha/client/"
    ).get_data(as_text=True)
    assert "/p/alpha/coach/notifications" in login(world.coach_a1.user).get(
        "/p/alpha/coach/"
    ).get_data(as_text=True)
