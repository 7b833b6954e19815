"""Coaching sessions in the coach portal: the week view, scheduling for a client,
rescheduling and cancelling (a session's own page is in session_page.py). The owner's
week view also counts each coach's cancellations and no-shows."""

from datetime import UTC, date, datetime, time, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachhub import shared_views
from coachhub.coach import bp, load_client
from coachhub.coach.forms import (
    CoachRescheduleForm,
    ScheduleForm,
)
from coachhub.extensions import db
from coachhub.forms import attach_error
from coachhub.models import (
    CoachingSession,
    Membership,
    MemberStatus,
    Role,
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
    return shared_views.cancel_session(
        load_session(session_id),
        "Session cancelled; both sides get the cancellation.",
        url_for("coach.session_detail", session_id=session_id),
    )
