"""Sessions: Flask-Login's user loader (the stored id carries the session version), a new
session at every sign-in, and the wait between the password and the second factor."""

from flask import request, session, url_for
from flask_login import login_user

from coachhub.extensions import db, login_manager
from coachhub.inputs import safe_next
from coachhub.models import User, utcnow

# How long the code step waits after a right password, in seconds.
PENDING_SECONDS = 300


@login_manager.user_loader
def load_user(stored_id: str) -> User | None:
    """A session is valid only while its version matches the user's current one."""
    user_id, _, version = stored_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    """Sign `user` in on a new session: nothing set before (a planted session, its CSRF
    token, a half-finished sign-in) carries over."""
    session.clear()
    login_user(user)


def begin_second_step(user: User) -> str:
    """Remember who passed the password step (in a new session); the URL of the code step."""
    session.clear()
    session["two_factor_user_id"] = user.id
    session["two_factor_email"] = user.email
    session["two_factor_version"] = user.session_version
    session["two_factor_since"] = utcnow().timestamp()
    return url_for("auth.two_factor_code", next=safe_next(request.args.get("next")))


def pending_user() -> User | None:
    """The user between the password and the code steps, while that step is fresh."""
    user_id = session.get("two_factor_user_id")
    since = session.get("two_factor_since", 0)
    if not isinstance(user_id, int) or utcnow().timestamp() - since > PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != session.get("two_factor_version"):
        return None
    return user
