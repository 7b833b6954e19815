"""The owner's practice settings: name and timezone."""

from flask import flash, g, redirect, render_template, url_for

from coachhub.coach import bp
from coachhub.coach.forms import PracticeSettingsForm
from coachhub.extensions import db
from coachhub.services import memberships
from coachhub.tenancy import owner_required


@bp.route("/settings", methods=["GET", "POST"])
@owner_required
def settings():
    form = PracticeSettingsForm(obj=g.practice)
    if form.validate_on_submit():
        memberships.update_settings(g.practice, g.membership, form.name.data, form.timezone.data)
        db.session.commit()
        flash("Practice settings saved.", "success")
        return redirect(url_for("coach.settings"))
    return render_template("coach/settings/settings.html", form=form)
