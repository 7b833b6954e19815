"""The client's dashboard: open goals, follow-ups due, stale contacts, the coach's feedback,
meetings per week, networking health and career status.

Once the client is placed it switches to maintenance mode: it leads with the next check-in,
the pulse trend, the keep-in-touch roster and their notes on what is changing in their field;
the search-mode actions (log a meeting, goals) move aside. Returning to searching switches
back."""

from datetime import timedelta

from flask import g, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.contacts import stale_contacts_query
from coachhub.client.follow_ups import open_follow_ups
from coachhub.client.goals import goals_with_progress
from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.models import GoalStatus, MeetingLog, Membership, NetworkingGoal, Review
from coachhub.services import checkins, health, ledger
from coachhub.services.careers import DUE_SOON_DAYS, career_of
from coachhub.tenancy import scoped_select

FEEDBACK_ON_DASHBOARD = 3
DUE_ON_DASHBOARD = 5
ROSTER_ON_DASHBOARD = 8
ONLY_TAKING_ON_DASHBOARD = 3
# The keep-in-touch roster: contacts overdue for a touch or due within this many days.
ROSTER_DAYS = 7


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
    career = career_of(g.membership)
    placed = career is not None and career.is_placed
    # Maintenance mode: the roster also holds contacts due for a touch within the week.
    until = today + timedelta(days=ROSTER_DAYS + 1) if placed else None
    stale = db.session.scalars(
        stale_contacts_query(today, until).limit(
            ROSTER_ON_DASHBOARD if placed else DUE_ON_DASHBOARD
        )
    ).all()
    feedback = db.session.scalars(
        scoped_select(Review)
        .options(
            joinedload(Review.log).joinedload(MeetingLog.contact),
            joinedload(Review.reviewer).joinedload(Membership.user),
        )
        .order_by(Review.updated_at.desc(), Review.id.desc())
        .limit(FEEDBACK_ON_DASHBOARD)
    ).all()
    history = checkins.trend(g.practice, g.membership) if placed else []
    # The coach and their name in one query (the relationship would take two).
    coach = (
        db.session.scalar(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(
                Membership.practice_id == g.practice.id,
                Membership.id == g.membership.coach_membership_id,
            )
        )
        if g.membership.coach_membership_id
        else None
    )
    return render_template(
        "client/dashboard/dashboard.html",
        coach=coach,
        today=today,
        open_goals=open_goals,
        due=due,
        promises=ledger.open_promises(
            g.practice, g.membership, DUE_ON_DASHBOARD, due_by=today + timedelta(days=7)
        ),
        stale=stale,
        feedback=feedback,
        # The pulse trend takes the place of the meetings chart once placed.
        weeks=None if placed else health.meetings_per_week(g.membership, today),
        metrics=health.client_health(g.practice, g.membership, g.membership, today),
        percent=health.percent,
        career=career,
        placed=placed,
        trend=checkins.trend_data(history),
        latest_checkin=history[-1] if history else None,
        opens_on=checkins.opens_on(career.next_due_on) if career and career.next_due_on else None,
        start_form=ConfirmForm(),
        only_taking=ledger.only_taking(g.practice, g.membership, limit=ONLY_TAKING_ON_DASHBOARD),
        due_soon=today + timedelta(days=DUE_SOON_DAYS),
    )
