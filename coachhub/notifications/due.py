"""Scheduled emails: daily reminders and weekly digests, assembled from providers.

`flask send-reminders` runs `send_reminders_for_practice` for every practice,
every few minutes. For each optional kind that has providers it works out who
is due today in the practice's timezone (from REMINDER_HOUR on; weekly kinds
on the member's chosen weekday), asks every provider of that kind for the
items of those members, and queues one email per member when at least one
provider had something to say. The dedupe key (kind, membership, local date —
or ISO week for weekly kinds) makes repeated runs queue nothing new.

How a feature plugs in (follow-ups, check-ins, stale contacts, digest
sections): write a function `collect(practice, members, today)` that returns
`{membership_id: [ReminderItem, ...]}` for those members — in one or two
queries for all of them, not one per member — and register it:

    @reminder_provider(kind="client_daily_reminder", key="followups", heading="Follow-ups")
    def followups_due(practice, members, today): ...

The command does not change; the provider's module is listed in
`coachhub.notifications.PROVIDER_MODULES` so it is imported at start-up.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import insert, select

from coachhub.billing.access import access_for
from coachhub.extensions import db
from coachhub.models import Membership, MemberStatus, OutboundEmail, Practice, SentReminderItem
from coachhub.notifications.kinds import KINDS, Cadence, NotificationKind
from coachhub.notifications.outbox import optional_email_row, queue_emails
from coachhub.notifications.preferences import load_preferences
from coachhub.notifications.registry import Registry
from coachhub.urls import links_for_emails


@dataclass(frozen=True)
class ReminderItem:
    """One line of a reminder: "Follow up with Ana (due tomorrow)"."""

    title: str
    detail: str = ""
    url: str | None = None  # absolute (use coachhub.urls.external_url)
    due: date | None = None
    # A stable id of what the line is about ("followup:42"). Every keyed line that goes
    # out is recorded (SentReminderItem), which is what escalation rules count.
    key: str | None = None
    # Optional sub-heading inside a section (the owner's digest: "Carlos Coach's clients");
    # consecutive items with the same group are shown under it.
    group: str = ""


Items = dict[int, list["ReminderItem"]]
Collect = Callable[[Practice, Sequence[Membership], date], Mapping[int, Sequence[ReminderItem]]]


@dataclass(frozen=True)
class ReminderProvider:
    """A source of reminder lines for one kind of email, shown under `heading`."""

    key: str
    kind: str  # a key of notifications.kinds.KINDS
    heading: str
    collect: Collect
    order: int = 100


PROVIDERS: Registry[ReminderProvider] = Registry("reminder provider")


def reminder_provider(kind: str, key: str, heading: str, order: int = 100):
    """Decorator: register `collect` as a provider of `kind` emails."""

    def decorate(collect: Collect) -> Collect:
        PROVIDERS.register(ReminderProvider(key, kind, heading, collect, order))
        return collect

    return decorate


@dataclass(frozen=True)
class Section:
    heading: str
    items: list[ReminderItem]


@dataclass
class ReminderRun:
    """What one run did, for the command's summary line and for tests."""

    queued: int = 0
    already_queued: int = 0
    nothing_due: int = 0
    opted_out: int = 0
    not_their_day: int = 0
    read_only_practices: int = 0
    keys: list[str] = field(default_factory=list)

    def add(self, other: "ReminderRun") -> None:
        self.queued += other.queued
        self.already_queued += other.already_queued
        self.nothing_due += other.nothing_due
        self.opted_out += other.opted_out
        self.not_their_day += other.not_their_day
        self.read_only_practices += other.read_only_practices
        self.keys += other.keys


def dedupe_key(kind: NotificationKind, membership: Membership, today: date) -> str:
    """One email per member and local day (daily kinds) or ISO week (weekly kinds)."""
    if kind.cadence == Cadence.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{kind.key}:{membership.id}:{year}-W{week:02d}"
    return f"{kind.key}:{membership.id}:{today.isoformat()}"


def local_today(practice: Practice, now: datetime) -> tuple[date, bool]:
    """The practice's local date at `now`, and whether reminders may go out yet today."""
    local = now.astimezone(practice.tz)
    return local.date(), local.hour >= current_app.config["REMINDER_HOUR"]


def send_reminders_for_practice(practice: Practice, now: datetime) -> ReminderRun:
    """Queue what is due for the members of `practice` at `now`; flushes, never commits."""
    run = ReminderRun()
    today, in_window = local_today(practice, now)
    if not in_window:
        return run
    # A read-only practice (billing) sends no reminders or digests: its members could not
    # act on them (marking a follow-up done is a write), so they would repeat and escalate.
    # Billing state is read at the real current time; `now` only picks the local day.
    if not access_for(practice).can_write:
        run.read_only_practices = 1
        return run
    with links_for_emails():
        for kind in KINDS:
            providers = [p for p in PROVIDERS if p.kind == kind.key]
            if providers:
                run.add(_send_kind(practice, kind, providers, today))
    return run


def _send_kind(
    practice: Practice,
    kind: NotificationKind,
    providers: list[ReminderProvider],
    today: date,
) -> ReminderRun:
    run = ReminderRun()
    members = db.session.scalars(
        select(Membership)
        .where(
            Membership.practice_id == practice.id,
            Membership.status == MemberStatus.ACTIVE,
            Membership.role.in_(kind.roles),
        )
        .options(db.joinedload(Membership.user))
        .order_by(Membership.id)
    ).all()
    preferences = load_preferences(members, kind)
    due = []
    for member in members:
        preference = preferences[member.id]
        if not preference.enabled:
            run.opted_out += 1
        elif kind.cadence == Cadence.WEEKLY and today.weekday() != preference.weekday:
            run.not_their_day += 1
        else:
            due.append(member)
    keys = {member.id: dedupe_key(kind, member, today) for member in due}
    queued_before = set(
        db.session.scalars(
            select(OutboundEmail.dedupe_key).where(OutboundEmail.dedupe_key.in_(keys.values()))
        )
    )
    run.already_queued = sum(1 for key in keys.values() if key in queued_before)
    due = [member for member in due if keys[member.id] not in queued_before]
    if not due:
        return run

    sections: dict[int, list[Section]] = {member.id: [] for member in due}
    for provider in providers:
        found = provider.collect(practice, due, today)
        for member_id, items in found.items():
            if member_id in sections and items:
                sections[member_id].append(Section(provider.heading, list(items)))

    # Rendered first, then queued in batches: a few statements for the whole run.
    rows = []
    for member in due:
        if not sections[member.id]:
            run.nothing_due += 1
            continue
        row = optional_email_row(
            kind,
            member,
            dedupe_key=keys[member.id],
            preference=preferences[member.id],
            sections=sections[member.id],
            today=today,
        )
        if row is not None:
            rows.append((member, row))
    queued = queue_emails([row for _, row in rows])
    sent_items: list[dict] = []
    for member, _row in rows:
        if keys[member.id] not in queued:
            # A concurrent run queued it a moment ago.
            run.already_queued += 1
            continue
        run.queued += 1
        run.keys.append(keys[member.id])
        item_keys = {i.key for s in sections[member.id] for i in s.items if i.key}
        sent_items += [
            dict(
                practice_id=practice.id,
                membership_id=member.id,
                kind=kind.key,
                item_key=item_key[:80],
                sent_on=today,
            )
            for item_key in sorted(item_keys)
        ]
    if sent_items:
        # One statement for the whole run, whatever the number of emails and lines.
        db.session.execute(insert(SentReminderItem), sent_items)
    return run
