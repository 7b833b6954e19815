"""The client's career check-ins: the list and trend, the check-in form (draft, submit,
correct until reviewed), and recording a landing."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.forms import CheckinForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, LandingForm, attach_error
from coachhub.models import Checkin, Membership
from coachhub.pagination import paginate
from coachhub.services import ServiceError, careers, checkins
from coachhub.services.checkins import CheckinData
from coachhub.tenancy import get_scoped_or_404, scoped_select


@bp.get("/checkins")
def checkin_list():
    """Stage, the next due check-in and every check-in so far."""
    today = g.practice.today()
    career = careers.career_of(g.membership)
    page = paginate(scoped_select(Checkin).order_by(Checkin.due_on.desc(), Checkin.id.desc()))
    history = checkins.trend(g.practice, g.membership)
    return render_template(
        "client/checkins/checkins.html",
        career=career,
        page=page,
        today=today,
        trend=checkins.trend_data(history),
        start_form=ConfirmForm(),
        opens_on=checkins.opens_on(career.next_due_on) if career and career.next_due_on else None,
    )


@bp.post("/checkins/start")
def start_checkin():
    if not ConfirmForm().validate():
        abort(400)
    try:
        checkin = checkins.start_checkin(g.practice, g.membership)
    except ServiceError as error:
        flash(error.message, "danger")
        return redirect(url_for("client.checkin_list"))
    db.session.commit()
    return redirect(url_for("client.checkin", checkin_id=checkin.id))


@bp.route("/checkins/<int:checkin_id>", methods=["GET", "POST"])
def checkin(checkin_id: int):
    """The check-in form while it can change; afterwards the check-in with its coach review."""
    checkin = get_scoped_or_404(
        Checkin,
        checkin_id,
        options=[joinedload(Checkin.reviewer).joinedload(Membership.user)],
    )
    form = CheckinForm(obj=checkin)
    if request.method == "POST":
        if not checkin.can_correct:
            abort(409)
        if form.validate_on_submit():
            submit = "submit" in request.form
            try:
                checkins.save_checkin(
                    g.practice, g.membership, checkin, CheckinData(**form.data_fields()), submit
                )
            except ServiceError as error:
                db.session.rollback()
                attach_error(form, error, "concerns")
            else:
                db.session.commit()
                if checkin.is_draft:
                    flash("Draft saved: finish it whenever you like.", "success")
                else:
                    flash(f"Check-in saved. Your pulse score: {checkin.pulse}.", "success")
                return redirect(url_for("client.checkin", checkin_id=checkin.id))
    return render_template(
        "client/checkins/checkin.html",
        checkin=checkin,
        form=form,
        pulse=checkins.pulse_of(checkin),
    ), (400 if form.errors else 200)


@bp.route("/landing", methods=["GET", "POST"])
def record_landing():
    """I landed a role: employer, role, start date; my open search goals can close with it."""
    form = LandingForm()
    if form.validate_on_submit():
        try:
            careers.record_landing(g.practice, g.membership, g.membership, form.landing_data())
        except ServiceError as error:
            attach_error(form, error, "employer")
        else:
            db.session.commit()
            flash(
                "Congratulations on the new role! Keep your network going: check in monthly.",
                "success",
            )
            return redirect(url_for("client.checkin_list"))
    return render_template("client/checkins/record_landing.html", form=form)
