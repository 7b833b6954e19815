"""Coach portal pages: goals, proposals, dashboard, owner's view, reassignment."""

import re
from datetime import timedelta

from sqlalchemy import select

from coachhub.models import Approach, CoachAssignment, GoalStatus, NetworkingGoal, utcnow
from tests import factories


def test_close_reopen_and_accept_through_pages(world, login, db):
    coach = login(world.coach_a1.user)
    goal = factories.GoalFactory(client=world.client_a1)
    assert coach.get(f"/p/alpha/coach/goals/{goal.id}/close").status_code == 200
    assert (
        coach.post(f"/p/alpha/coach/goals/{goal.id}/close", data={"status": "achieved"}).status_code
        == 302
    )
    db.session.expire_all()
    assert goal.status == GoalStatus.ACHIEVED
    coach.post(f"/p/alpha/coach/goals/{goal.id}/reopen")
    db.session.expire_all()
    assert goal.status == GoalStatus.OPEN

    client = login(world.client_a1.user)
    response = client.post(
        "/p/alpha/client/goals/propose",
        data={"title": "Meet recruiters", "focus": "people", "target_meetings": "3"},
    )
    assert response.status_code == 302
    proposal = db.session.scalar(
        select(NetworkingGoal).where(NetworkingGoal.title == "Meet recruiters")
    )
    assert proposal.status == GoalStatus.PROPOSED
    assert "1 proposed" in coach.get("/p/alpha/coach/").get_data(as_text=True)
    coach.post(f"/p/alpha/coach/goals/{proposal.id}/accept")
    db.session.expire_all()
    assert proposal.status == GoalStatus.OPEN


def test_goal_form_errors_keep_input(world, login, db):
    coach = login(world.coach_a1.user)
    page = coach.post(
        f"/p/alpha/coach/clients/{world.client_a1.id}/goals/new",
        data={"title": "T" * 121, "focus": "company", "target_meetings": "0"},
    ).get_data(as_text=True)
    assert "Between 1 and 100." in page
    assert "T" * 121 in page
    assert db.session.scalar(select(NetworkingGoal)) is None


def test_review_needs_scores(world, login, db):
    log = factories.MeetingLogFactory(client=world.client_a1)
    response = login(world.coach_a1.user).post(
        f"/p/alpha/coach/meetings/{log.id}/review", data={"comment": "Kept"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Score from 1 to 5." in page and "Kept" in page


def test_dashboard_needs_attention_and_sorting(world, login):
    today = utcnow().date()
    factories.MeetingLogFactory(
        client=world.client_a1,
        met_on=today - timedelta(days=3),
        follow_up_action="Call",
        follow_up_due_on=today - timedelta(days=1),
    )
    page = login(world.coach_a1.user).get("/p/alpha/coach/?sort=overdue&dir=desc")
    text = page.get_data(as_text=True)
    assert "Needs attention" in text and "1 overdue follow-up" in text
    assert world.client_a2.user.name not in text  # another coach's client


def test_an_unknown_sort_shows_the_dashboard_by_name(world, login, db):
    second = factories.client(world.a, world.coach_a1)
    world.client_a1.user.name, second.user.name = "Zara Quinn", "Abel Moss"
    db.session.flush()
    page = login(world.coach_a1.user).get("/p/alpha/coach/?sort=password;drop+table")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.index("Zara Quinn") > text.index("Abel Moss")


def test_owner_sees_all_clients_grouped_by_coach(world, login):
    text = login(world.owner_a.user).get("/p/alpha/coach/").get_data(as_text=True)
    assert world.client_a1.user.name in text and world.client_a2.user.name in text
    assert f"Coach: {world.coach_a1.user.name}" in text
    assert f"Coach: {world.coach_a2.user.name}" in text


def test_owner_reassigns_client_with_history(world, login, db):
    owner = login(world.owner_a.user)
    url = f"/p/alpha/coach/clients/{world.client_a1.id}/reassign"
    assert owner.post(url, data={"coach": str(world.coach_a2.id)}).status_code == 302
    db.session.expire_all()
    assert world.client_a1.coach_membership_id == world.coach_a2.id
    assert db.session.scalar(select(CoachAssignment)).from_coach_membership_id == world.coach_a1.id
    # the new coach now sees the client, the old one no longer does
    assert (
        login(world.coach_a2.user).get(f"/p/alpha/coach/clients/{world.client_a1.id}").status_code
        == 200
    )
    assert (
        login(world.coach_a1.user).get(f"/p/alpha/coach/clients/{world.client_a1.id}").status_code
        == 404
    )
    assert "Coach history" in owner.get(f"/p/alpha/coach/clients/{world.client_a1.id}").get_data(
        as_text=True
    )
    assert login(world.coach_a2.user).get(url).status_code == 403


def test_review_queue_leads_with_job_asking_then_weak_and_filters(world, login, db):
    contact = factories.ContactFactory(client=world.client_a1, name="Ari")
    today = world.a.today()
    good = factories.MeetingLogFactory(client=world.client_a1, contact=contact, met_on=today)
    weak = factories.MeetingLogFactory(
        client=world.client_a1, contact=contact, met_on=today, offer="", is_weak=True
    )
    job = factories.MeetingLogFactory(
        client=world.client_a1,
        contact=contact,
        met_on=today,
        approach=Approach.JOB_ASKING,
        is_weak=True,
    )
    db.session.commit()
    c = login(world.coach_a1.user)

    def ids(query=""):
        page = c.get(f"/p/alpha/coach/reviews{query}").get_data(as_text=True)
        return [int(i) for i in re.findall(r"/coach/meetings/(\d+)\"", page)], page

    order, page = ids()
    assert order == [job.id, weak.id, good.id]
    assert "asking for a job</span>" in page
    assert ids("?show=weak")[0] == [job.id, weak.id]
    assert ids("?show=job-asking")[0] == [job.id]
    assert ids("?show=nonsense")[0] == [job.id, weak.id, good.id]
    factories.ReviewFactory(log_row=job)
    db.session.commit()
    empty = c.get("/p/alpha/coach/reviews?show=job-asking")
    assert empty.status_code == 200 and "Nothing to review here." in empty.get_data(as_text=True)


def test_review_queue_counts_up_to_a_bound_and_pages_past_it(world, login, db, monkeypatch):
    from coachhub.coach import reviews as review_views

    monkeypatch.setattr(review_views, "QUEUE_COUNT_BOUND", 3)
    contact = factories.ContactFactory(client=world.client_a1)
    logs = [
        factories.MeetingLogFactory(
            client=world.client_a1, contact=contact, met_on=world.a.today() - timedelta(days=i)
        )
        for i in range(7)
    ]
    reviewed = logs.pop(0)
    factories.ReviewFactory(log_row=reviewed)
    # Another practice's unreviewed log is never counted nor shown.
    factories.MeetingLogFactory(client=world.client_b)
    db.session.commit()
    c = login(world.coach_a1.user)
    monkeypatch.setitem(c.application.config, "PER_PAGE", 2)
    seen = []
    for n in (1, 2, 3):
        page = c.get(f"/p/alpha/coach/reviews?page={n}").get_data(as_text=True)
        seen += [int(i) for i in re.findall(r"/coach/meetings/(\d+)\"", page)]
        # Each page links to the next while more logs wait, the bound notwithstanding.
        assert (f"page={n + 1}" in page) == (n < 3)
    # Oldest first, every unreviewed log once, the reviewed one left out.
    assert seen == [log.id for log in reversed(logs)]
