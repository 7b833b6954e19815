"""The coach's dashboard: one networking-health row per client, who needs attention, careers."""

from flask import g, render_template, request
from sqlalchemy import func

from coachhub.coach import bp
from coachhub.extensions import db
from coachhub.models import CoachingSession, Invitation, utcnow
from coachhub.pagination import paginate_rows
from coachhub.services import at_risk, health, sessions
from coachhub.tenancy import scoped_select

ATTENTION_LIMIT = 10
SESSIONS_LIMIT = 5


@bp.get("/")
def dashboard():
    """Networking health: one row per client (sortable), and who needs attention."""
    today = g.practice.today()
    sort = request.args.get("sort", "name")
    if sort not in health.SORTS:
        sort = "name"
    desc = request.args.get("dir") == "desc"
    if sort in health.PAGE_FIRST_SORTS:
        # The page of clients first, then the statistics of those clients alone.
        page = paginate_rows(health.clients_query(g.practice, g.membership, sort, desc))
        ids = [row.id for row in page.items]
        page.items = (
            db.session.execute(
                health.health_query(g.practice, g.membership, today, sort, desc, ids)
            ).all()
            if ids
            else []
        )
    else:
        page = paginate_rows(health.health_query(g.practice, g.membership, today, sort, desc))
    attention = db.session.execute(
        health.needs_attention_query(g.practice, g.membership, today).limit(ATTENTION_LIMIT)
    ).all()
    # Career check-ins: stage and pulse of the clients on this page, and who is at risk.
    careers = at_risk.status_rows(
        g.practice, g.membership, today, [row.Membership.id for row in page.items]
    )
    checkin_attention = db.session.execute(
        at_risk.attention_query(g.practice, g.membership, today).limit(ATTENTION_LIMIT)
    ).all()
    pending = db.session.scalar(
        scoped_select(Invitation)
        .with_only_columns(func.count())
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    )
    upcoming = db.session.scalars(
        sessions.upcoming_query(g.practice, g.membership, utcnow(), limit=SESSIONS_LIMIT).where(
            CoachingSession.coach_membership_id == g.membership.id
        )
    ).all()
    return render_template(
        "coach/dashboard/dashboard.html",
        upcoming_sessions=upcoming,
        page=page,
        attention=attention,
        active_clients=page.total,
        pending_invitations=pending,
        sort=sort,
        desc=desc,
        today=today,
        percent=health.percent,
        careers=careers,
        checkin_attention=checkin_attention,
        checkin_flags=at_risk.flags,
        trend_arrow=at_risk.trend_arrow,
    )
