"""Follow-ups: the planned next step of each meeting log; the client marks them done."""

from flask import g
from sqlalchemy.orm import joinedload

from coachhub.api import json_response, operation, page, require_role, service_call
from coachhub.api import schemas as s
from coachhub.extensions import db
from coachhub.models import MeetingLog
from coachhub.services import meetings
from coachhub.tenancy import get_scoped_or_404, scoped_select


def follow_up_dict(log: MeetingLog) -> dict:
    return {
        "meeting_id": log.id,
        "client_id": log.client_membership_id,
        "contact_id": log.contact_id,
        "action": log.follow_up_action,
        "due_on": log.follow_up_due_on,
        "done_on": log.follow_up_done_on,
        "state": log.follow_up_state(g.practice.today()),
        "updated_at": log.updated_at,
    }


def dump(rows) -> list[dict]:
    return s.FollowUp(many=True).dump([follow_up_dict(x) for x in rows])


@operation(
    "/follow-ups",
    summary="List follow-ups (meeting logs with one planned)",
    tag="Follow-ups",
    response=s.page_of(s.FollowUp)(),
    query=s.ClientListQuery(),
    paginated=True,
)
def list_follow_ups(args):
    query = scoped_select(MeetingLog).where(
        MeetingLog.follow_up_due_on.is_not(None), MeetingLog.archived_at.is_(None)
    )
    if args.get("client_id"):
        query = query.where(MeetingLog.client_membership_id == args["client_id"])
    return json_response(page(query, MeetingLog, args, dump))


@operation(
    "/meetings/<int:log_id>/follow-up/complete",
    "POST",
    summary="Mark a meeting's follow-up done (the client)",
    tag="Follow-ups",
    response=s.FollowUp(),
    body=s.FollowUpDoneIn(),
    roles="client",
)
def complete_follow_up(log_id: int, data):
    require_role(client=True)
    log = get_scoped_or_404(MeetingLog, log_id, options=(joinedload(MeetingLog.contact),))
    service_call(
        meetings.complete_follow_up, g.practice, g.membership, log, data["done_on"], data["kind"]
    )
    db.session.commit()
    return json_response(dump([log])[0])
