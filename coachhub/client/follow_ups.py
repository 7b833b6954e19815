"""The client's follow-ups: open ones (by due date) and done ones; marking one done."""

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.forms import DoneForm
from coachhub.client.network_forms import DayForm
from coachhub.extensions import db
from coachhub.models import ActionItem, LedgerEntry, MeetingLog
from coachhub.pagination import paginate
from coachhub.services import ServiceError, ledger, meetings
from coachhub.shared_views import load_log
from coachhub.tenancy import get_scoped_or_404, scoped_select
from coachhub.urls import local_next

ACTIONS_ON_PAGE = 50


def action_items(done: bool = False) -> Select:
    """The client's action items from coaching sessions: open ones soonest due first."""
    query = scoped_select(ActionItem)
    if done:
        return query.where(ActionItem.done_on.is_not(None)).order_by(
            ActionItem.done_on.desc(), ActionItem.id.desc()
        )
    return query.where(ActionItem.done_on.is_(None)).order_by(ActionItem.due_on, ActionItem.id)


def open_follow_ups() -> Select:
    """The client's follow-ups not done yet, soonest due first, with their contact."""
    return (
        scoped_select(MeetingLog)
        .where(
            MeetingLog.archived_at.is_(None),
            MeetingLog.follow_up_due_on.is_not(None),
            MeetingLog.follow_up_done_on.is_(None),
        )
        .options(joinedload(MeetingLog.contact))
        .order_by(MeetingLog.follow_up_due_on, MeetingLog.id)
    )


@bp.get("/follow-ups")
def follow_ups():
    show = "done" if request.args.get("show") == "done" else "open"
    if show == "done":
        query = (
            scoped_select(MeetingLog)
            .where(MeetingLog.archived_at.is_(None), MeetingLog.follow_up_done_on.is_not(None))
            .options(joinedload(MeetingLog.contact))
            .order_by(MeetingLog.follow_up_done_on.desc(), MeetingLog.id.desc())
        )
    else:
        query = open_follow_ups()
    today = g.practice.today()
    actions = db.session.scalars(action_items(show == "done").limit(ACTIONS_ON_PAGE)).all()
    return render_template(
        "client/follow_ups/follow_ups.html",
        page=paginate(query),
        actions=actions,
        promises=ledger.open_promises(g.practice, g.membership) if show == "open" else [],
        show=show,
        today=today,
        done_form=DoneForm(formdata=None, done_on=today),
    )


@bp.post("/promises/<int:entry_id>/kept")
def keep_promise(entry_id: int):
    """A promise from the ledger kept: its follow-up is done, and it counts as a touch."""
    entry = get_scoped_or_404(LedgerEntry, entry_id, options=[joinedload(LedgerEntry.contact)])
    form = DayForm()
    if not form.validate():
        flash("Give the date you kept it as a date.", "danger")
    else:
        try:
            ledger.keep_promise(g.practice, g.membership, entry, form.on.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Promise to {entry.contact.name} kept.", "success")
    return redirect(local_next() or url_for("client.follow_ups"))


@bp.post("/follow-ups/<int:log_id>/done")
def complete_follow_up(log_id: int):
    log = load_log(log_id)
    form = DoneForm()
    if not form.validate():
        flash("Give the date you did the follow-up as a date.", "danger")
    else:
        try:
            meetings.complete_follow_up(
                g.practice, g.membership, log, form.done_on.data, form.kind.data or None
            )
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Follow-up with {log.contact.name} done.", "success")
    return redirect(local_next() or url_for("client.follow_ups"))
