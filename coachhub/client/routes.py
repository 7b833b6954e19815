"""Client portal: goals, contacts, meeting logs, follow-ups, coach feedback, export."""

import json
from datetime import timedelta

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from coachhub.client.forms import ContactForm, DoneForm, MeetingForm
from coachhub.extensions import db
from coachhub.forms import CommentForm, ConfirmForm, GoalForm, attach_error
from coachhub.models import (
    Contact,
    GoalStatus,
    MeetingLog,
    Membership,
    NetworkingGoal,
    Review,
    Role,
)
from coachhub.notifications.views import add_member_routes
from coachhub.pagination import paginate, paginate_rows
from coachhub.services import ServiceError, contacts, exports, goals, health, meetings, reviews
from coachhub.services.checkins import DUE_SOON_DAYS, career_of
from coachhub.services.meetings import MeetingData
from coachhub.tenancy import get_scoped_or_404, practice_blueprint, scoped_select

bp = practice_blueprint("client", __name__, "client", [Role.CLIENT])
# /notifications (email preferences) and /calendar (private feed), shared with the coach portal.
add_member_routes(bp)

FEEDBACK_ON_DASHBOARD = 3
DUE_ON_DASHBOARD = 5


@bp.get("/")
def dashboard():
    today = g.practice.today()
    open_goals = db.session.execute(
        _goals_with_progress()
        .where(NetworkingGoal.status.in_([GoalStatus.OPEN, GoalStatus.PROPOSED]))
        .order_by(NetworkingGoal.status, NetworkingGoal.due_on, NetworkingGoal.id)
        .limit(10)
    ).all()
    due = db.session.scalars(
        _open_follow_ups()
        .where(MeetingLog.follow_up_due_on <= today + timedelta(days=7))
        .limit(DUE_ON_DASHBOARD)
    ).all()
    stale = db.session.scalars(_stale_contacts(today).limit(DUE_ON_DASHBOARD)).all()
    feedback = db.session.scalars(
        scoped_select(Review)
        .options(
            joinedload(Review.log).joinedload(MeetingLog.contact),
            joinedload(Review.reviewer).joinedload(Membership.user),
        )
        .order_by(Review.updated_at.desc(), Review.id.desc())
        .limit(FEEDBACK_ON_DASHBOARD)
    ).all()
    return render_template(
        "client/dashboard.html",
        today=today,
        open_goals=open_goals,
        due=due,
        stale=stale,
        feedback=feedback,
        weeks=health.meetings_per_week(g.membership, today),
        metrics=health.client_health(g.practice, g.membership, g.membership, today),
        percent=health.percent,
        career=career_of(g.membership),
        due_soon=today + timedelta(days=DUE_SOON_DAYS),
    )


# Goals ------------------------------------------------------------------------------------


def _goals_with_progress():
    logged = health.goal_logged_counts(g.practice, g.membership)
    return (
        scoped_select(NetworkingGoal)
        .add_columns(func.coalesce(logged.c.logged, 0).label("logged"))
        .outerjoin(logged, logged.c.goal_id == NetworkingGoal.id)
    )


@bp.get("/goals")
def goal_list():
    page = paginate_rows(
        _goals_with_progress().order_by(
            NetworkingGoal.status, NetworkingGoal.due_on, NetworkingGoal.id.desc()
        )
    )
    return render_template("client/goal_list.html", page=page, progress=goals.progress)


@bp.route("/goals/propose", methods=["GET", "POST"])
def propose_goal():
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals.propose_goal(g.practice, g.membership, **form.goal_fields())
        except ServiceError as error:
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Goal proposed: your coach will see it and can accept it.", "success")
            return redirect(url_for("client.goal_list"))
    return render_template("client/propose_goal.html", form=form)


@bp.get("/goals/<int:goal_id>")
def goal_detail(goal_id: int):
    goal = get_scoped_or_404(NetworkingGoal, goal_id)
    page = paginate(
        scoped_select(MeetingLog)
        .where(MeetingLog.goal_id == goal.id, MeetingLog.archived_at.is_(None))
        .options(joinedload(MeetingLog.contact), joinedload(MeetingLog.review))
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
    )
    return render_template(
        "client/goal_detail.html",
        goal=goal,
        page=page,
        progress=goals.progress(page.total or 0, goal.target_meetings),
    )


# Contacts ---------------------------------------------------------------------------------


def _stale_contacts(today):
    return (
        scoped_select(Contact)
        .where(Contact.archived_at.is_(None), Contact.touch_due_on < today)
        .order_by(Contact.touch_due_on, Contact.id)
    )


def _usable_contact(keep: int | None = None):
    """Active contacts, plus the one a log already points at even if archived since."""
    return Contact.archived_at.is_(None) | (Contact.id == (keep or -1))


def _contact_choices(
    exclude: int | None = None, blank: str = "—", keep: int | None = None
) -> list[SelectChoice]:
    rows = db.session.execute(
        scoped_select(Contact)
        .with_only_columns(Contact.id, Contact.name, Contact.company)
        .where(_usable_contact(keep))
        .order_by(Contact.name, Contact.id)
    ).all()
    choices = [SelectChoice("", blank)]
    for id_, name, company in rows:
        if id_ != exclude:
            choices.append(SelectChoice(id_, f"{name} ({company})" if company else name))
    return choices


@bp.get("/contacts")
def contact_list():
    status = "archived" if request.args.get("status") == "archived" else "active"
    archived = (
        Contact.archived_at.is_not(None) if status == "archived" else Contact.archived_at.is_(None)
    )
    page = paginate(
        scoped_select(Contact)
        .where(archived)
        .options(joinedload(Contact.introduced_by))
        .order_by(Contact.name, Contact.id)
    )
    return render_template(
        "client/contact_list.html", page=page, status=status, today=g.practice.today()
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
def new_contact():
    form = ContactForm()
    form.introduced_by_contact_id.choices = _contact_choices(blank="Nobody (met directly)")
    if request.method == "GET" and request.args.get("introduced_by", type=int):
        form.introduced_by_contact_id.data = request.args.get("introduced_by", type=int)
    if form.validate_on_submit():
        try:
            contact = contacts.add_contact(g.practice, g.membership, **form.contact_fields())
        except ServiceError as error:
            attach_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"{contact.name} added to your contacts.", "success")
            return redirect(url_for("client.contact_detail", contact_id=contact.id))
    return render_template("client/contact_form.html", form=form, contact=None)


@bp.get("/contacts/<int:contact_id>")
def contact_detail(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id, options=[joinedload(Contact.introduced_by)])
    page = paginate(
        scoped_select(MeetingLog)
        .where(MeetingLog.contact_id == contact.id, MeetingLog.archived_at.is_(None))
        .options(joinedload(MeetingLog.goal), joinedload(MeetingLog.review))
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
    )
    introduced = db.session.scalars(
        scoped_select(Contact)
        .where(Contact.introduced_by_contact_id == contact.id)
        .order_by(Contact.name)
        .limit(50)
    ).all()
    return render_template(
        "client/contact_detail.html",
        contact=contact,
        page=page,
        introduced=introduced,
        today=g.practice.today(),
        action_form=ConfirmForm(),
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id)
    form = ContactForm(obj=contact)
    form.introduced_by_contact_id.choices = _contact_choices(
        exclude=contact.id, blank="Nobody (met directly)"
    )
    if form.validate_on_submit():
        try:
            contacts.update_contact(g.practice, g.membership, contact, **form.contact_fields())
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "name")
        else:
            db.session.commit()
            flash("Contact saved.", "success")
            return redirect(url_for("client.contact_detail", contact_id=contact.id))
    return render_template("client/contact_form.html", form=form, contact=contact)


@bp.route("/contacts/<int:contact_id>/archive", methods=["GET", "POST"])
def archive_contact(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        contacts.archive_contact(g.practice, g.membership, contact)
        db.session.commit()
        flash(f"{contact.name} archived. You can restore them from archived contacts.", "success")
        return redirect(url_for("client.contact_list"))
    return render_template(
        "client/confirm_archive.html",
        form=form,
        what=contact.name,
        explain="They leave your contact list and the stale list; meetings with them are kept.",
        back=url_for("client.contact_detail", contact_id=contact.id),
    )


@bp.post("/contacts/<int:contact_id>/restore")
def restore_contact(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id)
    if not ConfirmForm().validate():
        abort(400)
    contacts.restore_contact(g.practice, g.membership, contact)
    db.session.commit()
    flash(f"{contact.name} restored.", "success")
    return redirect(url_for("client.contact_detail", contact_id=contact.id))


@bp.post("/contacts/<int:contact_id>/touch")
def touch_contact(contact_id: int):
    """One click from the stale list: 'I was in touch today'."""
    contact = get_scoped_or_404(Contact, contact_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        contacts.touch_contact(g.practice, g.membership, contact)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(f"Noted: you were in touch with {contact.name} today.", "success")
    return redirect(_local_next() or url_for("client.stale_contacts"))


@bp.get("/contacts/stale")
def stale_contacts():
    today = g.practice.today()
    page = paginate(_stale_contacts(today))
    return render_template(
        "client/stale_contacts.html", page=page, today=today, action_form=ConfirmForm()
    )


@bp.get("/introductions")
def introductions():
    """Who introduced whom: one query for the client's contacts, trees built in Python."""
    rows = db.session.scalars(
        scoped_select(Contact).where(Contact.archived_at.is_(None)).order_by(Contact.name)
    ).all()
    trees, longest = contacts.introduction_chains(list(rows))
    return render_template("client/introductions.html", trees=trees, longest=longest)


# Meeting logs ----------------------------------------------------------------------------


def _open_follow_ups():
    return (
        scoped_select(MeetingLog)
        .where(
            MeetingLog.archived_at.is_(None),
            MeetingLog.follow_up_due_on.is_not(None),
            MeetingLog.follow_up_done_on.is_(None),
        )
        .options(joinedload(MeetingLog.contact))
        .order_by(MeetingLog.follow_up_due_on, MeetingLog.id)
    )


def _goal_choices(current: int | None = None) -> list[SelectChoice]:
    rows = db.session.execute(
        scoped_select(NetworkingGoal)
        .with_only_columns(NetworkingGoal.id, NetworkingGoal.title)
        .where((NetworkingGoal.status == GoalStatus.OPEN) | (NetworkingGoal.id == (current or -1)))
        .order_by(NetworkingGoal.title)
    ).all()
    return [SelectChoice("", "No goal"), *(SelectChoice(i, t) for i, t in rows)]


def _meeting_form(log: MeetingLog | None = None) -> MeetingForm:
    form = MeetingForm(obj=log)
    form.contact_id.choices = _contact_choices(
        blank="— new contact (enter below) —", keep=log.contact_id if log else None
    )
    form.goal_id.choices = _goal_choices(log.goal_id if log else None)
    return form


def _meeting_data(form: MeetingForm, log: MeetingLog | None = None) -> MeetingData:
    """The form's data with contact and goal looked up among the client's own rows."""
    contact = goal = None
    if form.contact_id.data is not None:
        contact = db.session.scalar(
            scoped_select(Contact).where(
                Contact.id == form.contact_id.data,
                _usable_contact(log.contact_id if log else None),
            )
        )
        if contact is None:
            raise ServiceError("Pick one of your own contacts.", "contact_id")
    if form.goal_id.data is not None:
        goal = db.session.scalar(
            scoped_select(NetworkingGoal).where(NetworkingGoal.id == form.goal_id.data)
        )
        if goal is None:
            raise ServiceError("That goal is not one of yours; pick one of your goals.", "goal_id")
    fields = {
        name: form[name].data or ""
        for name in (
            "new_contact_name",
            "new_contact_company",
            "ask",
            "offer",
            "learned",
            "they_asked",
            "introductions",
            "reflection",
            "keep_in_touch_answer",
            "follow_up_action",
        )
    }
    return MeetingData(
        met_on=form.met_on.data,
        format=form.format.data,
        contact=contact,
        goal=goal,
        new_introductions=(form.new_introductions.data or "").splitlines(),
        approach=form.approach.data,
        keep_in_touch=form.keep_in_touch.data,
        follow_up_due_on=form.follow_up_due_on.data,
        follow_up_done_on=form.follow_up_done_on.data,
        **fields,
    )


def _weak_flash(log: MeetingLog) -> None:
    if log.is_weak:
        flash(
            "Saved, but this is a weak log: "
            + "; ".join(log.weak_reasons)
            + " A clear ask and offer make a meeting count.",
            "warning",
        )
    else:
        flash("Meeting saved.", "success")


@bp.get("/meetings")
def meeting_list():
    status = "archived" if request.args.get("status") == "archived" else "active"
    archived = (
        MeetingLog.archived_at.is_not(None)
        if status == "archived"
        else MeetingLog.archived_at.is_(None)
    )
    page = paginate(
        scoped_select(MeetingLog)
        .where(archived)
        .options(
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.goal),
            joinedload(MeetingLog.review),
        )
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
    )
    return render_template(
        "client/meeting_list.html", page=page, status=status, today=g.practice.today()
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting():
    form = _meeting_form()
    today = g.practice.today()
    plan = request.args.get("plan") == "1"
    if request.method == "GET":
        form.met_on.data = today + timedelta(days=7) if plan else today
        form.contact_id.data = request.args.get("contact_id", type=int)
        form.goal_id.data = request.args.get("goal_id", type=int)
    if form.validate_on_submit():
        try:
            log = meetings.log_meeting(g.practice, g.membership, _meeting_data(form))
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "contact_id")
        else:
            db.session.commit()
            _weak_flash(log)
            return redirect(url_for("client.meeting_detail", log_id=log.id))
    return render_template("client/meeting_form.html", form=form, log=None, plan=plan)


def _load_log(log_id: int) -> MeetingLog:
    return get_scoped_or_404(
        MeetingLog,
        log_id,
        options=[
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.goal),
            joinedload(MeetingLog.review).joinedload(Review.reviewer).joinedload(Membership.user),
        ],
    )


@bp.get("/meetings/<int:log_id>")
def meeting_detail(log_id: int, comment_form: CommentForm | None = None):
    log = _load_log(log_id)
    return render_template(
        "client/meeting_detail.html",
        log=log,
        thread=reviews.thread(log),
        comment_form=comment_form or CommentForm(formdata=None),
        done_form=DoneForm(formdata=None, done_on=g.practice.today()),
        action_form=ConfirmForm(),
        today=g.practice.today(),
    )


@bp.route("/meetings/<int:log_id>/edit", methods=["GET", "POST"])
def edit_meeting(log_id: int):
    log = _load_log(log_id)
    form = _meeting_form(log)
    if form.validate_on_submit():
        try:
            meetings.update_meeting(g.practice, g.membership, log, _meeting_data(form, log))
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "contact_id")
        else:
            db.session.commit()
            _weak_flash(log)
            return redirect(url_for("client.meeting_detail", log_id=log.id))
    return render_template("client/meeting_form.html", form=form, log=log, plan=False)


@bp.post("/meetings/<int:log_id>/comments")
def comment_meeting(log_id: int):
    log = _load_log(log_id)
    form = CommentForm()
    if form.validate():
        try:
            reviews.comment_on_meeting(g.practice, g.membership, log, form.body.data)
        except ServiceError as error:
            attach_error(form, error, "body")
        else:
            db.session.commit()
            flash("Reply posted.", "success")
            return redirect(url_for("client.meeting_detail", log_id=log.id) + "#thread")
    return meeting_detail(log_id, comment_form=form), 400


@bp.route("/meetings/<int:log_id>/archive", methods=["GET", "POST"])
def archive_meeting(log_id: int):
    log = _load_log(log_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        meetings.archive_meeting(g.practice, g.membership, log)
        db.session.commit()
        flash("Meeting archived. You can restore it from archived meetings.", "success")
        return redirect(url_for("client.meeting_list"))
    return render_template(
        "client/confirm_archive.html",
        form=form,
        what=f"the meeting with {log.contact.name} on {log.met_on:%d %b %Y}",
        explain="It leaves your lists, metrics and your coach's review queue; nothing is deleted.",
        back=url_for("client.meeting_detail", log_id=log.id),
    )


@bp.post("/meetings/<int:log_id>/restore")
def restore_meeting(log_id: int):
    log = _load_log(log_id)
    if not ConfirmForm().validate():
        abort(400)
    meetings.restore_meeting(g.practice, g.membership, log)
    db.session.commit()
    flash("Meeting restored.", "success")
    return redirect(url_for("client.meeting_detail", log_id=log.id))


# Follow-ups ------------------------------------------------------------------------------


@bp.get("/follow-ups")
def follow_ups():
    show = "done" if request.args.get("show") == "done" else "open"
    if show == "done":
        query = (
            scoped_select(MeetingLog)
            .where(MeetingLog.archived_at.is_(None), MeetingLog.follow_up_done_on.is_not(None))
            .options(joinedload(MeetingLog.contact))
            .order_by(MeetingLog.follow_up_done_on.desc(), MeetingLog.id.desc())
        )
    else:
        query = _open_follow_ups()
    today = g.practice.today()
    return render_template(
        "client/follow_ups.html",
        page=paginate(query),
        show=show,
        today=today,
        done_form=DoneForm(formdata=None, done_on=today),
    )


@bp.post("/follow-ups/<int:log_id>/done")
def complete_follow_up(log_id: int):
    log = _load_log(log_id)
    form = DoneForm()
    if not form.validate():
        flash("Give the date you did the follow-up as a date.", "danger")
    else:
        try:
            meetings.complete_follow_up(g.practice, g.membership, log, form.done_on.data)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"Follow-up with {log.contact.name} done.", "success")
    return redirect(_local_next() or url_for("client.follow_ups"))


def _local_next() -> str | None:
    """The form's `next` page, only if it is a path on this site (no open redirect)."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


# Export ----------------------------------------------------------------------------------


def _own_export() -> dict:
    client = get_scoped_or_404(
        Membership,
        g.membership.id,
        options=[
            joinedload(Membership.user),
            joinedload(Membership.coach).joinedload(Membership.user),
        ],
    )
    return exports.client_export(client)


@bp.get("/export.json")
def export_json():
    """Everything the client owns, as one JSON document."""
    body = json.dumps(_own_export(), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="coachhub-export.json"'},
    )


@bp.get("/export.zip")
def export_zip():
    """The same data as CSV files in a zip."""
    return Response(
        exports.client_export_zip(_own_export()),
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="coachhub-export.zip"'},
    )
