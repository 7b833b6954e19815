"""Coaching sessions: read by the client and by whoever may see the client.

The coach's private notes are never in the API, whatever the token: they stay on the
coach's session page and in the practice's export of a client.
"""

from sqlalchemy.orm import selectinload

from coachhub.api import json_response, operation, page
from coachhub.api import schemas as s
from coachhub.models import CoachingSession
from coachhub.tenancy import get_scoped_or_404, scoped_select


def session_dict(session: CoachingSession) -> dict:
    return {
        "id": session.id,
        "client_id": session.client_membership_id,
        "coach_id": session.coach_membership_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "status": session.status.value,
        "location": session.location,
        "video_url": session.video_url,
        "shared_notes": session.shared_notes,
        "action_items": [
            {"id": a.id, "title": a.title, "due_on": a.due_on, "done_on": a.done_on}
            for a in session.action_items
        ],
        "updated_at": session.updated_at,
    }


def dump(rows) -> list[dict]:
    return s.Session(many=True).dump([session_dict(x) for x in rows])


@operation(
    "/sessions",
    summary="List coaching sessions with their action items",
    tag="Sessions",
    response=s.page_of(s.Session)(),
    query=s.ClientListQuery(),
    paginated=True,
)
def list_sessions(args):
    query = scoped_select(CoachingSession).options(selectinload(CoachingSession.action_items))
    if args.get("client_id"):
        query = query.where(CoachingSession.client_membership_id == args["client_id"])
    return json_response(page(query, CoachingSession, args, dump))


@operation(
    "/sessions/<int:session_id>",
    summary="One coaching session with its shared notes and action items",
    tag="Sessions",
    response=s.Session(),
)
def get_session(session_id: int):
    return json_response(dump([get_scoped_or_404(CoachingSession, session_id)])[0])
