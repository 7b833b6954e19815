"""Accounts: sign-up, authentication, passwords, sessions."""

import re
import unicodedata
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import Membership, MemberStatus, Practice, Role, User, utcnow
from coachhub.notifications.outbox import queue_email
from coachhub.security import hash_password, needs_rehash, verify_password
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.urls import external_url


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:48].strip("-") or "practice"


def unique_slug(name: str) -> str:
    """A URL slug from the practice name, with -2, -3, … when taken."""
    base = slugify(name)
    taken = set(
        db.session.scalars(
            select(Practice.slug).where((Practice.slug == base) | Practice.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_user(name: str, email: str, password: str) -> User:
    """A new user; the email must not be registered yet."""
    if find_user(email) is not None:
        # Not "this email has an account": sign-up must not tell which addresses do.
        raise ServiceError(
            "We could not create an account with this email. If it is yours, log in or "
            "reset your password.",
            "email",
        )
    user = User(
        name=name.strip(), email=normalise_email(email), password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(
    name: str, email: str, password: str, practice_name: str, timezone: str = "UTC"
) -> tuple[Practice, Membership]:
    """Create a practice on a trial and its owner."""
    user = create_user(name, email, password)
    practice = Practice(
        name=practice_name.strip(),
        slug=unique_slug(practice_name),
        timezone=timezone,
        trial_ends_at=utcnow() + timedelta(days=current_app.config["TRIAL_DAYS"]),
    )
    db.session.add(practice)
    db.session.flush()
    owner = Membership(practice_id=practice.id, user_id=user.id, role=Role.OWNER)
    db.session.add(owner)
    db.session.flush()
    record(practice, user, "practice.created", practice)
    return practice, owner


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; upgrades old hashes on the way."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def record_sign_in(user: User, method: str) -> None:
    """A sign-in, in the audit log of every practice the user is an active member of."""
    for membership in active_memberships(user):
        record(membership.practice, user, "member.signed_in", membership, method=method)


def change_email(user: User, password: str, new_email: str) -> None:
    """A new sign-in email; the password is asked again, and other sessions end."""
    if not verify_password(user.password_hash, password):
        raise ServiceError("That is not your password.", "password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError("That is your email already.", "email")
    if find_user(new_email) is not None:
        raise ServiceError("We could not change to this email. Try another one.", "email")
    old_email, user.email = user.email, new_email
    end_all_sessions(user)
    for membership in active_memberships(user):
        record(membership.practice, user, "member.email_changed", membership, previous=old_email)


def end_all_sessions(user: User) -> None:
    """Every session that holds the old version stops working on its next request."""
    user.session_version += 1


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ServiceError("That is not your current password.", "current_password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def active_memberships(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Practice)
            .where(Membership.user_id == user.id, Membership.status == MemberStatus.ACTIVE)
            .order_by(Practice.name)
        )
    )


# Password reset tokens are signed, not stored: they carry the session version,
# which a reset bumps, so each link works once; the signature's age limits its life.
def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def request_password_reset(email: str) -> None:
    """Email a reset link when the account exists; otherwise tell the address that no
    account uses it (someone who forgot which address they signed up with learns it).

    Either way one email is rendered and queued, so neither the answer nor its timing tells
    which addresses have accounts; the per-address and per-IP limits on the form keep it
    from mailing strangers in bulk.
    """
    user = find_user(email)
    if user is None:
        address = normalise_email(email)
        queue_email(
            "password_reset_unknown",
            address,
            "password_reset_unknown",
            address=address,
            signup=external_url("auth.signup"),
        )
        return
    token = _reset_serializer().dumps({"u": user.id, "v": user.session_version})
    queue_email(
        "password_reset",
        user.email,
        "password_reset",
        user=user,
        link=external_url("auth.reset_password", token=token),
        minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60,
    )


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link belongs to, or None if it is forged, expired or used."""
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_SECONDS"]
        )
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.session_version != data.get("v"):
        return None
    return user


def reset_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
