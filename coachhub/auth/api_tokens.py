"""`/account/tokens`: the member's personal access tokens for the API (made, listed, revoked).

A token belongs to one of the user's memberships, so it lives on the account pages
beside two-factor sign-in and lists the tokens of every practice the user is in.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from coachhub.auth.forms import ApiTokenForm
from coachhub.auth.routes import bp
from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.services import ServiceError, accounts, api_tokens


def _form() -> ApiTokenForm:
    form = ApiTokenForm()
    form.practice.choices = [
        SelectChoice(m.id, m.practice.name) for m in accounts.active_memberships(current_user)
    ]
    return form


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens_page():
    form = _form()
    secret = None
    if form.validate_on_submit():
        member = next(
            (m for m in accounts.active_memberships(current_user) if m.id == form.practice.data),
            None,
        )
        if member is None:
            form.practice.errors.append("Pick one of your practices.")
        else:
            try:
                token, secret = api_tokens.create_token(
                    member.practice,
                    member,
                    form.name.data,
                    form.scope.data,
                    form.expires_in_days.data,
                )
            except ServiceError as error:
                getattr(form, error.field or "name").errors.append(error.message)
            else:
                db.session.commit()
                flash(f"Token “{token.name}” made. Copy it now: it is not shown again.", "success")
    return render_template(
        "auth/api_tokens.html",
        form=form,
        secret=secret,
        tokens=api_tokens.tokens_of(current_user),
        revoke_form=ConfirmForm(),
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    token = api_tokens.token_of_user(current_user, token_id)
    if token is None:
        abort(404)
    if ConfirmForm().validate():
        api_tokens.revoke_token(token, current_user)
        db.session.commit()
        flash(f"Token “{token.name}” revoked: it no longer works.", "info")
    return redirect(url_for("auth.api_tokens_page"))
