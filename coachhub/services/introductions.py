"""Introductions as a pipeline: "ask X to introduce me to someone at Y", then made, then met
(or declined). A made introduction brings a new contact, introduced by X, and an entry on
X's side of the ledger (an introduction received)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.models import (
    Contact,
    Introduction,
    IntroductionStatus,
    LedgerDirection,
    LedgerEntry,
    LedgerKind,
    Membership,
    Practice,
    TouchKind,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.contacts import TOUCH_NOTE_MAX, add_contact, log_touch, require_client

# How many closed introductions a page lists (open ones are all listed, up to PAGE_LIMIT).
CLOSED_ON_PAGE = 20
PAGE_LIMIT = 200
TARGET_MAX = 255
NOTE_MAX = 2000


def _day(practice: Practice, on: date | None, field: str, after: date | None = None) -> date:
    today = practice.today()
    on = on or today
    if on > today:
        raise ServiceError("It cannot be in the future.", field)
    if on < date(2000, 1, 1):
        raise ServiceError("Give a date from 2000 on.", field)
    if after is not None and on < after:
        raise ServiceError(f"It cannot be before {after.isoformat()}.", field)
    return on


def request_introduction(
    practice: Practice,
    actor: Membership,
    introducer: Contact,
    target: str,
    target_company: str = "",
    note: str = "",
    requested_on: date | None = None,
) -> Introduction:
    """The client asked one of their contacts to introduce them to someone."""
    require_client(actor, introducer.client_membership_id)
    if introducer.archived_at is not None:
        raise ServiceError("Pick one of your active contacts.", "introducer_contact_id")
    target = (target or "").strip()
    if not target:
        raise ServiceError(
            "Who would you like to meet? “Someone in data at Acme” is enough.", "target"
        )
    if len(target) > TARGET_MAX:
        raise ServiceError(f"Keep it under {TARGET_MAX} characters.", "target")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep it under {NOTE_MAX} characters.", "note")
    intro = Introduction(
        practice_id=practice.id,
        client_membership_id=introducer.client_membership_id,
        introducer=introducer,
        target=target,
        target_company=(target_company or "").strip()[:120],
        note=note,
        requested_on=_day(practice, requested_on, "requested_on"),
    )
    db.session.add(intro)
    db.session.flush()
    record(practice, actor.user, "introduction.requested", introducer, introduction=intro.id)
    return intro


def mark_made(
    practice: Practice,
    actor: Membership,
    intro: Introduction,
    name: str,
    company: str = "",
    email: str = "",
    made_on: date | None = None,
) -> Contact:
    """The introducer made the introduction: the new contact is added, introduced by them."""
    require_client(actor, intro.client_membership_id)
    if intro.status != IntroductionStatus.REQUESTED:
        raise ServiceError("This introduction is no longer waiting to be made.", "name")
    made_on = _day(practice, made_on, "made_on", after=intro.requested_on)
    contact = add_contact(
        practice,
        actor,
        name=name,
        company=company or intro.target_company,
        email=email,
        how_met=f"Introduced by {intro.introducer.name}"[:255],
        introduced_by_contact_id=intro.introducer_contact_id,
    )
    intro.status = IntroductionStatus.MADE
    intro.made_on = made_on
    intro.introduced_contact_id = contact.id
    db.session.add(
        LedgerEntry(
            practice_id=practice.id,
            client_membership_id=intro.client_membership_id,
            contact_id=intro.introducer_contact_id,
            direction=LedgerDirection.RECEIVED,
            kind=LedgerKind.INTRODUCTION,
            description=f"Introduced me to {contact.name}"[:500],
            happened_on=made_on,
        )
    )
    db.session.flush()
    record(practice, actor.user, "introduction.made", contact, introduction=intro.id)
    return contact


def mark_met(
    practice: Practice, actor: Membership, intro: Introduction, met_on: date | None = None
) -> None:
    """The client met the person they were introduced to."""
    require_client(actor, intro.client_membership_id)
    if intro.status != IntroductionStatus.MADE:
        raise ServiceError("Record the introduction as made first.", "met_on")
    intro.met_on = _day(practice, met_on, "met_on", after=intro.made_on)
    intro.status = IntroductionStatus.MET
    if intro.introduced is not None:
        # Meeting them is a touch: the keep-in-touch cadence counts from it.
        log_touch(
            practice,
            actor,
            intro.introduced,
            TouchKind.OTHER,
            intro.met_on,
            note=f"Met through {intro.introducer.name}'s introduction"[:TOUCH_NOTE_MAX],
        )
    record(practice, actor.user, "introduction.met", intro.introducer, introduction=intro.id)


def decline(
    practice: Practice, actor: Membership, intro: Introduction, declined_on: date | None = None
) -> None:
    """The introducer could not or would not make it (or the client let it go)."""
    require_client(actor, intro.client_membership_id)
    if intro.status != IntroductionStatus.REQUESTED:
        raise ServiceError("Only a requested introduction can be declined.", "declined_on")
    intro.declined_on = _day(practice, declined_on, "declined_on", after=intro.requested_on)
    intro.status = IntroductionStatus.DECLINED
    record(practice, actor.user, "introduction.declined", intro.introducer, introduction=intro.id)


def for_client(practice: Practice, client_id: int) -> tuple[list[Introduction], list[Introduction]]:
    """The client's open introductions (oldest ask first) and the latest closed ones, with
    the introducer and the introduced contact (one query). The caller has scoped the client."""
    rows = db.session.scalars(
        select(Introduction)
        .where(
            Introduction.practice_id == practice.id,
            Introduction.client_membership_id == client_id,
        )
        .options(joinedload(Introduction.introducer), joinedload(Introduction.introduced))
        .order_by(Introduction.updated_at.desc(), Introduction.id.desc())
        .limit(PAGE_LIMIT)
    ).all()
    open_rows = sorted((r for r in rows if r.is_open), key=lambda r: (r.requested_on, r.id))
    return open_rows, [r for r in rows if not r.is_open][:CLOSED_ON_PAGE]
