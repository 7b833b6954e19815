"""The audit trail: writing events, and the queries of the owner's audit log page."""

from sqlalchemy import select

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


def log_query(practice: Practice, *, actor_user_id: int | None = None, action: str | None = None):
    """The practice's audit events, newest first, with the actor's name and email."""
    query = (
        select(AuditEvent, User.name, User.email)
        .outerjoin(User, AuditEvent.actor_user_id == User.id)
        .where(AuditEvent.practice_id == practice.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if actor_user_id is not None:
        query = query.where(AuditEvent.actor_user_id == actor_user_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return query


def log_actions(practice: Practice) -> list[str]:
    """The kinds of event this practice's log holds, for the filter."""
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.practice_id == practice.id)
            .distinct()
            .order_by(AuditEvent.action)
        )
    )


def log_actors(practice: Practice) -> list[tuple[int, str, str]]:
    """Everyone who appears in this practice's log: (user id, name, email), by name."""
    return list(
        db.session.execute(
            select(User.id, User.name, User.email)
            .where(
                User.id.in_(
                    select(AuditEvent.actor_user_id).where(AuditEvent.practice_id == practice.id)
                )
            )
            .order_by(User.name, User.id)
        ).all()
    )
