"""Check-ins in reminders, digests and calendar feeds (docs/notifications.md).

- client daily reminder: "Career check-in due" from the day before it is due, until done;
- coach weekly digest: the coach's clients at risk or with an overdue check-in (owner: all);
- calendar feed: the next check-in due date of each client the member may see.

Each collects for all members in one query (the at-risk status query over the whole practice).
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import ClientCareer, Membership, Practice, Role, User
from coachhub.notifications.calendar import CALENDAR_PROVIDERS, CalendarEvent, CalendarProvider
from coachhub.notifications.due import ReminderItem, reminder_provider
from coachhub.services import at_risk
from coachhub.urls import external_url


@reminder_provider(
    kind="client_daily_reminder", key="checkin_due", heading="Career check-in", order=30
)
def checkin_due(
    practice: Practice, members: Sequence[Membership], today: date
) -> dict[int, list[ReminderItem]]:
    """Clients whose check-in is due tomorrow, today or overdue."""
    careers = db.session.scalars(
        select(ClientCareer).where(
            ClientCareer.practice_id == practice.id,
            ClientCareer.client_membership_id.in_([m.id for m in members]),
            ClientCareer.next_due_on <= today + timedelta(days=1),
        )
    ).all()
    url = external_url("client.checkin_list", practice_slug=practice.slug)
    items: dict[int, list[ReminderItem]] = {}
    for career in careers:
        late = career.next_due_on < today
        items[career.client_membership_id] = [
            ReminderItem(
                title="Your career check-in is " + ("overdue" if late else "due"),
                detail="Five minutes: what you did, what is changing in your field, how you feel.",
                url=url,
                due=career.next_due_on,
                key=f"checkin-due:{career.client_membership_id}:{career.next_due_on}",
            )
        ]
    return items


def _whole_practice() -> Membership:
    """A viewer that sees every client (the digest sorts rows per coach afterwards)."""
    return Membership(role=Role.OWNER)


@reminder_provider(
    kind="coach_weekly_digest",
    key="checkin_risk",
    heading="Check-ins: overdue and at-risk clients",
    order=20,
)
def at_risk_clients(
    practice: Practice, members: Sequence[Membership], today: date
) -> dict[int, list[ReminderItem]]:
    """At-risk clients and overdue check-ins: the owner sees all, a coach their clients."""
    query = at_risk.status_query(practice, _whole_practice(), today).subquery("status")
    rows = db.session.execute(
        select(query)
        .where((query.c.at_risk == 1) | (query.c.checkin_overdue == 1))
        .order_by(query.c.name, query.c.id)
    ).all()
    per_coach = defaultdict(list)
    for row in rows:
        fired = at_risk.flags(row) or [f"check-in overdue since {row.next_due_on:%d %b}"]
        item = ReminderItem(
            title=row.name,
            detail="; ".join(fired),
            url=external_url("coach.client_career", practice_slug=practice.slug, client_id=row.id),
            key=f"checkin-risk:{row.id}",
        )
        per_coach[row.coach_id].append(item)
    everything = [item for items in per_coach.values() for item in items]
    return {m.id: everything if m.is_owner else per_coach.get(m.id, []) for m in members}


def checkin_events(practice: Practice, membership: Membership) -> list[CalendarEvent]:
    """Next check-in due dates the member may see (client: own; coach: clients'; owner: all)."""
    rows = db.session.execute(
        select(ClientCareer.client_membership_id, ClientCareer.next_due_on, User.name)
        .join(Membership, Membership.id == ClientCareer.client_membership_id)
        .join(User, User.id == Membership.user_id)
        .where(
            ClientCareer.practice_id == practice.id,
            ClientCareer.visible_to(membership),
            ClientCareer.next_due_on.is_not(None),
        )
    ).all()
    mine = membership.is_client
    return [
        CalendarEvent(
            uid=f"checkin-{client_id}-{due.isoformat()}",
            summary="Career check-in due" if mine else f"Check-in due: {name}",
            start=due,
            url=external_url("client.checkin_list", practice_slug=practice.slug)
            if mine
            else external_url(
                "coach.client_career", practice_slug=practice.slug, client_id=client_id
            ),
        )
        for client_id, due, name in rows
    ]


CALENDAR_PROVIDERS.register(CalendarProvider("checkins", checkin_events, order=30))
