"""Audit trail writes."""

from coachhub.extensions import db
from coachhub.models import AuditEvent, Practice, User


def record(
    practice: Practice,
    actor: User | None,
    action: str,
    obj: object | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event for `action` on `obj` in this practice."""
    event = AuditEvent(
        practice_id=practice.id,
        actor_user_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        details=details,
    )
    db.session.add(event)
    return event
