"""A contact's page in the client portal: everything that happened with them on one
timeline (touches, meetings, introductions, the ledger) and adding to the ledger."""

from dataclasses import dataclass
from datetime import date

from flask import flash, g, redirect, render_template, url_for
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.network_forms import LedgerForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, attach_error
from coachhub.models import (
    Contact,
    Introduction,
    LedgerDirection,
    LedgerEntry,
    MeetingLog,
    Touch,
    TouchKind,
)
from coachhub.pagination import paginate
from coachhub.services import ServiceError, ledger
from coachhub.tenancy import get_scoped_or_404, scoped_select

TOUCH_LABELS = {
    TouchKind.EMAIL: "Email",
    TouchKind.CALL: "Call",
    TouchKind.MESSAGE: "Message",
    TouchKind.SOCIAL: "Social",
    TouchKind.EVENT: "Saw them at an event",
    TouchKind.OTHER: "In touch",
}


@bp.get("/contacts/<int:contact_id>")
def contact_detail(contact_id: int, ledger_form: LedgerForm | None = None):
    contact = get_scoped_or_404(Contact, contact_id, options=[joinedload(Contact.introduced_by)])
    page = paginate(
        scoped_select(MeetingLog)
        .where(MeetingLog.contact_id == contact.id, MeetingLog.archived_at.is_(None))
        .options(joinedload(MeetingLog.goal), joinedload(MeetingLog.review))
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
    )
    introduced = db.session.scalars(
        scoped_select(Contact)
        .where(Contact.introduced_by_contact_id == contact.id)
        .order_by(Contact.name)
        .limit(TIMELINE_LIMIT)
    ).all()
    today = g.practice.today()
    entries = db.session.scalars(
        scoped_select(LedgerEntry)
        .where(LedgerEntry.contact_id == contact.id)
        .order_by(LedgerEntry.happened_on.desc(), LedgerEntry.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    counted = [e for e in entries if e.happened_on <= today]
    return render_template(
        "client/contacts/contact_detail.html",
        contact=contact,
        page=page,
        introduced=introduced,
        timeline=_timeline(contact, introduced, today),
        ledger=entries,
        balance=ledger.Balance(
            sum(e.direction == LedgerDirection.GAVE for e in counted),
            sum(e.direction == LedgerDirection.RECEIVED for e in counted),
        ),
        ledger_form=ledger_form or LedgerForm(formdata=None),
        today=today,
        action_form=ConfirmForm(),
    ), (400 if ledger_form and ledger_form.errors else 200)


@bp.post("/contacts/<int:contact_id>/ledger")
def add_ledger_entry(contact_id: int):
    """Something given to or received from this contact, added by hand."""
    contact = get_scoped_or_404(Contact, contact_id)
    form = LedgerForm()
    if form.validate():
        try:
            ledger.add_entry(
                g.practice,
                g.membership,
                contact,
                form.direction.data,
                form.kind.data,
                form.description.data,
                form.happened_on.data,
                promise_due_on=(
                    form.remind_on.data
                    or ledger.default_reminder(g.practice, form.happened_on.data)
                    if form.is_promise.data
                    else None
                ),
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "description")
        else:
            db.session.commit()
            flash(
                "Added to the ledger, and to your follow-ups until you keep it."
                if form.is_promise.data
                else "Added to the ledger.",
                "success",
            )
            return redirect(url_for("client.contact_detail", contact_id=contact.id) + "#ledger")
    return contact_detail(contact_id, ledger_form=form)


TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    what: str
    detail: str = ""
    url: str | None = None


def _timeline(contact: Contact, introduced: list[Contact], today: date) -> list[TimelineEntry]:
    """Touches, meetings, follow-ups and introductions with this contact, newest first
    (three queries; the people they introduced are already loaded)."""
    entries: list[TimelineEntry] = []
    touches = db.session.scalars(
        scoped_select(Touch)
        .where(Touch.contact_id == contact.id)
        .order_by(Touch.touched_on.desc(), Touch.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    for touch in touches:
        entries.append(TimelineEntry(touch.touched_on, TOUCH_LABELS[touch.kind], touch.note))
    logs = db.session.scalars(
        scoped_select(MeetingLog)
        .where(MeetingLog.contact_id == contact.id, MeetingLog.archived_at.is_(None))
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    for log in logs:
        url = url_for("client.meeting_detail", log_id=log.id)
        what = "Meeting planned" if log.met_on > today else "Meeting"
        entries.append(TimelineEntry(log.met_on, what, log.ask, url))
        if log.follow_up_due_on and log.follow_up_done_on is None:
            late = " (overdue)" if log.follow_up_due_on < today else ""
            entries.append(
                TimelineEntry(
                    log.follow_up_due_on, f"Follow-up due{late}", log.follow_up_action, url
                )
            )
    asked = db.session.scalars(
        scoped_select(Introduction)
        .where(
            (Introduction.introducer_contact_id == contact.id)
            | (Introduction.introduced_contact_id == contact.id)
        )
        .order_by(Introduction.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    intros_url = url_for("client.introductions")
    for intro in asked:
        if intro.introduced_contact_id == contact.id:
            entries.append(TimelineEntry(intro.made_on or intro.requested_on, "Introduced to you"))
            continue
        whom = intro.target + (f" at {intro.target_company}" if intro.target_company else "")
        entries.append(
            TimelineEntry(intro.requested_on, "Asked for an introduction", whom, intros_url)
        )
        if intro.declined_on:
            entries.append(
                TimelineEntry(intro.declined_on, "Introduction declined", whom, intros_url)
            )
        if intro.met_on:
            entries.append(
                TimelineEntry(intro.met_on, "Met through the introduction", whom, intros_url)
            )
    # Introduced through the pipeline: dated by the introduction, not by the row's creation.
    made_on = {i.introduced_contact_id: i.made_on for i in asked if i.made_on}
    for other in introduced:
        entries.append(
            TimelineEntry(
                made_on.get(other.id) or other.created_at.astimezone(g.practice.tz).date(),
                "Introduced you to " + other.name,
                other.company,
                url_for("client.contact_detail", contact_id=other.id),
            )
        )
    entries.sort(key=lambda entry: entry.on, reverse=True)
    return entries[:TIMELINE_LIMIT]
