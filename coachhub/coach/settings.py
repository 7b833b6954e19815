"""The owner's practice settings: name, timezone, whether two-factor sign-in is required, how
late sessions may be moved or cancelled, and the practice's logo and accent colour."""

from flask import flash, g, redirect, render_template, url_for

from coachhub.coach import bp
from coachhub.coach.forms import BrandingForm, PracticeSettingsForm
from coachhub.extensions import db
from coachhub.forms import attach_error
from coachhub.services import ServiceError, branding, memberships, sessions
from coachhub.storage import file_store
from coachhub.tenancy import owner_required


@bp.route("/settings", methods=["GET", "POST"])
@owner_required
def settings():
    form = PracticeSettingsForm(obj=g.practice)
    if form.validate_on_submit():
        try:
            memberships.update_settings(
                g.practice, g.membership, form.name.data, form.timezone.data
            )
            memberships.set_two_factor_rule(g.practice, g.membership, form.require_two_factor.data)
            if form.session_change_cutoff_hours.data is not None:
                sessions.set_change_cutoff(
                    g.practice, g.membership, form.session_change_cutoff_hours.data
                )
        except ServiceError as error:
            attach_error(form, error, "require_two_factor")
        else:
            db.session.commit()
            flash("Practice settings saved.", "success")
            return redirect(url_for("coach.settings"))
    return render_template(
        "coach/settings/settings.html", form=form, branding_form=_branding_form()
    )


def _branding_form() -> BrandingForm:
    return BrandingForm(formdata=None, accent_colour=g.practice.accent_colour or "")


@bp.post("/settings/branding")
@owner_required
def branding_settings():
    """The logo and accent colour: both checked before either is saved."""
    form = BrandingForm()
    if form.validate_on_submit():
        upload = form.logo.data
        logo = upload.read() if upload and getattr(upload, "filename", "") else None
        try:
            branding.set_branding(
                g.practice,
                g.membership,
                file_store(),
                form.accent_colour.data,
                logo=logo,
                remove_logo=form.remove_logo.data,
            )
        except ServiceError as error:  # checked before anything changed: nothing to undo
            attach_error(form, error, "accent_colour")
        else:
            db.session.commit()
            flash("Branding saved.", "success")
            return redirect(url_for("coach.settings"))
    return render_template(
        "coach/settings/settings.html",
        form=PracticeSettingsForm(obj=g.practice),
        branding_form=form,
    )
