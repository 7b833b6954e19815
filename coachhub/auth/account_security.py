"""The member's security page and the second step of sign-in.

`/account/security`: two-factor set-up (QR code and the key as text, confirmed by a
code), recovery codes, turning it off, changing the sign-in email (both with the
password again). `/login/code`: the code after the password.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coachhub.auth.forms import ChangeEmailForm, CodeForm, PasswordCheckForm
from coachhub.auth.routes import after_login, bp
from coachhub.auth.session import pending_user, start_session
from coachhub.extensions import db
from coachhub.services import ServiceError, accounts, two_factor


@bp.route("/login/code", methods=["GET", "POST"])
def two_factor_code():
    user = pending_user()
    if user is None:
        flash("Log in again, then enter your code.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.verify_code(user, form.code.data):
            accounts.record_sign_in(user, "password and code")
            db.session.commit()
            start_session(user)
            return redirect(after_login())
        db.session.commit()  # a used recovery code stays used
        form.code.errors.append("That code is not right, or was used already.")
    return render_template("auth/two_factor_code.html", form=form)


def _codes_page(codes: list[str]):
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.route("/account/security", methods=["GET", "POST"])
@login_required
def security():
    user = current_user._get_current_object()
    form = CodeForm()
    if not user.has_two_factor and not user.totp_secret:
        # The key is made when the page is first opened, so it can show it at once.
        two_factor.begin_setup(user)
        db.session.commit()
    if request.method == "POST" and form.validate():
        try:
            codes = two_factor.confirm_setup(user, form.code.data)
        except ServiceError as error:
            form.code.errors.append(error.message)
        else:
            db.session.commit()
            flash("Two-factor sign-in is on. Keep these recovery codes somewhere safe.", "success")
            return _codes_page(codes)
    return render_template(
        "auth/security.html",
        user=user,
        form=form,
        password_form=PasswordCheckForm(),
        email_form=ChangeEmailForm(),
        qr=None if user.has_two_factor else two_factor.qr_data_uri(user),
        key=None if user.has_two_factor else two_factor.grouped_key(user),
        codes_left=two_factor.recovery_codes_left(user) if user.has_two_factor else 0,
        required_by=two_factor.practices_requiring(user),
    )


@bp.post("/account/security/two-factor/off")
@login_required
def disable_two_factor():
    form = PasswordCheckForm()
    if form.validate():
        try:
            two_factor.disable(current_user, form.password.data)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("Two-factor sign-in is off.", "info")
    else:
        flash("Enter your password to turn two-factor sign-in off.", "danger")
    return redirect(url_for("auth.security"))


@bp.post("/account/security/recovery-codes")
@login_required
def renew_recovery_codes():
    form = PasswordCheckForm()
    if form.validate():
        try:
            codes = two_factor.regenerate_recovery_codes(current_user, form.password.data)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            return _codes_page(codes)
    return redirect(url_for("auth.security"))


@bp.post("/account/security/email")
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate():
        try:
            accounts.change_email(current_user, form.password.data, form.email.data)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            start_session(current_user._get_current_object())
            flash("Your sign-in email is changed. Other devices have been logged out.", "success")
    else:
        flash("Enter a valid new email and your password.", "danger")
    return redirect(url_for("auth.security"))
