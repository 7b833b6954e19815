"""The events of the inbox: what notifies the other side at once, and who that is.

Each event is an `EventType` in `EVENTS`; registering one also makes its email
preference (a `NotificationKind` of cadence INSTANT in `EVENT_KINDS`), which each
member sets to instant, digest or off on their preferences page and which the
one-click unsubscribe links accept. A feature raises an event with
`coachhub.services.inbox.notify(practice, "<key>", ...)` where it happens.

Audience words: "client" (the client the event is about), "coach" (that client's
coach), "owner" (the practice's owners), "direct" (the recipients the caller names,
e.g. the inviter). The actor never hears of their own event.
"""

from dataclasses import dataclass

from coachhub.models import COACHING_ROLES, Role
from coachhub.notifications.kinds import Cadence, NotificationKind
from coachhub.notifications.registry import Registry

MODES = ("instant", "digest", "off")
MODE_LABELS = {
    "instant": "Email me at once",
    "digest": "Put it in my digest",
    "off": "No email (the inbox only)",
}


@dataclass(frozen=True)
class EventType:
    key: str
    label: str  # for the preferences page: "A review of one of your meetings"
    audience: tuple[str, ...]
    default_mode: str = "instant"
    order: int = 0

    @property
    def kind_key(self) -> str:
        return f"inbox_{self.key}"

    @property
    def roles(self) -> frozenset[Role]:
        roles: set[Role] = set()
        if "client" in self.audience:
            roles.add(Role.CLIENT)
        if {"coach", "owner", "direct"} & set(self.audience):
            roles |= set(COACHING_ROLES)
        return frozenset(roles)


EVENTS: Registry[EventType] = Registry("inbox event")
EVENT_KINDS: Registry[NotificationKind] = Registry("inbox event kind")


def register_event(event: EventType) -> EventType:
    """Add an event type and its email preference."""
    EVENTS.register(event)
    EVENT_KINDS.register(
        NotificationKind(
            key=event.kind_key,
            label=event.label,
            description="",
            roles=event.roles,
            cadence=Cadence.INSTANT,
            template="inbox_instant",
            default_mode=event.default_mode,
            order=event.order,
        )
    )
    return event


def event_kind(event: EventType) -> NotificationKind:
    kind = EVENT_KINDS.get(event.kind_key)
    assert kind is not None
    return kind


def event_kinds_for(membership) -> list[NotificationKind]:
    return [kind for kind in EVENT_KINDS if kind.applies_to(membership)]


# One line per event.
LOG_SUBMITTED = register_event(
    EventType("log_submitted", "A client logged a meeting", ("coach",), "digest", 10)
)
REVIEW_POSTED = register_event(
    EventType("review_posted", "Your coach reviewed one of your meetings", ("client",), order=20)
)
THREAD_REPLY = register_event(
    EventType("thread_reply", "A reply under a meeting log", ("client", "coach"), order=30)
)
MESSAGE_POSTED = register_event(
    EventType("message_posted", "A new message", ("client", "coach"), order=35)
)
GOAL_ASSIGNED = register_event(
    EventType("goal_assigned", "Your coach gave you a goal", ("client",), order=40)
)
GOAL_PROPOSED = register_event(
    EventType("goal_proposed", "A client proposed a goal", ("coach",), order=41)
)
GOAL_ACCEPTED = register_event(
    EventType("goal_accepted", "Your coach accepted your goal", ("client",), order=42)
)
GOAL_CLOSED = register_event(
    EventType("goal_closed", "A goal of yours was closed", ("client",), order=43)
)
CHECKIN_SUBMITTED = register_event(
    EventType("checkin_submitted", "A client submitted a check-in", ("coach",), order=50)
)
CHECKIN_REVIEWED = register_event(
    EventType("checkin_reviewed", "Your coach reviewed your check-in", ("client",), order=51)
)
AT_RISK_FLAGGED = register_event(
    EventType("at_risk_flagged", "A client was flagged at risk", ("coach", "owner"), order=60)
)
INVITATION_ACCEPTED = register_event(
    EventType("invitation_accepted", "Someone you invited joined", ("direct",), order=70)
)
# Every session change already emails both sides with its calendar invitation, so the
# inbox item is the in-app trace and its own email is off unless a member asks for it.
SESSION_CHANGED = register_event(
    EventType(
        "session_changed", "A session booked, moved or cancelled", ("client", "coach"), "off", 80
    )
)
