"""Inbox events a member chose to read in their digest: a section of the client daily
reminder and of the coach weekly digest ("What happened", order 5)."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import InboxItem, Membership, Practice
from coachhub.notifications.due import ReminderItem, reminder_provider
from coachhub.services.inbox import item_link, visible_for_recipient
from coachhub.urls import external_url

# Unread items no older than this many local days go into the digest.
DAILY_DAYS = 1
WEEKLY_DAYS = 7


def _collect(practice: Practice, members: Sequence[Membership], today: date, days: int):
    since = datetime.combine(today - timedelta(days=days), time(0), practice.tz)
    visible, recipient, client = visible_for_recipient()
    rows = db.session.scalars(
        select(InboxItem)
        .join(recipient, recipient.id == InboxItem.recipient_membership_id)
        .outerjoin(client, client.id == InboxItem.client_membership_id)
        .where(
            InboxItem.practice_id == practice.id,
            InboxItem.recipient_membership_id.in_([m.id for m in members]),
            InboxItem.email_state == "digest",
            InboxItem.read_at.is_(None),
            InboxItem.created_at >= since,
            visible,
        )
        .order_by(InboxItem.created_at, InboxItem.id)
    )
    by_id = {m.id: m for m in members}
    items: dict[int, list[ReminderItem]] = defaultdict(list)
    for row in rows:
        member = by_id[row.recipient_membership_id]
        endpoint, values = item_link(row, member)
        items[member.id].append(
            ReminderItem(
                title=row.summary,
                url=external_url(endpoint, practice_slug=practice.slug, **values),
                key=f"inbox:{row.id}",
            )
        )
    return items


@reminder_provider(
    kind="client_daily_reminder", key="client_inbox", heading="What happened", order=5
)
def client_updates(practice: Practice, members: Sequence[Membership], today: date):
    """Unread inbox events since yesterday whose email the client put in their digest."""
    return _collect(practice, members, today, DAILY_DAYS)


@reminder_provider(kind="coach_weekly_digest", key="coach_inbox", heading="What happened", order=5)
def coach_updates(practice: Practice, members: Sequence[Membership], today: date):
    """Unread inbox events of the past week whose email the coach put in their digest."""
    return _collect(practice, members, today, WEEKLY_DAYS)
