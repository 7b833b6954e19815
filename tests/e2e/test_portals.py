"""The coaching portals in a real browser, each from a fresh practice.

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
    expect_field_error,
    iso_date,
    open_client,
    open_nav,
    practice_with_client,
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
    expect(client.page.get_by_role("progressbar", name=f"Progress: {GOAL}")).to_have_attribute(
        "aria-valuenow", "0"
    )
    add_contact(client, "Ana Analyst", "Fintrek")
    add_contact(client, "Ben Builder", "Fintrek", introduced_by="Ana Analyst")
    page = client.page
    expect(page.get_by_role("link", name="Ana Analyst")).to_be_visible()  # "Introduced by"
    open_nav(client, "Contacts")
    expect(page.get_by_role("row").filter(has_text="Ben Builder")).to_contain_text("Ana Analyst")
    open_nav(client, "Introductions")
    expect(page.get_by_role("heading", name="Your longest chain: 2 people")).to_be_visible()
    expect(page.get_by_test_id("longest-chain")).to_have_text("Ana Analyst → Ben Builder")

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
    # Each score's question is announced with its group of radios.
    expect(review.get_by_role("group", name="Intent clarity")).to_have_accessible_description(
        "Did they know what they wanted to find out?"
    )
    for group, score in (("Intent clarity", "4"), ("Reciprocity", "5"), ("Follow-up", "3")):
        review.get_by_role("group", name=group).get_by_role("radio", name=score).check()
    review.get_by_label("Comment for the client").fill("Clear ask. Book the follow-up call now.")
    coach.follow(review.get_by_role("button", name="Save review"))
    expect(review.get_by_role("alert").filter(has_text="Review saved")).to_be_visible()
    expect(review.get_by_text("All caught up.")).to_be_visible()

    # The review shows in the coach's analytics; each chart has its table.
    open_nav(coach, "Analytics")
    expect(coach.page.get_by_test_id("summary-turnaround")).to_contain_text("over 1 reviews")
    meetings = coach.page.get_by_test_id("chart-meetings")
    meetings.get_by_text("Table: Meetings per week per coach").click()
    expect(meetings.get_by_role("columnheader").nth(1)).to_be_visible()

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

    # The meetings-per-week chart is drawn on both pages and plots the one meeting.
    expect_chart_drawn(coach.page, meetings=1)
    open_nav(client, "Dashboard")
    expect_chart_drawn(page, meetings=1)

    # On a laptop (1280×720) the menus fit too: the page does not scroll sideways.
    coach.assert_fits_width()
    client.assert_fits_width()


def _display(iso: str) -> str:
    """How the pages show a date (the `localdate` filter): 02 Dec 2026."""
    from datetime import date

    return f"{date.fromisoformat(iso):%d %b %Y}"


def _section(page: Page, heading: str):
    """The page section under a heading."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading))


def test_meeting_log_with_bad_input_keeps_everything_and_saves_nothing(new_visitor, unique_email):
    """Journey 5 on the meeting-log form: an overlong answer, then a follow-up due too early."""
    _, client = practice_with_client(
        new_visitor, unique_email, "Bad Log Coaching", with_coach=False
    )
    open_nav(client, "Meetings")
    page = client.page
    client.follow(page.get_by_role("link", name="Log a meeting").first)
    met_on = page.get_by_label("Date", exact=True).input_value()
    answer = page.get_by_label("Their answer, in their words")
    # The browser itself stops typing at the limit (maxlength) ...
    answer.fill("y" * 300)
    expect(answer).to_have_value("y" * 255)
    # ... so to see the server's own check, the attribute goes (as with an old browser).
    answer.evaluate("field => field.removeAttribute('maxlength')")
    typed = {
        "…or a new contact's name": "Dana Draft",
        "New contact's company": "Draftco",
        "My ask": "Which teams are hiring analysts?",
        "My offer": "A summary of the meetup talk",
        "Their answer, in their words": "z" * 300,
        "Follow-up action": "Send the summary",
        "Follow-up due": iso_date(met_on, -1),
    }
    for label, value in typed.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("radio", name="Asked: maybe").check()

    client.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert")).to_contain_text("Please fix the highlighted fields")
    expect_field_error(answer, "Field cannot be longer than 255 characters.")
    _expect_kept(page, typed)
    expect(page.get_by_role("radio", name="Asked: maybe")).to_be_checked()
    expect(page.get_by_label("Date", exact=True)).to_have_value(met_on)

    # Fixed, the form goes further: the service refuses a follow-up due before the meeting.
    typed["Their answer, in their words"] = "Maybe after the holidays"
    page.get_by_label("Their answer, in their words").fill(typed["Their answer, in their words"])
    client.follow(page.get_by_role("button", name="Save"))
    due = page.get_by_label("Follow-up due", exact=True)
    expect_field_error(due, "The follow-up cannot be due before the meeting; pick a later date.")
    expect(answer).not_to_have_attribute("aria-invalid", "true")
    _expect_kept(page, typed)
    expect(page.get_by_role("radio", name="Asked: maybe")).to_be_checked()

    # Nothing was saved: no meeting, and the new contact was not created either.
    open_nav(client, "Meetings")
    expect(page.get_by_text("No meetings yet.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    open_nav(client, "Contacts")
    expect(page.get_by_text("No contacts yet.")).to_be_visible()


def _expect_kept(page: Page, typed: dict[str, str]) -> None:
    for label, value in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)


# The meeting-log form's fields in visual order (top to bottom, left to right).
FORM_ORDER = [
    "contact_id",
    "new_contact_name",
    "new_contact_company",
    "goal_id",
    "met_on",
    "format",
    "ask",
    "offer",
    "offer_is_promise",
    "learned",
    "they_asked",
    "introductions",
    "new_introductions",
    "approach-0",
    "reflection",
    "keep_in_touch-0",
    "keep_in_touch_answer",
    "follow_up_action",
    "follow_up_due_on",
    "follow_up_done_on",
]


def test_meeting_log_with_the_keyboard_only(new_visitor, unique_email):
    """Tab, typing, Space and Enter only: from the dashboard to a saved meeting log.

    Each Tab from one field lands on the next field in visual order (a date field
    takes a Tab per part: month, day, year), and that order runs top to bottom,
    left to right on the screen.
    """
    coach, client = practice_with_client(
        new_visitor, unique_email, "Keyboard Log Coaching", with_coach=False, locale="en-US"
    )
    assign_goal(coach, "Cliff Client", GOAL, target_meetings=3)
    page = client.page
    client.goto(page.url)  # the client's dashboard, fresh
    keyboard = page.keyboard

    _tab_to(
        page, lambda: page.evaluate("() => document.activeElement.dataset.testid") == "log-meeting"
    )
    client.press("Enter")
    expect(page.get_by_role("heading", name="Log a meeting")).to_be_visible()
    _tab_to(page, lambda: _focused(page) == "contact_id")

    visited = ["contact_id"]

    def next_field(expected: str) -> None:
        _tab_to(page, lambda: _focused(page) != visited[-1])
        visited.append(_focused(page))
        assert visited[-1] == expected, f"Tab from {visited[-2]} went to {visited[-1]}"

    next_field("new_contact_name")
    keyboard.type("Kay Contact")
    next_field("new_contact_company")
    keyboard.type("Keyco")
    next_field("goal_id")
    keyboard.type("Meet")  # a closed select picks the option starting with what is typed
    expect(page.get_by_label("Goal", exact=True)).to_have_value(re.compile(r"^\d+$"))
    met_on = page.get_by_label("Date", exact=True).input_value()  # today, kept
    next_field("met_on")
    next_field("format")
    keyboard.type("Video")
    expect(page.get_by_label("Format", exact=True)).to_have_value("video")
    for name, text in (
        ("ask", "What does a week in your team look like?"),
        ("offer", "My notes from the product conference"),
        ("offer_is_promise", None),  # left unticked
        ("learned", "Planning is quarterly"),
        ("they_asked", "The conference notes"),
        ("introductions", "Their head of design"),
        ("new_introductions", "Dee Designer, Keyco"),
    ):
        next_field(name)
        if text:
            keyboard.type(text)
    next_field("approach-0")
    keyboard.press("Space")
    expect(page.get_by_role("radio", name="Seeking information")).to_be_checked()
    next_field("reflection")
    keyboard.type("Ask about the team before the product")
    next_field("keep_in_touch-0")  # "Didn't ask", checked by default
    next_field("keep_in_touch_answer")
    next_field("follow_up_action")
    keyboard.type("Send the conference notes")
    next_field("follow_up_due_on")
    due = iso_date(met_on, 3)
    year, month, day = due.split("-")
    keyboard.type(f"{month}{day}{year}")  # en-US: month, day, year
    expect(page.get_by_label("Follow-up due", exact=True)).to_have_value(due)
    next_field("follow_up_done_on")
    assert visited == FORM_ORDER
    _tab_to(page, lambda: _focused(page) != "follow_up_done_on")
    expect(page.get_by_role("button", name="Save")).to_be_focused()

    # The focus order is the visual order: each field is below the last, or to its right.
    # (Measured in one go, in page coordinates: the page may still be scrolling to the button.)
    boxes = page.evaluate(
        """ids => ids.map(id => {
          const r = document.getElementById(id).getBoundingClientRect();
          return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height};
        })""",
        FORM_ORDER,
    )
    for i, name in enumerate(FORM_ORDER[1:], start=1):
        before, after = boxes[i - 1], boxes[i]
        below = after["y"] >= before["y"] + before["height"] - 1
        right_of = abs(after["y"] - before["y"]) < 40 and after["x"] > before["x"]
        assert below or right_of, f"{name} comes after {before} but sits at {after}"

    client.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Meeting saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Meeting with Kay Contact")).to_be_visible()
    expect(page.get_by_text("Send the conference notes")).to_be_visible()
    expect(page.get_by_text("Seeking information")).to_be_visible()
    expect(page.get_by_text(f"Date{_display(met_on)} · video")).to_be_visible()
    expect(page.get_by_text(GOAL)).to_be_visible()


def _focused(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def _tab_to(page: Page, reached, limit: int = 40) -> None:
    """Press Tab until `reached()` is true (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if reached():
            return
    raise AssertionError(f"not reached after {limit} Tabs; focus is on #{_focused(page)}")


def test_portal_pages_on_a_phone(new_visitor, unique_email):
    """Journey 6 on the portals: at 390×844 no page scrolls sideways and the forms work."""
    coach, client = practice_with_client(
        new_visitor, unique_email, "Phone Portal Coaching", with_coach=False, viewport=PHONE
    )
    assign_goal(coach, "Cliff Client", GOAL, target_meetings=4)
    coach.assert_fits_width()

    add_contact(client, "Phil Phone", "Mobileco")
    client.assert_fits_width()
    log_meeting(client, "Phil Phone", "Mobileco", goal=GOAL)
    client.assert_fits_width()  # the meeting's page
    open_nav(client, "Meetings")
    client.assert_fits_width()
    client.follow(client.page.get_by_role("link", name="Log a meeting").first)
    client.assert_fits_width()
    _expect_inside_screen(client.page.get_by_role("button", name="Save"))
    _expect_inside_screen(client.page.get_by_label("My ask"))
    for link in ("Contacts", "Follow-ups", "Goals", "Dashboard"):
        open_nav(client, link)
        client.assert_fits_width()
    expect_chart_drawn(client.page, meetings=1)

    for link in ("Dashboard", "Review queue"):
        open_nav(coach, link)
        coach.assert_fits_width()
    expect(coach.page.get_by_role("row").filter(has_text="Phil Phone")).to_be_visible()
    coach.follow(coach.page.get_by_role("link", name="Review", exact=True).last)
    coach.assert_fits_width()
    for group in ("Intent clarity", "Reciprocity", "Follow-up"):
        coach.page.get_by_role("group", name=group).get_by_role("radio", name="4").check()
    coach.follow(coach.page.get_by_role("button", name="Save review"))
    coach.assert_fits_width()
    open_nav(coach, "Dashboard")
    expect(coach.page.get_by_test_id("health-table")).to_contain_text("Cliff Client")
    open_client(coach, "Cliff Client")
    coach.assert_fits_width()
    expect_chart_drawn(coach.page, meetings=1)


def _expect_inside_screen(locator) -> None:
    """Visible, and entirely within the phone's width once scrolled to."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
