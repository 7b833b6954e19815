"""The client's dashboard: the next thing to do first, then open goals, follow-ups due, stale
contacts, the coach's feedback, meetings per week, networking health and career status.

Once the client is placed it switches to maintenance mode: it leads with the next check-in,
the pulse trend, the keep-in-touch roster and their notes on what is changing in their field;
the search-mode actions (log a meeting, goals) move aside. Returning to searching switches
back."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import g, render_template, url_for
from sqlalchemy import Date, cast, literal, null, select, union_all
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.contacts import stale_contacts_query
from coachhub.client.goals import goals_with_progress
from coachhub.extensions import db
from coachhub.formatting import localdate, member_time
from coachhub.forms import ConfirmForm
from coachhub.models import (
    ActionItem,
    CoachingSession,
    Contact,
    GoalStatus,
    MeetingLog,
    Membership,
    NetworkingGoal,
    Review,
    SessionStatus,
    User,
    utcnow,
)
from coachhub.services import checkins, health, ledger
from coachhub.services.careers import DUE_SOON_DAYS, career_of
from coachhub.tenancy import scoped_select

FEEDBACK_ON_DASHBOARD = 3
DUE_ON_DASHBOARD = 5
SESSIONS_ON_DASHBOARD = 3
ROSTER_ON_DASHBOARD = 8
ONLY_TAKING_ON_DASHBOARD = 3
# The keep-in-touch roster: contacts overdue for a touch or due within this many days.
ROSTER_DAYS = 7


@dataclass(frozen=True)
class NextStep:
    """The one thing the dashboard asks the client to do now."""

    title: str
    detail: str
    url: str
    action: str


def next_step(today: date, career, due_soon: date, due: list, sessions: list, tz) -> NextStep:
    """What to do next: a check-in that is due, an overdue follow-up, today's session, the next
    follow-up, the next session; otherwise plan a networking meeting."""
    checkin_due = career is not None and career.next_due_on and career.next_due_on <= due_soon
    overdue = [row for row in due if row.due_on < today]
    session_today = [row for row in sessions if row.starts_at.astimezone(tz).date() == today]

    def follow_up(row) -> NextStep:
        when = "was due" if row.due_on < today else "is due"
        if row.kind == "action":
            return NextStep(
                row.title,
                f"From your coaching session; it {when} {localdate(row.due_on)}.",
                url_for("client.follow_ups"),
                "Open follow-ups",
            )
        return NextStep(
            f"Follow up with {row.who}: {row.title}",
            f"It {when} {localdate(row.due_on)}.",
            url_for("client.meeting_detail", log_id=row.id),
            "Open the meeting",
        )

    def session(row) -> NextStep:
        return NextStep(
            f"Coaching session with {row.who}",
            f"{member_time(row.starts_at, tz)}. Add what you want to talk about to the agenda.",
            url_for("client.session_detail", session_id=row.id),
            "Open the session",
        )

    if checkin_due:
        late = career.next_due_on < today
        return NextStep(
            "Your career check-in",
            f"{'Overdue since' if late else 'Due'} {localdate(career.next_due_on)}: "
            "a few minutes on what is changing in your field.",
            url_for("client.checkin_list"),
            "Check in",
        )
    if overdue:
        return follow_up(overdue[0])
    if session_today:
        return session(session_today[0])
    if due:
        return follow_up(due[0])
    if sessions:
        return session(sessions[0])
    return NextStep(
        "Plan your next networking meeting",
        "Decide what you want to find out and what you can offer, then ask for 20 minutes.",
        url_for("client.new_meeting", plan=1),
        "Plan a meeting",
    )


def coming_up(today: date, now: datetime) -> list:
    """What is coming, in one query: the next booked sessions, and the follow-ups (from meeting
    logs and from sessions' action items) open and due within the week, soonest first.

    Each row has kind ("session", "follow-up", "action"), id, title, who, due_on, starts_at.
    """
    s, log, item = CoachingSession, MeetingLog, ActionItem
    me = g.membership
    week = today + timedelta(days=7)

    def none(kind):
        return cast(null(), kind)

    sessions = (
        select(
            literal("session").label("kind"), s.id.label("id"), User.name.label("title"),
            User.name.label("who"), none(Date()).label("due_on"), s.starts_at.label("starts_at"),
        )
        .join(Membership, Membership.id == s.coach_membership_id)
        .join(User, User.id == Membership.user_id)
        .where(
            s.practice_id == g.practice.id, s.visible_to(me),
            s.status == SessionStatus.BOOKED, s.ends_at > now,
        )
        .order_by(s.starts_at, s.id)
        .limit(SESSIONS_ON_DASHBOARD)
        .subquery()
    )  # fmt: skip
    logs = (
        select(
            literal("follow-up"), log.id, log.follow_up_action, Contact.name,
            log.follow_up_due_on, none(s.starts_at.type),
        )
        .join(Contact, Contact.id == log.contact_id)
        .where(
            log.practice_id == g.practice.id, log.visible_to(me), log.archived_at.is_(None),
            log.follow_up_done_on.is_(None), log.follow_up_due_on <= week,
        )
        .order_by(log.follow_up_due_on, log.id)
        .limit(DUE_ON_DASHBOARD)
        .subquery()
    )  # fmt: skip
    actions = (
        select(
            literal("action"), item.id, item.title, literal(""), item.due_on,
            none(s.starts_at.type),
        )
        .where(
            item.practice_id == g.practice.id, item.visible_to(me),
            item.done_on.is_(None), item.due_on <= week,
        )
        .order_by(item.due_on, item.id)
        .limit(DUE_ON_DASHBOARD)
        .subquery()
    )  # fmt: skip
    union = union_all(select(sessions), select(logs), select(actions)).subquery()
    rows = db.session.execute(select(union)).all()
    return sorted(rows, key=lambda r: (r.kind != "session", r.starts_at or now, r.due_on or today))


@bp.get("/")
def dashboard():
    today = g.practice.today()
    open_goals = db.session.execute(
        goals_with_progress()
        .where(NetworkingGoal.status.in_([GoalStatus.OPEN, GoalStatus.PROPOSED]))
        .order_by(NetworkingGoal.status, NetworkingGoal.due_on, NetworkingGoal.id)
        .limit(10)
    ).all()
    coming = coming_up(today, utcnow())
    due = [row for row in coming if row.kind != "session"]
    upcoming = [row for row in coming if row.kind == "session"]
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
        upcoming_sessions=upcoming,
        tz=g.membership.tz,
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
        next_step=next_step(
            today, career, today + timedelta(days=DUE_SOON_DAYS), due, upcoming, g.membership.tz
        ),
    )
