"""Instant inbox emails: each member's new events, batched over a short window.

An inbox item whose recipient chose "instant" starts as `email_state='pending'`. Once
the member's oldest pending item is `INBOX_BATCH_SECONDS` old (5 minutes), every
pending item of theirs goes out as one email through the outbox, so a burst of replies
is one email and a member gets at most one per window.

Several workers may run this at once (it is part of every `flask send-outbox` pass).
A worker locks a member's pending rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL: a
second worker skips them rather than wait) and claims them with a conditional UPDATE
(`... WHERE email_state='pending'`): only rows it changed go into its email, and
the email's `dedupe_key` (member and first item) is unique, so no batch is sent twice.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.models import InboxItem, Membership, MemberStatus, Role, utcnow
from coachhub.notifications.events import EVENTS, event_kind
from coachhub.notifications.outbox import queue_optional_email
from coachhub.notifications.preferences import Preference, unsubscribe_token
from coachhub.services.inbox import item_link
from coachhub.urls import external_url


def queue_instant_emails(now: datetime | None = None, limit: int = 200) -> int:
    """Queue one email per member whose batch window is over; commits per member.

    Returns how many emails were queued.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["INBOX_BATCH_SECONDS"])
    due = list(
        db.session.scalars(
            select(InboxItem.recipient_membership_id)
            .where(InboxItem.email_state == "pending")
            .group_by(InboxItem.recipient_membership_id)
            .having(func.min(InboxItem.created_at) <= cutoff)
            .order_by(func.min(InboxItem.created_at))
            .limit(limit)
        )
    )
    db.session.commit()
    queued = 0
    for recipient_id in due:
        try:
            queued += _batch(recipient_id, now, cutoff)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return queued


def _batch(recipient_id: int, now: datetime, cutoff: datetime) -> int:
    query = (
        select(InboxItem)
        .where(
            InboxItem.recipient_membership_id == recipient_id,
            InboxItem.email_state == "pending",
        )
        .order_by(InboxItem.created_at, InboxItem.id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    items = list(db.session.scalars(query))
    if not items or min(i.created_at for i in items) > cutoff:
        db.session.rollback()  # another worker has them, or newer ones not due yet
        return 0
    ids = [i.id for i in items]
    won = db.session.execute(
        update(InboxItem)
        .where(InboxItem.id.in_(ids), InboxItem.email_state == "pending")
        .values(email_state="emailed", emailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != len(ids):
        db.session.rollback()  # lost the claim to another worker (SQLite has no row locks)
        return 0
    recipient = db.session.scalar(
        select(Membership)
        .where(Membership.id == recipient_id)
        .options(joinedload(Membership.user), joinedload(Membership.practice))
    )
    shown = _still_visible(recipient, items)
    if recipient is None or not recipient.is_active or not shown:
        return 0
    kinds = []
    for item in shown:
        event = EVENTS.get(item.event)
        if event is not None and event_kind(event) not in kinds:
            kinds.append(event_kind(event))
    if not kinds:
        return 0
    lines = []
    for item in shown:
        endpoint, values = item_link(item, recipient)
        values["practice_slug"] = recipient.practice.slug
        lines.append((item.summary, external_url(endpoint, **values)))
    portal = "client" if recipient.is_client else "coach"
    message = queue_optional_email(
        kinds[0],
        recipient,
        dedupe_key=f"inbox:{recipient.id}:{items[0].id}",
        preference=Preference(kinds[0], True, None, "instant"),
        lines=lines,
        inbox_url=external_url(f"{portal}.inbox", practice_slug=recipient.practice.slug),
        preferences_url=external_url(
            f"{portal}.notifications", practice_slug=recipient.practice.slug
        ),
        unsubscribe_links=[
            (
                kind.label,
                external_url("notifications.unsubscribe", token=unsubscribe_token(recipient, kind)),
            )
            for kind in kinds
        ],
    )
    return 1 if message is not None else 0


def _still_visible(recipient: Membership | None, items: list[InboxItem]) -> list[InboxItem]:
    """The items the recipient may still see now (as the inbox page would show them)."""
    if recipient is None:
        return []
    client_ids = {i.client_membership_id for i in items if i.client_membership_id}
    clients = {
        m.id: m for m in db.session.scalars(select(Membership).where(Membership.id.in_(client_ids)))
    }

    def visible(item: InboxItem) -> bool:
        if item.client_membership_id is None:
            return True
        client = clients.get(item.client_membership_id)
        if client is None or client.status != MemberStatus.ACTIVE:
            return False
        return (
            recipient.role == Role.OWNER
            or client.id == recipient.id
            or client.coach_membership_id == recipient.id
        )

    return [i for i in items if visible(i)]
