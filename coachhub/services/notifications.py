"""Optional emails: the kinds a member can choose, their preferences, unsubscribe links.

Transactional mail (invitations, password resets, billing) is always sent and
goes through `queue_email` directly. Everything a member may switch off is a
`NotificationKind` in `KINDS` and is queued through `queue_optional_email`,
which checks the member's preference and adds a signed unsubscribe link (in
the body, and as RFC 8058 List-Unsubscribe headers).

A later issue adds a kind with `KINDS.register(NotificationKind(...))`; the
preferences pages, unsubscribe links and `flask send-reminders` pick it up.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import (
    COACHING_ROLES,
    Membership,
    NotificationPreference,
    OutboundEmail,
    Practice,
    Role,
)
from coachhub.registry import Registry
from coachhub.services import ServiceError
from coachhub.services.email import external_url, queue_email

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Shown on the preferences page: mail nobody can switch off.
TRANSACTIONAL = ("invitations", "password resets", "billing notices")


class Cadence(enum.StrEnum):
    DAILY = "daily"  # at most one a day, on days with something to say
    WEEKLY = "weekly"  # once a week, on the member's chosen weekday


@dataclass(frozen=True)
class NotificationKind:
    """One kind of optional email; `key` is stored in preferences and outbox rows."""

    key: str
    label: str
    description: str
    roles: frozenset[Role]
    cadence: Cadence
    template: str  # templates/email/<template>.{txt,html}
    default_enabled: bool = True
    default_weekday: int = 0  # weekly kinds: Monday
    order: int = 0

    def applies_to(self, membership: Membership) -> bool:
        return membership.role in self.roles


KINDS: Registry[NotificationKind] = Registry("notification kind")

CLIENT_DAILY_REMINDER = KINDS.register(
    NotificationKind(
        key="client_daily_reminder",
        label="Daily reminders",
        description=(
            "At most one email a day, and only on days something needs you: "
            "follow-ups that are due, check-ins, contacts to get back to."
        ),
        roles=frozenset({Role.CLIENT}),
        cadence=Cadence.DAILY,
        template="client_daily_reminder",
        order=10,
    )
)
COACH_WEEKLY_DIGEST = KINDS.register(
    NotificationKind(
        key="coach_weekly_digest",
        label="Weekly digest",
        description=(
            "Once a week, on the day you choose: what your clients did and what "
            "needs your attention."
        ),
        roles=frozenset(COACHING_ROLES),
        cadence=Cadence.WEEKLY,
        template="coach_weekly_digest",
        order=20,
    )
)


@dataclass(frozen=True)
class Preference:
    """A member's effective choice for one kind (their row, or the kind's default)."""

    kind: NotificationKind
    enabled: bool
    weekday: int | None = None

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday] if self.weekday is not None else ""


def kinds_for(membership: Membership) -> list[NotificationKind]:
    return [kind for kind in KINDS if kind.applies_to(membership)]


def _effective(kind: NotificationKind, row: NotificationPreference | None) -> Preference:
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


# Unsubscribe links: signed (membership, kind), valid for UNSUBSCRIBE_LINK_DAYS. They
# carry no login, so the worst a forwarded link can do is switch that one email off.
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
    kind = KINDS.get(str(data.get("k")))
    if membership is None or kind is None or not kind.applies_to(membership):
        raise InvalidLink(expired=False)
    return membership, kind


def unsubscribe(membership: Membership, kind: NotificationKind) -> bool:
    """Switch `kind` off for `membership`; False when it was off already."""
    if not wants(membership, kind):
        return False
    set_preference(membership, kind, False)
    return True


def queue_optional_email(
    kind: NotificationKind,
    membership: Membership,
    *,
    dedupe_key: str,
    preference: Preference | None = None,
    **context,
) -> OutboundEmail | None:
    """Queue `kind` for `membership` unless they opted out; with unsubscribe link and headers.

    `preference` saves the lookup when the caller loaded it already. The templates
    get `membership`, `notification_kind` and `unsubscribe_url`.
    """
    enabled = preference.enabled if preference is not None else wants(membership, kind)
    if not enabled:
        return None
    token = unsubscribe_token(membership, kind)
    unsubscribe_url = external_url("notifications.unsubscribe", token=token)
    one_click_url = external_url("notifications.one_click_unsubscribe", token=token)
    return queue_email(
        kind.key,
        membership.user.email,
        kind.template,
        practice=membership.practice,
        dedupe_key=dedupe_key,
        headers={
            "List-Unsubscribe": f"<{one_click_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
        membership=membership,
        notification_kind=kind,
        unsubscribe_url=unsubscribe_url,
        **context,
    )
