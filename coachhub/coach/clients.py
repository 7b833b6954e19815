"""A coach's clients: the list, a client's page with their logs and contacts, and what the
coach (or owner) does to a client as a whole: reassign, archive, restore, export."""

from datetime import timedelta
from types import SimpleNamespace

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, literal, select, true
from sqlalchemy.orm import aliased, joinedload
from wtforms import SelectChoice

from coachhub.coach import bp, change_member_status, load_client
from coachhub.coach.forms import ReassignForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, attach_error
from coachhub.models import (
    CareerStage,
    Checkin,
    CheckinStatus,
    CoachAssignment,
    CoachingSession,
    Contact,
    MeetingLog,
    Membership,
    MemberStatus,
    NetworkingGoal,
    Role,
    User,
)
from coachhub.pagination import paginate
from coachhub.services import (
    ServiceError,
    assignments,
    at_risk,
    audit,
    exports,
    goals,
    health,
    introductions,
    memberships,
)
from coachhub.shared_views import send_export
from coachhub.tenancy import get_client_or_404, owner_required, scoped_select

GOALS_ON_DETAIL = 20
RECENT_ON_DETAIL = 10
ROSTER_ON_DETAIL = 8
SESSIONS_ON_DETAIL = 10
# As the client's roster: contacts overdue for a touch or due within this many days.
ROSTER_DAYS = 7


@bp.get("/clients")
def clients():
    status = request.args.get("status", "active")
    if status not in ("active", "archived"):
        status = "active"
    query = (
        scoped_select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.role == Role.CLIENT, Membership.status == MemberStatus(status))
        .options(
            db.joinedload(Membership.user),
            db.joinedload(Membership.coach).joinedload(Membership.user),
        )
        .order_by(User.name, Membership.id)
    )
    page = paginate(query)
    return render_template("coach/clients/clients.html", page=page, status=status)


@bp.get("/clients/<int:client_id>")
def client_detail(client_id: int):
    client = load_client(client_id)
    today = g.practice.today()
    logged = health.goal_logged_counts(g.practice, g.membership, client)
    client_goals = db.session.execute(
        scoped_select(NetworkingGoal)
        .add_columns(func.coalesce(logged.c.logged, 0).label("logged"))
        .outerjoin(logged, logged.c.goal_id == NetworkingGoal.id)
        .where(NetworkingGoal.client_membership_id == client.id)
        .order_by(NetworkingGoal.status, NetworkingGoal.due_on, NetworkingGoal.id.desc())
        .limit(GOALS_ON_DETAIL)
    ).all()
    recent = db.session.scalars(_client_logs(client).limit(RECENT_ON_DETAIL)).all()
    history = db.session.scalars(
        scoped_select(CoachAssignment)
        .where(CoachAssignment.client_membership_id == client.id)
        .options(
            joinedload(CoachAssignment.from_coach).joinedload(Membership.user),
            joinedload(CoachAssignment.to_coach).joinedload(Membership.user),
        )
        .order_by(CoachAssignment.changed_at.desc())
        .limit(20)
    ).all()
    client_sessions = db.session.scalars(
        scoped_select(CoachingSession)
        .where(CoachingSession.client_membership_id == client.id)
        .options(joinedload(CoachingSession.coach).joinedload(Membership.user))
        .order_by(CoachingSession.starts_at.desc(), CoachingSession.id.desc())
        .limit(SESSIONS_ON_DETAIL)
    ).all()
    # A placed client's page leads with maintenance mode, as the client's own dashboard does.
    career = at_risk.status_rows(g.practice, g.membership, today, [client.id]).get(client.id)
    placed = career is not None and career.stage == CareerStage.PLACED
    latest_checkin = roster = None
    if placed:
        latest_checkin, roster = _field_notes_and_roster(client, today)
    return render_template(
        "coach/clients/client_detail.html",
        client=client,
        today=today,
        placed=placed,
        career=career,
        career_flags=at_risk.flags(career) if career else [],
        trend_arrow=at_risk.trend_arrow,
        latest_checkin=latest_checkin,
        roster=roster,
        goals=client_goals,
        recent=recent,
        history=history,
        client_sessions=client_sessions,
        metrics=health.client_health(g.practice, g.membership, client, today),
        introductions=introductions.for_client(g.practice, client.id),
        weeks=health.meetings_per_week(client, today),
        percent=health.percent,
        progress=goals.progress,
        action_form=ConfirmForm(),
    )


def _field_notes_and_roster(client: Membership, today) -> tuple[object | None, list[Contact]]:
    """The latest submitted check-in's field notes and the contacts due for a touch, in one
    query: a one-row anchor outer-joined to both, so either may be empty."""
    latest = (
        scoped_select(Checkin)
        .with_only_columns(Checkin.field_changes, Checkin.due_on)
        .where(
            Checkin.client_membership_id == client.id,
            Checkin.status.in_([CheckinStatus.SUBMITTED, CheckinStatus.REVIEWED]),
        )
        .order_by(Checkin.due_on.desc(), Checkin.id.desc())
        .limit(1)
        .subquery()
    )
    due = (
        scoped_select(Contact)
        .where(
            Contact.client_membership_id == client.id,
            Contact.archived_at.is_(None),
            Contact.touch_due_on <= today + timedelta(days=ROSTER_DAYS),
        )
        .order_by(Contact.touch_due_on, Contact.id)
        .limit(ROSTER_ON_DETAIL)
        .subquery()
    )
    contact = aliased(Contact, due)
    anchor = select(literal(1).label("one")).subquery()
    rows = db.session.execute(
        select(latest.c.field_changes, latest.c.due_on, contact)
        .select_from(anchor)
        .outerjoin(latest, true())
        .outerjoin(due, true())
        .order_by(due.c.touch_due_on, due.c.id)
    ).all()
    first = rows[0] if rows else None
    notes = (
        SimpleNamespace(field_changes=first.field_changes, due_on=first.due_on)
        if first is not None and first.due_on is not None
        else None
    )
    return notes, [row[2] for row in rows if row[2] is not None]


def _client_logs(client: Membership):
    return (
        scoped_select(MeetingLog)
        .where(MeetingLog.client_membership_id == client.id, MeetingLog.archived_at.is_(None))
        .options(
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.goal),
            joinedload(MeetingLog.review),
        )
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
    )


@bp.get("/clients/<int:client_id>/meetings")
def client_meetings(client_id: int):
    client = load_client(client_id)
    page = paginate(_client_logs(client))
    return render_template(
        "coach/clients/client_meetings.html", client=client, page=page, today=g.practice.today()
    )


@bp.get("/clients/<int:client_id>/contacts")
def client_contacts(client_id: int):
    client = load_client(client_id)
    page = paginate(
        scoped_select(Contact)
        .where(Contact.client_membership_id == client.id, Contact.archived_at.is_(None))
        .options(joinedload(Contact.introduced_by))
        .order_by(Contact.name, Contact.id)
    )
    return render_template(
        "coach/clients/client_contacts.html", client=client, page=page, today=g.practice.today()
    )


@bp.route("/clients/<int:client_id>/reassign", methods=["GET", "POST"])
@owner_required
def reassign_client(client_id: int):
    client = load_client(client_id)
    coaches = memberships.active_coaches(g.practice)
    form = ReassignForm()
    form.coach.choices = [SelectChoice(c.id, c.user.name) for c in coaches]
    if request.method == "GET":
        form.coach.data = client.coach_membership_id
    if form.validate_on_submit():
        coach = next(c for c in coaches if c.id == form.coach.data)
        try:
            assignments.reassign_client(g.practice, g.membership, client, coach)
        except ServiceError as error:
            attach_error(form, error, "coach")
        else:
            db.session.commit()
            flash(f"{client.user.name} is now coached by {coach.user.name}.", "success")
            return redirect(url_for("coach.client_detail", client_id=client.id))
    return render_template("coach/clients/reassign_client.html", form=form, client=client)


@bp.get("/clients/<int:client_id>/export.json")
def export_client_json(client_id: int):
    client = load_client(client_id)
    return send_export(
        lambda out: exports.write_client_json(client, out, for_practice=True),
        f"client-{client.id}.json",
        "application/json",
        text=True,
    )


@bp.get("/clients/<int:client_id>/export.zip")
def export_client_zip(client_id: int):
    client = load_client(client_id)
    return send_export(
        lambda out: exports.write_client_zip(client, out, for_practice=True),
        f"client-{client.id}.zip",
        "application/zip",
        text=False,
    )


@bp.route("/clients/<int:client_id>/archive", methods=["GET", "POST"])
def archive_client(client_id: int):
    client = get_client_or_404(client_id)
    return change_member_status(client, memberships.archive_member, "archive", "coach.clients")


@bp.route("/clients/<int:client_id>/restore", methods=["GET", "POST"])
@owner_required
def restore_client(client_id: int):
    client = get_client_or_404(client_id)
    return change_member_status(client, memberships.restore_member, "restore", "coach.clients")


@bp.get("/export.zip")
@owner_required
def export_practice_zip():
    """Owner: everything the practice holds (members, and every client's export), in a zip."""
    response = send_export(
        lambda out: exports.write_practice_zip(g.practice, out),
        f"{g.practice.slug}-export.zip",
        "application/zip",
        text=False,
    )
    audit.record(g.practice, current_user, "export.practice_downloaded")
    db.session.commit()
    return response
