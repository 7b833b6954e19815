"""The JSON API: tokens, scoping by role, writes through the services, pages, errors, ETags."""

import json
from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import (
    ActionItem,
    ApiToken,
    InboxItem,
    MeetingLog,
    MemberStatus,
    NetworkingGoal,
    Touch,
    utcnow,
)
from coachhub.services import api_tokens
from tests import factories

PROBLEM = "application/problem+json"


def test_tokens_are_stored_hashed_and_shown_once(world, db):
    token, secret = api_tokens.create_token(world.a, world.coach_a1, "CRM", "read")
    assert secret.startswith("chp_") and len(secret) > 40
    assert token.token_hash == api_tokens.hash_token(secret) and secret not in token.token_hash
    assert token.prefix == secret[:12]
    assert api_tokens.resolve(secret)[1] == world.coach_a1
    assert api_tokens.resolve(secret + "x") is None


def test_cli_creates_a_token_that_works(app, world, runner, client):
    result = runner.invoke(
        args=["api-token", "create", world.coach_a1.user.email, "--practice", "alpha"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json["role"] == "coach" and response.json["scope"] == "read"
    bad = runner.invoke(args=["api-token", "create", "nobody@x.test", "--practice", "alpha"])
    assert bad.exit_code != 0


def test_the_tokens_page_makes_lists_and_revokes(world, login, db):
    page = login(world.coach_a1.user)
    response = page.post(
        "/account/tokens",
        data={
            "name": "Sheet",
            "practice": world.coach_a1.id,
            "scope": "write",
            "expires_in_days": 30,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "chp_" in html
    token = db.session.scalars(select(ApiToken)).one()
    assert token.can_write and token.name == "Sheet"
    secret = html.split('data-testid="api-token-secret">')[1].split("<")[0]
    listing = page.get("/account/tokens").get_data(as_text=True)
    assert "Sheet" in listing and secret not in listing  # shown once
    # someone else cannot revoke it
    other = login(world.coach_a2.user)
    assert other.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert page.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    api = page.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401 and api.mimetype == PROBLEM


def test_an_empty_name_comes_back_with_the_reason(world, login, db):
    page = login(world.coach_a1.user)
    response = page.post(
        "/account/tokens",
        data={"name": "", "practice": world.coach_a1.id, "scope": "read", "expires_in_days": 30},
    )
    assert response.status_code == 200 and "chp_" not in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).first() is None


def test_each_role_sees_its_own_clients(world, client, api_token):
    def ids(member):
        response = client.get("/api/v1/clients", headers=api_token(member, "read"))
        return {row["id"] for row in response.json["data"]}

    assert ids(world.owner_a) == {world.client_a1.id, world.client_a2.id}
    assert ids(world.coach_a1) == {world.client_a1.id}
    assert ids(world.client_a1) == {world.client_a1.id}


def test_archived_members_tokens_stop_working(world, client, api_token, db):
    headers = api_token(world.coach_a1)
    world.coach_a1.status = MemberStatus.ARCHIVED
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_expired_tokens_are_refused(world, client, api_token, time_machine):
    headers = api_token(world.coach_a1, expires_in_days=1)
    time_machine.move_to(utcnow() + timedelta(days=2))
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_read_only_practice_refuses_writes_with_402(world, client, api_token, db):
    headers = api_token(world.client_a1)
    world.a.trial_ends_at = utcnow() - timedelta(days=1)
    world.a.subscription_status = "canceled"
    db.session.commit()
    assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    response = client.post("/api/v1/contacts", json={"name": "Dana"}, headers=headers)
    assert response.status_code == 402 and response.json["status"] == 402


def test_a_client_logs_a_meeting_through_the_service(world, client, api_token, db):
    contact = factories.ContactFactory(client=world.client_a1)
    headers = api_token(world.client_a1)
    today = utcnow().date().isoformat()
    response = client.post(
        "/api/v1/meetings",
        json={
            "contact_id": contact.id,
            "met_on": today,
            "format": "coffee",
            "ask": "How do PMs get hired?",
            "offer": "An intro to my old team",
            "follow_up_action": "Send thank-you email",
            "follow_up_due_on": today,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.json
    log = db.session.get(MeetingLog, response.json["id"])
    assert log.client_membership_id == world.client_a1.id and not log.is_weak
    # the coach hears of it, as from the page
    assert db.session.scalars(
        select(InboxItem).where(InboxItem.recipient_membership_id == world.coach_a1.id)
    ).first()
    done = client.post(f"/api/v1/meetings/{log.id}/follow-up/complete", json={}, headers=headers)
    assert done.status_code == 200 and done.json["state"] == "done"
    assert db.session.scalars(select(Touch).where(Touch.meeting_log_id == log.id)).one()
    touch = client.post(
        f"/api/v1/contacts/{contact.id}/touches", json={"kind": "call"}, headers=headers
    )
    assert touch.status_code == 201 and touch.json["kind"] == "call"


def test_a_coach_assigns_goals_and_reviews(world, client, api_token, db):
    headers = api_token(world.coach_a1)
    response = client.post(
        "/api/v1/goals",
        json={"client_id": world.client_a1.id, "title": "Meet 5 PMs", "focus": "people"},
        headers=headers,
    )
    assert response.status_code == 201
    assert db.session.get(NetworkingGoal, response.json["id"]).created_by_membership_id == (
        world.coach_a1.id
    )
    log = factories.MeetingLogFactory(client=world.client_a1)
    review = client.post(
        f"/api/v1/meetings/{log.id}/review",
        json={"intent_clarity": 5, "reciprocity": 4, "follow_up": 3, "comment": "Good"},
        headers=headers,
    )
    assert review.status_code == 200 and review.json["reciprocity"] == 4
    shown = client.get(f"/api/v1/meetings/{log.id}", headers=headers).json
    assert shown["review"]["comment"] == "Good"
    # a client cannot assign goals; a coach cannot log meetings
    client_headers = api_token(world.client_a1)
    assert client.post("/api/v1/goals", json={}, headers=client_headers).status_code in (403, 422)
    refused = client.post(
        "/api/v1/meetings",
        json={"contact_id": 1, "met_on": "2026-01-01", "format": "coffee"},
        headers=headers,
    )
    assert refused.status_code == 403


def test_validation_errors_name_the_fields(world, client, api_token):
    headers = api_token(world.client_a1)
    response = client.post("/api/v1/contacts", json={"name": "", "bogus": 1}, headers=headers)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert {"name", "bogus"} <= set(response.json["errors"])
    nul = client.post("/api/v1/contacts", json={"name": "a\x00b"}, headers=headers)
    assert nul.status_code == 422
    not_json = client.post("/api/v1/contacts", data="x", headers=headers)
    assert not_json.status_code == 422
    assert client.get("/api/v1/goals?limit=0", headers=headers).status_code == 422
    assert client.get("/api/v1/goals?cursor=%%%", headers=headers).status_code == 422


def test_cursor_pages_and_updated_since(world, client, api_token, db, time_machine):
    headers = api_token(world.client_a1, "read")
    first = [factories.GoalFactory(client=world.client_a1) for _ in range(5)]
    time_machine.move_to(utcnow() + timedelta(hours=1))
    later = factories.GoalFactory(client=world.client_a1)
    seen, url = [], "/api/v1/goals?limit=2"
    while url:
        body = client.get(url, headers=headers).json
        seen += [row["id"] for row in body["data"]]
        url = body["next_cursor"] and f"/api/v1/goals?limit=2&cursor={body['next_cursor']}"
    assert seen == [g.id for g in [*first, later]]
    since = (utcnow() - timedelta(minutes=1)).isoformat()
    recent = client.get("/api/v1/goals", query_string={"updated_since": since}, headers=headers)
    assert [row["id"] for row in recent.json["data"]] == [later.id]


def test_etags_answer_304_when_nothing_changed(world, client, api_token):
    headers = api_token(world.coach_a1, "read")
    first = client.get("/api/v1/clients", headers=headers)
    etag = first.headers["ETag"]
    again = client.get("/api/v1/clients", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_checkins_carry_the_pulse_breakdown(world, client, api_token):
    checkin = factories.CheckinFactory(client=world.client_a1)
    body = client.get(f"/api/v1/checkins/{checkin.id}", headers=api_token(world.coach_a1)).json
    assert body["pulse"]["score"] >= 0
    assert body["pulse"]["parts"] and {"label", "points"} <= set(body["pulse"]["parts"][0])


def test_requests_are_rate_limited_per_token(app, world, client, api_token):
    app.config["RATELIMIT_API_TOKEN"] = "3 per minute"
    try:
        headers = api_token(world.coach_a1)
        codes = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/me", headers=headers)
        assert limited.mimetype == PROBLEM and int(limited.headers["Retry-After"]) >= 1
        # another token has its own count
        assert client.get("/api/v1/me", headers=api_token(world.coach_a2)).status_code == 200
    finally:
        app.config["RATELIMIT_API_TOKEN"] = "300 per minute"


def test_unknown_paths_and_methods_are_problems(world, client, api_token):
    headers = api_token(world.coach_a1)
    for response in (
        client.get("/api/v1/nope", headers=headers),
        client.delete("/api/v1/clients", headers=headers),
        client.get("/api/v1/goals/99999999999999", headers=headers),
    ):
        assert response.status_code in (404, 405) and response.mimetype == PROBLEM


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(app, world, api_token):
    from config import TestingConfig

    assert TestingConfig  # CSRF is on in the suite's config for pages
    c = app.test_client()
    response = c.post("/api/v1/contacts", json={"name": "Dana"}, headers=api_token(world.client_a1))
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_the_openapi_document_is_valid_and_lists_every_operation(app, client):
    response = client.get("/api/v1/openapi.json")
    document = json.loads(response.data)
    assert document["openapi"] == "3.1.0"
    validate(document)
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    api_endpoints = {
        rule.endpoint.removeprefix("api.")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    } - {"openapi", "reference"}
    assert operations == api_endpoints


def test_the_reference_page_runs_only_our_own_files(client):
    response = client.get("/api/v1/reference")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clients",
        "/api/v1/goals",
        "/api/v1/contacts",
        "/api/v1/meetings",
        "/api/v1/follow-ups",
        "/api/v1/checkins",
        "/api/v1/sessions",
    ],
)
def test_list_queries_stay_the_same_at_1x_and_10x(world, client, api_token, count_queries, path):
    headers = api_token(world.owner_a, "read")
    client.get("/api/v1/me", headers=headers)  # the token's last use is noted: not counted

    start = [utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)]

    def add(n):
        for _ in range(n):
            member = factories.client(world.a, world.coach_a1)
            contact = factories.ContactFactory(client=member)
            factories.GoalFactory(client=member)
            log = factories.MeetingLogFactory(
                client=member,
                contact=contact,
                follow_up_action="Call",
                follow_up_due_on=utcnow().date(),
            )
            factories.ReviewFactory(log_row=log)
            factories.CheckinFactory(client=member)
            start[0] += timedelta(hours=1)  # one coach: each session at its own time
            session = factories.CoachingSessionFactory(
                client=member, starts_at=start[0], ends_at=start[0] + timedelta(minutes=30)
            )
            db.session.add(
                ActionItem(
                    practice_id=world.a.id,
                    client_membership_id=member.id,
                    session_id=session.id,
                    title="Email Sam",
                    due_on=utcnow().date(),
                )
            )
            db.session.commit()

    counts = []
    for n in (3, 27):
        add(n)
        with count_queries() as counter:
            response = client.get(path + "?limit=100", headers=headers)
        assert response.status_code == 200 and len(response.json["data"]) >= n
        counts.append(counter.count)
    print(f"QUERIES {path:22} small={counts[0]} large={counts[1]}")
    assert counts[0] == counts[1] <= 6, counts
