"""Career check-ins (journey 3) and read-only mode (journey 4) in a real browser.

Journey 3: the coach records the client's landing, sets the first check-in due
today, the client fills in and submits it, the coach sees the pulse score, its
breakdown and the trend chart. Journey 4 (read-only part): once the trial is
over without a subscription, a write is refused with the explanatory page and
nothing is saved. Every page visited is audited with axe-core.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import open_client, open_nav, practice_with_client, sign_up

pytestmark = pytest.mark.e2e

# Non-blank pixels of the pulse chart, once Chart.js has drawn it.
_PULSE_PIXELS = """() => {
  const canvas = document.querySelector("[data-testid=pulse-chart] canvas");
  if (!canvas || typeof Chart === "undefined" || !Chart.getChart(canvas)) return 0;
  const {width, height} = canvas;
  const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  return drawn;
}"""


def test_placed_client_checks_in_and_the_coach_sees_the_pulse(new_visitor, unique_email):
    """Journey 3: landing → check-in due → submitted → pulse, breakdown and trend for the coach."""
    coach, client = practice_with_client(new_visitor, unique_email, "Journey Three Coaching")

    # The coach records the landing from the client's career page.
    open_client(coach, "Cliff Client")
    page = coach.page
    coach.follow(page.get_by_role("link", name="Career & check-ins"))
    expect(
        page.get_by_text("The trend appears after the first submitted check-in.")
    ).to_be_visible()
    coach.follow(page.get_by_role("link", name="Record a landing"))
    page.get_by_label("Employer").fill("Fintrek")
    page.get_by_label("Role", exact=True).fill("Product manager")
    today = page.evaluate("() => new Date().toLocaleDateString('sv')")  # YYYY-MM-DD
    page.get_by_label("Start date").fill(today)
    coach.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert").filter(has_text="Cliff Client is placed.")).to_be_visible()
    expect(page.get_by_test_id("stage")).to_have_text("placed")
    expect(page.get_by_text("Placed at Fintrek as Product manager")).to_be_visible()

    # The first check-in falls due today (a landing alone sets it a month out).
    page.get_by_label("Check-in cadence").select_option(label="Monthly")
    page.get_by_label("First check-in due").fill(today)
    coach.follow(page.get_by_role("button", name="Save cadence"))
    expect(page.get_by_role("alert").filter(has_text="Check-in cadence saved.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Next check-in due"))).to_be_visible()

    # The client sees it due on the dashboard, fills it in and submits it.
    open_nav(client, "Dashboard")
    cpage = client.page
    due = cpage.get_by_test_id("checkin-due")
    expect(due).to_contain_text("Your career check-in is due")
    client.follow(due.get_by_role("link", name="Check in"))
    expect(cpage.get_by_test_id("stage")).to_have_text("placed")
    client.follow(cpage.get_by_test_id("start-checkin"))
    expect(cpage.get_by_role("heading", name=re.compile("Check-in due"))).to_contain_text("draft")
    cpage.get_by_label("Contacts I kept in touch with").fill("2")
    cpage.get_by_label("New contacts").fill("1")
    cpage.get_by_label("Industry events and meetings attended").fill("1")
    cpage.get_by_label("What is changing in my field").fill("Open banking rules arrive next year")
    cpage.get_by_label("Skills I learned or updated").fill("SQL for product analytics")
    cpage.get_by_label("Concerns").fill("Settling in; little time for coffee chats")
    for group, rating in (
        ("My finger on the pulse of my field", "4"),
        ("How realistic my view of my career potential is", "3"),
        ("How secure I feel in my role", "4"),
    ):
        cpage.get_by_role("group", name=group).get_by_role("radio", name=rating).check()
    client.follow(cpage.get_by_test_id("submit-checkin"))
    saved = cpage.get_by_role("alert").filter(has_text="Check-in saved. Your pulse score:")
    expect(saved).to_be_visible()
    score = cpage.get_by_test_id("pulse-score").inner_text()
    assert saved.inner_text().rstrip(". \n").endswith(score), (saved.inner_text(), score)
    expect(cpage.get_by_test_id("pulse-breakdown")).to_contain_text("Why this score")

    # The coach opens it from the career page: the score, its breakdown, the trend.
    open_client(coach, "Cliff Client")
    coach.follow(page.get_by_role("link", name="Career & check-ins"))
    expect(page.get_by_test_id("last-pulse")).to_have_text(score)
    checkins = page.locator("section").filter(has=page.get_by_role("heading", name="Check-ins"))
    expect(checkins).to_contain_text(f"pulse {score}")
    expect(checkins).to_contain_text("submitted")

    # The trend chart's canvas is drawn, and says what it shows.
    handle = page.wait_for_function(f"() => ({_PULSE_PIXELS})() > 500")
    assert handle.json_value() is True
    expect(
        page.get_by_role("img", name="Pulse score, self-ratings and activity per check-in")
    ).to_be_visible()
    expect(page.get_by_text(re.compile(f"pulse {score}, "))).to_be_attached()
    coach.assert_fits_width()

    coach.follow(checkins.get_by_role("link").first)
    expect(
        page.get_by_role("heading", name=re.compile("Cliff Client: check-in due"))
    ).to_be_visible()
    breakdown = page.get_by_test_id("pulse-breakdown")
    expect(breakdown.get_by_test_id("pulse-score")).to_have_text(score)
    expect(breakdown).to_contain_text("Why this score")
    rows = breakdown.get_by_role("row")
    expect(rows).to_have_count(5)  # the header and the four parts
    # The self-ratings part: (11/3 - 1) / 4 * 50 = 33.3 of 50, as in docs/checkins.md.
    expect(rows.nth(1)).to_contain_text("33.3 / 50")
    expect(page.get_by_text("Open banking rules arrive next year")).to_be_visible()


def test_read_only_practice_refuses_a_write_and_saves_nothing(
    new_visitor, unique_email, e2e_server
):
    """Journey 4, read-only: the trial is over, no subscription; an invitation is refused (402)."""
    from sqlalchemy import select

    from coachhub.extensions import db
    from coachhub.models import Practice, utcnow

    owner = new_visitor()
    slug = sign_up(owner, "Rita Readonly", unique_email("owner"), "Read Only Coaching")

    # Test set-up of data: the trial ended yesterday (no Stripe on this server).
    with e2e_server.app.app_context():
        practice = db.session.scalars(select(Practice).where(Practice.slug == slug)).one()
        practice.trial_ends_at = utcnow() - timedelta(days=1)
        db.session.commit()

    # Reading still works.
    open_nav(owner, "Invitations")
    page = owner.page
    email = unique_email("refused")
    page.get_by_label("Email").fill(email)
    with page.expect_response(re.compile(r"/invitations")) as answer:
        owner.follow(page.get_by_role("button", name="Send invitation"))
    assert answer.value.status == 402
    expect(page.get_by_role("heading", name="This practice is read-only")).to_be_visible()
    explanation = page.locator("p").filter(has_text="Nothing was changed")
    expect(explanation).to_contain_text("The free trial has ended and there is no subscription")
    expect(page.get_by_text("reactivate the subscription on the Billing page")).to_contain_text(
        "by subscribing"
    )
    expect(page.get_by_test_id("billing-banner")).to_contain_text("Read-only")
    # The browser reports the 402 as a failed request; it is the expected answer here.
    owner.problems[:] = [p for p in owner.problems if "402" not in p]

    owner.follow(page.get_by_role("link", name="Go to Billing"))
    expect(page).to_have_url(re.compile(r"/billing"))
    open_nav(owner, "Invitations")
    expect(page.get_by_text(email)).to_have_count(0)
