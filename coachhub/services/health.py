"""Networking health: the metrics behind both dashboards, computed with aggregate queries.

Every metric is one GROUP BY per client over that client's non-archived rows,
so a dashboard costs the same few queries whatever the number of clients,
goals, contacts or logs. Definitions (also in docs/portals.md):

- meetings_30d: logs with a meeting date in the last 30 days (today included).
- ask_offer_share: logs (meeting date up to today) with both an ask and an offer ÷ logs.
- reciprocity: logs where the client offered something ÷ logs.
- information_rate: logs where the client came across as seeking information ÷ logs where
  they said how they came across (the method: information, not a job).
- on_time_rate: follow-ups done on or before their due date ÷ follow-ups due by today.
- overdue: follow-ups past their due date and not done.
- keep_in_touch_rate: "yes" answers ÷ logs where the client asked to keep in touch.
- goal_progress: over open goals, meetings logged (capped at each target) ÷ sum of targets.
- last_activity: the latest meeting date up to today.
- unreviewed: logs up to today that the coach has not reviewed yet.
- stale_contacts: contacts with a cadence whose touch is past due.
- gave, received: reciprocity ledger entries up to today (services/ledger.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, Select, and_, case, cast, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import (
    ActionItem,
    Approach,
    Contact,
    GoalStatus,
    KeepInTouch,
    LedgerDirection,
    LedgerEntry,
    MeetingLog,
    Membership,
    MemberStatus,
    NetworkingGoal,
    Practice,
    Review,
    Role,
    User,
)

ATTENTION_DAYS = 30


def _count(condition) -> object:
    """Rows of the group that meet the condition (0 when none does)."""
    return func.count().filter(condition)


def _ratio(numerator, denominator):
    """A 0..1 share, NULL when there is nothing to divide by."""
    return cast(numerator, Float) / func.nullif(denominator, 0)


def _of_clients(column, client_ids):
    """No condition, or only these clients' rows (a page's: statistics for it alone)."""
    return true() if client_ids is None else column.in_(client_ids)


def log_stats(practice: Practice, viewer: Membership, today: date, client_ids=None):
    """Per client the viewer may see: counts over non-archived meeting logs."""
    log = MeetingLog
    past = log.met_on <= today
    # A NULL date compares as unknown, so a log without a follow-up is never due nor done.
    due = log.follow_up_due_on <= today
    return (
        select(
            log.client_membership_id.label("client_id"),
            _count(past).label("logs"),
            _count(and_(past, log.met_on > today - timedelta(days=30))).label("meetings_30d"),
            _count(and_(past, log.is_weak.is_(False))).label("strong"),
            _count(and_(past, log.offer != "")).label("offered"),
            _count(and_(past, log.approach.is_not(None))).label("approach_noted"),
            _count(and_(past, log.approach == Approach.INFORMATION)).label("information_seeking"),
            _count(due).label("follow_ups_due"),
            _count(and_(due, log.follow_up_done_on <= log.follow_up_due_on)).label(
                "follow_ups_on_time"
            ),
            _count(and_(log.follow_up_due_on < today, log.follow_up_done_on.is_(None))).label(
                "overdue"
            ),
            _count(and_(past, log.keep_in_touch != KeepInTouch.NOT_ASKED)).label("kit_asked"),
            _count(and_(past, log.keep_in_touch == KeepInTouch.YES)).label("kit_yes"),
            func.max(log.met_on).filter(past).label("last_activity"),
            _count(and_(past, Review.id.is_(None))).label("unreviewed"),
        )
        # The practice condition keeps the join from reading other practices' reviews.
        .outerjoin(Review, and_(Review.log_id == log.id, Review.practice_id == practice.id))
        .where(
            log.practice_id == practice.id,
            log.visible_to(viewer),
            log.archived_at.is_(None),
            _of_clients(log.client_membership_id, client_ids),
        )
        .group_by(log.client_membership_id)
        .subquery()
    )


def action_stats(practice: Practice, viewer: Membership, today: date, client_ids=None):
    """Per client: action items agreed in coaching sessions, counted as follow-ups."""
    item = ActionItem
    due = item.due_on <= today
    return (
        select(
            item.client_membership_id.label("client_id"),
            _count(due).label("due"),
            _count(and_(due, item.done_on <= item.due_on)).label("on_time"),
            _count(and_(item.due_on < today, item.done_on.is_(None))).label("overdue"),
        )
        .where(
            item.practice_id == practice.id,
            item.visible_to(viewer),
            _of_clients(item.client_membership_id, client_ids),
        )
        .group_by(item.client_membership_id)
        .subquery()
    )


def goal_logged_counts(
    practice: Practice, viewer: Membership, client: Membership | None = None, client_ids=None
):
    """Per goal (of clients the viewer may see, or of one client): non-archived logs against it."""
    query = select(MeetingLog.goal_id.label("goal_id"), func.count().label("logged")).where(
        MeetingLog.practice_id == practice.id,
        MeetingLog.visible_to(viewer),
        MeetingLog.goal_id.is_not(None),
        MeetingLog.archived_at.is_(None),
        _of_clients(MeetingLog.client_membership_id, client_ids),
    )
    if client is not None:
        # One client's goals: count only their logs, not the whole practice's.
        query = query.where(MeetingLog.client_membership_id == client.id)
    return query.group_by(MeetingLog.goal_id).subquery()


def goal_stats(practice: Practice, viewer: Membership, client_ids=None):
    """Per client: open goals, proposals waiting, and capped progress over open goals."""
    goal = NetworkingGoal
    logged = goal_logged_counts(practice, viewer, client_ids=client_ids)
    n = func.coalesce(logged.c.logged, 0)
    is_open = goal.status == GoalStatus.OPEN
    return (
        select(
            goal.client_membership_id.label("client_id"),
            _count(is_open).label("open_goals"),
            _count(goal.status == GoalStatus.PROPOSED).label("proposed_goals"),
            func.sum(goal.target_meetings).filter(is_open).label("goal_target"),
            func.sum(case((n > goal.target_meetings, goal.target_meetings), else_=n))
            .filter(is_open)
            .label("goal_logged"),
        )
        .outerjoin(logged, logged.c.goal_id == goal.id)
        .where(
            goal.practice_id == practice.id,
            goal.visible_to(viewer),
            _of_clients(goal.client_membership_id, client_ids),
        )
        .group_by(goal.client_membership_id)
        .subquery()
    )


def contact_stats(practice: Practice, viewer: Membership, today: date, client_ids=None):
    contact = Contact
    return (
        select(
            contact.client_membership_id.label("client_id"),
            func.count().label("contacts"),
            _count(contact.touch_due_on < today).label("stale_contacts"),
        )
        .where(
            contact.practice_id == practice.id,
            contact.visible_to(viewer),
            contact.archived_at.is_(None),
            _of_clients(contact.client_membership_id, client_ids),
        )
        .group_by(contact.client_membership_id)
        .subquery()
    )


def ledger_stats(practice: Practice, viewer: Membership, today: date, client_ids=None):
    """Per client: reciprocity ledger entries given and received up to today."""
    entry = LedgerEntry
    return (
        select(
            entry.client_membership_id.label("client_id"),
            _count(entry.direction == LedgerDirection.GAVE).label("gave"),
            _count(entry.direction == LedgerDirection.RECEIVED).label("received"),
        )
        .where(
            entry.practice_id == practice.id,
            entry.visible_to(viewer),
            entry.happened_on <= today,
            _of_clients(entry.client_membership_id, client_ids),
        )
        .group_by(entry.client_membership_id)
        .subquery()
    )


SORTS = (
    "name",
    "coach",
    "meetings_30d",
    "goal_progress",
    "ask_offer_share",
    "reciprocity",
    "information_rate",
    "on_time_rate",
    "overdue",
    "keep_in_touch_rate",
    "last_activity",
    "unreviewed",
)


def health_query(
    practice: Practice, viewer: Membership, today: date, client_ids: list[int] | None = None
) -> Select:
    """One row per active client the viewer may see: the client, its user, coach name, metrics.

    With `client_ids` (a page's clients), only those rows, and only their data is read.
    """
    logs = log_stats(practice, viewer, today, client_ids)
    goals = goal_stats(practice, viewer, client_ids)
    contacts = contact_stats(practice, viewer, today, client_ids)
    ledger = ledger_stats(practice, viewer, today, client_ids)
    # A session's action items are follow-ups too: on time and overdue count them.
    actions = action_stats(practice, viewer, today, client_ids)
    coach = aliased(Membership)
    coach_user = aliased(User)
    zero = literal(0)
    columns = {
        "name": User.name,
        "coach": coach_user.name,
        "meetings_30d": func.coalesce(logs.c.meetings_30d, zero),
        "goal_progress": _ratio(goals.c.goal_logged, goals.c.goal_target),
        "ask_offer_share": _ratio(logs.c.strong, logs.c.logs),
        "reciprocity": _ratio(logs.c.offered, logs.c.logs),
        "information_rate": _ratio(logs.c.information_seeking, logs.c.approach_noted),
        "on_time_rate": _ratio(
            func.coalesce(logs.c.follow_ups_on_time, zero) + func.coalesce(actions.c.on_time, zero),
            func.coalesce(logs.c.follow_ups_due, zero) + func.coalesce(actions.c.due, zero),
        ),
        "overdue": func.coalesce(logs.c.overdue, zero) + func.coalesce(actions.c.overdue, zero),
        "keep_in_touch_rate": _ratio(logs.c.kit_yes, logs.c.kit_asked),
        "last_activity": logs.c.last_activity,
        "unreviewed": func.coalesce(logs.c.unreviewed, zero),
        "open_goals": func.coalesce(goals.c.open_goals, zero),
        "proposed_goals": func.coalesce(goals.c.proposed_goals, zero),
        "contacts": func.coalesce(contacts.c.contacts, zero),
        "stale_contacts": func.coalesce(contacts.c.stale_contacts, zero),
        "logs": func.coalesce(logs.c.logs, zero),
        "gave": func.coalesce(ledger.c.gave, zero),
        "received": func.coalesce(ledger.c.received, zero),
    }
    return (
        select(Membership, *(expr.label(name) for name, expr in columns.items()))
        .join(User, Membership.user_id == User.id)
        .outerjoin(coach, Membership.coach_membership_id == coach.id)
        .outerjoin(coach_user, coach.user_id == coach_user.id)
        .outerjoin(logs, logs.c.client_id == Membership.id)
        .outerjoin(goals, goals.c.client_id == Membership.id)
        .outerjoin(contacts, contacts.c.client_id == Membership.id)
        .outerjoin(ledger, ledger.c.client_id == Membership.id)
        .outerjoin(actions, actions.c.client_id == Membership.id)
        .where(
            Membership.practice_id == practice.id,
            Membership.visible_to(viewer),
            Membership.role == Role.CLIENT,
            Membership.status == MemberStatus.ACTIVE,
            _of_clients(Membership.id, client_ids),
        )
    )


def dashboard_query(
    practice: Practice,
    viewer: Membership,
    today: date,
    sort: str,
    desc: bool,
    client_ids: list[int] | None = None,
) -> Select:
    """The dashboard's table: sorted by `sort` (one of SORTS), ties by name.

    A client with nothing to measure yet sorts last either way; the owner's view is
    grouped by coach first. `client_ids` as in health_query.
    """
    query = health_query(practice, viewer, today, client_ids)
    columns = query.selected_columns
    key = columns[sort]
    # IS NULL orders false before true on SQLite and PostgreSQL alike.
    order = [key.is_(None), key.desc() if desc else key.asc()]
    if viewer.is_owner:
        order = [columns.coach.asc(), Membership.coach_membership_id.asc(), *order]
    return query.order_by(*order, columns.name, Membership.id)


# Orders that need no statistic: a dashboard picks its page of clients first, then
# computes the statistics of those clients alone.
PAGE_FIRST_SORTS = ("name", "coach")


def clients_query(practice: Practice, viewer: Membership, sort: str, desc: bool) -> Select:
    """The ids of the active clients the viewer may see, in health_query's order for `sort`
    (one of PAGE_FIRST_SORTS)."""
    coach = aliased(Membership)
    coach_user = aliased(User)
    key = coach_user.name if sort == "coach" else User.name
    order = [key.is_(None), key.desc() if desc else key.asc()]
    if viewer.is_owner:
        order = [coach_user.name.asc(), Membership.coach_membership_id.asc(), *order]
    return (
        select(Membership.id)
        .join(User, Membership.user_id == User.id)
        .outerjoin(coach, Membership.coach_membership_id == coach.id)
        .outerjoin(coach_user, coach.user_id == coach_user.id)
        .where(
            Membership.practice_id == practice.id,
            Membership.visible_to(viewer),
            Membership.role == Role.CLIENT,
            Membership.status == MemberStatus.ACTIVE,
        )
        .order_by(*order, User.name, Membership.id)
    )


def quiet_since(today: date) -> date:
    """A client with no meeting on or after this day (and who joined before it) has gone quiet."""
    return today - timedelta(days=ATTENTION_DAYS)


def needs_attention_query(practice: Practice, viewer: Membership, today: date) -> Select:
    """Clients with overdue follow-ups, unreviewed logs or no meeting in the last 30 days.

    A client who joined less than 30 days ago has not had the time to go quiet: they are
    not flagged for it until 30 days after accepting their invitation.
    """
    rows = health_query(practice, viewer, today).subquery()
    since = quiet_since(today)
    # Midnight where the practice is (timestamps are compared as instants, whatever the zone).
    joined_before = datetime.combine(since, time(), practice.tz)
    quiet = and_(
        or_(rows.c.last_activity.is_(None), rows.c.last_activity < since),
        rows.c.created_at < joined_before,
    )
    return (
        select(rows, case((quiet, 1), else_=0).label("quiet"))
        .where((rows.c.overdue > 0) | (rows.c.unreviewed > 0) | quiet)
        .order_by(rows.c.overdue.desc(), rows.c.unreviewed.desc(), rows.c.name)
    )


def client_health(practice: Practice, viewer: Membership, client: Membership, today: date):
    """The metrics row of one client."""
    query = health_query(practice, viewer, today, [client.id])
    return db.session.execute(query).first()


@dataclass
class Week:
    start: date
    meetings: int


def meetings_per_week(client: Membership, today: date, weeks: int = 12) -> list[Week]:
    """Meetings per week (weeks start on Monday) for the last `weeks` weeks, oldest first."""
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    per_day = db.session.execute(
        select(MeetingLog.met_on, func.count())
        .where(
            MeetingLog.practice_id == client.practice_id,
            MeetingLog.client_membership_id == client.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on >= first,
            MeetingLog.met_on <= today,
        )
        .group_by(MeetingLog.met_on)
    ).all()
    buckets = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, count in per_day:
        buckets[day - timedelta(days=day.weekday())] += count
    return [Week(start, count) for start, count in buckets.items()]


def percent(value: float | None) -> str:
    """A ratio as '67%', or an en dash when there is nothing to measure yet."""
    return "–" if value is None else f"{round(100 * value)}%"
