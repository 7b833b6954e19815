"""Invitations: the owner invites coaches and clients, a coach invites their own clients;
open invitations can be resent (a new link) or revoked."""

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from coachhub.billing import services as billing
from coachhub.coach import bp
from coachhub.coach.forms import InviteForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.models import Invitation, Membership, Role
from coachhub.pagination import paginate
from coachhub.services import ServiceError, invitations, memberships
from coachhub.tenancy import get_scoped_or_404, scoped_select


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
        "coach/invitations/invitations.html",
        form=form,
        page=page,
        action_form=ConfirmForm(),
        seats=seats,
    )


@bp.post("/invitations/<int:invitation_id>/resend")
def resend_invitation(invitation_id: int):
    invitation = get_scoped_or_404(Invitation, invitation_id)
    return _invitation_action(invitations.resend, invitation, "Invitation sent again.")


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    invitation = get_scoped_or_404(Invitation, invitation_id)
    return _invitation_action(invitations.revoke, invitation, "Invitation revoked.")


def _invitation_action(action: Callable, invitation: Invitation, message: str):
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
