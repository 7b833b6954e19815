"""Two-factor sign-in with a real authenticator code (computed by pyotp), recovery codes,
the code step's attempt limit, fresh-password changes, and the owner's rule."""

import hashlib
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from coachhub.models import AuditEvent, RecoveryCode
from tests.factories import PASSWORD


def _key(page: str) -> str:
    match = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page)
    assert match, "the key is shown as text"
    return match.group(1).replace(" ", "")


def _enable(c) -> tuple[pyotp.TOTP, list[str]]:
    page = c.get("/account/security").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page, "the QR code is drawn on the server"
    totp = pyotp.TOTP(_key(page))
    response = c.post("/account/security", data={"code": totp.now()})
    assert response.status_code == 200
    codes = re.findall(r"<li class=\"col-6\">([0-9a-f]{5}-[0-9a-f]{5})</li>", response.text)
    return totp, codes


def _next_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step: accepted (clock drift) and not yet used."""
    return totp.at(time.time() + totp.interval)


@pytest.fixture
def with_two_factor(world, login):
    c = login(world.coach_a1.user)
    totp, codes = _enable(c)
    return totp, codes


def test_set_up_shows_qr_and_key_and_confirms_a_code(db, world, login):
    c = login(world.coach_a1.user)
    page = c.get("/account/security").get_data(as_text=True)
    assert "Off." in page
    key = _key(page)
    wrong = c.post("/account/security", data={"code": "000000"})
    assert "does not match" in wrong.text
    assert not world.coach_a1.user.has_two_factor
    response = c.post("/account/security", data={"code": pyotp.TOTP(key).now()})
    assert response.status_code == 200
    db.session.refresh(world.coach_a1.user)
    assert world.coach_a1.user.has_two_factor
    assert "On since" in c.get("/account/security").text


def test_ten_recovery_codes_stored_as_hashes_only(db, world, with_two_factor):
    _, codes = with_two_factor
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert not any(code.replace("-", "") in stored for code in codes)


def test_sign_in_asks_for_the_code_after_the_password(db, world, app, with_two_factor):
    totp, _ = with_two_factor
    c = app.test_client()
    first = c.post("/login", data={"email": world.coach_a1.user.email, "password": PASSWORD})
    assert first.status_code == 302 and first.location.startswith("/login/code")
    assert c.get("/p/alpha/coach/").status_code == 302  # not signed in yet
    page = c.get("/login/code").text
    assert 'name="code"' in page
    assert c.post("/login/code", data={"code": "123456"}).status_code == 200
    code = _next_code(totp)
    done = c.post("/login/code", data={"code": code})
    assert done.status_code == 302
    assert c.get("/p/alpha/coach/").status_code == 200
    # The same code again, in another sign-in, is refused: a code works once.
    other = app.test_client()
    other.post("/login", data={"email": world.coach_a1.user.email, "password": PASSWORD})
    assert other.post("/login/code", data={"code": code}).status_code == 200
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_user_id == world.coach_a1.user.id)
    ).all()
    assert "two_factor.enabled" in events and "member.signed_in" in events


def test_a_recovery_code_works_once(db, world, app, with_two_factor):
    _, codes = with_two_factor
    for expected in (302, 200):
        c = app.test_client()
        c.post("/login", data={"email": world.coach_a1.user.email, "password": PASSWORD})
        assert c.post("/login/code", data={"code": codes[0]}).status_code == expected


def test_wrong_codes_hit_the_sign_in_limit(db, world, app, with_two_factor):
    totp, _ = with_two_factor
    c = app.test_client()
    c.post("/login", data={"email": world.coach_a1.user.email, "password": PASSWORD})
    statuses = [c.post("/login/code", data={"code": f"{n:06d}"}).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert c.post("/login/code", data={"code": _next_code(totp)}).status_code == 429


def test_the_code_step_expires_and_needs_the_password_step(db, world, app, with_two_factor):
    c = app.test_client()
    assert c.get("/login/code").status_code == 302


def test_turning_it_off_needs_the_password(db, world, app, with_two_factor):
    totp, _ = with_two_factor
    c = _sign_in(app, world, totp)
    user = world.coach_a1.user
    c.post("/account/security/two-factor/off", data={"password": "not-my-password"})
    db.session.refresh(user)
    assert user.has_two_factor
    c.post("/account/security/two-factor/off", data={"password": PASSWORD})
    db.session.refresh(user)
    assert not user.has_two_factor
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_changing_the_email_needs_the_password(db, world, login):
    c = login(world.coach_a1.user)
    user = world.coach_a1.user
    c.post("/account/security/email", data={"email": "new@example.test", "password": "nope"})
    db.session.refresh(user)
    assert user.email != "new@example.test"
    c.post("/account/security/email", data={"email": "new@example.test", "password": PASSWORD})
    db.session.refresh(user)
    assert user.email == "new@example.test"
    assert c.get("/p/alpha/coach/").status_code == 200  # this session goes on


def test_the_owner_can_require_it_for_coaches_and_owners(db, world, login, app):
    owner = login(world.owner_a.user)
    settings = {"name": "Alpha Coaching", "timezone": "UTC", "require_two_factor": "y"}
    refused = owner.post("/p/alpha/coach/settings", data=settings)
    assert "Turn on two-factor sign-in for yourself first" in refused.text
    _enable(owner)
    assert owner.post("/p/alpha/coach/settings", data=settings).status_code == 302
    db.session.refresh(world.a)
    assert world.a.require_two_factor
    coach = login(world.coach_a1.user)
    response = coach.get("/p/alpha/coach/")
    assert response.status_code == 302 and response.location == "/account/security"
    assert "requires two-factor sign-in" in coach.get("/account/security").text
    # Clients are not asked; a coach who sets it up gets in.
    assert login(world.client_a1.user).get("/p/alpha/client/").status_code == 200
    _enable(coach)
    assert coach.get("/p/alpha/coach/").status_code == 200
    # Nor can that coach turn it off while the practice requires it.
    coach.post("/account/security/two-factor/off", data={"password": PASSWORD})
    db.session.refresh(world.coach_a1.user)
    assert world.coach_a1.user.has_two_factor


def _sign_in(app, world, totp):
    c = app.test_client()
    c.post("/login", data={"email": world.coach_a1.user.email, "password": PASSWORD})
    assert c.post("/login/code", data={"code": _next_code(totp)}).status_code == 302
    return c


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "ü🙂", "\x00" * 6, "9" * 20])
def test_odd_codes_are_refused_not_failed(db, world, login, code):
    """Found by the fuzzing: non-ASCII digits once crashed the comparison."""
    c = login(world.coach_a1.user)
    c.get("/account/security")
    response = c.post("/account/security", data={"code": code})
    assert response.status_code == 200
    assert not world.coach_a1.user.has_two_factor
