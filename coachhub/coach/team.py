"""The owner's team: the practice's coaches with their client counts; archive and restore."""

from flask import g, render_template
from sqlalchemy import func, select

from coachhub.coach import bp, change_member_status
from coachhub.extensions import db
from coachhub.models import COACHING_ROLES, Membership, MemberStatus, Role, User
from coachhub.services import memberships
from coachhub.tenancy import get_scoped_or_404, owner_required, scoped_select


@bp.get("/team")
@owner_required
def team():
    members = db.session.scalars(
        scoped_select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.role.in_(COACHING_ROLES))
        .options(db.joinedload(Membership.user))
        .order_by(Membership.status, User.name)
    ).all()
    client_counts = dict(
        db.session.execute(
            select(Membership.coach_membership_id, func.count())
            .where(
                Membership.practice_id == g.practice.id,
                Membership.role == Role.CLIENT,
                Membership.status == MemberStatus.ACTIVE,
            )
            .group_by(Membership.coach_membership_id)
        ).all()
    )
    return render_template("coach/team/team.html", members=members, client_counts=client_counts)


@bp.route("/team/<int:member_id>/archive", methods=["GET", "POST"])
@owner_required
def archive_coach(member_id: int):
    member = get_scoped_or_404(Membership, member_id, Membership.role == Role.COACH)
    return change_member_status(member, memberships.archive_member, "archive", "coach.team")


@bp.route("/team/<int:member_id>/restore", methods=["GET", "POST"])
@owner_required
def restore_coach(member_id: int):
    member = get_scoped_or_404(Membership, member_id, Membership.role == Role.COACH)
    return change_member_status(member, memberships.restore_member, "restore", "coach.team")
