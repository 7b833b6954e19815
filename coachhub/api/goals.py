"""Goals: read by everyone who may see the client; assigned by the client's coach."""

from flask import g

from coachhub.api import json_response, operation, page, require_role, service_call
from coachhub.api import schemas as s
from coachhub.extensions import db
from coachhub.models import NetworkingGoal
from coachhub.services import goals
from coachhub.tenancy import get_client_or_404, get_scoped_or_404, scoped_select


def goal_dict(goal: NetworkingGoal) -> dict:
    return {
        "id": goal.id,
        "client_id": goal.client_membership_id,
        "title": goal.title,
        "focus": goal.focus.value,
        "target": goal.target,
        "find_out": goal.find_out,
        "can_offer": goal.can_offer,
        "target_meetings": goal.target_meetings,
        "due_on": goal.due_on,
        "status": goal.status.value,
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
    }


def dump(rows) -> list[dict]:
    return s.Goal(many=True).dump([goal_dict(x) for x in rows])


@operation(
    "/goals",
    summary="List goals",
    tag="Goals",
    response=s.page_of(s.Goal)(),
    query=s.ClientListQuery(),
    paginated=True,
)
def list_goals(args):
    query = scoped_select(NetworkingGoal)
    if args.get("client_id"):
        query = query.where(NetworkingGoal.client_membership_id == args["client_id"])
    return json_response(page(query, NetworkingGoal, args, dump))


@operation("/goals/<int:goal_id>", summary="One goal", tag="Goals", response=s.Goal())
def get_goal(goal_id: int):
    return json_response(dump([get_scoped_or_404(NetworkingGoal, goal_id)])[0])


@operation(
    "/goals",
    "POST",
    summary="Assign a goal to a client (their coach or the owner)",
    tag="Goals",
    response=s.Goal(),
    status=201,
    body=s.GoalIn(),
    roles="coach",
)
def create_goal(data):
    require_role(coaching=True)
    client = get_client_or_404(data.pop("client_id"))
    goal = service_call(goals.assign_goal, g.practice, g.membership, client, **data)
    db.session.commit()
    return json_response(dump([goal])[0], 201)
