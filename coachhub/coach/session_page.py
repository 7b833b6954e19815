"""A coaching session's page in the coach portal: agenda, shared and private notes, action
items (which become the client's follow-ups), the outcome and the recap to the client."""

from flask import flash, g, redirect, render_template, url_for
from sqlalchemy.orm import joinedload, selectinload

from coachhub.coach import bp
from coachhub.coach.forms import ActionItemForm, NotesForm, OutcomeForm
from coachhub.coach.sessions import load_session
from coachhub.extensions import db
from coachhub.forms import AgendaForm, ConfirmForm, attach_error
from coachhub.models import (
    AgendaItem,
    CoachingSession,
    GoalStatus,
    Membership,
    NetworkingGoal,
    SessionStatus,
    utcnow,
)
from coachhub.services import ServiceError, sessions
from coachhub.tenancy import get_scoped_or_404, scoped_select


@bp.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    session = get_scoped_or_404(
        CoachingSession,
        session_id,
        options=[
            joinedload(CoachingSession.client).joinedload(Membership.user),
            joinedload(CoachingSession.coach).joinedload(Membership.user),
            selectinload(CoachingSession.agenda)
            .joinedload(AgendaItem.author)
            .joinedload(Membership.user),
            selectinload(CoachingSession.action_items),
        ],
    )
    return _render_detail(session)


def _goal_choices(session: CoachingSession) -> list[tuple[str, str]]:
    goals = db.session.scalars(
        scoped_select(NetworkingGoal)
        .where(
            NetworkingGoal.client_membership_id == session.client_membership_id,
            NetworkingGoal.status == GoalStatus.OPEN,
        )
        .order_by(NetworkingGoal.title)
        .limit(50)
    ).all()
    return [("", "No goal")] + [(str(goal.id), goal.title) for goal in goals]


def _render_detail(session, *, notes_form=None, agenda_form=None, action_form=None, status=200):
    action_form = action_form or ActionItemForm(formdata=None)
    action_form.goal.choices = _goal_choices(session)
    return (
        render_template(
            "coach/sessions/session.html",
            session=session,
            tz=g.membership.tz,
            client_tz=session.client.tz,
            today=g.practice.today(),
            started=session.starts_at <= utcnow(),
            notes_form=notes_form or NotesForm(formdata=None, obj=session),
            agenda_form=agenda_form or AgendaForm(formdata=None),
            action_form=action_form,
            outcome_form=OutcomeForm(formdata=None),
            recap_form=ConfirmForm(),
        ),
        status,
    )


@bp.post("/sessions/<int:session_id>/notes")
def save_session_notes(session_id: int):
    session = load_session(session_id)
    form = NotesForm()
    if not form.validate():
        return _render_detail(session, notes_form=form, status=422)
    sessions.save_notes(
        g.practice,
        g.membership,
        session,
        form.shared_notes.data or "",
        form.private_notes.data or "",
    )
    db.session.commit()
    flash("Notes saved.", "success")
    return redirect(url_for("coach.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/agenda")
def add_session_agenda(session_id: int):
    session = load_session(session_id)
    form = AgendaForm()
    if not form.validate():
        return _render_detail(session, agenda_form=form, status=422)
    try:
        sessions.add_agenda_item(g.practice, g.membership, session, form.body.data)
    except ServiceError as error:
        attach_error(form, error, "body")
        return _render_detail(session, agenda_form=form, status=422)
    db.session.commit()
    return redirect(url_for("coach.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/action-items")
def add_session_action(session_id: int):
    session = load_session(session_id)
    form = ActionItemForm()
    form.goal.choices = _goal_choices(session)
    if form.validate():
        goal_id = int(form.goal.data) if (form.goal.data or "").isdigit() else None
        try:
            sessions.add_action_item(
                g.practice, g.membership, session, form.title.data, form.due_on.data, goal_id
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Action item added to the client's follow-ups.", "success")
            return redirect(url_for("coach.session_detail", session_id=session.id))
    return _render_detail(session, action_form=form, status=422)


@bp.post("/sessions/<int:session_id>/outcome")
def session_outcome(session_id: int):
    session = load_session(session_id)
    form = OutcomeForm()
    if not form.validate():
        flash("Choose held or no-show.", "danger")
    else:
        try:
            sessions.record_outcome(
                g.practice, g.membership, session, SessionStatus(form.status.data)
            )
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("Outcome recorded.", "success")
    return redirect(url_for("coach.session_detail", session_id=session.id))


@bp.post("/sessions/<int:session_id>/recap")
def send_session_recap(session_id: int):
    session = load_session(session_id)
    if not ConfirmForm().validate():
        flash("Please try again.", "danger")
    else:
        try:
            sessions.send_recap(g.practice, g.membership, session)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Notes and action items sent to {session.client.user.name}.", "success")
    return redirect(url_for("coach.session_detail", session_id=session.id))
