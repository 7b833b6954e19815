"""The session itself: agenda pre-filled with open items, both sides adding points, notes,
action items that become the client's follow-ups and count toward networking health."""

from datetime import timedelta

from coachhub.models import ActionItem, SessionStatus, utcnow
from coachhub.services import health
from tests import factories


def test_booking_prefills_the_agenda_with_what_is_open(world, login, db):
    client = world.client_a1
    today = utcnow().date()
    factories.MeetingLogFactory(
        client=client, follow_up_action="Thank Sam", follow_up_due_on=today - timedelta(days=2)
    )
    factories.GoalFactory(client=client, title="Fintech PMs", target_meetings=5, due_on=today)
    factories.availability(world.coach_a1, days=range(7), hours=(0, 23))
    c = login(client.user)
    page = c.get("/p/alpha/client/sessions/book?minutes=30").get_data(as_text=True)
    import re

    slot = re.search(r'name="slot" value="([^"]+)"', page).group(1)
    response = c.post("/p/alpha/client/sessions/book", data={"slot": slot, "minutes": "30"})
    assert response.status_code == 302
    page = c.get(response.location).get_data(as_text=True)
    assert "Overdue follow-ups: 1" in page
    assert "Meeting logs awaiting review: 1" in page
    assert "Goal behind target: Fintech PMs (1 of 5 meetings)" in page or "Fintech PMs" in page


def test_both_sides_add_to_the_agenda(world, login, db):
    session = factories.CoachingSessionFactory(client=world.client_a1)
    client = login(world.client_a1.user)
    coach = login(world.coach_a1.user)
    assert (
        client.post(
            f"/p/alpha/client/sessions/{session.id}/agenda", data={"body": "My CV"}
        ).status_code
        == 302
    )
    assert (
        coach.post(
            f"/p/alpha/coach/sessions/{session.id}/agenda", data={"body": "Your pitch"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/p/alpha/client/sessions/{session.id}/agenda", data={"body": ""}).status_code
        == 422
    )
    page = coach.get(f"/p/alpha/coach/sessions/{session.id}").get_data(as_text=True)
    assert "My CV" in page and "Your pitch" in page


def test_action_items_are_follow_ups_on_the_dashboard_and_in_health(world, login, db):
    session = factories.CoachingSessionFactory(client=world.client_a1)
    today = utcnow().date()
    coach = login(world.coach_a1.user)
    goal = factories.GoalFactory(client=world.client_a1)
    response = coach.post(
        f"/p/alpha/coach/sessions/{session.id}/action-items",
        data={"title": "Ask Priya for intros", "due_on": (today + timedelta(days=2)).isoformat(),
              "goal": str(goal.id)},
    )  # fmt: skip
    assert response.status_code == 302
    coach.post(
        f"/p/alpha/coach/sessions/{session.id}/action-items",
        data={"title": "Overdue thing", "due_on": (today - timedelta(days=1)).isoformat()},
    )
    # Another client's goal is refused.
    other_goal = factories.GoalFactory(client=world.client_a2)
    response = coach.post(
        f"/p/alpha/coach/sessions/{session.id}/action-items",
        data={"title": "X", "due_on": today.isoformat(), "goal": str(other_goal.id)},
    )
    assert response.status_code == 422
    client = login(world.client_a1.user)
    dashboard = client.get("/p/alpha/client/").get_data(as_text=True)
    assert "Ask Priya for intros" in dashboard and 'data-testid="action-item"' in dashboard
    assert "Ask Priya for intros" in client.get("/p/alpha/client/follow-ups").get_data(as_text=True)
    row = health.client_health(world.a, world.owner_a, world.client_a1, today)
    assert row.overdue == 1
    (item,) = [i for i in db.session.query(ActionItem).all() if i.title == "Overdue thing"]
    response = client.post(
        f"/p/alpha/client/action-items/{item.id}/done", data={"done_on": today.isoformat()}
    )
    assert response.status_code == 302
    row = health.client_health(world.a, world.owner_a, world.client_a1, today)
    assert row.overdue == 0
    assert row.on_time_rate == 0  # due yesterday, done today: late
    other = login(world.client_a2.user)
    assert other.post(f"/p/alpha/client/action-items/{item.id}/done").status_code == 404


def test_outcome_only_after_the_start_and_counted_for_the_owner(world, login, db):
    past = utcnow().replace(microsecond=0) - timedelta(days=2)
    session = factories.CoachingSessionFactory(
        client=world.client_a1, starts_at=past, ends_at=past + timedelta(hours=1)
    )
    future = factories.CoachingSessionFactory(client=world.client_a1)
    coach = login(world.coach_a1.user)
    coach.post(f"/p/alpha/coach/sessions/{future.id}/outcome", data={"status": "no-show"})
    db.session.refresh(future)
    assert future.status == SessionStatus.BOOKED
    coach.post(f"/p/alpha/coach/sessions/{session.id}/outcome", data={"status": "no-show"})
    db.session.refresh(session)
    assert session.status == SessionStatus.NO_SHOW
    owner = login(world.owner_a.user)
    page = owner.get("/p/alpha/coach/sessions").get_data(as_text=True)
    assert "No-shows" in page
    client_page = owner.get(f"/p/alpha/coach/clients/{world.client_a1.id}").get_data(as_text=True)
    assert "no-show" in client_page
    upcoming = coach.get("/p/alpha/coach/").get_data(as_text=True)
    assert f"/coach/sessions/{future.id}" in upcoming


def test_week_view_shows_the_coachs_sessions_in_their_timezone(world, login):
    world.coach_a1.timezone = "Asia/Tokyo"
    session = factories.CoachingSessionFactory(client=world.client_a1)
    c = login(world.coach_a1.user)
    local = session.starts_at.astimezone(world.coach_a1.tz)
    page = c.get(f"/p/alpha/coach/sessions?week={local.date().isoformat()}").get_data(as_text=True)
    assert f"{local:%H:%M} {local.tzname()} {world.client_a1.user.name}" in page
    assert c.get("/p/alpha/coach/sessions?week=garbage").status_code == 200
    assert c.get("/p/alpha/coach/sessions?week=0001-01-01").status_code == 200


def test_availability_page_saves_hours_and_blocks_days(world, login, db):
    from coachhub.services import availability as avail

    c = login(world.coach_a1.user)
    assert c.get("/p/alpha/coach/availability").status_code == 200
    data = {
        "timezone": "Europe/Berlin", "lengths": ["30", "60"], "buffer_minutes": "10",
        "min_notice_hours": "12", "horizon_days": "21",
        "day0_start": "09:00", "day0_end": "12:00", "day2_start": "14:00", "day2_end": "18:00",
    }  # fmt: skip
    assert c.post("/p/alpha/coach/availability", data=data).status_code == 302
    row = avail.availability_of(world.coach_a1)
    assert row.lengths == [30, 60] and [w.weekday for w in row.windows] == [0, 2]
    db.session.refresh(world.coach_a1)
    assert world.coach_a1.timezone == "Europe/Berlin"
    bad = dict(data, day1_start="10:00")  # no end
    response = c.post("/p/alpha/coach/availability", data=bad)
    assert response.status_code == 200 and "Give both times" in response.get_data(as_text=True)
    backwards = dict(data, day0_start="12:00", day0_end="09:00")
    response = c.post("/p/alpha/coach/availability", data=backwards)
    assert "end after they start" in response.get_data(as_text=True)
    day = (utcnow() + timedelta(days=5)).date().isoformat()
    assert (
        c.post("/p/alpha/coach/availability/blocked", data={"blocked_on": day}).status_code == 302
    )
    db.session.expire_all()
    (blocked,) = avail.availability_of(world.coach_a1).blocked
    other = login(world.coach_a2.user)
    assert other.post(f"/p/alpha/coach/availability/blocked/{blocked.id}/delete").status_code == 404
    assert c.post(f"/p/alpha/coach/availability/blocked/{blocked.id}/delete").status_code == 302
