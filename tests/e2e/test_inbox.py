"""The inbox in a real browser: a client logs a meeting, the coach's bell counts it without
a reload, the coach reviews it, the client finds the review in their inbox and answers by
message. axe finds nothing on the inbox and conversation pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import add_contact, open_nav, practice_with_client
from tests.e2e.test_portals import log_meeting

pytestmark = pytest.mark.e2e


def _bell(visitor):
    return visitor.page.get_by_test_id("bell")


def test_log_bell_review_inbox_and_a_message(new_visitor, unique_email):
    coach, client = practice_with_client(
        new_visitor, unique_email, "Inbox Journey Coaching", with_coach=False
    )
    add_contact(client, "Ana Analyst", "Fintrek")

    # The coach (the owner here) heard that the client joined; they mark it read.
    expect(_bell(coach)).to_have_accessible_name(re.compile(r"Inbox\s+1 unread"))
    coach.follow(_bell(coach))
    expect(coach.page.get_by_test_id("inbox-item")).to_contain_text("accepted your invitation")
    coach.follow(coach.page.get_by_role("button", name="Mark all read"))
    # The coach waits on the dashboard: nothing unread now.
    open_nav(coach, "Dashboard")
    expect(_bell(coach)).to_have_accessible_name(re.compile(r"Inbox\s+0 unread"))
    expect(coach.page.get_by_test_id("bell-count")).to_be_hidden()

    # The client logs a meeting; the coach's bell rises without a reload (the poll).
    log_meeting(client, "Ana Analyst", "Fintrek", goal=None)
    expect(coach.page.get_by_test_id("bell-count")).to_have_text("1", timeout=10_000)
    expect(_bell(coach)).to_have_accessible_name(re.compile(r"Inbox\s+1 unread"))

    # The coach opens the inbox, follows the item to the log and reviews it.
    coach.follow(_bell(coach))
    item = coach.page.get_by_test_id("inbox-item").filter(has_text="logged a meeting with Ana")
    expect(item).to_contain_text("new")
    assert [v for v in coach.audit() if v] == [], "axe on the coach's inbox"
    coach.follow(item.get_by_role("link", name=re.compile("logged a meeting")))
    review = coach.page
    for group, score in (("Intent clarity", "4"), ("Reciprocity", "4"), ("Follow-up", "5")):
        review.get_by_role("group", name=group).get_by_role("radio", name=score).check()
    review.get_by_label("Comment for the client").fill("Strong offer. Send the intro today.")
    coach.follow(review.get_by_role("button", name="Save review"))
    expect(review.get_by_role("alert").filter(has_text="Review saved")).to_be_visible()
    # Marking everything read empties the bell.
    coach.follow(_bell(coach))
    coach.follow(coach.page.get_by_role("button", name="Mark all read"))
    expect(coach.page.get_by_test_id("bell-count")).to_be_hidden()

    # The client sees the review in their inbox (their bell too), and follows it.
    expect(client.page.get_by_test_id("bell-count")).to_have_text("1", timeout=10_000)
    client.follow(_bell(client))
    page = client.page
    item = page.get_by_test_id("inbox-item").filter(has_text="reviewed your meeting with Ana")
    expect(item).to_be_visible()
    assert [v for v in client.audit() if v] == [], "axe on the client's inbox"
    client.follow(item.get_by_role("link", name=re.compile("reviewed your meeting")))
    expect(page.get_by_test_id("review")).to_contain_text("Send the intro today.")

    # From the log, the client answers by message, pointing at that meeting.
    client.follow(page.get_by_test_id("message-about-log"))
    expect(page.get_by_test_id("message-about")).to_contain_text("Meeting with Ana Analyst")
    page.get_by_role("textbox", name="Message").fill("Thanks! Intro sent this morning.")
    client.follow(page.get_by_role("button", name="Send"))
    expect(page.get_by_role("alert").filter(has_text="Message sent.")).to_be_visible()
    expect(page.get_by_test_id("message")).to_contain_text("Intro sent this morning")
    assert [v for v in client.audit() if v] == [], "axe on the client's conversation"

    # The coach hears of it and reads it beside the client's other pages.
    expect(coach.page.get_by_test_id("bell-count")).to_have_text("1", timeout=10_000)
    open_nav(coach, "Clients")
    coach.follow(coach.page.get_by_role("link", name="Cliff Client", exact=True))
    coach.follow(coach.page.get_by_test_id("client-messages"))
    message = coach.page.get_by_test_id("message").filter(has_text="Intro sent this morning")
    expect(message.get_by_test_id("unread-marker")).to_be_visible()
    expect(message.get_by_role("link", name=re.compile("Meeting with Ana Analyst"))).to_be_visible()
    assert [v for v in coach.audit() if v] == [], "axe on the coach's conversation"
    expect(coach.page.get_by_test_id("bell-count")).to_be_hidden()
    assert not coach.problems and not client.problems, coach.problems + client.problems
