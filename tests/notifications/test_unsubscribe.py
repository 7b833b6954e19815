"""Signed unsubscribe links: confirmation page, POST, RFC 8058 one-click, bad links."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from coachhub.notifications import preferences
from coachhub.notifications.kinds import CLIENT_DAILY_REMINDER, COACH_WEEKLY_DIGEST
from coachhub.notifications.preferences import unsubscribe_token


def _wants(db, membership, kind=CLIENT_DAILY_REMINDER) -> bool:
    db.session.expire_all()
    return preferences.wants(membership, kind)


@pytest.fixture
def token(app, db, world):
    with app.test_request_context():
        return unsubscribe_token(world.client_a1, CLIENT_DAILY_REMINDER)


def test_get_asks_and_changes_nothing_post_unsubscribes(client, db, world, token):
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Stop the daily reminders?" in text
    assert world.client_a1.user.email in text and "Alpha Coaching" in text
    assert _wants(db, world.client_a1)  # a GET (or a mail scanner) never unsubscribes

    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 302
    assert response.location.endswith(f"/unsubscribe/{token}")
    assert not _wants(db, world.client_a1)
    assert _wants(db, world.client_a2)
    text = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert "You are unsubscribed" in text
    # again: harmless
    assert client.post(f"/unsubscribe/{token}").status_code == 302


def test_works_for_a_coachs_digest_without_logging_in(app, client, db, world):
    with app.test_request_context():
        token = unsubscribe_token(world.coach_a1, COACH_WEEKLY_DIGEST)
    assert client.post(f"/unsubscribe/{token}").status_code == 302
    assert not _wants(db, world.coach_a1, COACH_WEEKLY_DIGEST)
    assert _wants(db, world.coach_a2, COACH_WEEKLY_DIGEST)


def test_one_click_post(client, db, world, token):
    response = client.post(
        f"/unsubscribe/{token}/one-click", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not _wants(db, world.client_a1)


def test_one_click_needs_the_rfc_8058_body_and_get_only_shows_the_page(client, db, world, token):
    assert client.post(f"/unsubscribe/{token}/one-click", data={}).status_code == 400
    response = client.get(f"/unsubscribe/{token}/one-click")
    assert response.status_code == 302
    assert response.location.endswith(f"/unsubscribe/{token}")
    assert _wants(db, world.client_a1)


def _tamper(token: str) -> str:
    payload, _, rest = token.partition(".")
    other = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    return f"{other}.{rest}"


@pytest.mark.parametrize("suffix", ["", "/one-click"])
def test_tampered_links_are_refused_with_a_clear_page(client, db, world, token, suffix):
    for bad in (_tamper(token), token[:-2], "not-a-token"):
        url = f"/unsubscribe/{bad}{suffix}"
        for response in (
            client.get(url) if not suffix else None,
            client.post(url, data={"List-Unsubscribe": "One-Click"}),
        ):
            if response is None:
                continue
            assert response.status_code == 400, url
            assert "This unsubscribe link is not valid" in response.get_data(as_text=True)
    assert _wants(db, world.client_a1)


def test_a_link_for_another_membership_cannot_be_made_by_editing(app, client, db, world):
    """The payload is signed: changing the membership id breaks the signature."""
    import base64
    import json

    with app.test_request_context():
        token = unsubscribe_token(world.client_a1, CLIENT_DAILY_REMINDER)
    payload, _, rest = token.partition(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["m"] = world.client_a2.id
    forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    url = f"/unsubscribe/{forged.decode().rstrip('=')}.{rest}"
    assert client.post(url).status_code == 400
    assert _wants(db, world.client_a2)


def test_expired_links_are_refused_with_a_clear_page(app, client, db, world):
    issued = datetime(2026, 8, 1, 12, tzinfo=UTC)
    with time_machine.travel(issued, tick=False), app.test_request_context():
        token = unsubscribe_token(world.client_a1, CLIENT_DAILY_REMINDER)
    days = app.config["UNSUBSCRIBE_LINK_DAYS"]
    with time_machine.travel(issued + timedelta(days=days) - timedelta(minutes=1), tick=False):
        assert client.get(f"/unsubscribe/{token}").status_code == 200
    with time_machine.travel(issued + timedelta(days=days, minutes=1), tick=False):
        for response in (
            client.get(f"/unsubscribe/{token}"),
            client.post(f"/unsubscribe/{token}"),
            client.post(f"/unsubscribe/{token}/one-click", data={"List-Unsubscribe": "One-Click"}),
        ):
            assert response.status_code == 410
            assert "This unsubscribe link has expired" in response.get_data(as_text=True)
    assert _wants(db, world.client_a1)


def test_a_kind_that_does_not_apply_to_the_role_is_not_a_valid_link(app, client, db, world):
    with app.test_request_context():
        token = preferences._serializer().dumps(
            {"m": world.client_a1.id, "k": "coach_weekly_digest"}
        )
    assert client.get(f"/unsubscribe/{token}").status_code == 400


class TestWithCsrfOn:
    """As in production: the page's form carries a CSRF token; one-click needs none."""

    @pytest.fixture(autouse=True)
    def csrf_on(self, app, monkeypatch):
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    def test_the_confirmation_form_posts_with_its_token(self, client, db, world, token):
        assert client.post(f"/unsubscribe/{token}").status_code == 400  # no CSRF token
        assert _wants(db, world.client_a1)
        page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(f"/unsubscribe/{token}", data={"csrf_token": csrf}).status_code == 302
        assert not _wants(db, world.client_a1)

    def test_one_click_works_without_a_session_or_csrf_token(self, app, db, world, token):
        fresh = app.test_client()  # a mail provider: no cookies, no page
        response = fresh.post(
            f"/unsubscribe/{token}/one-click", data={"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        assert not _wants(db, world.client_a1)

    def test_one_click_with_a_bad_signature_changes_nothing(self, app, db, world, token):
        response = app.test_client().post(
            f"/unsubscribe/{_tamper(token)}/one-click", data={"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 400
        assert _wants(db, world.client_a1)
