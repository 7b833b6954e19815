"""View steps the coach and client portals share, so each rule is written once.

Each runs inside a portal's guard (g.practice and g.membership are set) and
redirects within the portal that called it (`request.blueprint`).
"""

from collections.abc import Callable

from flask import flash, g, redirect, request, url_for
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.forms import CommentForm, attach_error
from coachhub.models import MeetingLog, Membership, Review
from coachhub.services import ServiceError, reviews
from coachhub.tenancy import get_scoped_or_404


def load_log(log_id: int) -> MeetingLog:
    """A meeting log this member may see, with what its pages show (one query), or 404."""
    return get_scoped_or_404(
        MeetingLog,
        log_id,
        options=[
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.goal),
            joinedload(MeetingLog.client).joinedload(Membership.user),
            joinedload(MeetingLog.review).joinedload(Review.reviewer).joinedload(Membership.user),
        ],
    )


def post_comment(log: MeetingLog, render_again: Callable[[CommentForm], object]):
    """A reply on a log's thread: saved and back to the thread, or the page again with why."""
    form = CommentForm()
    if form.validate():
        try:
            reviews.comment_on_meeting(g.practice, g.membership, log, form.body.data)
        except ServiceError as error:
            attach_error(form, error, "body")
        else:
            db.session.commit()
            flash("Reply posted.", "success")
            target = url_for(f"{request.blueprint}.meeting_detail", log_id=log.id)
            return redirect(target + "#thread")
    return render_again(form)
