"""Coaching sessions in a real browser: the coach opens their hours, the client books a slot,
the coach adds shared notes and an action item, and the client sees it on their dashboard.
Every page visited is audited with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import open_nav, practice_with_client

pytestmark = pytest.mark.e2e


def test_client_books_and_sees_the_action_item_from_the_session(new_visitor, unique_email):
    coach, client = practice_with_client(new_visitor, unique_email, "Sessions Coaching")

    # The coach opens Monday to Friday, 09:00-17:00.
    open_nav(coach, "Sessions")
    page = coach.page
    coach.follow(page.get_by_role("link", name="Availability"))
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(f"{day} from").fill("09:00")
        page.get_by_label(f"{day} to").fill("17:00")
    page.get_by_label("60 minutes").check()
    coach.follow(page.get_by_role("button", name="Save availability"))
    expect(page.get_by_role("alert").filter(has_text="Availability saved.")).to_be_visible()

    # The client books the first open hour.
    open_nav(client, "Sessions")
    cpage = client.page
    client.follow(cpage.get_by_role("link", name="Book a session"))
    expect(cpage.get_by_role("heading", name=re.compile("Book a session with"))).to_be_visible()
    client.follow(cpage.locator("button[data-slot]").first)
    expect(cpage.get_by_role("alert").filter(has_text="Session booked")).to_be_visible()
    expect(cpage.get_by_role("heading", name=re.compile("Session with"))).to_be_visible()
    cpage.get_by_label("Add to the agenda").fill("How to ask for introductions")
    client.follow(cpage.get_by_role("button", name="Add"))

    # The coach finds it on the dashboard, writes notes and agrees an action item.
    open_nav(coach, "Dashboard")
    upcoming = page.get_by_test_id("upcoming-sessions")
    coach.follow(upcoming.get_by_role("link").first)
    expect(page.get_by_text("How to ask for introductions")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("never shown to the client")
    page.get_by_label("Shared notes").fill("Three people to ask for advice, not jobs.")
    page.get_by_label("Private coach notes").fill("PRIVATE: nervous about the gap year.")
    coach.follow(page.get_by_role("button", name="Save notes"))
    page.get_by_label("Action for the client").fill("Email Ana for a coffee")
    due = page.evaluate("() => new Date(Date.now() + 2 * 864e5).toLocaleDateString('sv')")
    page.get_by_label("Due").fill(due)
    coach.follow(page.get_by_role("button", name="Add action item"))
    expect(page.get_by_role("alert").filter(has_text="Action item added")).to_be_visible()

    # The client sees the action item on their dashboard, and the shared notes only.
    open_nav(client, "Dashboard")
    expect(cpage.get_by_test_id("action-item")).to_contain_text("Email Ana for a coffee")
    client.follow(cpage.get_by_test_id("upcoming-sessions").get_by_role("link").first)
    expect(cpage.get_by_text("Three people to ask for advice, not jobs.")).to_be_visible()
    assert "PRIVATE" not in cpage.content()
