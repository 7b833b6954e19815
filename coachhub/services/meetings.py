"""Meeting logs: kept by the client, planned ahead or written after; follow-ups live on them."""

from dataclasses import dataclass, field
from datetime import date

from coachhub.extensions import db
from coachhub.models import (
    Approach,
    Contact,
    GoalStatus,
    KeepInTouch,
    MeetingFormat,
    MeetingLog,
    Membership,
    NetworkingGoal,
    Practice,
    TouchKind,
    utcnow,
)
from coachhub.services import ServiceError, ledger
from coachhub.services.audit import record
from coachhub.services.contacts import (
    add_contact,
    guess_touch_kind,
    log_touch,
    refresh_touch,
    require_client,
)
from coachhub.services.inbox import notify
from coachhub.services.job_asking import is_job_asking


@dataclass
class MeetingData:
    """What the meeting form carries; the contact and goal are already-scoped rows (or None)."""

    met_on: date
    format: MeetingFormat
    contact: Contact | None = None
    new_contact_name: str = ""
    new_contact_company: str = ""
    goal: NetworkingGoal | None = None
    ask: str = ""
    offer: str = ""
    # The offer is a promise: a follow-up a week after the meeting until it is kept.
    offer_is_promise: bool = False
    learned: str = ""
    they_asked: str = ""
    introductions: str = ""
    # One "Name, Company" per line: new contacts introduced by this meeting's contact.
    new_introductions: list[str] = field(default_factory=list)
    approach: Approach | None = None
    reflection: str = ""
    keep_in_touch: KeepInTouch = KeepInTouch.NOT_ASKED
    keep_in_touch_answer: str = ""
    follow_up_action: str = ""
    follow_up_due_on: date | None = None
    follow_up_done_on: date | None = None


TEXT_FIELDS = (
    "ask",
    "offer",
    "learned",
    "they_asked",
    "introductions",
    "reflection",
    "keep_in_touch_answer",
    "follow_up_action",
)


def _validate(client: Membership, data: MeetingData, log: MeetingLog | None) -> None:
    """The rules a form cannot check alone; each error names its field."""
    if data.contact is None and not data.new_contact_name.strip():
        raise ServiceError("Pick a contact, or enter the name of a new one.", "contact_id")
    if data.contact is not None and data.contact.client_membership_id != client.id:
        raise ServiceError("Pick one of your own contacts.", "contact_id")
    if data.goal is not None:
        if data.goal.client_membership_id != client.id:
            raise ServiceError("That goal is not one of yours; pick one of your goals.", "goal_id")
        unchanged = log is not None and log.goal_id == data.goal.id
        if data.goal.status != GoalStatus.OPEN and not unchanged:
            raise ServiceError("Log meetings against an open goal.", "goal_id")
    if data.follow_up_due_on and data.follow_up_due_on < data.met_on:
        raise ServiceError(
            "The follow-up cannot be due before the meeting; pick a later date.",
            "follow_up_due_on",
        )
    if data.follow_up_done_on and data.follow_up_done_on < data.met_on:
        raise ServiceError(
            "The follow-up cannot be done before the meeting took place.", "follow_up_done_on"
        )
    if data.follow_up_done_on and not data.follow_up_due_on:
        raise ServiceError("Give the follow-up a due date first.", "follow_up_due_on")
    if data.follow_up_action.strip() and not data.follow_up_due_on:
        raise ServiceError("When will you follow up? Add a due date.", "follow_up_due_on")
    if data.follow_up_due_on and not data.follow_up_action.strip():
        raise ServiceError("What is the follow-up? Describe it in a few words.", "follow_up_action")
    if data.offer_is_promise and not data.offer.strip():
        raise ServiceError("Write what you promised under “My offer”.", "offer")
    if data.keep_in_touch == KeepInTouch.NOT_ASKED and data.keep_in_touch_answer.strip():
        raise ServiceError(
            "You noted an answer: say whether they said yes, no or maybe.", "keep_in_touch"
        )


def _apply(log: MeetingLog, data: MeetingData) -> None:
    for name in TEXT_FIELDS:
        setattr(log, name, getattr(data, name).strip())
    log.met_on = data.met_on
    log.format = MeetingFormat(data.format)
    log.goal_id = data.goal.id if data.goal else None
    log.approach = Approach(data.approach) if data.approach else None
    log.keep_in_touch = KeepInTouch(data.keep_in_touch)
    log.follow_up_due_on = data.follow_up_due_on
    log.offer_is_promise = bool(data.offer_is_promise and log.offer)
    log.follow_up_done_on = data.follow_up_done_on
    # The method: no clear ask, no clear offer, or asking for a job makes a weak log (saved,
    # but flagged for the client and first in the coach's review queue).
    log.is_weak = not (log.ask and log.offer) or is_job_asking(log.approach)


def _contact_for(practice: Practice, actor: Membership, data: MeetingData) -> Contact:
    if data.contact is not None:
        return data.contact
    return add_contact(
        practice, actor, name=data.new_contact_name, company=data.new_contact_company
    )


def _add_introductions(
    practice: Practice, actor: Membership, log: MeetingLog, lines: list[str]
) -> list[Contact]:
    """Each 'Name, Company' line becomes a contact introduced by this meeting's contact."""
    added = []
    for line in lines:
        name, _, company = line.partition(",")
        if not name.strip():
            continue
        added.append(
            add_contact(
                practice,
                actor,
                name=name.strip()[:120],
                company=company.strip()[:120],
                introduced_by_contact_id=log.contact_id,
                how_met=f"Introduced by {log.contact.name}"[:255],
            )
        )
    return added


def log_meeting(practice: Practice, actor: Membership, data: MeetingData) -> MeetingLog:
    """A new meeting log (or plan) for the acting client; may add contacts on the way."""
    require_client(actor, actor.id)
    _validate(actor, data, None)
    contact = _contact_for(practice, actor, data)
    log = MeetingLog(practice_id=practice.id, client_membership_id=actor.id, contact=contact)
    _apply(log, data)
    db.session.add(log)
    db.session.flush()
    _add_introductions(practice, actor, log, data.new_introductions)
    refresh_touch(contact, practice.today())
    ledger.sync_from_log(log)
    record(practice, actor.user, "meeting.logged", log, weak=log.is_weak)
    if log.met_on <= practice.today():  # a plan is not news yet
        notify(
            practice,
            "log_submitted",
            actor=actor,
            client=actor,
            obj=log,
            summary=f"{actor.user.name} logged a meeting with {contact.name}",
        )
    return log


def update_meeting(
    practice: Practice, actor: Membership, log: MeetingLog, data: MeetingData
) -> None:
    """Edit a log; a review stays and the log shows it changed after review."""
    require_client(actor, log.client_membership_id)
    _validate(actor, data, log)
    old_contact = log.contact
    log.contact = _contact_for(practice, actor, data)
    _apply(log, data)
    log.edited_at = utcnow()
    db.session.flush()
    _add_introductions(practice, actor, log, data.new_introductions)
    today = practice.today()
    refresh_touch(log.contact, today)
    if old_contact.id != log.contact.id:
        refresh_touch(old_contact, today)
    ledger.sync_from_log(log)
    record(practice, actor.user, "meeting.updated", log, weak=log.is_weak)


def complete_follow_up(
    practice: Practice,
    actor: Membership,
    log: MeetingLog,
    done_on: date | None = None,
    kind: TouchKind | None = None,
) -> None:
    """Mark the log's follow-up done on `done_on` (today by default). Doing it is a touch of
    its kind (the thank-you email is an email), so the contact's "last touched" moves."""
    require_client(actor, log.client_membership_id)
    today = practice.today()
    done_on = done_on or today
    if log.follow_up_due_on is None:
        raise ServiceError("This meeting has no follow-up planned.")
    if done_on > today:
        raise ServiceError("The done date cannot be in the future.", "done_on")
    if done_on < log.met_on:
        raise ServiceError("The follow-up cannot be done before the meeting.", "done_on")
    already = log.follow_up_done_on is not None
    log.follow_up_done_on = done_on
    if not already:
        log_touch(
            practice,
            actor,
            log.contact,
            kind or guess_touch_kind(log.follow_up_action),
            done_on,
            note=log.follow_up_action,
            meeting_log_id=log.id,
        )
    record(practice, actor.user, "follow_up.done", log, on=done_on.isoformat())


def archive_meeting(practice: Practice, actor: Membership, log: MeetingLog) -> None:
    """Archived logs leave lists, metrics and the review queue; they can be restored."""
    require_client(actor, log.client_membership_id)
    if log.archived_at is None:
        log.archived_at = utcnow()
        db.session.flush()
        refresh_touch(log.contact, practice.today())
        ledger.sync_from_log(log)
        record(practice, actor.user, "meeting.archived", log)


def restore_meeting(practice: Practice, actor: Membership, log: MeetingLog) -> None:
    require_client(actor, log.client_membership_id)
    if log.archived_at is not None:
        log.archived_at = None
        db.session.flush()
        refresh_touch(log.contact, practice.today())
        ledger.sync_from_log(log)
        record(practice, actor.user, "meeting.restored", log)
