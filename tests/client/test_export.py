"""Data ownership: the export holds the client's own rows and nobody else's."""

import io
import json
import zipfile

from coachhub.services import ledger
from tests import factories


def _world_with_data(world):
    mine = factories.MeetingLogFactory(
        client=world.client_a1, follow_up_action="Thank-you note", follow_up_due_on=None
    )
    factories.ReviewFactory(log_row=mine, comment="Nice reciprocity")
    factories.LogCommentFactory(log_row=mine, body="Thank you coach")
    factories.GoalFactory(client=world.client_a1, title="My goal")
    theirs = factories.MeetingLogFactory(client=world.client_a2, ask="SECRET-A2")
    factories.GoalFactory(client=world.client_a2, title="Their goal")
    factories.ContactFactory(client=world.client_b, name="Beta Person")
    factories.ReviewFactory(log_row=theirs, comment="Other review")
    factories.TouchFactory(client=world.client_a1, contact=mine.contact, note="Sent the article")
    factories.TouchFactory(client=world.client_a2, note="SECRET-TOUCH")
    ledger.add_entry(world.a, world.client_a1, mine.contact, "gave", "article", "HBR piece")
    ledger.add_entry(world.a, world.client_a2, theirs.contact, "gave", "help", "SECRET-LEDGER")
    factories.IntroductionFactory(client=world.client_a1, introducer=mine.contact, target="a PM")
    factories.IntroductionFactory(client=world.client_a2, target="SECRET-INTRO")
    return mine


def test_client_json_export_has_only_own_data(world, login):
    mine = _world_with_data(world)
    response = login(world.client_a1.user).get("/p/alpha/client/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == world.client_a1.user.email
    assert [g["title"] for g in data["goals"]] == ["My goal"]
    assert [log["id"] for log in data["meeting_logs"]] == [mine.id]
    assert data["meeting_logs"][0]["review"]["comment"] == "Nice reciprocity"
    assert data["meeting_logs"][0]["comments"][0]["body"] == "Thank you coach"
    assert {c["id"] for c in data["contacts"]} == {mine.contact_id}
    assert [(t["contact_id"], t["kind"], t["note"]) for t in data["touches"]] == [
        (mine.contact_id, "email", "Sent the article")
    ]
    text = response.get_data(as_text=True)
    assert [e["description"] for e in data["ledger"]] == ["HBR piece"]
    assert [
        (i["introducer_contact_id"], i["target"], i["status"]) for i in data["introductions"]
    ] == [(mine.contact_id, "a PM", "requested")]
    assert "SECRET-INTRO" not in text
    foreign_rows = ("SECRET-A2", "Their goal", "Beta Person", "Other review", "SECRET-TOUCH")
    for foreign in (*foreign_rows, "SECRET-LEDGER"):
        assert foreign not in text


def test_client_zip_export(world, login):
    _world_with_data(world)
    response = login(world.client_a1.user).get("/p/alpha/client/export.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {
        "profile.csv",
        "goals.csv",
        "contacts.csv",
        "meeting_logs.csv",
        "reviews.csv",
        "comments.csv",
        "follow_ups.csv",
        "touches.csv",
        "ledger.csv",
        "introductions.csv",
        "checkins.csv",
        "stage_changes.csv",
        "messages.csv",
        "sessions.csv",
        "action_items.csv",
        "agenda_items.csv",
    }
    assert "My goal" in archive.read("goals.csv").decode()
    assert "Their goal" not in archive.read("goals.csv").decode()
    assert "Nice reciprocity" in archive.read("reviews.csv").decode()
    entries = archive.read("ledger.csv").decode()
    assert "HBR piece" in entries and "SECRET-LEDGER" not in entries
    intros = archive.read("introductions.csv").decode()
    assert "a PM" in intros and "SECRET-INTRO" not in intros
    touches = archive.read("touches.csv").decode()
    assert "Sent the article" in touches and "SECRET-TOUCH" not in touches


def test_coach_and_owner_export_a_client(world, login):
    _world_with_data(world)
    url = f"/p/alpha/coach/clients/{world.client_a1.id}/export.json"
    for who in (world.coach_a1, world.owner_a):
        data = login(who.user).get(url).get_json()
        assert [g["title"] for g in data["goals"]] == ["My goal"]
    assert login(world.coach_a2.user).get(url).status_code == 404
