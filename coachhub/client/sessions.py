"""The client's coaching sessions: upcoming and past ones, booking an open slot with their
coach (shown in the client's own timezone, which they can set), a session's page (agenda,
shared notes, action items), rescheduling, cancelling, and marking an action item done.
The coach's private notes are never read here."""

from datetime import UTC, datetime, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only, selectinload

from coachhub import shared_views
from coachhub.client import bp
from coachhub.client.forms import ActionDoneForm, BookForm, ClientRescheduleForm, TimezoneForm
from coachhub.extensions import db
from coachhub.forms import AgendaForm, attach_error
from coachhub.models import (
    ActionItem,
    AgendaItem,
    CoachingSession,
    Membership,
    SessionStatus,
    utcnow,
)
from coachhub.services import ServiceError, sessions
from coachhub.services import availability as avail
from coachhub.tenancy import get_scoped_or_404, scoped_select
from coachhub.urls import local_next

HISTORY_ON_PAGE = 20
# What a client's pages load of a session: never the private notes.
CLIENT_COLUMNS = (
    CoachingSession.id,
    CoachingSession.practice_id,
    CoachingSession.client_membership_id,
    CoachingSession.coach_membership_id,
    CoachingSession.starts_at,
    CoachingSession.ends_at,
    CoachingSession.status,
    CoachingSession.location,
    CoachingSession.video_url,
    CoachingSession.shared_notes,
    CoachingSession.change_reason,
    CoachingSession.ical_uid,
    CoachingSession.ical_sequence,
)


def client_sessions():
    """The client's sessions, with the coach, without the private notes."""
    return scoped_select(CoachingSession).options(
        load_only(*CLIENT_COLUMNS, raiseload=True),
        joinedload(CoachingSession.coach).joinedload(Membership.user),
    )


def _load(session_id: int, *options) -> CoachingSession:
    return get_scoped_or_404(
        CoachingSession,
        session_id,
        options=[
            load_only(*CLIENT_COLUMNS, raiseload=True),
            joinedload(CoachingSession.coach).joinedload(Membership.user),
            joinedload(CoachingSession.client).joinedload(Membership.user),
            *options,
        ],
    )


@bp.get("/sessions")
def session_list():
    now = utcnow()
    upcoming = db.session.scalars(
        client_sessions()
        .where(CoachingSession.status == SessionStatus.BOOKED, CoachingSession.ends_at > now)
        .order_by(CoachingSession.starts_at)
        .limit(HISTORY_ON_PAGE)
    ).all()
    past = db.session.scalars(
        client_sessions()
        .where((CoachingSession.status != SessionStatus.BOOKED) | (CoachingSession.ends_at <= now))
        .order_by(CoachingSession.starts_at.desc())
        .limit(HISTORY_ON_PAGE)
    ).all()
    form = TimezoneForm(formdata=None, timezone=g.membership.timezone or "")
    return render_template(
        "client/sessions/sessions.html",
        upcoming=upcoming,
        past=past,
        tz=g.membership.tz,
        timezone_form=form,
        has_coach=g.membership.coach_membership_id is not None,
    )


@bp.post("/sessions/timezone")
def set_timezone():
    form = TimezoneForm()
    if not form.validate():
        flash("Choose a timezone from the list.", "danger")
    else:
        g.membership.timezone = form.timezone.data or None
        db.session.commit()
        flash(f"Times are now shown in {g.membership.tz}.", "success")
    return redirect(local_next() or url_for("client.session_list"))


def _coach() -> Membership:
    coach = db.session.scalar(
        select(Membership)
        .where(
            Membership.id == g.membership.coach_membership_id,
            Membership.practice_id == g.practice.id,
        )
        .options(joinedload(Membership.user))
    )
    if coach is None:
        abort(404)
    return coach


def _minutes(rules) -> int:
    wanted = request.values.get("minutes", type=int)
    return wanted if wanted in rules.lengths else rules.lengths[0]


def _slots_page(template: str, form, *, session=None, status: int = 200):
    coach = _coach()
    rules = avail.rules_for(coach, avail.availability_of(coach))
    minutes = _minutes(rules)
    now = utcnow()
    busy = avail.busy_times(
        coach,
        now - timedelta(days=1),
        now + timedelta(days=rules.horizon_days + 2),
        excluding=session.id if session else None,
    )
    slots = avail.open_slots(rules, busy, minutes, now)
    tz = g.membership.tz
    days: list[tuple] = []
    for slot in slots:
        local = slot.starts_at.astimezone(tz)
        if not days or days[-1][0] != local.date():
            days.append((local.date(), []))
        days[-1][1].append((slot.starts_at.isoformat(), local))
    return (
        render_template(
            template,
            form=form,
            coach=coach,
            days=days,
            lengths=rules.lengths if rules.windows else [],
            minutes=minutes,
            tz=tz,
            session=session,
        ),
        status,
    )


def _slot(form) -> tuple[datetime, int] | None:
    try:
        start = datetime.fromisoformat(form.slot.data)
        minutes = int(form.minutes.data)
    except (TypeError, ValueError):
        return None
    if start.tzinfo is None:
        return None
    return start.astimezone(UTC), minutes


@bp.route("/sessions/book", methods=["GET", "POST"])
def book_session():
    form = BookForm()
    if form.validate_on_submit():
        chosen = _slot(form)
        if chosen is None:
            form.slot.errors.append("Choose one of the times offered.")
        else:
            try:
                session = sessions.book_session(g.practice, g.membership, g.membership, *chosen)
            except ServiceError as error:
                db.session.rollback()
                form.slot.errors.append(error.message)
            else:
                db.session.commit()
                flash("Session booked; the invitation is in your email.", "success")
                return redirect(url_for("client.session_detail", session_id=session.id))
    status = 409 if form.slot.errors else 200
    return _slots_page("client/sessions/book.html", form, status=status)


@bp.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    session = _load(
        session_id,
        selectinload(CoachingSession.agenda)
        .joinedload(AgendaItem.author)
        .joinedload(Membership.user),
        selectinload(CoachingSession.action_items),
    )
    return _render_detail(session)


def _render_detail(session, *, agenda_form=None, status=200):
    return (
        render_template(
            "client/sessions/session.html",
            session=session,
            tz=g.membership.tz,
            today=g.practice.today(),
            agenda_form=agenda_form or AgendaForm(formdata=None),
            done_form=ActionDoneForm(formdata=None, done_on=g.practice.today()),
        ),
        status,
    )


@bp.post("/sessions/<int:session_id>/agenda")
def add_agenda(session_id: int):
    session = _load(session_id)
    form = AgendaForm()
    if form.validate():
        try:
            sessions.add_agenda_item(g.practice, g.membership, session, form.body.data)
        except ServiceError as error:
            attach_error(form, error, "body")
        else:
            db.session.commit()
            return redirect(url_for("client.session_detail", session_id=session.id))
    return _render_detail(session, agenda_form=form, status=422)


@bp.route("/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
def reschedule_session(session_id: int):
    session = _load(session_id)
    form = ClientRescheduleForm()
    if form.validate_on_submit():
        chosen = _slot(form)
        if chosen is None:
            form.slot.errors.append("Choose one of the times offered.")
        else:
            try:
                sessions.reschedule_session(
                    g.practice, g.membership, session, *chosen, form.reason.data
                )
            except ServiceError as error:
                db.session.rollback()
                attach_error(form, error, "slot")
            else:
                db.session.commit()
                flash("Session moved; your coach gets the updated invitation.", "success")
                return redirect(url_for("client.session_detail", session_id=session.id))
    return _slots_page("client/sessions/reschedule.html", form, session=session)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
def cancel_session(session_id: int):
    return shared_views.cancel_session(
        _load(session_id), "Session cancelled; your coach is told.", url_for("client.session_list")
    )


@bp.post("/action-items/<int:action_id>/done")
def complete_action_item(action_id: int):
    item = get_scoped_or_404(ActionItem, action_id)
    form = ActionDoneForm()
    if not form.validate():
        flash("Give the date you did it as a date.", "danger")
    else:
        try:
            sessions.complete_action_item(g.practice, g.membership, item, form.done_on.data)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"“{item.title}” done.", "success")
    return redirect(local_next() or url_for("client.follow_ups"))
