"""Sign-up and reset answer alike for known and unknown emails; common passwords are
refused; signing in starts a new session."""

import statistics
import time

import pytest
from flask import template_rendered
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import OutboundEmail
from tests.factories import PASSWORD


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "iloveyou12"])
def test_common_passwords_are_refused_at_sign_up(db, client, password):
    response = client.post(
        "/signup",
        data={
            "name": "Pat",
            "email": "pat@example.test",
            "password": password,
            "practice_name": "Pat Coaching",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 200
    assert "Add words or characters people would not guess." in response.get_data(as_text=True)


def test_a_password_made_of_the_members_own_name_is_refused(db, client):
    response = client.post(
        "/signup",
        data={
            "name": "Margaret Smithson",
            "email": "margaret.smithson@example.test",
            "password": "margaretsmithson",
            "practice_name": "MS Coaching",
            "timezone": "UTC",
        },
    )
    assert "people would not guess" in response.get_data(as_text=True)


def test_sign_up_does_not_say_an_email_has_an_account(world, client):
    page = client.post(
        "/signup",
        data={
            "name": "Pat",
            "email": world.owner_a.user.email,
            "password": "a-strong-enough-one",
            "practice_name": "Pat Coaching",
            "timezone": "UTC",
        },
    ).get_data(as_text=True)
    assert "already exists" not in page and "already registered" not in page


def _rendered_during(app, request) -> list[str]:
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        request()
    finally:
        template_rendered.disconnect(record, app)
    return names


def test_reset_answers_known_and_unknown_emails_with_the_same_work(app, world, client):
    def ask(email):
        return lambda: client.post("/password/forgot", data={"email": email})

    known = _rendered_during(app, ask(world.coach_a1.user.email))
    unknown = _rendered_during(app, ask("nobody-here@example.test"))
    # The same pages and one email each: the reset link, or "no account uses this address".
    assert [name.replace("password_reset_unknown", "password_reset") for name in unknown] == known
    assert "email/password_reset.txt" in known
    kinds = db.session.scalars(select(OutboundEmail.kind).order_by(OutboundEmail.id)).all()
    assert kinds == ["password_reset", "password_reset_unknown"]


def test_reset_timing_does_not_tell_known_from_unknown(app, world, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_RESET_EMAIL", "1000 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_RESET_IP", "1000 per hour")

    def timed(email):
        started = time.perf_counter()
        response = client.post("/password/forgot", data={"email": email})
        assert response.status_code == 302
        return time.perf_counter() - started

    # Alternated, so a busy machine slows both kinds alike (CI runs other suites beside it).
    known, unknown = [], []
    for n in range(11):
        known.append(timed(world.coach_a1.user.email))
        unknown.append(timed(f"nobody{n}@example.test"))
    known, unknown = statistics.median(known), statistics.median(unknown)
    # Before, an unknown email answered in a sixth of the time; now the work is the same.
    assert unknown > known * 0.5, (known, unknown)


def test_signing_in_starts_a_new_session(world, client):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "known-to-the-attacker"
    response = client.post(
        "/login", data={"email": world.coach_a1.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "known-to-the-attacker"
        assert session.get("_user_id", "").startswith(f"{world.coach_a1.user.id}:")
