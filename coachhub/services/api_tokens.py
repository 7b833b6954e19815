"""Personal access tokens: made, listed, revoked, and resolved from a request's bearer token.

A token is `chp_` followed by 32 random bytes (URL-safe base64); only its SHA-256 is
stored, so the secret is shown once, when it is made. A token acts as its member in
its practice: it sees what the member's role may see, no more.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import ApiToken, Membership, Practice, TokenScope, User, utcnow
from coachhub.services import ServiceError
from coachhub.services.audit import record

TOKEN_PREFIX = "chp_"  # noqa: S105 -- the public prefix, not a secret
NAME_MAX = 80
MAX_EXPIRY_DAYS = 366
# last_used_at is written at most this often per token: a busy script costs no write per call.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    practice: Practice,
    member: Membership,
    name: str,
    scope: TokenScope | str = TokenScope.READ,
    expires_in_days: int | None = 90,
) -> tuple[ApiToken, str]:
    """A new token for `member`; returns the row and the secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the token a name, e.g. what uses it.", "name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Keep the name under {NAME_MAX} characters.", "name")
    if scope not in set(TokenScope):
        raise ServiceError("Pick read or write.", "scope")
    if not member.is_active or member.practice_id != practice.id:
        raise ServiceError("Only active members of the practice can have tokens.")
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise ServiceError(f"Expire it within 1 to {MAX_EXPIRY_DAYS} days.", "expires_in_days")
        expires_at = utcnow() + timedelta(days=expires_in_days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        practice_id=practice.id,
        membership_id=member.id,
        name=name,
        prefix=secret[:12],
        token_hash=hash_token(secret),
        scope=TokenScope(scope),
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    record(practice, member.user, "api_token.created", token, scope=token.scope.value)
    return token, secret


def tokens_of(user: User) -> list[tuple[ApiToken, Practice]]:
    """Every token of the user's memberships, newest first, with its practice (one query)."""
    return list(
        db.session.execute(
            select(ApiToken, Practice)
            .join(Membership, Membership.id == ApiToken.membership_id)
            .join(Practice, Practice.id == ApiToken.practice_id)
            .where(Membership.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).all()
    )


def token_of_user(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens (None for anyone else's)."""
    return db.session.scalars(
        select(ApiToken)
        .join(Membership, Membership.id == ApiToken.membership_id)
        .where(ApiToken.id == token_id, Membership.user_id == user.id)
    ).first()


def revoke_token(token: ApiToken, user: User) -> None:
    """The token stops working at once; the row stays for the list (revoked on …)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        practice = db.session.get(Practice, token.practice_id)
        record(practice, user, "api_token.revoked", token)


def resolve(secret: str) -> tuple[ApiToken, Membership, Practice] | None:
    """The token, its member and practice for a bearer secret, if it is usable (one query).

    Revoked, expired, unknown tokens and those of archived members give None.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = db.session.execute(
        select(ApiToken, Membership, Practice, User)
        .join(Membership, Membership.id == ApiToken.membership_id)
        .join(Practice, Practice.id == ApiToken.practice_id)
        .join(User, User.id == Membership.user_id)
        .where(ApiToken.token_hash == hash_token(secret))
    ).first()
    if row is None:
        return None
    token, member, practice, _user = row
    now = utcnow()
    if not token.is_usable(now) or not member.is_active:
        return None
    return token, member, practice


def touch(token: ApiToken, now: datetime | None = None) -> bool:
    """Note the token's use (at most once a minute); True when the row changed."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        return True
    return False
