"""Who a digest reader sees: the practice's active clients, grouped by coach for the owner.

A coach sees their own active clients. The owner sees every client of the
practice, grouped by coach (their own clients first, as "Your clients"): the
owner answers for the whole practice, and the owner's dashboard is grouped
the same way. Shared by the digest sections of every feature.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import MeetingLog, Membership, MemberStatus, Practice, Review, Role, User
from coachhub.urls import external_url


def plural(n: int, word: str) -> str:
    """ "1 day", "3 days"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def day(d: date) -> str:
    """A date as emails show it: "Thu 26 Nov"."""
    return f"{d:%a} {d.day} {d:%b}"


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    coach_id: int | None
    coach_name: str
    joined_on: date  # local date of the membership (an invitation accepted)


def active_clients(practice: Practice) -> list[ClientRow]:
    """Every active client of the practice with their coach's name (one query)."""
    coach = aliased(Membership)
    coach_user = aliased(User)
    rows = db.session.execute(
        select(
            Membership.id,
            User.name,
            Membership.coach_membership_id,
            coach_user.name,
            Membership.created_at,
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(coach, coach.id == Membership.coach_membership_id)
        .outerjoin(coach_user, coach_user.id == coach.user_id)
        .where(
            Membership.practice_id == practice.id,
            Membership.role == Role.CLIENT,
            Membership.status == MemberStatus.ACTIVE,
        )
        .order_by(User.name, Membership.id)
    ).all()
    return [
        ClientRow(id, name, coach_id, coach_name or "", created.astimezone(practice.tz).date())
        for id, name, coach_id, coach_name, created in rows
    ]


def group_label(viewer: Membership, client: ClientRow) -> str:
    if not viewer.is_owner:
        return ""
    if client.coach_id == viewer.id:
        return "Your clients"
    if client.coach_id is None:
        return "Clients without a coach"
    return f"{client.coach_name}'s clients"


def visible_clients(viewer: Membership, clients: list[ClientRow]) -> list[ClientRow]:
    """A coach's own clients; the owner's: all, own first, then by coach (then client name)."""
    if not viewer.is_owner:
        return [c for c in clients if c.coach_id == viewer.id]

    def order(c: ClientRow):
        return (c.coach_id != viewer.id, c.coach_id is None, c.coach_name, c.coach_id or 0)

    return sorted(clients, key=order)  # stable: by client name within a coach


def client_url(practice: Practice, client: ClientRow) -> str:
    return external_url("coach.client_detail", practice_slug=practice.slug, client_id=client.id)


def log_stats(practice: Practice, today: date) -> dict[int, object]:
    """Per active client: logs to review (and the oldest), overdue follow-ups, last activity."""
    log = MeetingLog
    past = log.met_on <= today
    unreviewed = and_(past, Review.id.is_(None))
    overdue = and_(log.follow_up_due_on < today, log.follow_up_done_on.is_(None))
    rows = db.session.execute(
        select(
            log.client_membership_id.label("client_id"),
            func.coalesce(func.sum(case((unreviewed, 1), else_=0)), 0).label("unreviewed"),
            func.min(case((unreviewed, log.met_on))).label("oldest_unreviewed"),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue"),
            func.min(case((overdue, log.follow_up_due_on))).label("oldest_overdue"),
            func.max(case((past, log.met_on))).label("last_activity"),
        )
        .join(Membership, Membership.id == log.client_membership_id)
        .outerjoin(Review, Review.log_id == log.id)
        .where(
            log.practice_id == practice.id,
            log.archived_at.is_(None),
            Membership.status == MemberStatus.ACTIVE,
        )
        .group_by(log.client_membership_id)
    ).all()
    return {row.client_id: row for row in rows}
