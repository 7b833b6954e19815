"""The client's dashboard leads with one next step: a due check-in, an overdue follow-up,
today's session, the next follow-up or session, or else planning a meeting."""

from datetime import timedelta

from coachhub.models import utcnow
from tests import factories


def _next_step(login, world) -> str:
    page = login(world.client_a1.user).get("/p/alpha/client/").get_data(as_text=True)
    start = page.index('data-testid="next-step"')
    assert start < page.index("Open goals")  # above the rest of the dashboard
    return page[start : page.index("</section>", start)]


def test_with_nothing_due_it_is_planning_a_meeting(world, login):
    step = _next_step(login, world)
    assert "Plan your next networking meeting" in step and "Plan a meeting" in step


def test_an_overdue_follow_up_comes_before_a_session(world, login):
    today = utcnow().date()
    factories.CoachingSessionFactory(client=world.client_a1)
    log = factories.MeetingLogFactory(
        client=world.client_a1,
        met_on=today - timedelta(days=5),
        follow_up_action="Send the article",
        follow_up_due_on=today - timedelta(days=2),
    )
    step = _next_step(login, world)
    assert f"Follow up with {log.contact.name}: Send the article" in step
    assert "It was due" in step
    assert f"/client/meetings/{log.id}" in step
