"""The inbox: `notify` writes one item per recipient of an event; the pages read them back.

`notify(practice, "<event>", actor=..., client=..., obj=...)` is the one call a feature
makes where something happens (an event type of `notifications/events.py`). It writes
one `InboxItem` per recipient (a unique key makes a second call a no-op) and notes
how each recipient wants to hear of it by email: instant (the batcher in
`notifications/instant.py` emails it within a few minutes), digest (their next daily
reminder or weekly digest lists it) or off.

Reading is scoped at read time by the same rules as every page: an item about a
client the reader may no longer see (archived, reassigned to another coach) is left
out of the inbox, the unread count and the emails.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from coachhub.extensions import db
from coachhub.models import (
    Checkin,
    ClientCareer,
    CoachingSession,
    InboxItem,
    MeetingLog,
    Membership,
    MemberStatus,
    Message,
    NetworkingGoal,
    Practice,
    Role,
    utcnow,
)
from coachhub.notifications.events import EVENTS, EventType, event_kind
from coachhub.notifications.preferences import load_modes
from coachhub.services import webhooks

_muted: ContextVar[bool] = ContextVar("inbox_muted", default=False)

# The email state an item starts in, by the recipient's choice for its event.
EMAIL_STATE = {"instant": "pending", "digest": "digest", "off": "none"}


@contextmanager
def muted() -> Iterator[None]:
    """No inbox items inside (the demo seeds its history through the services)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _object_ref(obj: object) -> tuple[str, int]:
    if isinstance(obj, MeetingLog):
        return "log", obj.id
    if isinstance(obj, NetworkingGoal):
        return "goal", obj.id
    if isinstance(obj, Checkin):
        return "checkin", obj.id
    if isinstance(obj, ClientCareer):
        return "career", obj.client_membership_id
    if isinstance(obj, Message):
        return "conversation", obj.client_membership_id
    if isinstance(obj, CoachingSession):
        return "session", obj.id
    if isinstance(obj, Membership):
        return ("client" if obj.is_client else "coach"), obj.id
    raise TypeError(f"no inbox link for {type(obj).__name__}")


def _audience(
    practice: Practice,
    event: EventType,
    actor: Membership | None,
    client: Membership | None,
    to: Iterable[Membership],
) -> list[Membership]:
    found: list[Membership] = []
    for word in event.audience:
        if word == "client" and client is not None:
            found.append(client)
        elif word == "coach" and client is not None and client.coach is not None:
            found.append(client.coach)
        elif word == "owner":
            found += db.session.scalars(
                select(Membership).where(
                    Membership.practice_id == practice.id,
                    Membership.role == Role.OWNER,
                    Membership.status == MemberStatus.ACTIVE,
                )
            ).all()
        elif word == "direct":
            found += [m for m in to if m is not None]
    recipients: dict[int, Membership] = {}
    for member in found:
        if (
            member.practice_id == practice.id
            and member.is_active
            and member.role in event.roles
            and (actor is None or member.id != actor.id)
        ):
            recipients.setdefault(member.id, member)
    return list(recipients.values())


def notify(
    practice: Practice,
    event_key: str,
    *,
    actor: Membership | None,
    client: Membership | None,
    obj: object,
    summary: str,
    to: Iterable[Membership] = (),
    once_per: str | None = None,
) -> list[InboxItem]:
    """Tell the other side of `event_key` about `obj`; one item per recipient, flushes.

    The event's key is `<event>:<object type>:<id>` (plus `once_per` for events that can
    happen again on the same object, e.g. a goal closed, reopened and closed again);
    calling again with the same key adds nothing.
    """
    if _muted.get():
        return []
    event = EVENTS.get(event_key)
    if event is None:
        raise ValueError(f"unknown inbox event {event_key!r}")
    object_type, object_id = _object_ref(obj)
    key = f"{event.key}:{object_type}:{object_id}"
    if once_per:
        key = f"{key}:{once_per}"
    key = key[:120]
    # The practice's webhooks hear of every event, whoever the inbox tells.
    webhooks.enqueue(
        practice,
        event.key,
        key,
        {
            "object": {"type": object_type, "id": object_id},
            "client_id": client.id if client is not None else None,
            "actor_id": actor.id if actor is not None else None,
            "summary": " ".join(summary.split())[:255],
        },
    )
    recipients = _audience(practice, event, actor, client, to)
    if not recipients:
        return []
    have = set(
        db.session.scalars(
            select(InboxItem.recipient_membership_id).where(
                InboxItem.event_key == key,
                InboxItem.recipient_membership_id.in_([m.id for m in recipients]),
            )
        )
    )
    modes = load_modes(recipients, event_kind(event))
    items = []
    for recipient in recipients:
        if recipient.id in have:
            continue
        item = InboxItem(
            practice_id=practice.id,
            recipient_membership_id=recipient.id,
            client_membership_id=client.id if client is not None else None,
            actor_membership_id=actor.id if actor is not None else None,
            event=event.key,
            event_key=key,
            object_type=object_type,
            object_id=object_id,
            summary=" ".join(summary.split())[:255],
            created_at=utcnow(),
            email_state=EMAIL_STATE[modes[recipient.id]],
        )
        try:
            # A savepoint: a concurrent request that wrote the same item must not spoil ours.
            with db.session.begin_nested():
                db.session.add(item)
        except IntegrityError:
            continue
        items.append(item)
    return items


# Reading: the same scoping rules as every page, applied when the inbox is read.
def clients_visible_to(practice: Practice, viewer: Membership) -> Select:
    """Ids of the active clients `viewer` may see now (owner: all, coach: own, client: self)."""
    return select(Membership.id).where(
        Membership.practice_id == practice.id,
        Membership.role == Role.CLIENT,
        Membership.status == MemberStatus.ACTIVE,
        Membership.visible_to(viewer),
    )


def visible_items(practice: Practice, viewer: Membership) -> Select[tuple[InboxItem]]:
    """The viewer's own items that are about something they may still see."""
    return select(InboxItem).where(
        InboxItem.practice_id == practice.id,
        InboxItem.recipient_membership_id == viewer.id,
        or_(
            InboxItem.client_membership_id.is_(None),
            InboxItem.client_membership_id.in_(
                clients_visible_to(practice, viewer).scalar_subquery()
            ),
        ),
    )


def visible_for_recipient() -> tuple[ColumnElement[bool], object, object]:
    """For queries over many recipients: (condition, recipient alias, client alias).

    Join `InboxItem` to the recipient alias (inner) and the client alias (outer) and
    filter by the condition: what `visible_items` gives each recipient, in one query.
    """
    recipient = aliased(Membership)
    client = aliased(Membership)
    condition = and_(
        recipient.status == MemberStatus.ACTIVE,
        or_(
            InboxItem.client_membership_id.is_(None),
            and_(
                client.status == MemberStatus.ACTIVE,
                or_(
                    recipient.role == Role.OWNER,
                    client.id == recipient.id,
                    client.coach_membership_id == recipient.id,
                ),
            ),
        ),
    )
    return condition, recipient, client


def unread_count_of(recipient) -> ColumnElement[int]:
    """The bell's count as a column correlated to `recipient` (the Membership entity of the
    enclosing query): the guard's query carries it, so the bell costs no query of its own.
    The same rule as `visible_items`."""
    client = aliased(Membership)
    return (
        select(func.count(InboxItem.id))
        .outerjoin(client, client.id == InboxItem.client_membership_id)
        .where(
            InboxItem.recipient_membership_id == recipient.id,
            InboxItem.practice_id == recipient.practice_id,
            InboxItem.read_at.is_(None),
            or_(
                InboxItem.client_membership_id.is_(None),
                and_(
                    client.status == MemberStatus.ACTIVE,
                    or_(
                        recipient.role == Role.OWNER,
                        client.id == recipient.id,
                        client.coach_membership_id == recipient.id,
                    ),
                ),
            ),
        )
        .correlate(recipient)
        .scalar_subquery()
    )


def inbox_query(practice: Practice, viewer: Membership, *, unread_only: bool = False) -> Select:
    query = visible_items(practice, viewer)
    if unread_only:
        query = query.where(InboxItem.read_at.is_(None))
    return query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc())


def unread_count(practice: Practice, viewer: Membership) -> int:
    """The bell: unread items the viewer may see (one query)."""
    items = visible_items(practice, viewer).where(InboxItem.read_at.is_(None)).subquery()
    return db.session.scalar(select(func.count()).select_from(items)) or 0


def mark_read(practice: Practice, viewer: Membership, item: InboxItem) -> None:
    if item.recipient_membership_id != viewer.id or item.practice_id != practice.id:
        raise ValueError("not this member's item")
    if item.read_at is None:
        item.read_at = utcnow()
        db.session.flush()


def mark_all_read(practice: Practice, viewer: Membership, **criteria) -> int:
    """Mark every unread item the viewer may see read (optionally only those matching
    `criteria`, e.g. event=..., client_membership_id=...); how many changed."""
    ids = visible_items(practice, viewer).where(InboxItem.read_at.is_(None))
    for name, value in criteria.items():
        ids = ids.where(getattr(InboxItem, name) == value)
    ids = ids.with_only_columns(InboxItem.id).scalar_subquery()
    return db.session.execute(
        update(InboxItem)
        .where(InboxItem.id.in_(ids))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def item_link(item: InboxItem, recipient: Membership) -> tuple[str, dict]:
    """(endpoint, values) of the page an item is about, in the recipient's portal."""
    return object_link(item.object_type, item.object_id, recipient)


def object_link(kind: str, oid: int, recipient: Membership) -> tuple[str, dict]:
    """(endpoint, values) of an object's page ("log", "goal", "checkin", ...) in the
    recipient's portal; also what a message that points at something links to."""
    portal = "client" if recipient.is_client else "coach"
    if kind == "log":
        return f"{portal}.meeting_detail", {"log_id": oid}
    if kind == "goal":
        if portal == "client":
            return "client.goal_detail", {"goal_id": oid}
        return "coach.edit_goal", {"goal_id": oid}
    if kind == "checkin":
        if portal == "client":
            return "client.checkin", {"checkin_id": oid}
        return "coach.checkin_detail", {"checkin_id": oid}
    if kind == "career":
        return "coach.client_career", {"client_id": oid}
    if kind == "session":
        return f"{portal}.session_detail", {"session_id": oid}
    if kind == "conversation":
        if portal == "client":
            return "client.conversation", {}
        return "coach.conversation", {"client_id": oid}
    if kind == "client" and portal == "coach":
        return "coach.client_detail", {"client_id": oid}
    if kind == "coach" and recipient.is_owner:
        return "coach.team", {}
    return f"{portal}.dashboard", {}
