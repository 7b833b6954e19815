"""A coach's private session notes: never on a client's page or in the client's export,
always in the practice's export and on the coach's session page."""

import io
import json
import zipfile

from tests import factories

MARK = "PRIVATE-COACH-NOTE"


def _client_get_urls(app, world, session_id, item_id):
    params = {
        "session_id": session_id,
        "action_id": item_id,
        "goal_id": factories.GoalFactory(client=world.client_a1).id,
        "contact_id": factories.ContactFactory(client=world.client_a1).id,
        "log_id": factories.MeetingLogFactory(client=world.client_a1).id,
        "checkin_id": factories.CheckinFactory(client=world.client_a1).id,
        "introduction_id": factories.IntroductionFactory(client=world.client_a1).id,
        "import_id": factories.PendingImportFactory(client=world.client_a1).id,
        "entry_id": factories.PromiseFactory(client=world.client_a1).id,
    }
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("client.") or "GET" not in rule.methods:
                continue
            values = {a: params[a] for a in rule.arguments if a != "practice_slug"}
            urls.append(url_for(rule.endpoint, practice_slug="alpha", **values))
    return urls


def test_no_client_page_or_export_shows_the_private_notes(app, world, login, db):
    factories.availability(world.coach_a1)
    session = factories.CoachingSessionFactory(client=world.client_a1)
    coach = login(world.coach_a1.user)
    response = coach.post(
        f"/p/alpha/coach/sessions/{session.id}/action-items",
        data={"title": "Email Sam", "due_on": "2030-01-01", "goal": ""},
    )
    assert response.status_code == 302
    item_id = session.action_items[0].id if session.action_items else 1
    db.session.expire_all()
    c = login(world.client_a1.user)
    urls = _client_get_urls(app, world, session.id, item_id)
    assert any("/sessions/" in url for url in urls)
    for url in urls:
        response = c.get(url)
        assert response.status_code in (200, 302, 404), url
        body = response.get_data()
        if url.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"".join(archive.read(name) for name in archive.namelist())
        assert MARK.encode() not in body, url
    # The shared notes are there for the client, the private ones are not.
    page = c.get(f"/p/alpha/client/sessions/{session.id}").get_data(as_text=True)
    assert "We talked about fintech product teams." in page
    data = json.loads(c.get("/p/alpha/client/export.json").get_data())
    assert data["sessions"][0]["shared_notes"] and "private_notes" not in data["sessions"][0]


def test_the_practice_export_and_the_coach_page_have_them(world, login):
    session = factories.CoachingSessionFactory(client=world.client_a1)
    for who in (world.coach_a1, world.owner_a):
        c = login(who.user)
        data = json.loads(c.get(f"/p/alpha/coach/clients/{world.client_a1.id}/export.json").data)
        assert MARK in data["sessions"][0]["private_notes"]
        page = c.get(f"/p/alpha/coach/sessions/{session.id}").get_data(as_text=True)
        assert MARK in page
        assert "never shown to the client and never in the client's export" in page
    other = login(world.coach_a2.user)
    assert other.get(f"/p/alpha/coach/sessions/{session.id}").status_code == 404


def test_the_recap_email_has_shared_notes_and_action_items_but_not_private_ones(
    world, login, outbox
):
    session = factories.CoachingSessionFactory(client=world.client_a1)
    c = login(world.coach_a1.user)
    c.post(
        f"/p/alpha/coach/sessions/{session.id}/action-items",
        data={"title": "Ask Priya for two intros", "due_on": "2030-01-01", "goal": ""},
    )
    assert c.post(f"/p/alpha/coach/sessions/{session.id}/recap").status_code == 302
    (mail,) = [m for m in outbox(world.client_a1.user.email) if m.kind == "session_recap"]
    assert "We talked about fintech product teams." in mail.body_text
    assert "Ask Priya for two intros" in mail.body_text
    assert MARK not in mail.body_text and MARK not in mail.body_html
