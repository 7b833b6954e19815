"""Coach portal: owners and coaches."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from coachhub.billing import services as billing
from coachhub.coach.forms import InviteForm, PracticeSettingsForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.models import COACHING_ROLES, Invitation, Membership, MemberStatus, Role, User
from coachhub.notifications.views import add_member_routes
from coachhub.pagination import paginate
from coachhub.services import ServiceError, invitations, memberships
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


@bp.get("/")
def dashboard():
    counts = dict(
        db.session.execute(
            scoped_select(Membership)
            .with_only_columns(Membership.status, func.count())
            .where(Membership.role == Role.CLIENT)
            .group_by(Membership.status)
        ).all()
    )
    pending = db.session.scalar(
        scoped_select(Invitation)
        .with_only_columns(func.count())
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    )
    return render_template(
        "coach/dashboard.html",
        active_clients=counts.get(MemberStatus.ACTIVE, 0),
        archived_clients=counts.get(MemberStatus.ARCHIVED, 0),
        pending_invitations=pending,
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


@bp.get("/clients/<int:client_id>")
def client_detail(client_id: int):
    client = get_client_or_404(client_id)
    return render_template("coach/client_detail.html", client=client)


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
