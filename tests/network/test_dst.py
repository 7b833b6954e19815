"""The method's day rules at fixed instants in the practice's timezone, across a change of
the clocks: the keep-in-touch cadence, the check-in opening window, the new client's grace."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from coachhub.extensions import db
from coachhub.models import Cadence
from coachhub.services import ServiceError, careers, checkins, contacts, health
from coachhub.services.careers import LandingData
from tests import factories


def _at(*parts):
    return time_machine.travel(datetime(*parts, tzinfo=UTC), tick=False)


def _tz(world, name):
    world.a.timezone = name
    db.session.commit()


def test_touch_cadence_and_last_touched_across_the_clocks_going_forward(world, login):
    """London goes from GMT to BST at 01:00 UTC on Sunday 28 March 2027."""
    _tz(world, "Europe/London")
    ana = factories.ContactFactory(client=world.client_a1, name="Ana Stale", cadence_days=7)
    with _at(2027, 3, 21, 12):
        contacts.log_touch(world.a, world.client_a1, ana, "email")
        db.session.commit()
    assert (ana.last_touched_on, ana.touch_due_on) == (date(2027, 3, 21), date(2027, 3, 28))

    with _at(2027, 3, 28, 22, 30):  # 23:30 BST on the 28th: due today, not stale yet
        page = login(world.client_a1.user).get("/p/alpha/client/contacts/stale")
        assert "Ana Stale" not in page.get_data(as_text=True)
    with _at(2027, 3, 28, 23, 30):  # 00:30 BST on the 29th: a day past due
        page = login(world.client_a1.user).get("/p/alpha/client/contacts/stale")
        assert "Ana Stale" in page.get_data(as_text=True)
        # A touch logged now is dated the 29th, the local day, not the 28th in UTC.
        contacts.log_touch(world.a, world.client_a1, ana, "call")
        db.session.commit()
    assert (ana.last_touched_on, ana.touch_due_on) == (date(2027, 3, 29), date(2027, 4, 5))


def test_check_in_window_opens_at_local_midnight_on_the_day_the_clocks_change(world):
    """New York springs forward on Sunday 14 March 2027; a check-in due on the 21st opens on
    the 14th at midnight Eastern (05:00 UTC, still EST), not at midnight UTC."""
    _tz(world, "America/New_York")
    with _at(2027, 3, 1, 17):
        careers.record_landing(
            world.a,
            world.coach_a1,
            world.client_a1,
            LandingData(employer="Globex", role_title="Analyst", started_on=date(2027, 2, 1)),
        )
        careers.set_cadence(
            world.a, world.coach_a1, world.client_a1, Cadence.MONTHLY, date(2027, 3, 21)
        )
        db.session.commit()
    assert checkins.opens_on(date(2027, 3, 21)) == date(2027, 3, 14)
    with _at(2027, 3, 14, 4, 30), pytest.raises(ServiceError) as error:  # 23:30 EST, the 13th
        checkins.start_checkin(world.a, world.client_a1)
    assert "you can fill it in from 14 Mar 2027" in error.value.message
    with _at(2027, 3, 14, 5, 30):  # 00:30 EST on the 14th
        checkin = checkins.start_checkin(world.a, world.client_a1)
    assert checkin.due_on == date(2027, 3, 21)


def test_new_client_grace_ends_by_the_local_calendar_after_the_clocks_go_back(world):
    """Joined at 23:30 EDT on 14 October 2026 (03:30 UTC on the 15th); New York goes back to
    EST on 1 November. The client may be flagged quiet from local 14 November on."""
    _tz(world, "America/New_York")
    newcomer = factories.client(world.a, world.coach_a1)
    newcomer.created_at = datetime(2026, 10, 15, 3, 30, tzinfo=UTC)
    db.session.commit()

    def quiet() -> bool:
        today = world.a.today()
        rows = db.session.execute(health.needs_attention_query(world.a, world.coach_a1, today))
        return any(row.id == newcomer.id and row.quiet for row in rows)

    with _at(2026, 11, 14, 4, 30):  # 23:30 EST on the 13th
        assert world.a.today() == date(2026, 11, 13)
        assert not quiet()
    with _at(2026, 11, 14, 5, 30):  # 00:30 EST on the 14th
        assert world.a.today() == date(2026, 11, 14)
        assert quiet()
