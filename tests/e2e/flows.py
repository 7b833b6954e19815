"""Steps that several journeys share, done the way a person does them in the browser."""

import re

from playwright.sync_api import expect

from tests.e2e.browser import Visitor

PASSWORD = "a long enough password"


def sign_up(visitor: Visitor, name: str, email: str, practice_name: str) -> str:
    """Start a practice from the sign-up page; returns the practice's slug."""
    page = visitor.goto("/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Practice name").fill(practice_name)
    visitor.follow(page.get_by_role("button", name="Create my practice"))
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    return practice_slug(page.url)


def practice_slug(url: str) -> str:
    match = re.search(r"/p/([^/]+)/", url)
    assert match, f"not a practice page: {url}"
    return match.group(1)


def open_nav(visitor: Visitor, link: str) -> None:
    """Follow a link of the main navigation, opening the collapsed menu first on a phone."""
    page = visitor.page
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
    visitor.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name=link))


def invite(visitor: Visitor, email: str, role: str | None = None) -> None:
    """Send an invitation from the Invitations page (owners choose the role)."""
    open_nav(visitor, "Invitations")
    page = visitor.page
    page.get_by_label("Email").fill(email)
    if role is not None:
        page.get_by_role("radio", name=role.capitalize(), exact=True).check()
    visitor.follow(page.get_by_role("button", name="Send invitation"))
    expect(page.get_by_role("alert").filter(has_text=f"Invitation sent to {email}")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=email)).to_contain_text("pending")


def invitation_link(visitor: Visitor, email: str) -> str:
    """The newest invitation link emailed to `email`, read from the dev outbox page."""
    page = visitor.goto("/dev/outbox")
    message = page.get_by_test_id("outbox-message").filter(has_text=email).first
    link = message.locator("a[href*='/invitations/']").first.get_attribute("href")
    assert link and link.startswith(visitor.base_url), link
    return link


def accept_invitation(visitor: Visitor, email: str, name: str) -> None:
    """Open the emailed link and join with a new account."""
    page = visitor.goto(invitation_link(visitor, email))
    expect(page.get_by_role("heading", name="You are invited")).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    visitor.follow(page.get_by_role("button", name="Join"))
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
