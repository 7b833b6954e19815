"""The browser journeys on the account pages, each from a fresh practice.

Numbers follow the issue: 1 (owner → coach → client), 4 (billing without
Stripe, partly), 5 (bad input), 6 (phone); plus logging out and back in from
the public pages, and the sign-up form by keyboard. Journey 2 and the portal
parts of 5 and 6 are in test_portals.py; journey 3 arrives with the check-in
pages. Every page visited is audited with axe-core.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import (
    PASSWORD,
    accept_invitation,
    expect_field_error,
    invite,
    log_out,
    open_nav,
    sign_up,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_owner_invites_coach_who_invites_client(new_visitor, unique_email):
    """Journey 1: sign up, invite a coach, the coach joins and invites a client, who joins."""
    owner, coach, client = new_visitor(), new_visitor(), new_visitor()
    coach_email, client_email = unique_email("coach"), unique_email("client")

    sign_up(owner, "Olga Owner", unique_email("owner"), "Journey One Coaching")
    expect(owner.page.get_by_test_id("practice-badge")).to_contain_text("Journey One Coaching")
    invite(owner, coach_email, role="coach")

    accept_invitation(coach, coach_email, "Cora Coach")
    expect(coach.page.get_by_test_id("practice-badge")).to_contain_text("coach")
    invite(coach, client_email)

    accept_invitation(client, client_email, "Cliff Client")
    expect(client.page.get_by_test_id("practice-badge")).to_contain_text("client")
    expect(client.page.get_by_text("Your coach: Cora Coach")).to_be_visible()

    # The coach sees the new client; the owner sees both invitations accepted.
    open_nav(coach, "Clients")
    expect(coach.page.get_by_role("row").filter(has_text=client_email)).to_contain_text(
        "Cliff Client"
    )
    open_nav(owner, "Invitations")
    expect(owner.page.get_by_role("row").filter(has_text=coach_email)).to_contain_text("accepted")


def test_billing_without_stripe_shows_trial_and_what_to_configure(new_visitor, unique_email):
    """Journey 4 (the part that exists): no Stripe keys, so billing explains the trial and setup."""
    owner = new_visitor()
    sign_up(owner, "Bill Owner", unique_email("owner"), "Billing Journey Coaching")
    open_nav(owner, "Billing")
    page = owner.page
    expect(page.get_by_test_id("billing-status")).to_have_text("Free trial: 14 days left")
    expect(page.get_by_text("Payments are not configured on this server")).to_contain_text(
        "STRIPE_SECRET_KEY"
    )
    owner.assert_fits_width()  # the owner's long menu fits at 1280×720


def test_bad_input_keeps_what_was_typed_and_explains_next_to_fields(new_visitor, unique_email):
    """Journey 5: sign-up and invitation forms with errors keep the input and explain each one."""
    owner = new_visitor()
    page = owner.goto("/signup")
    page.get_by_label("Your name").fill("Tess Typo")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Practice name").fill("Typo Coaching")
    owner.follow(page.get_by_role("button", name="Create my practice"))

    expect(page.get_by_role("alert")).to_contain_text("Please fix the highlighted fields")
    expect(page.get_by_label("Your name")).to_have_value("Tess Typo")
    expect(page.get_by_label("Practice name")).to_have_value("Typo Coaching")
    expect(page.get_by_label("Email")).to_have_value("not-an-email")
    expect_field_error(page.get_by_label("Email"), "Enter a valid email address.")
    expect_field_error(page.get_by_label("Password"), "Use 10 to 128 characters.")
    expect(page.get_by_label("Your name")).not_to_have_attribute("aria-invalid", "true")

    # Corrected, the same form goes through; then the invitation form with a bad email.
    page.get_by_label("Email").fill(unique_email("owner"))
    page.get_by_label("Password").fill("a long enough password")
    owner.follow(page.get_by_role("button", name="Create my practice"))
    expect(page.get_by_role("heading", name="Hello, Tess Typo")).to_be_visible()

    open_nav(owner, "Invitations")
    page.get_by_label("Email").fill("someone@")
    page.get_by_role("radio", name="Coach", exact=True).check()
    owner.follow(page.get_by_role("button", name="Send invitation"))
    expect(page.get_by_label("Email")).to_have_value("someone@")
    expect(page.get_by_role("radio", name="Coach", exact=True)).to_be_checked()
    expect_field_error(page.get_by_label("Email"), "Enter a valid email address.")
    expect(page.get_by_text("No invitations yet.")).to_be_visible()


def test_phone_navigation_and_pages_fit_the_screen(new_visitor, unique_email):
    """Journey 6: at 390×844 the collapsed menu works and no page scrolls sideways."""
    owner, client = new_visitor(viewport=PHONE), new_visitor(viewport=PHONE)
    client_email = unique_email("client")

    sign_up(owner, "Pia Phone", unique_email("owner"), "Phone Journey Coaching")
    owner.assert_fits_width()
    page = owner.page
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients")
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_visible()
    expect(nav_link).to_be_hidden()

    invite(owner, client_email)  # opens the menu, follows "Invitations", uses the form
    owner.assert_fits_width()

    accept_invitation(client, client_email, "Pat Phone")
    client.assert_fits_width()
    open_nav(client, "Dashboard")
    client.assert_fits_width()

    open_nav(owner, "Clients")
    expect(page.get_by_role("row").filter(has_text=client_email)).to_be_visible()
    owner.assert_fits_width()
    open_nav(owner, "Dashboard")
    expect(page.get_by_test_id("active-clients")).to_have_text("1")
    owner.assert_fits_width()
    open_nav(owner, "Invitations")
    expect(page.get_by_role("row").filter(has_text=client_email)).to_contain_text("accepted")
    owner.assert_fits_width()


def test_sign_up_with_the_keyboard_only(new_visitor, unique_email):
    """Keyboard: Tab to each sign-up field in order, type, Tab to the button, Enter."""
    owner = new_visitor()
    page = owner.goto("/signup")
    keyboard = page.keyboard
    for _ in range(15):  # past the skip link and the navigation
        keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "name":
            break
    expect(page.get_by_label("Your name")).to_be_focused()

    typed = {
        "Your name": "Kay Keys",
        "Email": unique_email("keyboard"),
        "Password": "typed on a keyboard",
        "Practice name": "Keyboard Coaching",
    }
    for label, text in typed.items():
        expect(page.get_by_label(label)).to_be_focused()
        keyboard.type(text)
        keyboard.press("Tab")
    expect(page.get_by_label("Practice timezone")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create my practice")).to_be_focused()
    owner.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Kay Keys")).to_be_visible()


def test_log_out_and_back_in_from_the_public_pages(new_visitor, unique_email):
    """A returning owner: log out everywhere, then in again from the landing page."""
    owner, email = new_visitor(), unique_email("owner")
    sign_up(owner, "Rita Return", email, "Return Journey Coaching")
    page = owner.page
    log_out(owner)
    expect(page.get_by_role("alert")).to_contain_text("You are logged out on every device.")

    owner.goto("/")
    owner.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Pricing"))
    expect(page.get_by_role("heading", name="Pricing")).to_be_visible()
    owner.follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    owner.follow(page.get_by_role("button", name="Log in"))
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(page.get_by_text("Email or password is not right.")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    owner.follow(page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", name="Hello, Rita Return")).to_be_visible()
