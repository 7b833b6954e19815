"""The owner's practice settings: name, timezone, whether two-factor sign-in is required, and
how late sessions may be moved or cancelled."""

from flask import flash, g, redirect, render_template, url_for

from coachhub.coach import bp
from coachhub.coach.forms import PracticeSettingsForm
from coachhub.extensions import db
from coachhub.forms import attach_error
from coachhub.services import ServiceError, memberships, sessions
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
    return render_template("coach/settings/settings.html", form=form)
