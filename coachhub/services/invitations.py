"""Invitations: coaches by the owner, clients by an owner or coach."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from coachhub.billing.access import access_for
from coachhub.extensions import db
from coachhub.models import (
    Invitation,
    Membership,
    MemberStatus,
    Practice,
    ReplacedInvitationLink,
    Role,
    User,
    utcnow,
)
from coachhub.notifications.outbox import queue_email
from coachhub.security import hash_token, new_token
from coachhub.services import ServiceError
from coachhub.services.accounts import create_user, normalise_email
from coachhub.services.audit import record
from coachhub.services.inbox import notify
from coachhub.urls import external_url


def invite(
    practice: Practice,
    actor: Membership,
    email: str,
    role: Role,
    coach: Membership | None = None,
) -> Invitation:
    """Invite `email` as a coach (owner only) or as a client of `coach`."""
    email = normalise_email(email)
    if role == Role.COACH and not actor.is_owner:
        raise ServiceError("Only the practice owner can invite coaches.")
    if role == Role.CLIENT:
        coach = coach or actor
        if not actor.is_owner and coach.id != actor.id:
            raise ServiceError("Coaches invite clients for themselves.", "coach")
        if not coach.is_coaching or not coach.is_active or coach.practice_id != practice.id:
            raise ServiceError("Choose an active coach of this practice.", "coach")
    elif role != Role.COACH:
        raise ServiceError("Invitations are for coaches and clients.", "role")
    existing_member = db.session.scalar(
        select(Membership)
        .join(User)
        .where(Membership.practice_id == practice.id, func.lower(User.email) == email)
    )
    if existing_member is not None:
        raise ServiceError("This person is already a member of the practice.", "email")
    pending = db.session.scalar(
        select(Invitation).where(
            Invitation.practice_id == practice.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    if pending is not None:
        raise ServiceError(
            "There is already a pending invitation for this email; resend it.", "email"
        )

    token, token_hash = new_token()
    invitation = Invitation(
        practice_id=practice.id,
        email=email,
        role=role,
        invited_by_membership_id=actor.id,
        coach_membership_id=coach.id if role == Role.CLIENT else None,
        token_hash=token_hash,
        expires_at=_expiry(),
    )
    db.session.add(invitation)
    db.session.flush()
    _send(practice, actor, invitation, token)
    record(practice, actor.user, "invitation.created", invitation, email=email, role=role.value)
    return invitation


def resend(practice: Practice, actor: Membership, invitation: Invitation) -> None:
    """A fresh link (the old one stops working) and a new expiry."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ServiceError("Only pending or expired invitations can be resent.")
    db.session.add(
        ReplacedInvitationLink(
            practice_id=invitation.practice_id,
            invitation_id=invitation.id,
            token_hash=invitation.token_hash,
        )
    )
    token, invitation.token_hash = new_token()
    invitation.expires_at = _expiry()
    invitation.send_count += 1
    invitation.last_sent_at = utcnow()
    db.session.flush()
    _send(practice, actor, invitation, token)
    record(practice, actor.user, "invitation.resent", invitation)


def revoke(practice: Practice, actor: Membership, invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise ServiceError("This invitation was already accepted.")
    invitation.revoked_at = invitation.revoked_at or utcnow()
    record(practice, actor.user, "invitation.revoked", invitation)


def find_by_token(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def find_replaced(token: str) -> Invitation | None:
    """The invitation whose older link this is (a resend replaced it), or None."""
    return db.session.scalar(
        select(Invitation)
        .join(ReplacedInvitationLink, ReplacedInvitationLink.invitation_id == Invitation.id)
        .where(ReplacedInvitationLink.token_hash == hash_token(token))
    )


class InvitationTaken(ServiceError):
    """Another acceptance of the same invitation got there first."""


def claim(invitation: Invitation) -> None:
    """Take the invitation for this transaction: of acceptances racing, exactly one wins.

    The conditional UPDATE waits for a competing one to commit (PostgreSQL row lock;
    SQLite runs writes one at a time) and then matches no row for the loser.
    """
    won = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise InvitationTaken("This invitation has just been accepted.")


def accept(invitation: Invitation, user: User, *, claimed: bool = False) -> Membership:
    """Give `user` the invited membership; the link then stops working."""
    if invitation.state != "pending":
        raise ServiceError(f"This invitation is {invitation.state}.")
    if normalise_email(user.email) != invitation.email:
        raise ServiceError(f"This invitation is for {invitation.email}.")
    if not claimed:
        claim(invitation)
    practice = db.session.get(Practice, invitation.practice_id)
    assert practice is not None
    if not access_for(practice).can_write:
        # Joining is a write like any other: a read-only practice takes no new members.
        raise ServiceError(
            f"{practice.name}'s CoachHub account is paused, so nobody can join it right now. "
            "Ask the person who invited you to reactivate it; this link works until it expires."
        )
    existing = db.session.scalar(
        select(Membership).where(
            Membership.practice_id == invitation.practice_id, Membership.user_id == user.id
        )
    )
    if existing is not None:
        raise ServiceError("You are already a member of this practice.")
    coach = invitation.coach
    if invitation.role == Role.CLIENT and (coach is None or coach.status != MemberStatus.ACTIVE):
        # The assigning coach left meanwhile: the owner takes the client on.
        coach = db.session.scalar(
            select(Membership).where(
                Membership.practice_id == invitation.practice_id, Membership.role == Role.OWNER
            )
        )
    membership = Membership(
        practice_id=invitation.practice_id,
        user_id=user.id,
        role=invitation.role,
        coach_membership_id=coach.id if invitation.role == Role.CLIENT and coach else None,
    )
    db.session.add(membership)
    db.session.flush()
    invitation.accepted_at = utcnow()
    invitation.accepted_membership_id = membership.id
    record(practice, user, "invitation.accepted", invitation, role=invitation.role.value)
    notify(
        practice,
        "invitation_accepted",
        actor=membership,
        client=membership if membership.is_client else None,
        obj=membership,
        summary=f"{user.name} accepted your invitation and joined as {invitation.role.value}",
        to=[invitation.invited_by],
    )
    return membership


def accept_with_new_account(invitation: Invitation, name: str, password: str) -> Membership:
    """For an invitee without an account: create it, then accept."""
    if invitation.state != "pending":
        raise ServiceError(f"This invitation is {invitation.state}.")
    # Claimed before the account exists: a racing acceptance must not create it twice.
    claim(invitation)
    user = create_user(name, invitation.email, password)
    return accept(invitation, user, claimed=True)


def _expiry():
    return utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])


def _send(practice: Practice, actor: Membership, invitation: Invitation, token: str) -> None:
    queue_email(
        "invitation",
        invitation.email,
        "invitation",
        practice=practice,
        inviter=actor.user,
        invitation=invitation,
        link=external_url("auth.accept_invitation", token=token),
        days=current_app.config["INVITATION_DAYS"],
    )
