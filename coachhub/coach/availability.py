"""A coach's own availability: weekly hours, lengths, buffer, notice, horizon, days off.

Only ever the signed-in coach's own: there is no id in these URLs, so no coach
can open another's rules (others see free/busy through the open slots alone).
"""

from flask import abort, flash, g, redirect, render_template, request, url_for

from coachhub.coach import bp
from coachhub.coach.forms import WEEKDAY_NAMES, AvailabilityForm, BlockDateForm
from coachhub.extensions import db
from coachhub.forms import MEMBER_TIMEZONE_CHOICES, ConfirmForm, attach_error
from coachhub.models import utcnow
from coachhub.services import ServiceError
from coachhub.services import availability as avail
from coachhub.services.sessions import format_when

PREVIEW_SLOTS = 8


@bp.route("/availability", methods=["GET", "POST"])
def availability():
    coach = g.membership
    current = avail.availability_of(coach)
    form = AvailabilityForm()
    form.timezone.choices = MEMBER_TIMEZONE_CHOICES
    if request.method == "GET":
        form.timezone.data = coach.timezone or ""
        if current is not None:
            form.lengths.data = current.lengths
            form.buffer_minutes.data = current.buffer_minutes
            form.min_notice_hours.data = current.min_notice_hours
            form.horizon_days.data = current.horizon_days
            form.default_location.data = current.default_location
            form.default_video_url.data = current.default_video_url
            for window in current.windows:
                form[f"day{window.weekday}_start"].data = window.starts_at
                form[f"day{window.weekday}_end"].data = window.ends_at
        else:
            form.lengths.data = [60]
    if form.validate_on_submit():
        week = {}
        for day in range(7):
            start, end = form[f"day{day}_start"].data, form[f"day{day}_end"].data
            if (start is None) != (end is None):
                form[f"day{day}_end"].errors.append("Give both times, or neither for a day off.")
            week[day] = (start, end) if start and end else None
        if not any(form[f"day{day}_end"].errors for day in range(7)):
            try:
                coach.timezone = form.timezone.data or None
                avail.save_availability(
                    g.practice,
                    coach,
                    avail.RulesInput(
                        lengths=form.lengths.data,
                        buffer_minutes=form.buffer_minutes.data,
                        min_notice_hours=form.min_notice_hours.data,
                        horizon_days=form.horizon_days.data,
                        default_location=form.default_location.data or "",
                        default_video_url=form.default_video_url.data or "",
                        week=week,
                    ),
                )
            except ServiceError as error:
                db.session.rollback()
                field = error.field if error.field in form else f"{error.field}_end"
                attach_error(form, ServiceError(error.message, field), "lengths")
            else:
                db.session.commit()
                flash("Availability saved.", "success")
                return redirect(url_for("coach.availability"))
    rules = avail.rules_for(coach, current)
    preview = []
    if current is not None and rules.lengths:
        now = utcnow()
        preview = avail.slots_for(coach, rules.lengths[0], now)[:PREVIEW_SLOTS]
    return render_template(
        "coach/sessions/availability.html",
        form=form,
        weekdays=list(enumerate(WEEKDAY_NAMES)),
        blocked=current.blocked if current else [],
        block_form=BlockDateForm(formdata=None),
        unblock_form=ConfirmForm(),
        preview=[format_when(slot.starts_at, coach.tz) for slot in preview],
        preview_minutes=rules.lengths[0] if rules.lengths else None,
        tz_name=str(coach.tz),
    )


@bp.post("/availability/blocked")
def block_date():
    form = BlockDateForm()
    if not form.validate():
        flash("Give the day off as a date.", "danger")
    else:
        try:
            avail.block_date(g.practice, g.membership, form.blocked_on.data, form.note.data or "")
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"{form.blocked_on.data:%a %-d %b %Y} is blocked.", "success")
    return redirect(url_for("coach.availability"))


@bp.post("/availability/blocked/<int:blocked_id>/delete")
def unblock_date(blocked_id: int):
    form = ConfirmForm()
    if not form.validate():
        flash("Please try again.", "danger")
        return redirect(url_for("coach.availability"))
    try:
        avail.unblock_date(g.practice, g.membership, blocked_id)
    except ServiceError:
        abort(404)
    db.session.commit()
    flash("The day is open again.", "success")
    return redirect(url_for("coach.availability"))
