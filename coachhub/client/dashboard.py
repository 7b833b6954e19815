"""The client's dashboard: open goals, follow-ups due, stale contacts, the coach's feedback,
meetings per week, networking health and career status."""

from datetime import timedelta

from flask import g, render_template
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.contacts import stale_contacts_query
from coachhub.client.follow_ups import open_follow_ups
from coachhub.client.goals import goals_with_progress
from coachhub.extensions import db
from coachhub.models import GoalStatus, MeetingLog, Membership, NetworkingGoal, Review
from coachhub.services import health
from coachhub.services.careers import DUE_SOON_DAYS, career_of
from coachhub.tenancy import scoped_select

FEEDBACK_ON_DASHBOARD = 3
DUE_ON_DASHBOARD = 5


@bp.get("/")
def dashboard():
    today = g.practice.today()
    open_goals = db.session.execute(
        goals_with_progress()
        .where(NetworkingGoal.status.in_([GoalStatus.OPEN, GoalStatus.PROPOSED]))
        .order_by(NetworkingGoal.status, NetworkingGoal.due_on, NetworkingGoal.id)
        .limit(10)
    ).all()
    due = db.session.scalars(
        open_follow_ups()
        .where(MeetingLog.follow_up_due_on <= today + timedelta(days=7))
        .limit(DUE_ON_DASHBOARD)
    ).all()
    stale = db.session.scalars(stale_contacts_query(today).limit(DUE_ON_DASHBOARD)).all()
    feedback = db.session.scalars(
        scoped_select(Review)
        .options(
            joinedload(Review.log).joinedload(MeetingLog.contact),
            joinedload(Review.reviewer).joinedload(Membership.user),
        )
        .order_by(Review.updated_at.desc(), Review.id.desc())
        .limit(FEEDBACK_ON_DASHBOARD)
    ).all()
    return render_template(
        "client/dashboard/dashboard.html",
        today=today,
        open_goals=open_goals,
        due=due,
        stale=stale,
        feedback=feedback,
        weeks=health.meetings_per_week(g.membership, today),
        metrics=health.client_health(g.practice, g.membership, g.membership, today),
        percent=health.percent,
        career=career_of(g.membership),
        due_soon=today + timedelta(days=DUE_SOON_DAYS),
    )
