"""The coaching portals in a real browser (issue 7 on top of issue 3), each from a fresh practice.

Journey 2 (goal → contacts → meeting log → review → reply → follow-up done →
progress), journey 5 on the meeting-log form, the meeting-log form by keyboard
only, journey 6 on the portal pages, and the meetings-per-week chart. Every
page visited is audited with axe-core.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import Visitor
from tests.e2e.flows import (
    add_contact,
    assign_goal,
    iso_date,
    open_client,
    open_nav,
    practice_with_client,
    progress_of,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
GOAL = "Meet people in fintech product"

# Non-blank pixels of the first meetings chart on the page, once Chart.js has drawn it.
_CHART_PIXELS = """() => {
  const canvas = document.querySelector("[data-testid=meetings-chart] canvas");
  if (!canvas || typeof Chart === "undefined" || !Chart.getChart(canvas)) return 0;
  const {width, height} = canvas;
  const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  return drawn;
}"""

# The total the chart plots (sum of the bars), from Chart.js itself.
_CHART_TOTAL = """() => {
  const canvas = document.querySelector("[data-testid=meetings-chart] canvas");
  return Chart.getChart(canvas).data.datasets[0].data.reduce((a, b) => a + b, 0);
}"""


def expect_chart_drawn(page: Page, meetings: int) -> None:
    """The meetings-per-week canvas has pixels drawn on it and plots `meetings` in total."""
    handle = page.wait_for_function(f"() => ({_CHART_PIXELS})() > 500")
    assert handle.json_value() is True
    assert page.evaluate(_CHART_TOTAL) == meetings
    expect(page.get_by_role("img", name=re.compile("Meetings per week"))).to_be_visible()


def log_meeting(client: Visitor, contact: str, company: str, *, goal: str | None) -> str:
    """Log today's meeting with ask, offer, keep-in-touch and a follow-up due in a week.

    Returns the follow-up's due date (YYYY-MM-DD).
    """
    open_nav(client, "Meetings")
    page = client.page
    client.follow(page.get_by_role("link", name="Log a meeting").first)
    expect(page.get_by_role("heading", name="Log a meeting")).to_be_visible()
    page.get_by_label("Contact", exact=True).select_option(label=f"{contact} ({company})")
    if goal:
        page.get_by_label("Goal", exact=True).select_option(label=goal)
    met_on = page.get_by_label("Date", exact=True).input_value()
    page.get_by_label("Format", exact=True).select_option(label="Video")
    page.get_by_label("My ask").fill("How does your team decide which features to build?")
    page.get_by_label("My offer").fill("An intro to a payments compliance expert I know")
    page.get_by_label("What I learned").fill("They hire PMs with domain knowledge")
    page.get_by_role("radio", name="Seeking information").check()
    page.get_by_role("radio", name="Asked: yes").check()
    page.get_by_label("Their answer, in their words").fill("Happy to chat again in a month")
    page.get_by_label("Follow-up action").fill("Send the compliance intro")
    due = iso_date(met_on, 7)
    page.get_by_label("Follow-up due", exact=True).fill(due)
    client.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert").filter(has_text="Meeting saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Meeting with {contact}")).to_be_visible()
    return due


def test_goal_contacts_meeting_review_reply_follow_up(new_visitor, unique_email):
    """Journey 2: the coaching loop, from the coach's goal to the follow-up done."""
    coach, client = practice_with_client(new_visitor, unique_email, "Journey Two Coaching")

    assign_goal(coach, "Cliff Client", GOAL, target_meetings=2)
    expect(coach.page.get_by_role("progressbar", name=f"Progress: {GOAL}")).to_have_attribute(
        "aria-valuenow", "0"
    )

    # The client sees the goal at 0 %, adds two contacts, the second introduced by the first.
    open_nav(client, "Dashboard")
    assert progress_of(client, GOAL) == "0"
    add_contact(client, "Ana Analyst", "Fintrek")
    add_contact(client, "Ben Builder", "Fintrek", introduced_by="Ana Analyst")
    page = client.page
    expect(page.get_by_role("link", name="Ana Analyst")).to_be_visible()  # "Introduced by"
    open_nav(client, "Contacts")
    expect(page.get_by_role("row").filter(has_text="Ben Builder")).to_contain_text("Ana Analyst")

    due = log_meeting(client, "Ben Builder", "Fintrek", goal=GOAL)
    expect(page.get_by_text("Send the compliance intro")).to_be_visible()
    expect(page.get_by_text("Not reviewed by your coach yet.")).to_be_visible()

    # The coach reviews it from the queue: three scores and a comment.
    open_nav(coach, "Review queue")
    row = coach.page.get_by_role("row").filter(has_text="Ben Builder")
    expect(row).to_contain_text("Cliff Client")
    coach.follow(row.get_by_role("link", name="Review"))
    review = coach.page
    expect(review.get_by_text("How does your team decide which features to build?")).to_be_visible()
    for group, score in (("Intent clarity", "4"), ("Reciprocity", "5"), ("Follow-up", "3")):
        review.get_by_role("group", name=group).get_by_role("radio", name=score).check()
    review.get_by_label("Comment for the client").fill("Clear ask. Book the follow-up call now.")
    coach.follow(review.get_by_role("button", name="Save review"))
    expect(review.get_by_role("alert").filter(has_text="Review saved")).to_be_visible()
    expect(review.get_by_text("All caught up.")).to_be_visible()

    # The client sees the review on the dashboard and on the log, and replies.
    open_nav(client, "Dashboard")
    feedback = _section(page, "Latest coach feedback")
    expect(feedback).to_contain_text("intent 4/5 · reciprocity 5/5 · follow-up 3/5")
    expect(feedback).to_contain_text("Book the follow-up call now.")
    client.follow(feedback.get_by_role("link", name=re.compile("Ben Builder")))
    card = page.get_by_test_id("review")
    expect(card).to_contain_text("Coach review by Cora Coach")
    expect(card).to_contain_text("4/5")
    page.get_by_label("Reply").fill("Thanks! Booked for next Tuesday.")
    client.follow(page.get_by_role("button", name="Post reply"))
    expect(page.get_by_role("alert").filter(has_text="Reply posted.")).to_be_visible()
    thread = _section(page, "Conversation")
    expect(thread).to_contain_text("Thanks! Booked for next Tuesday.")

    # The coach sees the reply under the log.
    open_client(coach, "Cliff Client")
    coach.follow(coach.page.get_by_role("link", name=re.compile("Ben Builder")))
    expect(_section(coach.page, "Conversation")).to_contain_text("Booked for next Tuesday")

    # The client marks the follow-up done from the follow-ups list.
    open_nav(client, "Follow-ups")
    row = page.get_by_role("row").filter(has_text="Send the compliance intro")
    expect(row).to_contain_text("Ben Builder")
    expect(row).to_contain_text(f"due {_display(due)}")
    client.follow(row.get_by_role("button", name="Done"))
    expect(
        page.get_by_role("alert").filter(has_text="Follow-up with Ben Builder done.")
    ).to_be_visible()
    expect(page.get_by_text("Nothing here.")).to_be_visible()
    client.follow(page.get_by_role("link", name="Show done"))
    expect(page.get_by_role("row").filter(has_text="Send the compliance intro")).to_be_visible()

    # The goal moved: one of two meetings, on both sides.
    open_nav(client, "Dashboard")
    bar = page.get_by_role("progressbar", name=f"Progress: {GOAL}")
    expect(bar).to_have_attribute("aria-valuenow", "50")
    expect(bar).to_have_text("1/2")
    expect(page.get_by_test_id("overdue-count")).to_have_text("0")
    open_client(coach, "Cliff Client")
    expect(coach.page.get_by_role("progressbar", name=f"Progress: {GOAL}")).to_have_attribute(
        "aria-valuenow", "50"
    )


def _display(iso: str) -> str:
    """How the pages show a date (the `localdate` filter): 02 Dec 2026."""
    from datetime import date

    return f"{date.fromisoformat(iso):%d %b %Y}"


def _section(page: Page, heading: str):
    """The page section under a heading."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading))
