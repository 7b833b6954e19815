"""Networking goals: coaches assign, edit, close and reopen; clients propose, coaches accept."""

from datetime import date

from coachhub.extensions import db
from coachhub.models import GoalFocus, GoalStatus, Membership, NetworkingGoal, Practice, utcnow
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.inbox import notify

GOAL_FIELDS = ("title", "focus", "target", "find_out", "can_offer", "target_meetings", "due_on")


def require_coach_of(actor: Membership, client: Membership) -> None:
    """Owners work with every client, coaches with their own."""
    if not actor.is_coaching or not (actor.is_owner or client.coach_membership_id == actor.id):
        raise ServiceError("Only this client's coach can do that.")


def _apply(goal: NetworkingGoal, fields: dict) -> None:
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(goal, name, value)
    goal.focus = GoalFocus(goal.focus)
    if not goal.title:
        raise ServiceError("Give the goal a title.", "title")
    if goal.target_meetings is None or not 1 <= goal.target_meetings <= 100:
        raise ServiceError("Aim for between 1 and 100 meetings.", "target_meetings")


def assign_goal(
    practice: Practice, actor: Membership, client: Membership, **fields
) -> NetworkingGoal:
    """A new open goal for `client`, set by their coach."""
    require_coach_of(actor, client)
    goal = NetworkingGoal(
        practice_id=practice.id,
        client_membership_id=client.id,
        created_by_membership_id=actor.id,
        status=GoalStatus.OPEN,
    )
    _apply(goal, fields)
    db.session.add(goal)
    db.session.flush()
    record(practice, actor.user, "goal.assigned", goal, client=client.id)
    notify(
        practice,
        "goal_assigned",
        actor=actor,
        client=client,
        obj=goal,
        summary=f"{actor.user.name} gave you a goal: {goal.title}",
    )
    return goal


def propose_goal(practice: Practice, actor: Membership, **fields) -> NetworkingGoal:
    """A client suggests a goal of their own; it counts once their coach accepts it."""
    if not actor.is_client:
        raise ServiceError("Only clients propose goals.")
    goal = NetworkingGoal(
        practice_id=practice.id,
        client_membership_id=actor.id,
        created_by_membership_id=actor.id,
        status=GoalStatus.PROPOSED,
    )
    _apply(goal, fields)
    db.session.add(goal)
    db.session.flush()
    record(practice, actor.user, "goal.proposed", goal)
    notify(
        practice,
        "goal_proposed",
        actor=actor,
        client=actor,
        obj=goal,
        summary=f"{actor.user.name} proposed a goal: {goal.title}",
    )
    return goal


def update_goal(practice: Practice, actor: Membership, goal: NetworkingGoal, **fields) -> None:
    require_coach_of(actor, goal.client)
    _apply(goal, fields)
    record(practice, actor.user, "goal.updated", goal)


def accept_goal(practice: Practice, actor: Membership, goal: NetworkingGoal) -> None:
    require_coach_of(actor, goal.client)
    if goal.status != GoalStatus.PROPOSED:
        raise ServiceError("Only proposed goals can be accepted.")
    goal.status = GoalStatus.OPEN
    record(practice, actor.user, "goal.accepted", goal)
    notify(
        practice,
        "goal_accepted",
        actor=actor,
        client=goal.client,
        obj=goal,
        summary=f"{actor.user.name} accepted your goal: {goal.title}",
    )


def close_goal(
    practice: Practice, actor: Membership, goal: NetworkingGoal, status: GoalStatus
) -> None:
    """Mark a goal achieved or dropped (a proposal can be dropped too)."""
    require_coach_of(actor, goal.client)
    status = GoalStatus(status)
    if status not in (GoalStatus.ACHIEVED, GoalStatus.DROPPED):
        raise ServiceError("A goal is closed as achieved or dropped.", "status")
    if goal.status not in (GoalStatus.OPEN, GoalStatus.PROPOSED):
        raise ServiceError("This goal is already closed.")
    if goal.status == GoalStatus.PROPOSED and status == GoalStatus.ACHIEVED:
        raise ServiceError("Accept the proposal before marking it achieved.", "status")
    goal.status = status
    goal.closed_at = utcnow()
    record(practice, actor.user, f"goal.{status.value}", goal)
    notify(
        practice,
        "goal_closed",
        actor=actor,
        client=goal.client,
        obj=goal,
        summary=f"{actor.user.name} marked your goal {status.value}: {goal.title}",
        once_per=goal.closed_at.isoformat(),
    )


def reopen_goal(practice: Practice, actor: Membership, goal: NetworkingGoal) -> None:
    require_coach_of(actor, goal.client)
    if goal.status not in (GoalStatus.ACHIEVED, GoalStatus.DROPPED):
        raise ServiceError("Only closed goals can be reopened.")
    goal.status = GoalStatus.OPEN
    goal.closed_at = None
    record(practice, actor.user, "goal.reopened", goal)


def progress(logged: int, target: int) -> int:
    """Percent of the target reached, capped at 100."""
    if target <= 0:
        return 0
    return min(100, round(100 * logged / target))


def is_overdue(goal: NetworkingGoal, today: date) -> bool:
    return goal.is_open and goal.due_on is not None and goal.due_on < today
