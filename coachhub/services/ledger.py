"""The reciprocity ledger: per contact, what the client gave and what they received.

The method asks for give and take: a client who only takes wears a contact out. The ledger
is fed by the meeting log (my offer is something given; what I learned and the
introductions offered are things received) and by entries the client adds by hand. A
contact's balance is gave − received; contacts the client only took from are nudged.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import contains_eager

from coachhub.extensions import db
from coachhub.models import (
    Contact,
    LedgerDirection,
    LedgerEntry,
    LedgerKind,
    MeetingLog,
    Membership,
    Practice,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.contacts import (
    TOUCH_NOTE_MAX,
    guess_touch_kind,
    log_touch,
    require_client,
)

DESCRIPTION_MAX = 500
# A promise's follow-up is due this many days after it was made, unless the client says.
PROMISE_DAYS = 7


def sync_from_log(log: MeetingLog) -> None:
    """Keep the log's own entries in step with its offer, learning and introductions.

    An archived log leaves the ledger, as it leaves the metrics. A planned meeting's entries
    are dated on the meeting and count once that day has come (balances read up to today).
    """
    kept = db.session.scalar(
        select(LedgerEntry.promise_done_on).where(
            LedgerEntry.meeting_log_id == log.id, LedgerEntry.promise_due_on.is_not(None)
        )
    )
    db.session.execute(delete(LedgerEntry).where(LedgerEntry.meeting_log_id == log.id))
    if log.archived_at is not None:
        return
    entries = []
    if log.offer.strip():
        entries.append((LedgerDirection.GAVE, LedgerKind.HELP, log.offer))
    promise_on = log.met_on + timedelta(days=PROMISE_DAYS) if log.offer_is_promise else None
    if log.learned.strip():
        entries.append((LedgerDirection.RECEIVED, LedgerKind.INFORMATION, log.learned))
    if log.introductions.strip():
        entries.append((LedgerDirection.RECEIVED, LedgerKind.INTRODUCTION, log.introductions))
    for direction, kind, text in entries:
        db.session.add(
            LedgerEntry(
                practice_id=log.practice_id,
                client_membership_id=log.client_membership_id,
                contact_id=log.contact_id,
                direction=direction,
                kind=kind,
                description=text.strip()[:DESCRIPTION_MAX],
                happened_on=log.met_on,
                meeting_log_id=log.id,
                # My offer, when it is a promise, is a follow-up until it is kept.
                promise_due_on=promise_on if direction == LedgerDirection.GAVE else None,
                promise_done_on=kept if promise_on and direction == LedgerDirection.GAVE else None,
            )
        )


def add_entry(
    practice: Practice,
    actor: Membership,
    contact: Contact,
    direction: str,
    kind: str,
    description: str,
    happened_on: date | None = None,
    promise_due_on: date | None = None,
) -> LedgerEntry:
    """An entry added by hand: an article sent, a referral received …

    With `promise_due_on`, it is a promise ("I'll send the article"): a follow-up for the
    client, due that day, until they mark it kept.
    """
    require_client(actor, contact.client_membership_id)
    if direction not in set(LedgerDirection):
        raise ServiceError("Say whether you gave or received it.", "direction")
    if kind not in set(LedgerKind):
        raise ServiceError("Pick what it was.", "kind")
    description = (description or "").strip()
    if not description:
        raise ServiceError("What was it? A few words are enough.", "description")
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(f"Keep it under {DESCRIPTION_MAX} characters.", "description")
    today = practice.today()
    happened_on = happened_on or today
    if happened_on > today:
        raise ServiceError("It cannot be in the future.", "happened_on")
    if happened_on < date(2000, 1, 1):
        raise ServiceError("Give a date from 2000 on.", "happened_on")
    if promise_due_on is not None:
        if direction != LedgerDirection.GAVE:
            raise ServiceError("A promise is something you will give.", "is_promise")
        if promise_due_on < happened_on:
            raise ServiceError("Remind yourself on or after the day you promised.", "remind_on")
    entry = LedgerEntry(
        practice_id=practice.id,
        client_membership_id=contact.client_membership_id,
        contact=contact,
        direction=LedgerDirection(direction),
        kind=LedgerKind(kind),
        description=description,
        happened_on=happened_on,
        promise_due_on=promise_due_on,
    )
    db.session.add(entry)
    db.session.flush()
    record(practice, actor.user, "ledger.added", contact, direction=entry.direction.value)
    return entry


def default_reminder(practice: Practice, happened_on: date | None) -> date:
    """When a promise's follow-up is due unless the client says: a week after it was made."""
    return (happened_on or practice.today()) + timedelta(days=PROMISE_DAYS)


def keep_promise(
    practice: Practice, actor: Membership, entry: LedgerEntry, done_on: date | None = None
) -> None:
    """The client kept a promise: the follow-up is done, and it was a touch with the contact."""
    require_client(actor, entry.client_membership_id)
    if entry.promise_due_on is None:
        raise ServiceError("That entry is not a promise.")
    if entry.promise_done_on is not None:
        return
    today = practice.today()
    done_on = done_on or today
    if done_on > today:
        raise ServiceError("It cannot be done in the future.", "on")
    if done_on < entry.happened_on:
        raise ServiceError("It cannot be kept before it was promised.", "on")
    entry.promise_done_on = done_on
    log_touch(
        practice,
        actor,
        entry.contact,
        guess_touch_kind(entry.description),
        done_on,
        note=f"Kept my promise: {entry.description}"[:TOUCH_NOTE_MAX],
        meeting_log_id=entry.meeting_log_id,
    )
    record(practice, actor.user, "ledger.promise_kept", entry.contact, entry=entry.id)


def open_promises(
    practice: Practice, client: Membership, limit: int = 100, due_by: date | None = None
) -> list[LedgerEntry]:
    """The client's promises not kept yet (due by `due_by`, if given), soonest due first,
    with their contact (one query)."""
    due = (LedgerEntry.promise_due_on <= due_by,) if due_by else ()
    return list(
        db.session.scalars(
            select(LedgerEntry)
            .join(Contact, Contact.id == LedgerEntry.contact_id)
            .where(
                LedgerEntry.practice_id == practice.id,
                LedgerEntry.client_membership_id == client.id,
                LedgerEntry.promise_due_on.is_not(None),
                LedgerEntry.promise_done_on.is_(None),
                Contact.archived_at.is_(None),
                *due,
            )
            .options(contains_eager(LedgerEntry.contact))
            .order_by(LedgerEntry.promise_due_on, LedgerEntry.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Balance:
    gave: int
    received: int

    @property
    def balance(self) -> int:
        return self.gave - self.received

    @property
    def only_takes(self) -> bool:
        return self.received > 0 and self.gave == 0


def _counts():
    gave = func.coalesce(func.sum(case((LedgerEntry.direction == LedgerDirection.GAVE, 1))), 0)
    received = func.coalesce(
        func.sum(case((LedgerEntry.direction == LedgerDirection.RECEIVED, 1))), 0
    )
    return gave, received


def _counted(practice: Practice):
    """The practice's entries that have happened (a planned meeting's not yet)."""
    return (LedgerEntry.practice_id == practice.id, LedgerEntry.happened_on <= practice.today())


def balances(practice: Practice, contact_ids: list[int]) -> dict[int, Balance]:
    """Gave and received per contact, for the contacts on a page (one query)."""
    if not contact_ids:
        return {}
    gave, received = _counts()
    rows = db.session.execute(
        select(LedgerEntry.contact_id, gave, received)
        .where(*_counted(practice), LedgerEntry.contact_id.in_(contact_ids))
        .group_by(LedgerEntry.contact_id)
    ).all()
    return {contact_id: Balance(int(g), int(r)) for contact_id, g, r in rows}


def client_totals(practice: Practice, client: Membership) -> Balance:
    """Gives vs takes over all of the client's contacts (one query)."""
    gave, received = _counts()
    g, r = db.session.execute(
        select(gave, received).where(
            *_counted(practice), LedgerEntry.client_membership_id == client.id
        )
    ).one()
    return Balance(int(g), int(r))


def only_taking(practice: Practice, client: Membership, limit: int = 5) -> list[Contact]:
    """Active contacts the client received from but never gave to, most received first."""
    gave, received = _counts()
    per_contact = (
        select(LedgerEntry.contact_id, gave.label("gave"), received.label("received"))
        .where(*_counted(practice), LedgerEntry.client_membership_id == client.id)
        .group_by(LedgerEntry.contact_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Contact)
            .join(per_contact, per_contact.c.contact_id == Contact.id)
            .where(
                Contact.practice_id == practice.id,
                Contact.archived_at.is_(None),
                per_contact.c.gave == 0,
                per_contact.c.received > 0,
            )
            .order_by(per_contact.c.received.desc(), Contact.name, Contact.id)
            .limit(limit)
        )
    )
