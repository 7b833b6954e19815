"""Coaching sessions in the coach portal: the week view, scheduling for a client, a session's
page (agenda, shared and private notes, action items, outcome, recap), rescheduling and
cancelling. The owner's week view also counts each coach's cancellations and no-shows."""

from datetime import UTC, date, datetime, time, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from coachhub.coach import bp, load_client
from coachhub.coach.forms import (
    ActionItemForm,
    CoachRescheduleForm,
    NotesForm,
    OutcomeForm,
    ScheduleForm,
)
from coachhub.extensions import db
from coachhub.forms import AgendaForm, ConfirmForm, ReasonForm, attach_error
from coachhub.models import (
    AgendaItem,
    CoachingSession,
    GoalStatus,
    Membership,
    MemberStatus,
    NetworkingGoal,
    Role,
    SessionStatus,
    User,
    utcnow,
)
from coachhub.services import ServiceError, sessions
from coachhub.tenancy import get_scoped_or_404, scoped_select

COUNTS_DAYS = 90


def load_session(session_id: int) -> CoachingSession:
    """A session this coach runs (the owner: any in the practice), with both people, or 404."""
    return get_scoped_or_404(
        CoachingSession,
        session_id,
        options=[
            joinedload(CoachingSession.client).joinedload(Membership.user),
            joinedload(CoachingSession.coach).joinedload(Membership.user),
        ],
    )


def _local(day: date, start: time, tz) -> datetime:
    return datetime.combine(day, start, tz).astimezone(UTC)


def _week_start(tz) -> date:
    today = utcnow().astimezone(tz).date()
    try:
        asked = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        asked = today
    if not date(2000, 1, 1) <= asked <= date(2100, 1, 1):
        asked = today
    return asked - timedelta(days=asked.weekday())


@bp.get("/sessions")
def sessions_week():
    tz = g.membership.tz
    monday = _week_start(tz)
    start = _local(monday, time(), tz)
    end = _local(monday + timedelta(days=7), time(), tz)
    rows = db.session.scalars(
        select(CoachingSession)
        .where(
            CoachingSession.practice_id == g.practice.id,
            CoachingSession.coach_membership_id == g.membership.id,
            CoachingSession.starts_at >= start,
            CoachingSession.starts_at < end,
        )
        .options(joinedload(CoachingSession.client).joinedload(Membership.user))
        .order_by(CoachingSession.starts_at, CoachingSession.id)
    ).all()
    days = [(monday + timedelta(days=n), []) for n in range(7)]
    for row in rows:
        local_day = row.starts_at.astimezone(tz).date()
        days[(local_day - monday).days][1].append(row)
    counts = coaches = None
    if g.membership.is_owner:
        counts = sessions.outcome_counts(g.practice, utcnow() - timedelta(days=COUNTS_DAYS))
        coaches = db.session.execute(
            select(Membership.id, User.name)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.practice_id == g.practice.id,
                Membership.role.in_([Role.OWNER, Role.COACH]),
                Membership.status == MemberStatus.ACTIVE,
            )
            .order_by(User.name)
        ).all()
    return render_template(
        "coach/sessions/week.html",
        days=days,
        monday=monday,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
        tz=tz,
        counts=counts,
        coaches=coaches,
        counts_days=COUNTS_DAYS,
    )


def _client_choices() -> list[tuple[int, str]]:
    return [
        (member.id, member.user.name)
        for member in db.session.scalars(
            scoped_select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.role == Role.CLIENT,
                Membership.status == MemberStatus.ACTIVE,
                Membership.coach_membership_id.is_not(None),
            )
            .options(joinedload(Membership.user))
            .order_by(User.name)
            .limit(500)
        )
    ]


@bp.route("/sessions/new", methods=["GET", "POST"])
def schedule_session():
    form = ScheduleForm()
    form.client.choices = _client_choices()
    if request.method == "GET":
        wanted = request.args.get("client_id", type=int)
        if wanted in {value for value, _ in form.client.choices}:
            form.client.data = wanted
    tz = g.membership.tz
    if form.validate_on_submit():
        client = load_client(form.client.data)
        try:
            session = sessions.book_session(
                g.practice,
                g.membership,
                client,
                _local(form.day.data, form.start.data, tz),
                form.minutes.data,
                location=form.location.data or "",
                video_url=form.video_url.data or "",
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "start")
        else:
            db.session.commit()
            flash(
                f"Session with {client.user.name} scheduled; invitations are on their way.",
                "success",
            )
            return redirect(url_for("coach.session_detail", session_id=session.id))
    return render_template("coach/sessions/schedule.html", form=form, tz=tz)


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


@bp.route("/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
def reschedule_session(session_id: int):
    session = load_session(session_id)
    tz = g.membership.tz
    form = CoachRescheduleForm()
    if request.method == "GET":
        local = session.starts_at.astimezone(tz)
        form.day.data, form.start.data = local.date(), local.time()
        form.minutes.data = session.minutes if session.minutes in (30, 45, 60) else 60
    if form.validate_on_submit():
        try:
            sessions.reschedule_session(
                g.practice,
                g.membership,
                session,
                _local(form.day.data, form.start.data, tz),
                form.minutes.data,
                form.reason.data,
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "start")
        else:
            db.session.commit()
            flash("Session moved; both sides get the updated invitation.", "success")
            return redirect(url_for("coach.session_detail", session_id=session.id))
    return render_template("coach/sessions/reschedule.html", form=form, session=session, tz=tz)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
def cancel_session(session_id: int):
    session = load_session(session_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            sessions.cancel_session(g.practice, g.membership, session, form.reason.data)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "reason")
        else:
            db.session.commit()
            flash("Session cancelled; both sides get the cancellation.", "success")
            return redirect(url_for("coach.session_detail", session_id=session.id))
    return render_template(
        "coach/sessions/cancel.html", form=form, session=session, tz=g.membership.tz
    )
