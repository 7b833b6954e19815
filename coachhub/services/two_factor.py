"""Two-factor sign-in: TOTP (RFC 6238, any authenticator app) and single-use recovery codes.

Set-up keeps the new key on the user but turns nothing on until a code from the app
confirms it; then ten recovery codes are made, shown once and stored as SHA-256 only.
A code works once (the last used time step is kept). Turning it off needs the password.
"""

import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select

from coachhub.extensions import db
from coachhub.models import Membership, MemberStatus, Practice, RecoveryCode, User, utcnow
from coachhub.security import hash_token, verify_password
from coachhub.services import ServiceError
from coachhub.services.audit import record

ISSUER = "CoachHub"
RECOVERY_CODES = 10
# One 30-second step either side: a phone clock a little off still works.
VALID_WINDOW = 1


def _totp(user: User) -> pyotp.TOTP:
    assert user.totp_secret
    return pyotp.TOTP(user.totp_secret)


def begin_setup(user: User) -> str:
    """A new key for `user` (not active until confirmed); returns it."""
    if user.has_two_factor:
        raise ServiceError("Two-factor sign-in is on already.")
    user.totp_secret = pyotp.random_base32()
    db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return _totp(user).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(user: User) -> str:
    """The set-up QR code as a PNG data URI, drawn here (the key never leaves the server)."""
    return segno.make(provisioning_uri(user), error="m").png_data_uri(scale=5, border=2)


def grouped_key(user: User) -> str:
    """The key in groups of four, for typing into an app by hand."""
    key = user.totp_secret or ""
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _matching_step(user: User, code: str) -> int | None:
    """The time step `code` belongs to (within the window), or None."""
    totp = _totp(user)
    now = int(time.time())
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        at = now + offset * totp.interval
        if hmac.compare_digest(totp.at(at).encode(), code.encode()):
            return at // totp.interval
    return None


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def confirm_setup(user: User, code: str) -> list[str]:
    """Turn two-factor on when `code` matches the new key; returns the recovery codes."""
    if user.has_two_factor or not user.totp_secret:
        raise ServiceError("Start the set-up again.", "code")
    code = _normalise(code)
    step = _matching_step(user, code) if code.isascii() and code.isdigit() else None
    if step is None:
        raise ServiceError("That code does not match. Check the app's clock and try again.", "code")
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = new_recovery_codes(user)
    _record(user, "two_factor.enabled")
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes (the old ones stop working); only their hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_token(code)))
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def regenerate_recovery_codes(user: User, password: str) -> list[str]:
    if not verify_password(user.password_hash, password):
        raise ServiceError("That is not your password.", "password")
    codes = new_recovery_codes(user)
    _record(user, "two_factor.recovery_codes_renewed")
    return codes


def verify_code(user: User, code: str) -> bool:
    """True for a current authenticator code not used before, or an unused recovery code."""
    if not user.has_two_factor:
        return False
    code = _normalise(code)
    if code.isascii() and code.isdigit() and len(code) == 6:
        step = _matching_step(user, code)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return False
        user.totp_last_step = step
        return True
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    _record(user, "two_factor.recovery_code_used")
    return True


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def disable(user: User, password: str) -> None:
    """Turn two-factor off; the password is asked again (a borrowed session is not enough)."""
    if not verify_password(user.password_hash, password):
        raise ServiceError("That is not your password.", "password")
    if any(m.practice.require_two_factor and m.is_coaching for m in _active_memberships(user)):
        raise ServiceError(
            "Your practice requires two-factor sign-in for coaches and owners.", "password"
        )
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _record(user, "two_factor.disabled")


def _active_memberships(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(
                Membership.user_id == user.id, Membership.status == MemberStatus.ACTIVE
            )
        )
    )


def _record(user: User, action: str) -> None:
    """The event in every practice the user belongs to (each owner's audit log shows it)."""
    for membership in _active_memberships(user):
        record(membership.practice, user, action, membership)


def practices_requiring(user: User) -> list[Practice]:
    """Practices that require two-factor of this user (a coach or owner there) who lacks it."""
    if user.has_two_factor:
        return []
    return [
        m.practice
        for m in _active_memberships(user)
        if m.practice.require_two_factor and m.is_coaching
    ]
