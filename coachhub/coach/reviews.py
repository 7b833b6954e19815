"""Reviewing meeting logs: the queue of logs not reviewed yet, a log with its scored review and
its reply thread."""

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachhub.coach import bp
from coachhub.coach.forms import ReviewForm
from coachhub.extensions import db
from coachhub.forms import CommentForm, attach_error
from coachhub.models import Approach, MeetingLog, Membership, Review
from coachhub.models.meeting import review_rank
from coachhub.pagination import paginate
from coachhub.services import ServiceError, reviews
from coachhub.shared_views import load_log, post_comment
from coachhub.tenancy import scoped_select

# What the queue can be narrowed to: every log, weak logs (job-asking included), job-asking only.
QUEUE_FILTERS = ("all", "weak", "job-asking")
# The queue counts this many logs at most; beyond, its pages say there are more.
QUEUE_COUNT_BOUND = 500


@bp.get("/reviews")
def review_queue():
    """The coach's clients' logs not reviewed yet: job-asking first, then weak, then oldest."""
    show = request.args.get("show", "all")
    if show not in QUEUE_FILTERS:
        show = "all"
    job_asking = MeetingLog.approach == Approach.JOB_ASKING
    reviewed = (
        select(Review.id)
        .where(Review.log_id == MeetingLog.id, Review.practice_id == g.practice.id)
        .exists()
    )
    query = (
        scoped_select(MeetingLog)
        .where(
            ~reviewed,
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= g.practice.today(),
        )
        .options(
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.client).joinedload(Membership.user),
        )
    )
    if show == "weak":
        query = query.where(MeetingLog.is_weak.is_(True))
    elif show == "job-asking":
        query = query.where(job_asking)
    # Coming across as desperate is the first thing the method warns about: those logs lead.
    # The order is ix_meeting_log_review_queue's; the count stops at a bound.
    page = paginate(
        query.order_by(review_rank(), MeetingLog.met_on, MeetingLog.id),
        count_bound=QUEUE_COUNT_BOUND,
    )
    return render_template(
        "coach/reviews/review_queue.html", page=page, show=show, filters=QUEUE_FILTERS
    )


@bp.get("/meetings/<int:log_id>")
def meeting_detail(log_id: int, review_form=None, comment_form=None, status=200):
    log = load_log(log_id)
    if review_form is None:
        review_form = ReviewForm(formdata=None, obj=log.review)
    return render_template(
        "coach/reviews/meeting_detail.html",
        log=log,
        thread=reviews.thread(log),
        review_form=review_form,
        comment_form=comment_form or CommentForm(formdata=None),
        today=g.practice.today(),
    ), status


@bp.post("/meetings/<int:log_id>/review")
def review_meeting(log_id: int):
    log = load_log(log_id)
    form = ReviewForm()
    if form.validate():
        try:
            reviews.review_meeting(
                g.practice,
                g.membership,
                log,
                intent_clarity=form.intent_clarity.data,
                reciprocity=form.reciprocity.data,
                follow_up=form.follow_up.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            attach_error(form, error, "comment")
        else:
            db.session.commit()
            flash("Review saved; your client can see it now.", "success")
            return redirect(url_for("coach.review_queue"))
    return meeting_detail(log_id, review_form=form, status=400)


@bp.post("/meetings/<int:log_id>/comments")
def comment_meeting(log_id: int):
    return post_comment(
        load_log(log_id), lambda form: meeting_detail(log_id, comment_form=form, status=400)
    )
