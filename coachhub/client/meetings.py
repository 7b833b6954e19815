"""The client's meeting logs: plan or log a meeting (with its ask, offer, approach and
follow-up), edit, archive and restore it, and read the coach's review and thread."""

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from coachhub.client import bp, confirm_archive
from coachhub.client.contacts import contact_choices, usable_contact
from coachhub.client.forms import DoneForm, MeetingForm
from coachhub.extensions import db
from coachhub.forms import CommentForm, ConfirmForm, attach_error
from coachhub.inputs import bounded_id
from coachhub.models import Contact, GoalStatus, MeetingLog, NetworkingGoal
from coachhub.pagination import paginate
from coachhub.services import ServiceError, job_asking, meetings, reviews
from coachhub.services.meetings import MeetingData
from coachhub.shared_views import load_log, post_comment
from coachhub.tenancy import scoped_select

TEXT_FIELDS = (
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
    form.contact_id.choices = contact_choices(
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
                usable_contact(log.contact_id if log else None),
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
    return MeetingData(
        met_on=form.met_on.data,
        format=form.format.data,
        contact=contact,
        goal=goal,
        new_introductions=(form.new_introductions.data or "").splitlines(),
        approach=form.approach.data,
        keep_in_touch=form.keep_in_touch.data,
        offer_is_promise=bool(form.offer_is_promise.data),
        follow_up_due_on=form.follow_up_due_on.data,
        follow_up_done_on=form.follow_up_done_on.data,
        **{name: form[name].data or "" for name in TEXT_FIELDS},
    )


def _ask_warning(form: MeetingForm) -> list[str]:
    """The job-request phrases in the ask, unless the client chose to keep it as it is."""
    if form.keep_ask.data:
        return []
    return job_asking.job_words(form.ask.data or "")


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
        "client/meetings/meeting_list.html", page=page, status=status, today=g.practice.today()
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting():
    form = _meeting_form()
    today = g.practice.today()
    plan = request.args.get("plan") == "1"
    if request.method == "GET":
        form.met_on.data = today + timedelta(days=7) if plan else today
        form.contact_id.data = bounded_id(request.args.get("contact_id"))
        form.goal_id.data = bounded_id(request.args.get("goal_id"))
    job_words = []
    if form.validate_on_submit() and not (job_words := _ask_warning(form)):
        try:
            log = meetings.log_meeting(g.practice, g.membership, _meeting_data(form))
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "contact_id")
        else:
            db.session.commit()
            _weak_flash(log)
            return redirect(url_for("client.meeting_detail", log_id=log.id))
    return render_template(
        "client/meetings/meeting_form.html",
        form=form,
        log=None,
        plan=plan,
        job_words=job_words,
        suggestion=job_asking.SUGGESTION,
    )


@bp.get("/meetings/<int:log_id>")
def meeting_detail(log_id: int, comment_form: CommentForm | None = None):
    log = load_log(log_id)
    return render_template(
        "client/meetings/meeting_detail.html",
        log=log,
        thread=reviews.thread(log),
        comment_form=comment_form or CommentForm(formdata=None),
        done_form=DoneForm(formdata=None, done_on=g.practice.today()),
        action_form=ConfirmForm(),
        today=g.practice.today(),
    )


@bp.route("/meetings/<int:log_id>/edit", methods=["GET", "POST"])
def edit_meeting(log_id: int):
    log = load_log(log_id)
    form = _meeting_form(log)
    job_words = []
    if form.validate_on_submit() and not (job_words := _ask_warning(form)):
        try:
            meetings.update_meeting(g.practice, g.membership, log, _meeting_data(form, log))
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "contact_id")
        else:
            db.session.commit()
            _weak_flash(log)
            return redirect(url_for("client.meeting_detail", log_id=log.id))
    return render_template(
        "client/meetings/meeting_form.html",
        form=form,
        log=log,
        plan=False,
        job_words=job_words,
        suggestion=job_asking.SUGGESTION,
    )


@bp.post("/meetings/<int:log_id>/comments")
def comment_meeting(log_id: int):
    return post_comment(
        load_log(log_id), lambda form: (meeting_detail(log_id, comment_form=form), 400)
    )


@bp.route("/meetings/<int:log_id>/archive", methods=["GET", "POST"])
def archive_meeting(log_id: int):
    log = load_log(log_id)
    return confirm_archive(
        lambda: meetings.archive_meeting(g.practice, g.membership, log),
        what=f"the meeting with {log.contact.name} on {log.met_on:%d %b %Y}",
        explain="It leaves your lists, metrics and your coach's review queue; nothing is deleted.",
        back=url_for("client.meeting_detail", log_id=log.id),
        done=url_for("client.meeting_list"),
        message="Meeting archived. You can restore it from archived meetings.",
    )


@bp.post("/meetings/<int:log_id>/restore")
def restore_meeting(log_id: int):
    log = load_log(log_id)
    if not ConfirmForm().validate():
        abort(400)
    meetings.restore_meeting(g.practice, g.membership, log)
    db.session.commit()
    flash("Meeting restored.", "success")
    return redirect(url_for("client.meeting_detail", log_id=log.id))
