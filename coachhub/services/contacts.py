"""Contacts: kept by the client; 'last touched' is derived from their meeting logs and their
touches of any kind (an email, a call, a done follow-up)."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import Contact, MeetingLog, Membership, Practice, Touch, TouchKind, utcnow
from coachhub.services import ServiceError
from coachhub.services.audit import record

CONTACT_FIELDS = (
    "name",
    "company",
    "title",
    "industry",
    "email",
    "profile_url",
    "how_met",
    "introduced_by_contact_id",
    "cadence_days",
    "notes",
)


def require_client(actor: Membership, client_id: int) -> None:
    """Contacts and logs are the client's own: only they write them."""
    if not actor.is_client or actor.id != client_id:
        raise ServiceError("Only the client keeps their contacts and meeting logs.")


def _apply(practice: Practice, contact: Contact, fields: dict) -> None:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(contact, name, value)
    if not contact.name:
        raise ServiceError("Enter the contact's name.", "name")
    if contact.cadence_days is not None and not 1 <= contact.cadence_days <= 730:
        raise ServiceError("Use a cadence between 1 and 730 days.", "cadence_days")
    if contact.introduced_by_contact_id:
        _check_introducer(practice, contact)
    else:
        contact.introduced_by_contact_id = None


def _check_introducer(practice: Practice, contact: Contact) -> None:
    """The introducer is another of the same client's contacts, and chains never loop."""
    parents = dict(
        db.session.execute(
            select(Contact.id, Contact.introduced_by_contact_id).where(
                Contact.practice_id == practice.id,
                Contact.client_membership_id == contact.client_membership_id,
            )
        ).all()
    )
    introducer = contact.introduced_by_contact_id
    if introducer not in parents:
        raise ServiceError(
            "Pick one of your own contacts as the introducer.", "introduced_by_contact_id"
        )
    seen = {contact.id}
    while introducer is not None:
        if introducer in seen:
            raise ServiceError(
                "That would make a loop of introductions.", "introduced_by_contact_id"
            )
        seen.add(introducer)
        introducer = parents.get(introducer)


def add_contact(practice: Practice, actor: Membership, **fields) -> Contact:
    """A new contact for the acting client."""
    require_client(actor, actor.id)
    contact = Contact(practice_id=practice.id, client_membership_id=actor.id)
    _apply(practice, contact, fields)
    db.session.add(contact)
    db.session.flush()
    refresh_touch(contact, practice.today())
    record(practice, actor.user, "contact.added", contact)
    return contact


def update_contact(practice: Practice, actor: Membership, contact: Contact, **fields) -> None:
    require_client(actor, contact.client_membership_id)
    _apply(practice, contact, fields)
    refresh_touch(contact, practice.today())
    record(practice, actor.user, "contact.updated", contact)


def archive_contact(practice: Practice, actor: Membership, contact: Contact) -> None:
    """Hide a contact from lists and metrics; its logs and chains are kept."""
    require_client(actor, contact.client_membership_id)
    if contact.archived_at is None:
        contact.archived_at = utcnow()
        record(practice, actor.user, "contact.archived", contact)


def restore_contact(practice: Practice, actor: Membership, contact: Contact) -> None:
    require_client(actor, contact.client_membership_id)
    if contact.archived_at is not None:
        contact.archived_at = None
        record(practice, actor.user, "contact.restored", contact)


TOUCH_NOTE_MAX = 2000

# Words in a follow-up's action that say what kind of touch doing it was.
_KIND_WORDS = (
    (TouchKind.EMAIL, ("email", "e-mail", "mail", "thank-you note", "thank you note")),
    (TouchKind.CALL, ("call", "phone", "ring")),
    (TouchKind.SOCIAL, ("linkedin", "twitter", "social", "comment", "like")),
    (TouchKind.MESSAGE, ("message", "text", "whatsapp", "slack", "dm")),
    (TouchKind.EVENT, ("event", "meetup", "conference", "webinar")),
)


def guess_touch_kind(action: str) -> TouchKind:
    """What kind of touch doing this follow-up is ("Send thank-you email" -> email)."""
    words = re.findall(r"[\w-]+", (action or "").lower())
    text = " ".join(words)
    for kind, keys in _KIND_WORDS:
        if any(key in words or (" " in key and key in text) for key in keys):
            return kind
    return TouchKind.OTHER


def log_touch(
    practice: Practice,
    actor: Membership,
    contact: Contact,
    kind: TouchKind | str,
    on: date | None = None,
    note: str = "",
    meeting_log_id: int | None = None,
) -> Touch:
    """The client was in touch with a contact outside a logged meeting (an email, a call …)."""
    require_client(actor, contact.client_membership_id)
    if kind not in set(TouchKind):
        raise ServiceError("Pick how you were in touch.", "kind")
    today = practice.today()
    on = on or today
    if on > today:
        raise ServiceError("A touch cannot be in the future; plan a follow-up instead.", "on")
    if on < date(2000, 1, 1):
        raise ServiceError("Give a date from 2000 on.", "on")
    note = (note or "").strip()
    if len(note) > TOUCH_NOTE_MAX:
        raise ServiceError(f"Keep it under {TOUCH_NOTE_MAX} characters.", "note")
    touch = Touch(
        practice_id=practice.id,
        client_membership_id=contact.client_membership_id,
        contact=contact,
        kind=TouchKind(kind),
        touched_on=on,
        note=note,
        meeting_log_id=meeting_log_id,
    )
    db.session.add(touch)
    db.session.flush()
    refresh_touch(contact, today)
    record(
        practice, actor.user, "contact.touched", contact, kind=touch.kind.value, on=on.isoformat()
    )
    return touch


def refresh_touch(contact: Contact, today: date) -> None:
    """Recompute last_touched_on and touch_due_on from the contact's logs (not future plans)
    and touches of any kind."""
    last_logged = db.session.scalar(
        select(func.max(MeetingLog.met_on)).where(
            MeetingLog.contact_id == contact.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= today,
        )
    )
    contact.manual_touch_on = db.session.scalar(
        select(func.max(Touch.touched_on)).where(
            Touch.contact_id == contact.id, Touch.touched_on <= today
        )
    )
    touches = [d for d in (last_logged, contact.manual_touch_on) if d is not None]
    contact.last_touched_on = max(touches) if touches else None
    if contact.cadence_days:
        since = contact.last_touched_on or (contact.created_at or utcnow()).date()
        contact.touch_due_on = since + timedelta(days=contact.cadence_days)
    else:
        contact.touch_due_on = None


def touch_recency(last_touched_on: date | None, today: date) -> str:
    """How recently a contact was touched, as the map's colour: recent, warm, cold, never."""
    if last_touched_on is None:
        return "never"
    age = today - last_touched_on
    if age <= timedelta(days=30):
        return "recent"
    return "warm" if age <= timedelta(days=90) else "cold"


RECENCY_LABELS = {
    "recent": "touched in the last 30 days",
    "warm": "touched 31–90 days ago",
    "cold": "not touched for over 90 days",
    "never": "never touched",
}


@dataclass
class ChainNode:
    contact: Contact
    children: list["ChainNode"] = field(default_factory=list)


def introduction_chains(contacts: list[Contact]) -> tuple[list[ChainNode], list[Contact]]:
    """Trees of who introduced whom (roots: contacts nobody introduced) and the longest chain.

    Only trees with at least one introduction are returned; the longest chain
    runs from a root down to the deepest contact.
    """
    nodes = {c.id: ChainNode(c) for c in contacts}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.contact.introduced_by_contact_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    def deepest(node: ChainNode) -> list[Contact]:
        best: list[Contact] = []
        for child in node.children:
            path = deepest(child)
            if len(path) > len(best):
                best = path
        return [node.contact, *best]

    longest: list[Contact] = []
    for root in roots:
        path = deepest(root)
        if len(path) > len(longest):
            longest = path
    trees = [root for root in roots if root.children]
    return trees, longest if len(longest) > 1 else []
