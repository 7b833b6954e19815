"""The ledger through pages: a contact's give and take, the list's balance, the nudge."""

from sqlalchemy import func, select

from coachhub.models import LedgerEntry
from coachhub.services import ledger
from tests import factories


def test_add_to_the_ledger_from_the_contact_page(world, login, db):
    c = login(world.client_a1.user)
    ana = factories.ContactFactory(client=world.client_a1, name="Ana Lee")
    url = f"/p/alpha/client/contacts/{ana.id}"
    page = c.get(url).get_data(as_text=True)
    assert 'data-testid="ledger-balance"' in page and "You gave <strong>0</strong>" in page

    bad = c.post(url + "/ledger", data={"direction": "gave", "kind": "article", "description": ""})
    assert bad.status_code == 400
    assert "What was it? A few words are enough." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0

    response = c.post(
        url + "/ledger",
        data={"direction": "received", "kind": "referral", "description": "Referred me to Bo"},
    )
    assert response.status_code == 302 and response.location.endswith("#ledger")
    page = c.get(url).get_data(as_text=True)
    assert "Referred me to Bo" in page and "only taken" in page

    listing = c.get("/p/alpha/client/contacts").get_data(as_text=True)
    assert "0 / 1" in listing and "only taking" in listing
    home = c.get("/p/alpha/client/").get_data(as_text=True)
    assert 'data-testid="only-taking"' in home and "Ana Lee" in home
    assert 'data-testid="gives-takes">0 / 1' in home

    # Giving something back ends the nudge; the coach sees gives vs takes too.
    ledger.add_entry(world.a, world.client_a1, ana, "gave", "article", "Sent the HBR piece")
    db.session.commit()
    assert 'data-testid="only-taking"' not in c.get("/p/alpha/client/").get_data(as_text=True)
    coach = login(world.coach_a1.user)
    detail = coach.get(f"/p/alpha/coach/clients/{world.client_a1.id}").get_data(as_text=True)
    assert 'data-testid="gives-takes">1 / 1' in detail
    assert "1 / 1" in coach.get("/p/alpha/coach/").get_data(as_text=True)


def test_another_clients_contact_ledger_is_out_of_reach(world, login, db):
    theirs = factories.ContactFactory(client=world.client_a2)
    c = login(world.client_a1.user)
    response = c.post(
        f"/p/alpha/client/contacts/{theirs.id}/ledger",
        data={"direction": "gave", "kind": "help", "description": "x"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
