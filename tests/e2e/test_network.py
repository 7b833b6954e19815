"""The networking method in a real browser: a client logs a touch, records a promise and
keeps it, asks for an introduction and records it made, sees the network map, imports a
vCard; once placed, their dashboard is in maintenance mode. Every page is audited (axe, CSP).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import add_contact, open_client, open_nav, practice_with_client
from tests.network.sample_files import vcard

pytestmark = pytest.mark.e2e


def test_touch_promise_introduction_map_import_and_maintenance(new_visitor, unique_email, tmp_path):
    coach, client = practice_with_client(
        new_visitor, unique_email, "Network Journey Coaching", with_coach=False
    )
    add_contact(client, "Nina Ng", "Fintrek")
    page = client.page

    # A touch, from the contact page and back to it.
    client.follow(page.get_by_role("link", name="Log a touch"))
    page.get_by_label("How were you in touch?").select_option(label="Email")
    page.get_by_label("Note").fill("Sent congratulations on the launch")
    client.follow(page.get_by_role("button", name="Save touch"))
    expect(page.get_by_role("heading", name="Nina Ng", level=1)).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("Sent congratulations on the launch")

    # A promise in the ledger becomes a follow-up; keeping it is a touch.
    ledger = page.locator("#ledger")
    ledger.get_by_label("In a few words").fill("I'll send her the article on open banking")
    ledger.get_by_label("What").select_option(label="An article or resource")
    ledger.get_by_label("This is a promise — remind me").check()
    client.follow(ledger.get_by_role("button", name="Add to the ledger"))
    expect(page.get_by_role("alert").filter(has_text="until you keep it")).to_be_visible()
    expect(page.locator("#ledger")).to_contain_text("promise due")
    open_nav(client, "Follow-ups")
    promise = page.get_by_test_id("promise").filter(has_text="article on open banking")
    expect(promise).to_be_visible()
    client.follow(promise.get_by_role("button", name="Kept"))
    expect(page.get_by_role("alert").filter(has_text="Promise to Nina Ng kept.")).to_be_visible()

    # An introduction: asked for, then made (the new contact is introduced by Nina).
    open_nav(client, "Introductions")
    client.follow(page.get_by_role("link", name="Ask for an introduction"))
    page.get_by_label("Who to ask").select_option(label="Nina Ng (Fintrek)")
    page.get_by_label("to introduce me to").fill("someone in the risk team")
    page.get_by_label("at (company)").fill("Monzo")
    client.follow(page.get_by_role("button", name="Save the request"))
    requests = page.get_by_test_id("open-introductions")
    expect(requests).to_contain_text("someone in the risk team at Monzo")
    client.follow(requests.get_by_role("link", name="It was made"))
    page.get_by_label("Their name").fill("Omar Ode")
    client.follow(page.get_by_role("button", name="Add them"))
    expect(page.get_by_role("heading", name="Omar Ode", level=1)).to_be_visible()
    expect(page.get_by_text("Introduced by Nina Ng").first).to_be_visible()

    # The map draws both contacts and the introduction from our own static files.
    open_nav(client, "Network map")
    expect(page.locator("#network-map")).to_have_attribute("data-ready", "2")
    expect(page.locator("#network-map canvas").first).to_be_attached()
    expect(page.get_by_test_id("longest-chain")).to_contain_text("Nina Ng → Omar Ode")
    client.audit()

    # A vCard import: preview, then confirm.
    card = tmp_path / "phone.vcf"
    card.write_bytes(vcard(2))
    open_nav(client, "Contacts")
    client.follow(page.get_by_role("link", name="Import contacts"))
    page.get_by_label("From").select_option("vcard")
    page.get_by_label("File").set_input_files(str(card))
    client.follow(page.get_by_role("button", name="Preview"))
    expect(page.get_by_test_id("import-summary")).to_contain_text("2 new contact(s)")
    client.follow(page.get_by_role("button", name="Import 2 contact(s)"))
    expect(page.get_by_role("alert").filter(has_text="2 contact(s) imported.")).to_be_visible()
    expect(page.get_by_role("link", name="Zoë Müller 0")).to_be_visible()

    # Placed: the coach records the landing; the client's dashboard leads with maintenance.
    open_client(coach, "Cliff Client")
    cpage = coach.page
    expect(cpage.get_by_test_id("client-introductions")).to_contain_text("Nina Ng → Omar Ode")
    coach.follow(cpage.get_by_role("link", name="Career & check-ins"))
    coach.follow(cpage.get_by_role("link", name="Record a landing"))
    cpage.get_by_label("Employer").fill("Fintrek")
    cpage.get_by_label("Role", exact=True).fill("Risk analyst")
    today = cpage.evaluate("() => new Date().toLocaleDateString('sv')")
    cpage.get_by_label("Start date").fill(today)
    coach.follow(cpage.get_by_role("button", name="Save"))
    open_nav(client, "Dashboard")
    expect(page.get_by_test_id("maintenance")).to_be_visible()
    expect(page.get_by_test_id("maintenance")).to_contain_text(re.compile("check-in", re.I))
    assert not client.problems, client.problems
