"""Reminders, digest sections and calendar events from the coaching portals (issue 3 data).

Client daily reminder (`client_daily_reminder`), one email a day at most:

| order | section | a line on the days when |
|---|---|---|
| 10 | Follow-ups due tomorrow | the follow-up is due tomorrow (local date) |
| 20 | Overdue follow-ups | it is 1, 3, 7, 14, 21 or 28 days past due (`OVERDUE_REMIND_DAYS`) |
| 30 | (check-ins due: issue 4, its own module) | |
| 40 | Contacts to get back to | it turned stale 1, 8 or 30 days ago (`STALE_REMIND_DAYS`) |

Lines come back on a rhythm, not every day: an overdue follow-up or a stale
contact stays visible on its page, and an email that says the same thing
every morning teaches people to ignore it.

Coach weekly digest (`coach_weekly_digest`), on the coach's day:

| order | section |
|---|---|
| 10 | Meeting logs to review: how many, and the oldest (link to the review queue) |
| 20 | Follow-ups ignored: reminded on three days or more and still not done (escalation) |
| 30 | Overdue follow-ups, per client |
| 40 | (at-risk clients: issue 4 registers `key="at_risk_clients"` with this order) |
| 50 | No activity in 30 days |
| 90 | Invitations not accepted yet (`services/digest.py`) |

A coach sees their own active clients. The owner sees every client of the
practice, grouped by coach (their own clients first, as "Your clients"): the
owner answers for the whole practice, and the owner's dashboard is grouped
the same way.

Calendar: every member's feed lists the open follow-ups (not done, log not
archived) they coach or keep, as all-day events on the due date. A client sees
their own; a coach and the owner their own clients' (the owner's feed is not
the whole practice: a calendar is for what you act on yourself).

Every provider takes all members at once and costs one or two queries.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import (
    Contact,
    MeetingLog,
    Membership,
    MemberStatus,
    Practice,
    Review,
    Role,
    SentReminderItem,
    User,
)
from coachhub.services.calendar import CALENDAR_PROVIDERS, CalendarEvent, CalendarProvider
from coachhub.services.email import external_url
from coachhub.services.reminders import ReminderItem, reminder_provider

# Days past the due date on which an overdue follow-up is in the client's reminder.
OVERDUE_REMIND_DAYS = (1, 3, 7, 14, 21, 28)
# Days after a contact turned stale (touch due date passed) on which it is in the reminder.
STALE_REMIND_DAYS = (1, 8, 30)
# Escalation: reminded on this many distinct days about one follow-up, still not done.
ESCALATE_AFTER_DAYS = 3
# "No activity": no meeting logged in this many days (as the dashboards' Needs attention).
QUIET_DAYS = 30

Items = dict[int, list[ReminderItem]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


# Client daily reminder ------------------------------------------------------------------


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
                detail=f"{_plural(late, 'day')} overdue. Done already? Mark it done.",
                url=url,
                due=log.follow_up_due_on,
                key=f"followup:{log.id}",
            )
        )
    return items


@reminder_provider(
    kind="client_daily_reminder",
    key="stale_contacts",
    heading="Contacts to get back to",
    order=40,
)
def stale_contacts(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Contacts whose keep-in-touch cadence ran out (docs/portals.md: touch due < today)."""
    url = external_url("client.stale_contacts", practice_slug=practice.slug)
    due_dates = [today - timedelta(days=n) for n in STALE_REMIND_DAYS]
    rows = db.session.scalars(
        select(Contact)
        .where(
            Contact.practice_id == practice.id,
            Contact.client_membership_id.in_([m.id for m in members]),
            Contact.archived_at.is_(None),
            Contact.touch_due_on.in_(due_dates),
        )
        .order_by(Contact.touch_due_on, Contact.name, Contact.id)
    )
    items: Items = defaultdict(list)
    for contact in rows:
        name = f"{contact.name} ({contact.company})" if contact.company else contact.name
        if contact.last_touched_on:
            since = f"Last in touch on {_day(contact.last_touched_on)}"
        else:
            since = "Not in touch since you added them"
        items[contact.client_membership_id].append(
            ReminderItem(
                title=name,
                detail=f"{since}; you wanted to keep in touch every {contact.cadence_days} days.",
                url=url,
                due=contact.touch_due_on,
                key=f"contact:{contact.id}",
            )
        )
    return items


# Coach weekly digest --------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    coach_id: int | None
    coach_name: str
    joined_on: date  # local date of the membership (an invitation accepted)


def _active_clients(practice: Practice) -> list[ClientRow]:
    """Every active client of the practice with their coach's name (one query)."""
    coach = aliased(Membership)
    coach_user = aliased(User)
    rows = db.session.execute(
        select(
            Membership.id,
            User.name,
            Membership.coach_membership_id,
            coach_user.name,
            Membership.created_at,
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(coach, coach.id == Membership.coach_membership_id)
        .outerjoin(coach_user, coach_user.id == coach.user_id)
        .where(
            Membership.practice_id == practice.id,
            Membership.role == Role.CLIENT,
            Membership.status == MemberStatus.ACTIVE,
        )
        .order_by(User.name, Membership.id)
    ).all()
    return [
        ClientRow(id, name, coach_id, coach_name or "", created.astimezone(practice.tz).date())
        for id, name, coach_id, coach_name, created in rows
    ]


def _group(viewer: Membership, client: ClientRow) -> str:
    if not viewer.is_owner:
        return ""
    if client.coach_id == viewer.id:
        return "Your clients"
    if client.coach_id is None:
        return "Clients without a coach"
    return f"{client.coach_name}'s clients"


def _visible(viewer: Membership, clients: list[ClientRow]) -> list[ClientRow]:
    """A coach's own clients; the owner's: all, own first, then by coach (then client name)."""
    if not viewer.is_owner:
        return [c for c in clients if c.coach_id == viewer.id]

    def order(c: ClientRow):
        return (c.coach_id != viewer.id, c.coach_id is None, c.coach_name, c.coach_id or 0)

    return sorted(clients, key=order)  # stable: by client name within a coach


def _client_url(practice: Practice, client: ClientRow) -> str:
    return external_url("coach.client_detail", practice_slug=practice.slug, client_id=client.id)


def _log_stats(practice: Practice, today: date) -> dict[int, object]:
    """Per active client: logs to review (and the oldest), overdue follow-ups, last activity."""
    log = MeetingLog
    past = log.met_on <= today
    unreviewed = and_(past, Review.id.is_(None))
    overdue = and_(log.follow_up_due_on < today, log.follow_up_done_on.is_(None))
    rows = db.session.execute(
        select(
            log.client_membership_id.label("client_id"),
            func.coalesce(func.sum(case((unreviewed, 1), else_=0)), 0).label("unreviewed"),
            func.min(case((unreviewed, log.met_on))).label("oldest_unreviewed"),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue"),
            func.min(case((overdue, log.follow_up_due_on))).label("oldest_overdue"),
            func.max(case((past, log.met_on))).label("last_activity"),
        )
        .join(Membership, Membership.id == log.client_membership_id)
        .outerjoin(Review, Review.log_id == log.id)
        .where(
            log.practice_id == practice.id,
            log.archived_at.is_(None),
            Membership.status == MemberStatus.ACTIVE,
        )
        .group_by(log.client_membership_id)
    ).all()
    return {row.client_id: row for row in rows}


@reminder_provider(
    kind="coach_weekly_digest", key="logs_to_review", heading="Meeting logs to review", order=10
)
def logs_to_review(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    clients = _active_clients(practice)
    stats = _log_stats(practice, today)
    url = external_url("coach.review_queue", practice_slug=practice.slug)
    items: Items = {}
    for member in members:
        groups: dict[str, list[tuple[ClientRow, object]]] = {}
        for client in _visible(member, clients):
            row = stats.get(client.id)
            if row is not None and row.unreviewed:
                groups.setdefault(_group(member, client), []).append((client, row))
        lines = []
        for group, found in groups.items():
            total = sum(row.unreviewed for _, row in found)
            client, oldest = min(found, key=lambda pair: pair[1].oldest_unreviewed)
            days = (today - oldest.oldest_unreviewed).days
            lines.append(
                ReminderItem(
                    title=f"{_plural(total, 'meeting log')} waiting for review",
                    detail=(
                        f"The oldest is {client.name}'s meeting of "
                        f"{_day(oldest.oldest_unreviewed)} ({_plural(days, 'day')} ago)."
                    ),
                    url=url,
                    group=group,
                )
            )
        items[member.id] = lines
    return items


@reminder_provider(
    kind="coach_weekly_digest",
    key="ignored_followups",
    heading="Follow-ups ignored after three reminders",
    order=20,
)
def ignored_follow_ups(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Escalation: a client was reminded about one follow-up on 3+ days and it is not done."""
    clients = _active_clients(practice)
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
        for client in _visible(member, clients):
            for log, contact in open_logs.get(client.id, []):
                _, days, last = reminded[log.id]
                action = log.follow_up_action or "follow up"
                lines.append(
                    ReminderItem(
                        title=f"{client.name} has not followed up with {contact.name}",
                        detail=(
                            f"“{action}”, due {_day(log.follow_up_due_on)}: reminded on "
                            f"{days} days (last {_day(last)}) and still not done."
                        ),
                        url=external_url(
                            "coach.meeting_detail", practice_slug=practice.slug, log_id=log.id
                        ),
                        key=f"escalation:followup:{log.id}",
                        group=_group(member, client),
                    )
                )
        items[member.id] = lines
    return items


@reminder_provider(
    kind="coach_weekly_digest", key="overdue_followups", heading="Overdue follow-ups", order=30
)
def overdue_follow_ups(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    clients = _active_clients(practice)
    stats = _log_stats(practice, today)
    items: Items = {}
    for member in members:
        lines = []
        for client in _visible(member, clients):
            row = stats.get(client.id)
            if row is None or not row.overdue:
                continue
            lines.append(
                ReminderItem(
                    title=client.name,
                    detail=(
                        f"{_plural(row.overdue, 'overdue follow-up')}, "
                        f"the oldest due {_day(row.oldest_overdue)}."
                    ),
                    url=_client_url(practice, client),
                    group=_group(member, client),
                )
            )
        items[member.id] = lines
    return items


@reminder_provider(
    kind="coach_weekly_digest", key="quiet_clients", heading="No activity in 30 days", order=50
)
def quiet_clients(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Clients with no meeting logged in the last QUIET_DAYS days (nor since they joined)."""
    clients = _active_clients(practice)
    stats = _log_stats(practice, today)
    quiet_since = today - timedelta(days=QUIET_DAYS)
    items: Items = {}
    for member in members:
        lines = []
        for client in _visible(member, clients):
            row = stats.get(client.id)
            last = row.last_activity if row is not None else None
            # A client who joined recently has not had 30 days to be quiet in.
            if (last or client.joined_on) >= quiet_since:
                continue
            if last is None:
                detail = f"No meeting logged since they joined on {_day(client.joined_on)}."
            else:
                detail = f"Last meeting {_day(last)} ({(today - last).days} days ago)."
            lines.append(
                ReminderItem(
                    title=client.name,
                    detail=detail,
                    url=_client_url(practice, client),
                    group=_group(member, client),
                )
            )
        items[member.id] = lines
    return items


# Calendar feed ---------------------------------------------------------------------------


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
                description=f"After the meeting of {_day(log.met_on)}.",
                url=link,
            )
        )
    return events


CALENDAR_PROVIDERS.register(CalendarProvider("followups", follow_up_events, order=10))
