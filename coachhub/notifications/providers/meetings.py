"""Meeting logs in the coach's weekly digest: logs to review, and clients gone quiet.

| order | section |
|---|---|
| 10 | Meeting logs to review: how many, and the oldest (link to the review queue) |
| 50 | No activity in 30 days |
"""

from collections.abc import Sequence
from datetime import date, timedelta

from coachhub.models import Membership, Practice
from coachhub.notifications.due import Items, ReminderItem, reminder_provider
from coachhub.notifications.providers.clients import (
    ClientRow,
    active_clients,
    client_url,
    day,
    group_label,
    log_stats,
    plural,
    visible_clients,
)
from coachhub.urls import external_url

# "No activity": no meeting logged in this many days (as the dashboards' Needs attention).
QUIET_DAYS = 30


@reminder_provider(
    kind="coach_weekly_digest", key="logs_to_review", heading="Meeting logs to review", order=10
)
def logs_to_review(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    clients = active_clients(practice)
    stats = log_stats(practice, today)
    url = external_url("coach.review_queue", practice_slug=practice.slug)
    items: Items = {}
    for member in members:
        groups: dict[str, list[tuple[ClientRow, object]]] = {}
        for client in visible_clients(member, clients):
            row = stats.get(client.id)
            if row is not None and row.unreviewed:
                groups.setdefault(group_label(member, client), []).append((client, row))
        lines = []
        for group, found in groups.items():
            total = sum(row.unreviewed for _, row in found)
            client, oldest = min(found, key=lambda pair: pair[1].oldest_unreviewed)
            days = (today - oldest.oldest_unreviewed).days
            lines.append(
                ReminderItem(
                    title=f"{plural(total, 'meeting log')} waiting for review",
                    detail=(
                        f"The oldest is {client.name}'s meeting of "
                        f"{day(oldest.oldest_unreviewed)} ({plural(days, 'day')} ago)."
                    ),
                    url=url,
                    group=group,
                )
            )
        items[member.id] = lines
    return items


@reminder_provider(
    kind="coach_weekly_digest", key="quiet_clients", heading="No activity in 30 days", order=50
)
def quiet_clients(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Clients with no meeting logged in the last QUIET_DAYS days (nor since they joined)."""
    clients = active_clients(practice)
    stats = log_stats(practice, today)
    quiet_since = today - timedelta(days=QUIET_DAYS)
    items: Items = {}
    for member in members:
        lines = []
        for client in visible_clients(member, clients):
            row = stats.get(client.id)
            last = row.last_activity if row is not None else None
            # A client who joined recently has not had 30 days to be quiet in, even when
            # they logged an older meeting on their first day.
            if client.joined_on >= quiet_since or (last is not None and last >= quiet_since):
                continue
            if last is None:
                detail = f"No meeting logged since they joined on {day(client.joined_on)}."
            else:
                detail = f"Last meeting {day(last)} ({(today - last).days} days ago)."
            lines.append(
                ReminderItem(
                    title=client.name,
                    detail=detail,
                    url=client_url(practice, client),
                    group=group_label(member, client),
                )
            )
        items[member.id] = lines
    return items
