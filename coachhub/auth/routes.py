"""Sign-up, login/logout, practice choice, passwords and invitation links."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from coachhub.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from coachhub.auth.session import begin_second_step, start_session
from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.inputs import safe_next
from coachhub.models import Membership
from coachhub.services import ServiceError, accounts, invitations

bp = Blueprint("auth", __name__)


def home_url(membership: Membership) -> str:
    """Where a member lands in a practice: coaches' and clients' dashboards."""
    endpoint = "client.dashboard" if membership.is_client else "coach.dashboard"
    return url_for(endpoint, practice_slug=membership.practice.slug)


def _safe_next(default: str) -> str:
    """Only same-site paths: a `next` parameter must not send users elsewhere."""
    return safe_next(request.args.get("next")) or default


def after_login() -> str:
    """Where a member goes once signed in: the `next` page, their practice, or the list."""
    memberships = accounts.active_memberships(current_user)
    default = home_url(memberships[0]) if len(memberships) == 1 else url_for("auth.practices")
    return _safe_next(default)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            practice, owner = accounts.sign_up(
                form.name.data,
                form.email.data,
                form.password.data,
                form.practice_name.data,
                form.timezone.data,
            )
        except ServiceError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            start_session(owner.user)
            flash(f"Welcome to CoachHub. {practice.name} is on a 14-day free trial.", "success")
            return redirect(url_for("coach.dashboard", practice_slug=practice.slug))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(after_login())
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Email or password is not right.")
        elif user.has_two_factor:
            db.session.commit()
            return redirect(begin_second_step(user))
        else:
            accounts.record_sign_in(user, "password")
            db.session.commit()
            start_session(user)
            return redirect(after_login())
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    accounts.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("You are logged out on every device.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/practices")
@login_required
def practices():
    memberships = accounts.active_memberships(current_user)
    return render_template("auth/practices.html", memberships=memberships, home_url=home_url)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except ServiceError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            # Other sessions are now invalid; this one continues with the new version.
            login_user(current_user._get_current_object())
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect(url_for("auth.practices"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            "If an account exists for that email, a reset link is on its way. "
            "It works once, for the next hour.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.user_for_reset_token(token)
    if user is None:
        return render_template("auth/link_invalid.html", what="password reset link"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(user, form.password.data)
        db.session.commit()
        logout_user()
        flash("Your password is changed. Log in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = invitations.find_by_token(token)
    if invitation is None:
        replaced = invitations.find_replaced(token)
        if replaced is None:
            abort(404)
        # An older link of a resent invitation: send the invitee to the newest email.
        state = replaced.state if replaced.state in ("accepted", "revoked") else "replaced"
        return render_template("auth/invitation_closed.html", invitation=replaced, state=state), 410
    if invitation.state != "pending":
        return render_template(
            "auth/invitation_closed.html", invitation=invitation, state=invitation.state
        ), 410
    existing_user = accounts.find_user(invitation.email)
    signed_in_as_invitee = current_user.is_authenticated and current_user.email == invitation.email
    form = ConfirmForm() if existing_user else AcceptInvitationForm()
    if request.method == "POST" and form.validate():
        try:
            if existing_user is None:
                membership = invitations.accept_with_new_account(
                    invitation, form.name.data, form.password.data
                )
            elif signed_in_as_invitee:
                membership = invitations.accept(invitation, current_user)
            else:
                abort(403)
        except invitations.InvitationTaken:
            # Lost the race to another acceptance of this link: it is used now.
            db.session.rollback()
            db.session.refresh(invitation)
            return render_template("auth/invitation_closed.html", invitation=invitation), 410
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            start_session(membership.user)
            flash(f"Welcome to {membership.practice.name}.", "success")
            return redirect(home_url(membership))
    return render_template(
        "auth/accept_invitation.html",
        invitation=invitation,
        # The page wears the inviting practice's accent colour and logo.
        brand_practice=invitation.practice,
        form=form,
        existing_user=existing_user,
        signed_in_as_invitee=signed_in_as_invitee,
        token=token,
    )
