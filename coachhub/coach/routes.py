"""Coach portal: owners and coaches."""

import json
from datetime import timedelta

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from coachhub.billing import services as billing
from coachhub.coach.forms import (
    CloseGoalForm,
    InviteForm,
    PracticeSettingsForm,
    ReassignForm,
    ReviewForm,
)
from coachhub.extensions import db
from coachhub.forms import CommentForm, ConfirmForm, GoalForm, attach_error
from coachhub.models import (
    COACHING_ROLES,
    CoachAssignment,
    Contact,
    GoalStatus,
    Invitation,
    MeetingLog,
    Membership,
    MemberStatus,
    NetworkingGoal,
    Review,
    Role,
    User,
)
from coachhub.notifications.views import add_member_routes
from coachhub.pagination import paginate, paginate_rows
from coachhub.services import (
    ServiceError,
    assignments,
    exports,
    goals,
    health,
    invitations,
    memberships,
    reviews,
)
from coachhub.services import checkins as checkin_service
from coachhub.tenancy import (
    get_client_or_404,
    get_scoped_or_404,
    owner_required,
    practice_blueprint,
    scoped_select,
)

bp = practice_blueprint("coach", __name__, "coach", COACHING_ROLES)
# /notifications (email preferences) and /calendar (private feed), shared with the client portal.
add_member_routes(bp)

ATTENTION_LIMIT = 10
GOALS_ON_DETAIL = 20
RECENT_ON_DETAIL = 10


@bp.get("/")
def dashboard():
    """Networking health: one row per client (sortable), and who needs attention."""
    today = g.practice.today()
    sort = request.args.get("sort", "name")
    if sort not in health.SORTS:
        sort = "name"
    desc = request.args.get("dir") == "desc"
    page = paginate_rows(health.health_query(g.practice, g.membership, today, sort, desc))
    attention = db.session.execute(
        health.needs_attention_query(g.practice, g.membership, today).limit(ATTENTION_LIMIT)
    ).all()
    # Career check-ins (issue 4): stage and pulse of the clients on this page, and who is at risk.
    careers = checkin_service.status_rows(
        g.practice, g.membership, today, [row.Membership.id for row in page.items]
    )
    checkin_attention = db.session.execute(
        checkin_service.attention_query(g.practice, g.membership, today).limit(ATTENTION_LIMIT)
    ).all()
    pending = db.session.scalar(
        scoped_select(Invitation)
        .with_only_columns(func.count())
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    )
    return render_template(
        "coach/dashboard.html",
        page=page,
        attention=attention,
        active_clients=page.total,
        pending_invitations=pending,
        sort=sort,
        desc=desc,
        today=today,
        quiet_since=today - timedelta(days=health.ATTENTION_DAYS),
        percent=health.percent,
        careers=careers,
        checkin_attention=checkin_attention,
        checkin_flags=checkin_service.flags,
        trend_arrow=checkin_service.trend_arrow,
    )


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
    return render_template("coach/clients.html", page=page, status=status)


def _load_client(client_id: int) -> Membership:
    return get_scoped_or_404(
        Membership,
        client_id,
        Membership.role == Role.CLIENT,
        options=[
            joinedload(Membership.user),
            joinedload(Membership.coach).joinedload(Membership.user),
        ],
    )


@bp.get("/clients/<int:client_id>")
def client_detail(client_id: int):
    client = _load_client(client_id)
    today = g.practice.today()
    logged = health.goal_logged_counts(g.practice, g.membership)
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
    return render_template(
        "coach/client_detail.html",
        client=client,
        today=today,
        goals=client_goals,
        recent=recent,
        history=history,
        metrics=health.client_health(g.practice, g.membership, client, today),
        weeks=health.meetings_per_week(client, today),
        percent=health.percent,
        progress=goals.progress,
        action_form=ConfirmForm(),
    )


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
    client = _load_client(client_id)
    page = paginate(_client_logs(client))
    return render_template(
        "coach/client_meetings.html", client=client, page=page, today=g.practice.today()
    )


@bp.get("/clients/<int:client_id>/contacts")
def client_contacts(client_id: int):
    client = _load_client(client_id)
    page = paginate(
        scoped_select(Contact)
        .where(Contact.client_membership_id == client.id, Contact.archived_at.is_(None))
        .options(joinedload(Contact.introduced_by))
        .order_by(Contact.name, Contact.id)
    )
    return render_template(
        "coach/client_contacts.html", client=client, page=page, today=g.practice.today()
    )


@bp.route("/clients/<int:client_id>/goals/new", methods=["GET", "POST"])
def new_goal(client_id: int):
    client = _load_client(client_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals.assign_goal(g.practice, g.membership, client, **form.goal_fields())
        except ServiceError as error:
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Goal assigned.", "success")
            return redirect(url_for("coach.client_detail", client_id=client.id))
    return render_template("coach/goal_form.html", form=form, client=client, goal=None)


def _load_goal(goal_id: int) -> NetworkingGoal:
    return get_scoped_or_404(
        NetworkingGoal,
        goal_id,
        options=[joinedload(NetworkingGoal.client).joinedload(Membership.user)],
    )


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(goal_id: int):
    goal = _load_goal(goal_id)
    form = GoalForm(obj=goal)
    if request.method == "GET":
        form.focus.data = goal.focus.value
    if form.validate_on_submit():
        try:
            goals.update_goal(g.practice, g.membership, goal, **form.goal_fields())
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Goal saved.", "success")
            return redirect(url_for("coach.client_detail", client_id=goal.client_membership_id))
    return render_template("coach/goal_form.html", form=form, client=goal.client, goal=goal)


@bp.route("/goals/<int:goal_id>/close", methods=["GET", "POST"])
def close_goal(goal_id: int):
    goal = _load_goal(goal_id)
    form = CloseGoalForm()
    if form.validate_on_submit():
        try:
            goals.close_goal(g.practice, g.membership, goal, GoalStatus(form.status.data))
        except ServiceError as error:
            attach_error(form, error, "status")
        else:
            db.session.commit()
            flash(f"Goal closed as {goal.status.value}.", "success")
            return redirect(url_for("coach.client_detail", client_id=goal.client_membership_id))
    return render_template("coach/close_goal.html", form=form, goal=goal)


@bp.post("/goals/<int:goal_id>/reopen")
def reopen_goal(goal_id: int):
    goal = _load_goal(goal_id)
    return _goal_action(goals.reopen_goal, goal, "Goal reopened.")


@bp.post("/goals/<int:goal_id>/accept")
def accept_goal(goal_id: int):
    goal = _load_goal(goal_id)
    return _goal_action(goals.accept_goal, goal, "Goal accepted: it is open now.")


def _goal_action(action, goal: NetworkingGoal, message: str):
    if not ConfirmForm().validate():
        abort(400)
    try:
        action(g.practice, g.membership, goal)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("coach.client_detail", client_id=goal.client_membership_id))


@bp.get("/reviews")
def review_queue():
    """The coach's clients' logs not reviewed yet, oldest first."""
    page = paginate(
        scoped_select(MeetingLog)
        .outerjoin(Review, Review.log_id == MeetingLog.id)
        .where(
            Review.id.is_(None),
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= g.practice.today(),
        )
        .options(
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.client).joinedload(Membership.user),
        )
        .order_by(MeetingLog.met_on, MeetingLog.id)
    )
    return render_template("coach/review_queue.html", page=page)


def _load_log(log_id: int) -> MeetingLog:
    return get_scoped_or_404(
        MeetingLog,
        log_id,
        options=[
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.goal),
            joinedload(MeetingLog.client).joinedload(Membership.user),
            joinedload(MeetingLog.review).joinedload(Review.reviewer).joinedload(Membership.user),
        ],
    )


@bp.get("/meetings/<int:log_id>")
def meeting_detail(log_id: int, review_form=None, comment_form=None, status=200):
    log = _load_log(log_id)
    if review_form is None:
        review_form = ReviewForm(formdata=None, obj=log.review)
    return render_template(
        "coach/meeting_detail.html",
        log=log,
        thread=reviews.thread(log),
        review_form=review_form,
        comment_form=comment_form or CommentForm(formdata=None),
        today=g.practice.today(),
    ), status


@bp.post("/meetings/<int:log_id>/review")
def review_meeting(log_id: int):
    log = _load_log(log_id)
    form = ReviewForm()
    if form.validate():
        try:
            reviews.review_meeting(
                g.practice,
                g.membership,
                log,
                intent_clarity=form.intent_clarity.data,
                reciprocity=form.reciprocity.data,
                follow_up=form.follow_up.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            attach_error(form, error, "comment")
        else:
            db.session.commit()
            flash("Review saved; your client can see it now.", "success")
            return redirect(url_for("coach.review_queue"))
    return meeting_detail(log_id, review_form=form, status=400)


@bp.post("/meetings/<int:log_id>/comments")
def comment_meeting(log_id: int):
    log = _load_log(log_id)
    form = CommentForm()
    if form.validate():
        try:
            reviews.comment_on_meeting(g.practice, g.membership, log, form.body.data)
        except ServiceError as error:
            attach_error(form, error, "body")
        else:
            db.session.commit()
            flash("Reply posted.", "success")
            return redirect(url_for("coach.meeting_detail", log_id=log.id) + "#thread")
    return meeting_detail(log_id, comment_form=form, status=400)


@bp.route("/clients/<int:client_id>/reassign", methods=["GET", "POST"])
@owner_required
def reassign_client(client_id: int):
    client = _load_client(client_id)
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
    return render_template("coach/reassign_client.html", form=form, client=client)


def _client_export(client_id: int) -> tuple[Membership, dict]:
    client = _load_client(client_id)
    return client, exports.client_export(client)


@bp.get("/clients/<int:client_id>/export.json")
def export_client_json(client_id: int):
    client, data = _client_export(client_id)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="client-{client.id}.json"'},
    )


@bp.get("/clients/<int:client_id>/export.zip")
def export_client_zip(client_id: int):
    client, data = _client_export(client_id)
    return Response(
        exports.client_export_zip(data),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="client-{client.id}.zip"'},
    )


@bp.route("/clients/<int:client_id>/archive", methods=["GET", "POST"])
def archive_client(client_id: int):
    client = get_client_or_404(client_id)
    return _change_status(client, memberships.archive_member, "archive", "coach.clients")


@bp.route("/clients/<int:client_id>/restore", methods=["GET", "POST"])
@owner_required
def restore_client(client_id: int):
    client = get_client_or_404(client_id)
    return _change_status(client, memberships.restore_member, "restore", "coach.clients")


@bp.route("/invitations", methods=["GET", "POST"])
def invitations_page():
    form = InviteForm()
    coaches = memberships.active_coaches(g.practice)
    form.coach.choices = [SelectChoice(c.id, c.user.name) for c in coaches]
    if not g.membership.is_owner:
        # Coaches invite clients for themselves; only the owner sees the choices.
        form.role.choices = [SelectChoice("client", "Client")]
        form.coach.choices = [SelectChoice(g.membership.id, current_user.name)]
    if request.method == "GET":
        form.coach.data = g.membership.id
    # After the trial the owner is told, before inviting, when a new coach adds a paid seat.
    seats = billing.seats(g.practice) if g.membership.is_owner else None
    if form.validate_on_submit():
        coach = next((c for c in coaches if c.id == form.coach.data), None)
        try:
            invitation = invitations.invite(
                g.practice, g.membership, form.email.data, Role(form.role.data), coach
            )
        except ServiceError as error:
            form[error.field or "email"].errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Invitation sent to {invitation.email}.", "success")
            if invitation.role == Role.COACH and seats and seats.next_coach_adds_seat:
                flash(
                    "When they join, a seat will be added to your subscription: "
                    "confirm the new quantity and its prorated price on the Billing page.",
                    "info",
                )
            return redirect(url_for("coach.invitations_page"))
    query = (
        scoped_select(Invitation)
        .options(db.joinedload(Invitation.invited_by).joinedload(Membership.user))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    page = paginate(query)
    return render_template(
        "coach/invitations.html", form=form, page=page, action_form=ConfirmForm(), seats=seats
    )


@bp.post("/invitations/<int:invitation_id>/resend")
def resend_invitation(invitation_id: int):
    invitation = get_scoped_or_404(Invitation, invitation_id)
    return _invitation_action(invitations.resend, invitation, "Invitation sent again.")


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    invitation = get_scoped_or_404(Invitation, invitation_id)
    return _invitation_action(invitations.revoke, invitation, "Invitation revoked.")


@bp.get("/team")
@owner_required
def team():
    members = db.session.scalars(
        scoped_select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.role.in_(COACHING_ROLES))
        .options(db.joinedload(Membership.user))
        .order_by(Membership.status, User.name)
    ).all()
    client_counts = dict(
        db.session.execute(
            select(Membership.coach_membership_id, func.count())
            .where(
                Membership.practice_id == g.practice.id,
                Membership.role == Role.CLIENT,
                Membership.status == MemberStatus.ACTIVE,
            )
            .group_by(Membership.coach_membership_id)
        ).all()
    )
    return render_template("coach/team.html", members=members, client_counts=client_counts)


@bp.route("/team/<int:member_id>/archive", methods=["GET", "POST"])
@owner_required
def archive_coach(member_id: int):
    member = get_scoped_or_404(Membership, member_id, Membership.role == Role.COACH)
    return _change_status(member, memberships.archive_member, "archive", "coach.team")


@bp.route("/team/<int:member_id>/restore", methods=["GET", "POST"])
@owner_required
def restore_coach(member_id: int):
    member = get_scoped_or_404(Membership, member_id, Membership.role == Role.COACH)
    return _change_status(member, memberships.restore_member, "restore", "coach.team")


@bp.route("/settings", methods=["GET", "POST"])
@owner_required
def settings():
    form = PracticeSettingsForm(obj=g.practice)
    if form.validate_on_submit():
        memberships.update_settings(g.practice, g.membership, form.name.data, form.timezone.data)
        db.session.commit()
        flash("Practice settings saved.", "success")
        return redirect(url_for("coach.settings"))
    return render_template("coach/settings.html", form=form)


def _change_status(member: Membership, action, verb: str, back: str):
    """GET asks for confirmation; POST archives or restores and goes back to the list."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            action(g.practice, g.membership, member)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"{member.user.name}: {verb}d.", "success")
        return redirect(url_for(back))
    return render_template(
        "coach/confirm_status.html", member=member, verb=verb, form=form, back=back
    )


def _invitation_action(action, invitation: Invitation, message: str):
    if not ConfirmForm().validate():
        abort(400)
    try:
        action(g.practice, g.membership, invitation)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("coach.invitations_page"))
