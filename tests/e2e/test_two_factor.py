"""Two-factor sign-in in a real browser: set-up from the QR page's key, then sign-in with a
code from an authenticator (pyotp here), with axe and the CSP checking every page."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.flows import PASSWORD, log_out, open_account_menu, sign_up

pytestmark = pytest.mark.e2e


def test_set_up_two_factor_and_sign_in_with_a_code(new_visitor, unique_email):
    email = unique_email("tfa-owner")
    owner = new_visitor()
    sign_up(owner, "Tess Twofactor", email, "Two Factor Coaching")
    open_account_menu(owner, "Profile and security")
    page = owner.page
    expect(page.get_by_role("img", name="QR code for setting up CoachHub")).to_be_visible()
    key = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(key)
    page.get_by_label("Code").fill(totp.now())
    owner.follow(page.get_by_role("button", name="Turn on two-factor sign-in"))
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    owner.follow(page.get_by_role("link", name="I have saved them"))
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("On since")

    log_out(owner)
    page = owner.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    owner.follow(page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    # The next step's code: the current one was used to confirm the set-up.
    page.get_by_label("Code").fill(totp.at(time.time() + totp.interval))
    owner.follow(page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", name="Hello, Tess Twofactor")).to_be_visible()
