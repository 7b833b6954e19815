"""Rate limits: sign-in per account and per address, codes, resets, sign-up, invitations,
the webhook; a 429 page that says when to try again; Redis shares the counts."""

import os
import uuid

import pytest
import redis

from coachhub import create_app
from coachhub.extensions import db as _db
from config import TestingConfig
from tests.factories import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_fifty_wrong_passwords_end_in_429_and_then_even_the_right_one_waits(world, client):
    email = world.owner_a.user.email
    statuses = [_login(client, email, f"wrong-{n}").status_code for n in range(50)]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    response = _login(client, email, PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page and "try again in" in page


def test_the_account_limit_does_not_lock_out_other_accounts(world, client):
    for n in range(10):
        _login(client, world.owner_a.user.email, f"wrong-{n}")
    assert _login(client, world.owner_a.user.email, PASSWORD).status_code == 429
    assert _login(client, world.coach_a1.user.email, PASSWORD).status_code == 302


def test_right_passwords_are_not_counted(world, app):
    for _ in range(15):
        c = app.test_client()
        assert _login(c, world.client_a1.user.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_limited(world, client, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "5 per 15 minutes")
    statuses = [
        _login(client, f"nobody{n}@example.test", "wrong-password").status_code for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": "x@example.test", "password": "y"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 200


def test_password_reset_requests_are_limited_per_email(world, client, outbox):
    email = world.client_a1.user.email
    statuses = [
        client.post("/password/forgot", data={"email": email}).status_code for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(outbox(email)) == 3


def test_sign_ups_are_limited_per_address(db, client, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNUP_IP", "2 per hour")
    statuses = [
        client.post("/signup", data={"name": "", "email": "bad"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_invitations_are_limited_per_member(world, login, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_INVITE_MEMBER", "2 per hour")
    owner = login(world.owner_a.user)
    statuses = [
        owner.post(
            "/p/alpha/coach/invitations",
            data={"email": f"new{n}@example.test", "role": "client", "coach": world.coach_a1.id},
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    resend = owner.post(f"/p/alpha/coach/invitations/{world.invitation_a1.id}/resend")
    assert resend.status_code == 429


def test_the_webhook_is_limited_per_address(db, client, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_WEBHOOK_IP", "3 per minute")
    statuses = [client.post("/billing/stripe/webhook", data="{}").status_code for _ in range(4)]
    assert statuses[-1] == 429 and 429 not in statuses[:3]


@pytest.fixture
def redis_store():
    """The real Redis (DB 4 unless TEST_REDIS_URL): required in CI, skipped elsewhere if absent."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"coachhub-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


def test_two_app_servers_share_the_counts_in_redis(db, world, redis_store):
    class OnRedis(TestingConfig):
        RATELIMIT_STORAGE_URI = REDIS_URL
        RATELIMIT_KEY_PREFIX = redis_store

    servers = [create_app(OnRedis), create_app(OnRedis)]
    email = world.owner_a.user.email
    statuses = []
    try:
        for n in range(12):
            c = servers[n % 2].test_client()
            statuses.append(_login(c, email, f"wrong-{n}").status_code)
    finally:
        for server in servers:
            with server.app_context():
                _db.engine.dispose()
    # Ten failures in all, whichever server took them; then both refuse.
    assert statuses == [200] * 10 + [429, 429]
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{redis_store}*")
    assert keys, "the counters live in Redis"
