"""Each member's choice per optional email, and the signed unsubscribe links.

A member who never chose gets the kind's default. Unsubscribe links carry a
signed (membership, kind) and no login, so the worst a forwarded link can do
is switch that one email off.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import Membership, NotificationPreference, Practice
from coachhub.notifications.events import EVENT_KINDS, event_kinds_for
from coachhub.notifications.kinds import (
    KINDS,
    WEEKDAYS,
    Cadence,
    NotificationKind,
    kinds_for,
)
from coachhub.services import ServiceError


@dataclass(frozen=True)
class Preference:
    """A member's effective choice for one kind (their row, or the kind's default)."""

    kind: NotificationKind
    enabled: bool
    weekday: int | None = None
    # Instant kinds (inbox events): "instant", "digest" or "off".
    mode: str | None = None

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday] if self.weekday is not None else ""


def _effective(kind: NotificationKind, row: NotificationPreference | None) -> Preference:
    if kind.cadence == Cadence.INSTANT:
        if row is None:
            mode = kind.default_mode
        elif not row.enabled:
            mode = "off"
        else:
            mode = row.mode or kind.default_mode
        return Preference(kind, mode != "off", None, mode)
    weekly = kind.cadence == Cadence.WEEKLY
    if row is None:
        return Preference(kind, kind.default_enabled, kind.default_weekday if weekly else None)
    weekday = (row.weekday if row.weekday is not None else kind.default_weekday) if weekly else None
    return Preference(kind, row.enabled, weekday)


def preferences_for(membership: Membership) -> list[Preference]:
    """Every kind this member may receive, with their choice for it (one query)."""
    rows = {
        row.kind: row
        for row in db.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.membership_id == membership.id
            )
        )
    }
    return [_effective(kind, rows.get(kind.key)) for kind in kinds_for(membership)]


def load_preferences(
    memberships: Iterable[Membership], kind: NotificationKind
) -> dict[int, Preference]:
    """Preferences for `kind` of many members at once (for the reminder run)."""
    members = [m for m in memberships if kind.applies_to(m)]
    if not members:
        return {}
    rows = {
        row.membership_id: row
        for row in db.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.kind == kind.key,
                NotificationPreference.membership_id.in_([m.id for m in members]),
            )
        )
    }
    return {m.id: _effective(kind, rows.get(m.id)) for m in members}


def load_modes(memberships: Iterable[Membership], kind: NotificationKind) -> dict[int, str]:
    """Instant kinds: each member's mode ("instant", "digest", "off") in one query."""
    members = list(memberships)
    found = load_preferences(members, kind)
    return {m.id: (found[m.id].mode if m.id in found else "off") or "off" for m in members}


def event_preferences_for(membership: Membership) -> list[Preference]:
    """The member's choice for every inbox event their role hears of (one query)."""
    kinds = event_kinds_for(membership)
    rows = {
        row.kind: row
        for row in db.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.membership_id == membership.id,
                NotificationPreference.kind.in_([k.key for k in kinds]),
            )
        )
    }
    return [_effective(kind, rows.get(kind.key)) for kind in kinds]


def set_mode(membership: Membership, kind: NotificationKind, mode: str) -> NotificationPreference:
    """Instant kinds: store "instant", "digest" or "off" for `membership`; flushes."""
    if kind.cadence != Cadence.INSTANT or mode not in ("instant", "digest", "off"):
        raise ServiceError("Choose instant, digest or off.", kind.key)
    row = set_preference(membership, kind, mode != "off")
    if mode != "off":
        row.mode = mode
    db.session.flush()
    return row


def find_kind(key: str) -> NotificationKind | None:
    """A kind of optional email or of inbox event, by key (unsubscribe links carry either)."""
    return KINDS.get(key) or EVENT_KINDS.get(key)


def wants(membership: Membership, kind: NotificationKind) -> bool:
    return load_preferences([membership], kind).get(membership.id, Preference(kind, False)).enabled


def set_preference(
    membership: Membership, kind: NotificationKind, enabled: bool, weekday: int | None = None
) -> NotificationPreference:
    """Store one choice of `membership` (weekly kinds: weekday None keeps the day); flushes."""
    if not kind.applies_to(membership):
        raise ServiceError(f"{kind.label} is not sent to a {membership.role.value}.")
    if weekday is not None and (kind.cadence != Cadence.WEEKLY or weekday not in range(7)):
        raise ServiceError("Choose a day of the week.", f"{kind.key}_weekday")
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.membership_id == membership.id,
            NotificationPreference.kind == kind.key,
        )
    )
    if row is None:
        row = NotificationPreference(
            practice_id=membership.practice_id, membership_id=membership.id, kind=kind.key
        )
        if kind.cadence == Cadence.WEEKLY:
            row.weekday = kind.default_weekday
        db.session.add(row)
    row.enabled = enabled
    if weekday is not None:
        row.weekday = weekday
    db.session.flush()
    return row


def update_preferences(
    practice: Practice,
    actor: Membership,
    choices: Mapping[str, tuple[bool, int | None]],
) -> None:
    """The member's own choices from the preferences page: kind key -> (enabled, weekday)."""
    if actor.practice_id != practice.id:
        raise ServiceError("Preferences belong to a membership of this practice.")
    for kind in kinds_for(actor):
        if kind.key in choices:
            enabled, weekday = choices[kind.key]
            set_preference(actor, kind, enabled, weekday)


# Unsubscribe links: valid for UNSUBSCRIBE_LINK_DAYS.
class InvalidLink(Exception):
    """An unsubscribe link that was tampered with (`expired` False) or is too old."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(membership: Membership, kind: NotificationKind) -> str:
    return _serializer().dumps({"m": membership.id, "k": kind.key})


def read_unsubscribe_token(token: str) -> tuple[Membership, NotificationKind]:
    """The membership and kind a link is for; raises InvalidLink."""
    max_age = current_app.config["UNSUBSCRIBE_LINK_DAYS"] * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidLink(expired=True) from exc
    except BadSignature as exc:
        raise InvalidLink(expired=False) from exc
    if not isinstance(data, dict):
        raise InvalidLink(expired=False)
    membership = db.session.get(Membership, data.get("m"))
    kind = find_kind(str(data.get("k")))
    if membership is None or kind is None or not kind.applies_to(membership):
        raise InvalidLink(expired=False)
    return membership, kind


def unsubscribe(membership: Membership, kind: NotificationKind) -> bool:
    """Switch `kind` off for `membership`; False when it was off already."""
    if not wants(membership, kind):
        return False
    set_preference(membership, kind, False)
    return True
