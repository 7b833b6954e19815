"""Invitations not accepted yet: a section of the coach weekly digest (order 90)."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import Invitation, Membership, Practice
from coachhub.notifications.due import ReminderItem, reminder_provider
from coachhub.urls import external_url


@reminder_provider(
    kind="coach_weekly_digest",
    key="pending_invitations",
    heading="Invitations not accepted yet",
    order=90,
)
def pending_invitations(
    practice: Practice, members: Sequence[Membership], today: date
) -> dict[int, list[ReminderItem]]:
    """Open invitations: the owner sees all, a coach those they sent or will coach."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.practice_id == practice.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at, Invitation.id)
    ).all()
    if not invitations:
        return {}
    url = external_url("coach.invitations_page", practice_slug=practice.slug)
    items = {}
    for member in members:
        mine = [
            invitation
            for invitation in invitations
            if member.is_owner
            or member.id in (invitation.coach_membership_id, invitation.invited_by_membership_id)
        ]
        items[member.id] = [_item(invitation, practice, today, url) for invitation in mine]
    return items


def _item(invitation: Invitation, practice: Practice, today: date, url: str) -> ReminderItem:
    expires = invitation.expires_at.astimezone(practice.tz).date()
    if expires < today:
        detail = f"The link expired on {expires:%d %b}; resend it if they still want to join."
    else:
        detail = f"Invited as {invitation.role.value}; the link works until {expires:%d %b}."
    return ReminderItem(
        title=invitation.email, detail=detail, url=url, key=f"invitation:{invitation.id}"
    )
