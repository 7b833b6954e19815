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


def expect_field_error(field, message: str) -> None:
    """The error is flagged on the field, announced with it, and shown right below it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(field.locator("xpath=..").get_by_text(message)).to_be_visible()


def open_nav(visitor: Visitor, link: str) -> None:
    """Follow a link of the main navigation, opening the collapsed menu first on a phone."""
    page = visitor.page
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
    visitor.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name=link))


def open_account_menu(visitor: Visitor, link: str) -> None:
    """Follow a link of the account menu in the top bar."""
    page = visitor.page
    page.get_by_test_id("account-menu").click()
    visitor.follow(page.get_by_role("link", name=link))


def log_out(visitor: Visitor) -> None:
    """Open the account menu in the top bar and log out."""
    page = visitor.page
    page.get_by_test_id("account-menu").click()
    visitor.follow(page.get_by_role("button", name="Log out"))


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


# The coaching portals: goals, contacts, meeting logs, reviews, follow-ups.


def practice_with_client(
    new_visitor, unique_email, practice_name: str, *, with_coach: bool = True, **context_options
) -> tuple[Visitor, Visitor]:
    """A fresh practice with one client, set up as journey 1 does: (their coach, the client).

    With `with_coach=False` the owner (who also coaches) invites the client directly,
    one acceptance fewer for journeys that only need someone coaching.
    """
    owner, client = new_visitor(**context_options), new_visitor(**context_options)
    sign_up(owner, "Olga Owner", unique_email("owner"), practice_name)
    coach = owner
    if with_coach:
        coach = new_visitor(**context_options)
        coach_email = unique_email("coach")
        invite(owner, coach_email, role="coach")
        accept_invitation(coach, coach_email, "Cora Coach")
    client_email = unique_email("client")
    invite(coach, client_email)
    accept_invitation(client, client_email, "Cliff Client")
    return coach, client


def open_client(coach: Visitor, client_name: str) -> None:
    """The coach's page about one client, from the Clients list."""
    open_nav(coach, "Clients")
    coach.follow(coach.page.get_by_role("link", name=client_name, exact=True))
    expect(coach.page.get_by_role("heading", name=client_name, level=1)).to_be_visible()


def assign_goal(coach: Visitor, client_name: str, title: str, target_meetings: int) -> None:
    """The coach assigns a networking goal (focus: people) from the client's page."""
    open_client(coach, client_name)
    page = coach.page
    coach.follow(page.get_by_role("link", name="Assign a goal"))
    page.get_by_label("Title").fill(title)
    page.get_by_role("radio", name="People").check()
    page.get_by_label("Target", exact=True).fill("Product managers at fintechs")
    page.get_by_label("What to find out").fill("How their teams hire and what they value")
    page.get_by_label("What the client can offer").fill("Ten years of payments experience")
    page.get_by_label("Target number of meetings").fill(str(target_meetings))
    coach.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert").filter(has_text="Goal assigned.")).to_be_visible()


def add_contact(client: Visitor, name: str, company: str, introduced_by: str | None = None) -> None:
    """The client adds a contact from the Contacts page."""
    open_nav(client, "Contacts")
    page = client.page
    client.follow(page.get_by_role("link", name="Add a contact").first)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Company").fill(company)
    page.get_by_label("How you met").fill("Fintech meetup" if not introduced_by else "Introduction")
    if introduced_by:
        page.get_by_label("Introduced by").select_option(label=f"{introduced_by} ({company})")
    page.get_by_label("Keep in touch every … days").fill("30")
    client.follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert").filter(has_text=f"{name} added")).to_be_visible()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def iso_date(value: str, days: int = 0) -> str:
    """`value` (YYYY-MM-DD) moved by `days`."""
    from datetime import date, timedelta

    return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
