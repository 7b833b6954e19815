"""Messages: one conversation per client, between the client, their coach and the owner.

The conversation belongs to the client (`Message` is client-owned), so whoever coaches
the client now sees all of it, the history from before a reassignment included. A
message may point at one of the client's meeting logs, goals or check-ins; the id is
checked against that client. `ConversationRead` keeps how far each member has read.
"""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.models import (
    Checkin,
    ConversationRead,
    MeetingLog,
    Membership,
    Message,
    NetworkingGoal,
    Practice,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.inbox import mark_all_read, notify

# What a message can point at: the type in the form -> the client-owned model.
REF_TYPES = {"log": MeetingLog, "goal": NetworkingGoal, "checkin": Checkin}
MAX_BODY = 5000
PER_PAGE = 50


def can_take_part(actor: Membership, client: Membership) -> bool:
    """The client, their coach, the practice's owner."""
    if actor.practice_id != client.practice_id or not client.is_client:
        return False
    if actor.is_client:
        return actor.id == client.id
    return actor.is_owner or client.coach_membership_id == actor.id


def find_ref(practice: Practice, client: Membership, ref_type: str | None, ref_id: int | None):
    """The client's log, goal or check-in a message is about, or None; ServiceError when
    the type is unknown or the id is not one of this client's."""
    if not ref_type and not ref_id:
        return None
    model = REF_TYPES.get(ref_type or "")
    if model is None or not ref_id:
        raise ServiceError("A message can point at a meeting, a goal or a check-in.", "ref_id")
    obj = db.session.scalar(
        select(model).where(
            model.practice_id == practice.id,
            model.client_membership_id == client.id,
            model.id == ref_id,
        )
    )
    if obj is None:
        raise ServiceError(
            "That is not one of this client's meetings, goals or check-ins.", "ref_id"
        )
    return obj


def ref_label(obj) -> str:
    if isinstance(obj, MeetingLog):
        return f"Meeting with {obj.contact.name} on {obj.met_on:%d %b %Y}"[:160]
    if isinstance(obj, NetworkingGoal):
        return f"Goal: {obj.title}"[:160]
    if isinstance(obj, Checkin):
        return f"Check-in due {obj.due_on:%d %b %Y}"
    return ""


def post_message(
    practice: Practice,
    actor: Membership,
    client: Membership,
    body: str,
    *,
    ref_type: str | None = None,
    ref_id: int | None = None,
) -> Message:
    """A new message in `client`'s conversation; tells the other side; flushes."""
    if not can_take_part(actor, client):
        raise ServiceError("Only the client, their coach and the owner take part here.")
    if not client.is_active:
        raise ServiceError("This client is archived; the conversation is closed.")
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write a message first.", "body")
    if len(body) > MAX_BODY:
        raise ServiceError(f"Keep a message under {MAX_BODY} characters.", "body")
    ref = find_ref(practice, client, ref_type, ref_id)
    message = Message(
        practice_id=practice.id,
        client_membership_id=client.id,
        author_membership_id=actor.id,
        body=body,
        ref_type=ref_type if ref is not None else None,
        ref_id=ref.id if ref is not None else None,
        ref_label=ref_label(ref) if ref is not None else "",
    )
    db.session.add(message)
    db.session.flush()
    mark_conversation_read(practice, actor, client, message.id)
    first_line = body.splitlines()[0][:120]
    notify(
        practice,
        "message_posted",
        actor=actor,
        client=client,
        obj=message,
        summary=f"{actor.user.name}: {first_line}",
        once_per=str(message.id),
    )
    record(practice, actor.user, "message.posted", message, client=client.id)
    return message


def conversation_page(
    practice: Practice, client: Membership, before: int | None = None, per_page: int = PER_PAGE
) -> tuple[list[Message], int | None]:
    """A page of the conversation, oldest first, and the id to ask for older ones (or None).

    Keyset on id: the newest `per_page` before `before` (one query whatever the length).
    """
    query = (
        select(Message)
        .where(Message.practice_id == practice.id, Message.client_membership_id == client.id)
        .options(joinedload(Message.author).joinedload(Membership.user))
        .order_by(Message.id.desc())
        .limit(per_page + 1)
    )
    if before:
        query = query.where(Message.id < before)
    rows = list(db.session.scalars(query))
    older = rows[per_page - 1].id if len(rows) > per_page else None
    return list(reversed(rows[:per_page])), older


def last_read(viewer: Membership, client: Membership) -> int:
    return (
        db.session.scalar(
            select(ConversationRead.last_read_message_id).where(
                ConversationRead.membership_id == viewer.id,
                ConversationRead.client_membership_id == client.id,
            )
        )
        or 0
    )


def mark_conversation_read(
    practice: Practice, viewer: Membership, client: Membership, upto_id: int, *, known: int = -1
) -> None:
    """The viewer has read `client`'s conversation up to message `upto_id`; their message
    items about it leave the unread count. `known` is their marker when already loaded."""
    current = last_read(viewer, client) if known < 0 else known
    mine = (
        ConversationRead.membership_id == viewer.id,
        ConversationRead.client_membership_id == client.id,
    )
    if current and upto_id > current:
        db.session.execute(
            update(ConversationRead)
            .where(*mine, ConversationRead.last_read_message_id < upto_id)
            .values(last_read_message_id=upto_id)
            .execution_options(synchronize_session=False)
        )
    elif upto_id > current:
        try:
            # A savepoint: a second tab that marked it first must not spoil the request.
            with db.session.begin_nested():
                db.session.add(
                    ConversationRead(
                        practice_id=practice.id,
                        membership_id=viewer.id,
                        client_membership_id=client.id,
                        last_read_message_id=upto_id,
                    )
                )
        except IntegrityError:
            db.session.execute(
                update(ConversationRead)
                .where(*mine, ConversationRead.last_read_message_id < upto_id)
                .values(last_read_message_id=upto_id)
                .execution_options(synchronize_session=False)
            )
    mark_all_read(practice, viewer, event="message_posted", client_membership_id=client.id)


def message_rows(client: Membership) -> list[dict]:
    """The conversation for the client's export, oldest first (one query)."""
    messages = db.session.scalars(
        select(Message)
        .where(Message.practice_id == client.practice_id, Message.client_membership_id == client.id)
        .options(joinedload(Message.author).joinedload(Membership.user))
        .order_by(Message.id)
    )
    return [
        {
            "id": m.id,
            "author": m.author.user.name if m.author else None,
            "body": m.body,
            "ref_type": m.ref_type,
            "ref_id": m.ref_id,
            "ref_label": m.ref_label,
            "created_at": m.created_at.isoformat(),
        }
        for m in messages
    ]
