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


def _many_logs(world, n):
    """`n` logs of client_a1 over several batches, with follow-ups, reviews and comments,
    beside another client's and another practice's logs."""
    from datetime import timedelta

    today = world.a.today()
    contact = factories.ContactFactory(client=world.client_a1)
    for i in range(n):
        log = factories.MeetingLogFactory(
            client=world.client_a1,
            contact=contact,
            met_on=today - timedelta(days=i),
            ask=f"=ask {i}",
            follow_up_action=f"Follow up {i}" if i % 2 else "",
            follow_up_due_on=today + timedelta(days=i) if i % 2 else None,
        )
        if i % 3:
            factories.ReviewFactory(log_row=log, comment=f"Review {i}")
        if i % 4 == 0:
            factories.LogCommentFactory(log_row=log, body=f"Comment {i}")
    factories.MeetingLogFactory(client=world.client_a2, ask="SECRET-A2")
    factories.MeetingLogFactory(client=world.client_b, ask="SECRET-B")


def test_streamed_exports_hold_what_the_whole_export_holds(world, login, monkeypatch):
    """Written in batches (here of 3 logs), the downloads carry the same rows as the export
    built in memory: every log once, in order, with its review, comments and follow-up."""
    from coachhub.services import exports

    monkeypatch.setattr(exports, "LOG_BATCH", 3)
    _many_logs(world, 10)
    expected = exports.client_export(world.client_a1)
    logs = expected["meeting_logs"]
    # Oldest meeting first: the tenth log made (nine days ago) leads.
    assert [log["ask"] for log in logs] == [f"=ask {i}" for i in reversed(range(10))]
    assert sum(1 for log in logs if log["review"]) == 6
    assert [c["body"] for log in logs for c in log["comments"]] == [
        "Comment 8",
        "Comment 4",
        "Comment 0",
    ]
    assert [f["action"] for f in expected["follow_ups"]] == [
        f"Follow up {i}" for i in (9, 7, 5, 3, 1)
    ]
    c = login(world.client_a1.user)
    response = c.get("/p/alpha/client/export.json")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="coachhub-export.json"'
    )
    text = response.get_data(as_text=True)
    assert json.loads(text) == expected
    assert "SECRET-A2" not in text and "SECRET-B" not in text

    archive = zipfile.ZipFile(io.BytesIO(c.get("/p/alpha/client/export.zip").data))
    whole = zipfile.ZipFile(io.BytesIO(exports.client_export_zip(expected)))
    assert sorted(archive.namelist()) == sorted(whole.namelist())
    for name in whole.namelist():
        assert archive.read(name) == whole.read(name), name
    logs = archive.read("meeting_logs.csv").decode()
    # Ten logs and the header; cells that a spreadsheet would run are defused.
    assert logs.count("'=ask ") == 10
    assert "SECRET" not in logs


def test_a_coachs_streamed_export_of_a_client(world, login, monkeypatch):
    from coachhub.services import exports

    monkeypatch.setattr(exports, "LOG_BATCH", 2)
    _many_logs(world, 5)
    url = f"/p/alpha/coach/clients/{world.client_a1.id}/export"
    c = login(world.coach_a1.user)
    data = c.get(url + ".json").get_json()
    assert data == exports.client_export(world.client_a1, for_practice=True)
    archive = zipfile.ZipFile(io.BytesIO(c.get(url + ".zip").data))
    assert archive.read("follow_ups.csv").decode().count("Follow up") == 2
    # Another coach of the practice, and another practice, get nothing.
    assert login(world.coach_a2.user).get(url + ".zip").status_code == 404
    assert login(world.owner_b.user).get(url + ".json").status_code == 404


def test_the_owner_exports_the_whole_practice(world, login, monkeypatch):
    """Every client of the practice, each as the coach's export of them, and nobody else's."""
    from coachhub.services import exports

    monkeypatch.setattr(exports, "LOG_BATCH", 2)
    _many_logs(world, 5)
    factories.GoalFactory(client=world.client_a2, title="A2 goal")
    factories.GoalFactory(client=world.client_b, title="SECRET-B-GOAL")
    response = login(world.owner_a.user).get("/p/alpha/coach/export.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="alpha-export.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    practice = json.loads(archive.read("practice.json"))
    assert practice["practice"]["slug"] == "alpha"
    emails = {m["email"] for m in practice["members"]}
    assert world.client_a1.user.email in emails and world.owner_a.user.email in emails
    assert world.client_b.user.email not in emails
    clients = sorted(n for n in archive.namelist() if n.startswith("clients/"))
    assert f"clients/{world.client_a1.id}.json" in clients
    assert f"clients/{world.client_a2.id}.json" in clients
    assert f"clients/{world.client_b.id}.json" not in clients
    mine = json.loads(archive.read(f"clients/{world.client_a1.id}.json"))
    assert mine == exports.client_export(world.client_a1, for_practice=True)
    assert len(mine["meeting_logs"]) == 5
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert "A2 goal" in everything
    assert "SECRET-B" not in everything
    audit = login(world.owner_a.user).get("/p/alpha/coach/audit").text
    assert "export.practice_downloaded" in audit


def test_only_the_owner_exports_the_practice(world, login):
    assert login(world.coach_a1.user).get("/p/alpha/coach/export.zip").status_code == 403
    assert login(world.client_a1.user).get("/p/alpha/coach/export.zip").status_code == 403
    assert login(world.owner_b.user).get("/p/alpha/coach/export.zip").status_code == 404
