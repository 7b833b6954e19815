"""A placed client's dashboard leads with check-ins, the pulse and the keep-in-touch roster."""

from datetime import UTC, date, datetime, timedelta

import time_machine

from coachhub.models import CheckinStatus
from coachhub.services import careers
from coachhub.services.careers import LandingData
from tests import factories

HOME = "/p/alpha/client/"


def _at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def _place(world, db, on=date(2027, 3, 10)):
    with _at(on):
        careers.record_landing(
            world.a,
            world.client_a1,
            world.client_a1,
            LandingData(employer="Kiwibank", role_title="Product manager", started_on=on),
        )
        db.session.commit()


def test_search_mode_until_placed_then_maintenance_then_back(world, login, db):
    day = date(2027, 4, 5)
    due_soon = factories.ContactFactory(
        client=world.client_a1, name="Due Soon", cadence_days=30, touch_due_on=day + timedelta(3)
    )
    factories.ContactFactory(
        client=world.client_a1, name="Overdue", cadence_days=30, touch_due_on=day - timedelta(2)
    )
    factories.ContactFactory(
        client=world.client_a1, name="Later", cadence_days=30, touch_due_on=day + timedelta(20)
    )
    factories.ContactFactory(
        client=world.client_a2, name="Not Mine", cadence_days=30, touch_due_on=day
    )
    with _at(day):
        page = login(world.client_a1.user).get(HOME).get_data(as_text=True)
    assert 'data-testid="maintenance"' not in page and "Plan one" in page

    _place(world, db)
    factories.CheckinFactory(
        client=world.client_a1,
        due_on=date(2027, 3, 31),
        status=CheckinStatus.SUBMITTED,
        pulse=72,
        field_changes="AI copilots in every bank app",
    )
    db.session.commit()
    with _at(day):
        page = login(world.client_a1.user).get(HOME).get_data(as_text=True)
    assert 'data-testid="maintenance"' in page and "Placed at <strong>Kiwibank</strong>" in page
    assert "Plan one" not in page and "Meetings per week" not in page
    assert 'data-testid="maintenance-next-due"' in page and "10 Apr 2027" in page
    assert 'data-testid="maintenance-start-checkin"' in page  # due within the week: one click
    assert 'data-testid="maintenance-pulse">72<' in page and 'data-testid="pulse-chart"' in page
    assert "AI copilots in every bank app" in page
    roster = page[page.index("Keep in touch") :]
    assert roster.index("Overdue") < roster.index("Due Soon")
    assert "Later" not in roster and "Not Mine" not in page
    assert f"/contacts/{due_soon.id}/touch?next=" in roster

    with _at(date(2027, 3, 12)):
        page = login(world.client_a1.user).get(HOME).get_data(as_text=True)
    assert "You can fill it in from 03 Apr 2027" in page

    with _at(day):
        careers.return_to_searching(world.a, world.client_a1, world.client_a1)
        db.session.commit()
        page = login(world.client_a1.user).get(HOME).get_data(as_text=True)
    assert 'data-testid="maintenance"' not in page and "Plan one" in page


def test_maintenance_dashboard_queries_stay_bounded(world, login, db, count_queries):
    _place(world, db)
    c = login(world.client_a1.user)
    counts = []
    for n in (3, 30):
        for i in range(n):
            factories.ContactFactory(
                client=world.client_a1, cadence_days=7, touch_due_on=world.a.today()
            )
            factories.CheckinFactory(
                client=world.client_a1,
                due_on=date(2020, 1, 1) + timedelta(days=i + n * 40),
                status=CheckinStatus.SUBMITTED,
                pulse=60,
            )
        db.session.commit()
        with count_queries() as counter:
            assert c.get(HOME).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 12, counts


def test_the_coachs_client_page_shows_the_same_mode(world, login, db, count_queries):
    url = f"/p/alpha/coach/clients/{world.client_a1.id}"
    coach = login(world.coach_a1.user)
    assert 'data-testid="maintenance"' not in coach.get(url).get_data(as_text=True)
    _place(world, db)
    today = world.a.today()
    factories.ContactFactory(client=world.client_a1, name="Roster Ana", touch_due_on=today)
    factories.CheckinFactory(client=world.client_a1, pulse=41, field_changes="Open banking rules")
    db.session.commit()
    with count_queries() as counter:
        page = coach.get(url).get_data(as_text=True)
    assert 'data-testid="maintenance"' in page and "placed at Kiwibank" in page
    assert "Roster Ana" in page and "Open banking rules" in page
    assert 'data-testid="maintenance-pulse">41' in page and "pulse under 50" in page
    assert counter.count <= 12, "\n\n".join(counter.statements)
    # Another coach's client stays out of reach.
    assert login(world.coach_a2.user).get(url).status_code == 404
