"""Meeting logs in the coach's weekly digest: logs to review, and clients gone quiet.

| order | section |
|---|---|
| 10 | Meeting logs to review: how many, and the oldest (link to the review queue) |
| 15 | Asking for a job: clients whose latest log came across as job-asking |
| 50 | No activity in 30 days |
"""

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import case, func, select

from coachhub.extensions import db
from coachhub.models import Approach, MeetingLog, Membership, MemberStatus, Practice
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
# "Asking for a job": how many of a client's latest logs the digest looks at.
RECENT_LOGS = 3


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


def recent_job_asking(practice: Practice, today: date) -> dict[int, tuple[int, int, date]]:
    """Per active client whose latest log was job-asking: (job-asking logs and all logs
    among the last RECENT_LOGS, the latest log's date). One query."""
    ranked = (
        select(
            MeetingLog.client_membership_id.label("client_id"),
            MeetingLog.met_on,
            MeetingLog.approach,
            func.row_number()
            .over(
                partition_by=MeetingLog.client_membership_id,
                order_by=(MeetingLog.met_on.desc(), MeetingLog.id.desc()),
            )
            .label("rn"),
        )
        .join(Membership, Membership.id == MeetingLog.client_membership_id)
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= today,
            Membership.status == MemberStatus.ACTIVE,
        )
        .subquery("ranked")
    )
    job = ranked.c.approach == Approach.JOB_ASKING
    rows = db.session.execute(
        select(
            ranked.c.client_id,
            func.sum(case((job, 1), else_=0)),
            func.count(),
            func.max(case((ranked.c.rn == 1, ranked.c.met_on))),
            func.max(case((ranked.c.rn == 1, case((job, 1), else_=0)))),
        )
        .where(ranked.c.rn <= RECENT_LOGS)
        .group_by(ranked.c.client_id)
    ).all()
    return {
        client_id: (int(jobs), int(logs), latest)
        for client_id, jobs, logs, latest, last_is_job in rows
        if last_is_job
    }


@reminder_provider(
    kind="coach_weekly_digest", key="job_asking", heading="Asking for a job", order=15
)
def job_asking_clients(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Clients whose latest meeting came across as asking for a job: the method's first warning."""
    clients = active_clients(practice)
    found = recent_job_asking(practice, today)
    items: Items = {}
    for member in members:
        lines = []
        for client in visible_clients(member, clients):
            if client.id not in found:
                continue
            jobs, logs, latest = found[client.id]
            which = "Their latest log" if logs == 1 else f"{jobs} of their last {logs} logs"
            lines.append(
                ReminderItem(
                    title=client.name,
                    detail=(
                        f"{which} came across as asking for a job (the latest on "
                        f"{day(latest)}). Help them turn the ask into a question."
                    ),
                    url=client_url(practice, client),
                    group=group_label(member, client),
                )
            )
        items[member.id] = lines
    return items
