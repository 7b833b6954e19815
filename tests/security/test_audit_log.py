"""The owner's audit log: what happened, filtered by member and action, paged, as CSV."""

import csv
import io

from tests import factories


def test_the_owner_sees_sign_ins_and_changes(db, world, login):
    login(world.coach_a1.user)
    owner = login(world.owner_a.user)
    owner.post("/p/alpha/coach/settings", data={"name": "Alpha Coaching", "timezone": "UTC"})
    page = owner.get("/p/alpha/coach/audit").text
    assert "member.signed_in" in page and "practice.settings_changed" in page
    assert world.coach_a1.user.name in page


def test_filters_by_member_and_action(db, world, login):
    login(world.coach_a1.user)
    owner = login(world.owner_a.user)
    coach_id = world.coach_a1.user.id
    page = owner.get(f"/p/alpha/coach/audit?member={coach_id}&action=member.signed_in").text
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert world.coach_a1.user.name in rows and world.owner_a.user.name not in rows
    empty = owner.get("/p/alpha/coach/audit?action=no.such.action&member=99999999999999999999")
    assert empty.status_code == 200


def test_pages_of_fifty(db, world, login):
    for n in range(60):
        factories.ContactFactory(client=world.client_a1, name=f"C{n}")
    from coachhub.services.audit import record

    for n in range(60):
        record(world.a, world.client_a1.user, "contact.added", None, n=n)
    db.session.commit()
    owner = login(world.owner_a.user)
    first = owner.get("/p/alpha/coach/audit?action=contact.added").text
    assert first.count("<code>contact.added</code>") == 50
    assert "page=2" in first and "action=contact.added" in first
    second = owner.get("/p/alpha/coach/audit?action=contact.added&page=2").text
    assert second.count("<code>contact.added</code>") == 10


def test_csv_export_with_filters_is_itself_audited(db, world, login):
    owner = login(world.owner_a.user)
    response = owner.get("/p/alpha/coach/audit.csv?action=member.signed_in")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {r["action"] for r in rows} == {"member.signed_in"}
    assert rows[0]["email"] == world.owner_a.user.email
    assert "audit_log.exported" in owner.get("/p/alpha/coach/audit").text


def test_client_exports_are_recorded(db, world, login):
    login(world.client_a1.user).get("/p/alpha/client/export.zip")
    page = login(world.owner_a.user).get("/p/alpha/coach/audit?action=export.downloaded").text
    assert "format: zip" in page


def test_only_the_owner_sees_it_and_only_their_practice(db, world, login):
    assert login(world.coach_a1.user).get("/p/alpha/coach/audit").status_code == 403
    assert login(world.client_a1.user).get("/p/alpha/coach/audit").status_code == 403
    other = login(world.owner_b.user)
    assert other.get("/p/alpha/coach/audit").status_code == 404
    assert world.owner_a.user.email not in other.get("/p/beta/coach/audit.csv").text
