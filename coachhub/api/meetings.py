"""Meeting logs with their reviews: logged by the client, reviewed by their coach."""

from flask import g
from sqlalchemy.orm import joinedload

from coachhub.api import json_response, operation, page, require_role, service_call
from coachhub.api import schemas as s
from coachhub.extensions import db
from coachhub.models import Contact, MeetingLog, NetworkingGoal, Review
from coachhub.services import meetings, reviews
from coachhub.services.meetings import MeetingData
from coachhub.tenancy import get_scoped_or_404, scoped_select


def review_dict(review: Review | None) -> dict | None:
    if review is None:
        return None
    return {
        "id": review.id,
        "reviewer_id": review.reviewer_membership_id,
        "intent_clarity": review.intent_clarity,
        "reciprocity": review.reciprocity,
        "follow_up": review.follow_up,
        "comment": review.comment,
        "updated_at": review.updated_at,
    }


def meeting_dict(log: MeetingLog) -> dict:
    return {
        "id": log.id,
        "client_id": log.client_membership_id,
        "contact_id": log.contact_id,
        "goal_id": log.goal_id,
        "met_on": log.met_on,
        "format": log.format.value,
        "ask": log.ask,
        "offer": log.offer,
        "learned": log.learned,
        "they_asked": log.they_asked,
        "introductions": log.introductions,
        "approach": log.approach.value if log.approach else None,
        "reflection": log.reflection,
        "keep_in_touch": log.keep_in_touch.value,
        "follow_up_action": log.follow_up_action,
        "follow_up_due_on": log.follow_up_due_on,
        "follow_up_done_on": log.follow_up_done_on,
        "is_weak": log.is_weak,
        "archived": log.is_archived,
        "review": review_dict(log.review),
        "created_at": log.created_at,
        "updated_at": log.updated_at,
    }


def dump(rows) -> list[dict]:
    return s.Meeting(many=True).dump([meeting_dict(x) for x in rows])


WITH_REVIEW = (joinedload(MeetingLog.review),)


def load_log(log_id: int) -> MeetingLog:
    return get_scoped_or_404(MeetingLog, log_id, options=WITH_REVIEW)


@operation(
    "/meetings",
    summary="List meeting logs, each with its review",
    tag="Meetings",
    response=s.page_of(s.Meeting)(),
    query=s.ClientListQuery(),
    paginated=True,
)
def list_meetings(args):
    query = scoped_select(MeetingLog).options(*WITH_REVIEW)
    if args.get("client_id"):
        query = query.where(MeetingLog.client_membership_id == args["client_id"])
    return json_response(page(query, MeetingLog, args, dump))


@operation(
    "/meetings/<int:log_id>",
    summary="One meeting log with its review",
    tag="Meetings",
    response=s.Meeting(),
)
def get_meeting(log_id: int):
    return json_response(dump([load_log(log_id)])[0])


@operation(
    "/meetings",
    "POST",
    summary="Log a meeting (the client)",
    tag="Meetings",
    response=s.Meeting(),
    status=201,
    body=s.MeetingIn(),
    roles="client",
)
def create_meeting(data):
    require_role(client=True)
    contact = get_scoped_or_404(Contact, data.pop("contact_id"))
    goal_id = data.pop("goal_id")
    goal = get_scoped_or_404(NetworkingGoal, goal_id) if goal_id is not None else None
    log = service_call(
        meetings.log_meeting,
        g.practice,
        g.membership,
        MeetingData(contact=contact, goal=goal, **data),
    )
    db.session.commit()
    return json_response(dump([load_log(log.id)])[0], 201)


@operation(
    "/meetings/<int:log_id>/review",
    "POST",
    summary="Review a meeting log (the client's coach or the owner)",
    tag="Meetings",
    response=s.Review(),
    body=s.ReviewIn(),
    roles="coach",
)
def review_meeting(log_id: int, data):
    require_role(coaching=True)
    log = load_log(log_id)
    review = service_call(reviews.review_meeting, g.practice, g.membership, log, **data)
    db.session.commit()
    return json_response(s.Review().dump(review_dict(review)))
