"""Follow-ups: the client's daily reminder lines, the coach's digest sections, calendar events.

Client daily reminder (`client_daily_reminder`), one email a day at most:

| order | section | a line on the days when |
|---|---|---|
| 10 | Follow-ups due tomorrow | the follow-up is due tomorrow (local date) |
| 20 | Overdue follow-ups | it is 1, 3, 7, 14, 21 or 28 days past due (`OVERDUE_REMIND_DAYS`) |

Lines come back on a rhythm, not every day: an overdue follow-up stays visible
on its page, and an email that says the same thing every morning teaches
people to ignore it.

Coach weekly digest (`coach_weekly_digest`): follow-ups a client ignored after
three reminders (escalation, order 20) and overdue follow-ups per client
(order 30), for the clients the reader sees (`clients.py`).

Calendar: every member's feed lists the open follow-ups (not done, log not
archived) they coach or keep, as all-day events on the due date. A client sees
their own; a coach and the owner their own clients' (the owner's feed is not
the whole practice: a calendar is for what you act on yourself).
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import (
    Contact,
    MeetingLog,
    Membership,
    MemberStatus,
    Practice,
    SentReminderItem,
    User,
)
from coachhub.notifications.calendar import CALENDAR_PROVIDERS, CalendarEvent, CalendarProvider
from coachhub.notifications.due import Items, ReminderItem, reminder_provider
from coachhub.notifications.providers.clients import (
    active_clients,
    client_url,
    day,
    group_label,
    log_stats,
    plural,
    visible_clients,
)
from coachhub.urls import external_url

# Days past the due date on which an overdue follow-up is in the client's reminder.
OVERDUE_REMIND_DAYS = (1, 3, 7, 14, 21, 28)
# Escalation: reminded on this many distinct days about one follow-up, still not done.
ESCALATE_AFTER_DAYS = 3


def _open_follow_ups(practice: Practice, members: Sequence[Membership], due_dates: list[date]):
    """Open follow-ups of `members` due on one of `due_dates`, with their contact (one query)."""
    return db.session.execute(
        select(MeetingLog, Contact)
        .join(Contact, Contact.id == MeetingLog.contact_id)
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.client_membership_id.in_([m.id for m in members]),
            MeetingLog.archived_at.is_(None),
            MeetingLog.follow_up_done_on.is_(None),
            MeetingLog.follow_up_due_on.in_(due_dates),
            # The client archived the contact: they are done with this person.
            Contact.archived_at.is_(None),
        )
        .order_by(MeetingLog.follow_up_due_on, MeetingLog.id)
    ).all()


def _follow_up_title(log: MeetingLog, contact: Contact) -> str:
    action = log.follow_up_action or "follow up"
    return f"{contact.name}: {action}"


@reminder_provider(
    kind="client_daily_reminder",
    key="followups_due_tomorrow",
    heading="Follow-ups due tomorrow",
    order=10,
)
def follow_ups_due_tomorrow(
    practice: Practice, members: Sequence[Membership], today: date
) -> Items:
    url = external_url("client.follow_ups", practice_slug=practice.slug)
    items: Items = defaultdict(list)
    for log, contact in _open_follow_ups(practice, members, [today + timedelta(days=1)]):
        items[log.client_membership_id].append(
            ReminderItem(
                title=_follow_up_title(log, contact),
                detail="Mark it done on your follow-up list once you have been in touch.",
                url=url,
                due=log.follow_up_due_on,
                key=f"followup:{log.id}",
            )
        )
    return items


@reminder_provider(
    kind="client_daily_reminder", key="followups_overdue", heading="Overdue follow-ups", order=20
)
def follow_ups_overdue(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    url = external_url("client.follow_ups", practice_slug=practice.slug)
    due_dates = [today - timedelta(days=n) for n in OVERDUE_REMIND_DAYS]
    items: Items = defaultdict(list)
    for log, contact in _open_follow_ups(practice, members, due_dates):
        late = (today - log.follow_up_due_on).days
        items[log.client_membership_id].append(
            ReminderItem(
                title=_follow_up_title(log, contact),
                detail=f"{plural(late, 'day')} overdue. Done already? Mark it done.",
                url=url,
                due=log.follow_up_due_on,
                key=f"followup:{log.id}",
            )
        )
    return items


@reminder_provider(
    kind="coach_weekly_digest",
    key="ignored_followups",
    heading="Follow-ups ignored after three reminders",
    order=20,
)
def ignored_follow_ups(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Escalation: a client was reminded about one follow-up on 3+ days and it is not done."""
    clients = active_clients(practice)
    by_id = {c.id: c for c in clients}
    counted = db.session.execute(
        select(
            SentReminderItem.membership_id,
            SentReminderItem.item_key,
            func.count(func.distinct(SentReminderItem.sent_on)).label("days"),
            func.max(SentReminderItem.sent_on).label("last"),
        )
        .where(
            SentReminderItem.practice_id == practice.id,
            SentReminderItem.kind == "client_daily_reminder",
            SentReminderItem.item_key.like("followup:%"),
        )
        .group_by(SentReminderItem.membership_id, SentReminderItem.item_key)
        .having(func.count(func.distinct(SentReminderItem.sent_on)) >= ESCALATE_AFTER_DAYS)
    ).all()
    reminded = {}
    for membership_id, item_key, days, last in counted:
        if membership_id in by_id:
            reminded[int(item_key.split(":", 1)[1])] = (membership_id, days, last)
    if not reminded:
        return {}
    logs = db.session.execute(
        select(MeetingLog, Contact)
        .join(Contact, Contact.id == MeetingLog.contact_id)
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.id.in_(reminded),
            MeetingLog.archived_at.is_(None),
            MeetingLog.follow_up_done_on.is_(None),
            MeetingLog.follow_up_due_on.is_not(None),
        )
        .order_by(MeetingLog.follow_up_due_on, MeetingLog.id)
    ).all()
    open_logs: dict[int, list[tuple[MeetingLog, Contact]]] = defaultdict(list)
    for log, contact in logs:
        if reminded[log.id][0] == log.client_membership_id:  # still the reminded client's
            open_logs[log.client_membership_id].append((log, contact))
    items: Items = {}
    for member in members:
        lines = []
        for client in visible_clients(member, clients):
            for log, contact in open_logs.get(client.id, []):
                _, days, last = reminded[log.id]
                action = log.follow_up_action or "follow up"
                lines.append(
                    ReminderItem(
                        title=f"{client.name} has not followed up with {contact.name}",
                        detail=(
                            f"“{action}”, due {day(log.follow_up_due_on)}: reminded on "
                            f"{days} days (last {day(last)}) and still not done."
                        ),
                        url=external_url(
                            "coach.meeting_detail", practice_slug=practice.slug, log_id=log.id
                        ),
                        key=f"escalation:followup:{log.id}",
                        group=group_label(member, client),
                    )
                )
        items[member.id] = lines
    return items


@reminder_provider(
    kind="coach_weekly_digest", key="overdue_followups", heading="Overdue follow-ups", order=30
)
def overdue_follow_ups(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    clients = active_clients(practice)
    stats = log_stats(practice, today)
    items: Items = {}
    for member in members:
        lines = []
        for client in visible_clients(member, clients):
            row = stats.get(client.id)
            if row is None or not row.overdue:
                continue
            lines.append(
                ReminderItem(
                    title=client.name,
                    detail=(
                        f"{plural(row.overdue, 'overdue follow-up')}, "
                        f"the oldest due {day(row.oldest_overdue)}."
                    ),
                    url=client_url(practice, client),
                    group=group_label(member, client),
                )
            )
        items[member.id] = lines
    return items


def follow_up_events(practice: Practice, membership: Membership) -> list[CalendarEvent]:
    """Open follow-ups as all-day events: a client's own; a coach's (or owner's) clients'."""
    query = (
        select(MeetingLog, Contact, User.name)
        .join(Contact, Contact.id == MeetingLog.contact_id)
        .join(Membership, Membership.id == MeetingLog.client_membership_id)
        .join(User, User.id == Membership.user_id)
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.follow_up_due_on.is_not(None),
            MeetingLog.follow_up_done_on.is_(None),
            Membership.status == MemberStatus.ACTIVE,
        )
        .order_by(MeetingLog.follow_up_due_on, MeetingLog.id)
    )
    if membership.is_client:
        query = query.where(MeetingLog.client_membership_id == membership.id)
        url = external_url("client.follow_ups", practice_slug=practice.slug)
    else:
        query = query.where(Membership.coach_membership_id == membership.id)
        url = None
    events = []
    for log, contact, client_name in db.session.execute(query):
        action = log.follow_up_action or "Follow up"
        if membership.is_client:
            summary = f"Follow up with {contact.name}: {action}"
            link = url
        else:
            summary = f"{client_name}: follow up with {contact.name} ({action})"
            link = external_url("coach.meeting_detail", practice_slug=practice.slug, log_id=log.id)
        events.append(
            CalendarEvent(
                uid=f"followup-{log.id}",
                summary=summary,
                start=log.follow_up_due_on,
                description=f"After the meeting of {day(log.met_on)}.",
                url=link,
            )
        )
    return events


CALENDAR_PROVIDERS.register(CalendarProvider("followups", follow_up_events, order=10))
