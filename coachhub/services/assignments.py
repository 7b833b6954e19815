"""Moving a client to another coach; every move is kept as history."""

from coachhub.extensions import db
from coachhub.models import CoachAssignment, Membership, MemberStatus, Practice
from coachhub.services import ServiceError
from coachhub.services.audit import record


def reassign_client(
    practice: Practice, actor: Membership, client: Membership, coach: Membership
) -> CoachAssignment | None:
    """Owner only: `client` now belongs to `coach`; None when nothing changed."""
    if not actor.is_owner:
        raise ServiceError("Only the owner can reassign clients.")
    if not client.is_client or client.practice_id != practice.id:
        raise ServiceError("Choose a client of this practice.")
    if (
        not coach.is_coaching
        or coach.status != MemberStatus.ACTIVE
        or coach.practice_id != practice.id
    ):
        raise ServiceError("Choose an active coach of this practice.", "coach")
    if client.coach_membership_id == coach.id:
        return None
    assignment = CoachAssignment(
        practice_id=practice.id,
        client_membership_id=client.id,
        from_coach_membership_id=client.coach_membership_id,
        to_coach_membership_id=coach.id,
        changed_by_membership_id=actor.id,
    )
    db.session.add(assignment)
    client.coach_membership_id = coach.id
    db.session.flush()
    record(practice, actor.user, "client.reassigned", client, to_coach=coach.id)
    return assignment
