"""Coach reviews of meeting logs and the comment thread under each log."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.models import LogComment, MeetingLog, Membership, Practice, Review
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.goals import require_coach_of
from coachhub.services.inbox import notify

SCORES = ("intent_clarity", "reciprocity", "follow_up")


def review_meeting(
    practice: Practice,
    actor: Membership,
    log: MeetingLog,
    *,
    intent_clarity: int,
    reciprocity: int,
    follow_up: int,
    comment: str = "",
) -> Review:
    """Score a log (1-5 each) and comment; reviewing again updates the same review."""
    require_coach_of(actor, log.client)
    scores = {"intent_clarity": intent_clarity, "reciprocity": reciprocity, "follow_up": follow_up}
    for name, value in scores.items():
        if value is None or not 1 <= int(value) <= 5:
            raise ServiceError("Score from 1 to 5.", name)
    review = log.review
    if review is None:
        review = Review(
            practice_id=practice.id, client_membership_id=log.client_membership_id, log=log
        )
        db.session.add(review)
    review.reviewer_membership_id = actor.id
    for name, value in scores.items():
        setattr(review, name, int(value))
    review.comment = comment.strip()
    db.session.flush()
    record(practice, actor.user, "meeting.reviewed", log, **scores)
    notify(
        practice,
        "review_posted",
        actor=actor,
        client=log.client,
        obj=log,
        summary=f"{actor.user.name} reviewed your meeting with {log.contact.name}",
    )
    return review


def comment_on_meeting(
    practice: Practice, actor: Membership, log: MeetingLog, body: str
) -> LogComment:
    """A reply in the log's thread, by the client or their coach (or the owner)."""
    if actor.is_client:
        if actor.id != log.client_membership_id:
            raise ServiceError("You can only reply on your own meetings.")
    else:
        require_coach_of(actor, log.client)
    body = body.strip()
    if not body:
        raise ServiceError("Write a reply first.", "body")
    comment = LogComment(
        practice_id=practice.id,
        client_membership_id=log.client_membership_id,
        log_id=log.id,
        author_membership_id=actor.id,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    record(practice, actor.user, "meeting.commented", log)
    notify(
        practice,
        "thread_reply",
        actor=actor,
        client=log.client,
        obj=log,
        summary=f"{actor.user.name} replied on the meeting with {log.contact.name}",
        once_per=str(comment.id),
    )
    return comment


def thread(log: MeetingLog) -> list[LogComment]:
    """The comments under a log, oldest first, with their authors (one query).

    The caller has already loaded `log` through the scoped lookup, so everything
    under it is visible to them.
    """
    return list(
        db.session.scalars(
            select(LogComment)
            .where(LogComment.practice_id == log.practice_id, LogComment.log_id == log.id)
            .options(joinedload(LogComment.author).joinedload(Membership.user))
            .order_by(LogComment.created_at, LogComment.id)
        )
    )
