"""The optional emails a member can choose: their kinds, roles, cadence and template.

Transactional mail (invitations, password resets, billing) is not a kind: it is
always sent. A feature adds a kind with `KINDS.register(NotificationKind(...))`;
the preferences page, unsubscribe links and the reminder run pick it up.
"""

import enum
from dataclasses import dataclass

from coachhub.models import COACHING_ROLES, Membership, Role
from coachhub.notifications.registry import Registry

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Shown on the preferences page: mail nobody can switch off.
TRANSACTIONAL = ("invitations", "password resets", "billing notices")


class Cadence(enum.StrEnum):
    DAILY = "daily"  # at most one a day, on days with something to say
    WEEKLY = "weekly"  # once a week, on the member's chosen weekday
    INSTANT = "instant"  # an event of the inbox (notifications/events.py): instant, digest or off


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
    # Instant kinds (inbox events): "instant", "digest" or "off" when the member never chose.
    default_mode: str = "instant"

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


def kinds_for(membership: Membership) -> list[NotificationKind]:
    """The kinds this member's role can receive, in their display order."""
    return [kind for kind in KINDS if kind.applies_to(membership)]
