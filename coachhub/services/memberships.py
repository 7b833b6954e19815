"""Archiving and restoring members: access goes, data stays."""

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import Membership, MemberStatus, Practice, Role, utcnow
from coachhub.services import ServiceError
from coachhub.services.audit import record


def archive_member(practice: Practice, actor: Membership, member: Membership) -> None:
    """Remove `member`'s access to the practice; everything they did is kept."""
    if member.role == Role.OWNER:
        raise ServiceError("The owner cannot be archived.")
    if member.role == Role.COACH and not actor.is_owner:
        raise ServiceError("Only the owner can archive coaches.")
    if member.status == MemberStatus.ARCHIVED:
        return
    member.status = MemberStatus.ARCHIVED
    member.archived_at = utcnow()
    record(practice, actor.user, "member.archived", member, role=member.role.value)


def restore_member(practice: Practice, actor: Membership, member: Membership) -> None:
    if not actor.is_owner:
        raise ServiceError("Only the owner can restore members.")
    if member.status == MemberStatus.ACTIVE:
        return
    member.status = MemberStatus.ACTIVE
    member.archived_at = None
    record(practice, actor.user, "member.restored", member, role=member.role.value)


def active_coaches(practice: Practice) -> list[Membership]:
    """Owner and coaches who can take clients, owner first."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.practice_id == practice.id,
                Membership.role.in_([Role.OWNER, Role.COACH]),
                Membership.status == MemberStatus.ACTIVE,
            )
            .options(db.joinedload(Membership.user))
            .order_by(Membership.role.desc(), Membership.id)
        )
    )


def update_settings(practice: Practice, actor: Membership, name: str, timezone: str) -> None:
    practice.name = name.strip()
    practice.timezone = timezone
    record(practice, actor.user, "practice.settings_changed", practice, timezone=timezone)


def set_two_factor_rule(practice: Practice, actor: Membership, required: bool) -> None:
    """Require (or stop requiring) two-factor sign-in of the practice's coaches and owners."""
    if required == practice.require_two_factor:
        return
    if required and not actor.user.has_two_factor:
        raise ServiceError(
            "Turn on two-factor sign-in for yourself first (Security page), then require it.",
            "require_two_factor",
        )
    practice.require_two_factor = required
    action = "practice.two_factor_required" if required else "practice.two_factor_not_required"
    record(practice, actor.user, action, practice)
