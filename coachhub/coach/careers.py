"""A client's career, as the coach sees it: stage and landing, check-in cadence, the at-risk
flag, reviewing check-ins; and the owner's overview of every client's check-ins."""

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy.orm import joinedload

from coachhub.coach import bp, load_client
from coachhub.coach.forms import CadenceForm, CheckinReviewForm, FlagForm, SearchingForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, LandingForm, attach_error
from coachhub.models import Checkin, CheckinStatus, Membership, StageChange
from coachhub.pagination import paginate_rows
from coachhub.services import ServiceError, at_risk, careers, checkins
from coachhub.tenancy import get_scoped_or_404, owner_required, scoped_select

CHECKINS_ON_CAREER = 12


@bp.get("/clients/<int:client_id>/career")
def client_career(client_id: int, cadence_form=None, flag_form=None, status=200):
    """Stage and its history, cadence, at-risk flags, the pulse trend and the check-ins."""
    client = load_client(client_id)
    today = g.practice.today()
    row = at_risk.status_rows(g.practice, g.membership, today, [client.id]).get(client.id)
    career = careers.career_of(client)
    if cadence_form is None:
        cadence_form = CadenceForm(formdata=None)
        if career is not None:
            cadence_form.cadence.data = career.cadence.value
            cadence_form.first_due_on.data = career.next_due_on
    history = db.session.scalars(
        scoped_select(StageChange)
        .where(StageChange.client_membership_id == client.id)
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        .limit(20)
    ).all()
    recent = db.session.scalars(
        scoped_select(Checkin)
        .where(Checkin.client_membership_id == client.id)
        .order_by(Checkin.due_on.desc(), Checkin.id.desc())
        .limit(CHECKINS_ON_CAREER)
    ).all()
    chart = checkins.trend_data(checkins.trend(g.practice, client))
    return render_template(
        "coach/careers/career.html",
        client=client,
        career=career,
        row=row,
        flags=at_risk.flags(row) if row else [],
        arrow=at_risk.trend_arrow(row),
        history=history,
        recent=recent,
        trend=chart,
        today=today,
        cadence_form=cadence_form,
        flag_form=flag_form or FlagForm(formdata=None),
        action_form=ConfirmForm(),
    ), status


def _back_to_career(client: Membership):
    return redirect(url_for("coach.client_career", client_id=client.id))


@bp.post("/clients/<int:client_id>/cadence")
def set_cadence(client_id: int):
    client = load_client(client_id)
    form = CadenceForm()
    if form.validate():
        try:
            careers.set_cadence(
                g.practice, g.membership, client, form.cadence.data, form.first_due_on.data
            )
        except ServiceError as error:
            attach_error(form, error, "cadence")
        else:
            db.session.commit()
            flash("Check-in cadence saved.", "success")
            return _back_to_career(client)
    return client_career(client_id, cadence_form=form, status=400)


@bp.post("/clients/<int:client_id>/flag")
def flag_client(client_id: int):
    client = load_client(client_id)
    form = FlagForm()
    if form.validate():
        try:
            careers.set_flag(g.practice, g.membership, client, form.reason.data)
        except ServiceError as error:
            attach_error(form, error, "reason")
        else:
            db.session.commit()
            flash("Marked at risk.", "success")
            return _back_to_career(client)
    return client_career(client_id, flag_form=form, status=400)


@bp.post("/clients/<int:client_id>/unflag")
def unflag_client(client_id: int):
    client = load_client(client_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        careers.clear_flag(g.practice, g.membership, client)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash("At-risk flag cleared.", "success")
    return _back_to_career(client)


@bp.route("/clients/<int:client_id>/landing", methods=["GET", "POST"])
def record_landing(client_id: int):
    client = load_client(client_id)
    form = LandingForm()
    if form.validate_on_submit():
        try:
            careers.record_landing(g.practice, g.membership, client, form.landing_data())
        except ServiceError as error:
            attach_error(form, error, "employer")
        else:
            db.session.commit()
            flash(f"{client.user.name} is placed.", "success")
            return _back_to_career(client)
    return render_template("coach/careers/record_landing.html", form=form, client=client)


@bp.route("/clients/<int:client_id>/searching", methods=["GET", "POST"])
def return_to_searching(client_id: int):
    client = load_client(client_id)
    form = SearchingForm()
    if form.validate_on_submit():
        try:
            careers.return_to_searching(g.practice, g.membership, client, form.note.data or "")
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(
                f"{client.user.name} is searching again; the landing stays in the history.",
                "success",
            )
        return _back_to_career(client)
    return render_template("coach/careers/return_to_searching.html", form=form, client=client)


def _load_checkin(checkin_id: int) -> Checkin:
    return get_scoped_or_404(
        Checkin,
        checkin_id,
        Checkin.status != CheckinStatus.DRAFT,
        options=[
            joinedload(Checkin.client).joinedload(Membership.user),
            joinedload(Checkin.reviewer).joinedload(Membership.user),
        ],
    )


@bp.get("/checkins/<int:checkin_id>")
def checkin_detail(checkin_id: int, form=None, status=200):
    """A submitted check-in, its pulse breakdown and the review form."""
    checkin = _load_checkin(checkin_id)
    if form is None:
        form = CheckinReviewForm(formdata=None, obj=None)
        form.comment.data = checkin.coach_comment
    return render_template(
        "coach/careers/checkin_detail.html",
        checkin=checkin,
        pulse=checkins.pulse_of(checkin),
        form=form,
    ), status


@bp.post("/checkins/<int:checkin_id>/review")
def review_checkin(checkin_id: int):
    checkin = _load_checkin(checkin_id)
    form = CheckinReviewForm()
    if form.validate():
        try:
            checkins.review_checkin(g.practice, g.membership, checkin, form.comment.data or "")
        except ServiceError as error:
            attach_error(form, error, "comment")
        else:
            db.session.commit()
            flash("Check-in reviewed; your client can see your comment.", "success")
            return redirect(url_for("coach.client_career", client_id=checkin.client_membership_id))
    return checkin_detail(checkin_id, form=form, status=400)


@bp.get("/checkins")
@owner_required
def checkins_overview():
    """Owner: clients by stage, at-risk per coach, overdue check-ins (all bounded queries)."""
    today = g.practice.today()
    per_coach = at_risk.practice_overview(g.practice, g.membership, today)
    overdue = paginate_rows(at_risk.overdue_query(g.practice, g.membership, today))
    attention = db.session.execute(
        at_risk.attention_query(g.practice, g.membership, today).limit(20)
    ).all()
    totals = {
        key: sum(getattr(r, key) or 0 for r in per_coach)
        for key in ("clients", "placed", "searching", "at_risk", "overdue")
    }
    return render_template(
        "coach/careers/checkins_overview.html",
        per_coach=per_coach,
        totals=totals,
        overdue=overdue,
        attention=attention,
        flags=at_risk.flags,
        today=today,
    )
