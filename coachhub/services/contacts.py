"""Contacts: kept by the client; 'last touched' is derived from their meeting logs."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import Contact, MeetingLog, Membership, Practice, utcnow
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


def touch_contact(
    practice: Practice, actor: Membership, contact: Contact, on: date | None = None
) -> None:
    """One click: 'I was in touch with them today' (an email, a message), no full log."""
    require_client(actor, contact.client_membership_id)
    today = practice.today()
    on = on or today
    if on > today:
        raise ServiceError("A touch cannot be in the future; plan a follow-up instead.")
    contact.manual_touch_on = max(filter(None, (contact.manual_touch_on, on)))
    refresh_touch(contact, today)
    record(practice, actor.user, "contact.touched", contact, on=on.isoformat())


def refresh_touch(contact: Contact, today: date) -> None:
    """Recompute last_touched_on and touch_due_on from the contact's logs (not future plans)."""
    last_logged = db.session.scalar(
        select(func.max(MeetingLog.met_on)).where(
            MeetingLog.contact_id == contact.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= today,
        )
    )
    touches = [d for d in (last_logged, contact.manual_touch_on) if d is not None]
    contact.last_touched_on = max(touches) if touches else None
    if contact.cadence_days:
        since = contact.last_touched_on or (contact.created_at or utcnow()).date()
        contact.touch_due_on = since + timedelta(days=contact.cadence_days)
    else:
        contact.touch_due_on = None


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
