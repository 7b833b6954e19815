"""Practice analytics: how the practice (or one coach's clients) is doing, week by week.

Every figure comes from a handful of GROUP BY queries whose rows are bounded by days,
weeks, coaches or score buckets, never by the number of clients or logs, so the page
costs the same few queries at any data size. Medians are read from histograms (counts
per whole day or hour), which both SQLite and PostgreSQL can group by.

The owner sees the whole practice; a coach sees their own clients (the same
`visible_to` rule as every other page).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, Integer, case, cast, extract, func, literal_column, select
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import (
    Approach,
    CareerStage,
    Checkin,
    CheckinStatus,
    MeetingLog,
    Membership,
    MemberStatus,
    Practice,
    Review,
    Role,
    StageChange,
    User,
)
from coachhub.services import ServiceError
from coachhub.services.at_risk import LOW_PULSE, status_query

DEFAULT_WEEKS = 12
MAX_DAYS = 2 * 366
PULSE_BUCKETS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]


@dataclass(frozen=True)
class DateRange:
    """Whole weeks, Monday to Sunday, covering the dates asked for."""

    start: date
    end: date

    @property
    def weeks(self) -> list[date]:
        """The Monday of every week in the range."""
        first = self.start - timedelta(days=self.start.weekday())
        return [first + timedelta(weeks=i) for i in range((self.end - first).days // 7 + 1)]


def date_range(today: date, start: str | None, end: str | None) -> DateRange:
    """The range from the filter's `start` and `end` (ISO dates); the last 12 weeks by default.

    Raises ServiceError with a message for the page when a date is not a date, the range is
    backwards or longer than two years.
    """
    try:
        last = date.fromisoformat(end) if end else today
        first = (
            date.fromisoformat(start)
            if start
            else last - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
        )
    except ValueError:
        raise ServiceError("Enter the dates as YYYY-MM-DD.") from None
    if first > last:
        raise ServiceError("The start date must be on or before the end date.")
    if (last - first).days > MAX_DAYS:
        raise ServiceError("Choose a range of at most two years.")
    return DateRange(first, last)


@dataclass
class Chart:
    """One chart of the page: its table (header and rows) is also its CSV and its text view."""

    key: str
    title: str
    kind: str  # "line" or "bar", for static/js/analytics_chart.js
    header: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    summary: str = ""

    def series(self) -> dict:
        """What the chart script draws: labels (first column) and one dataset per column."""
        return {
            "kind": self.kind,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": name, "data": [row[i + 1] for row in self.rows]}
                for i, name in enumerate(self.header[1:])
            ],
        }


def _day(value) -> date:
    """SQLite returns DATE() as text, PostgreSQL as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _bounds(span: DateRange) -> tuple[datetime, datetime]:
    """The range as UTC timestamps: from the first day's start to the day after the last."""
    start = datetime.combine(span.start, time(), tzinfo=UTC)
    return start, datetime.combine(span.end + timedelta(days=1), time(), tzinfo=UTC)


def _utc_day(timestamp):
    """The UTC calendar day of a timestamp column, in either database."""
    if db.engine.dialect.name == "sqlite":
        return func.date(timestamp)
    return cast(func.timezone(literal_column("'UTC'"), timestamp), Date)


def _hours_between(earlier, later):
    """Whole hours from `earlier` to `later` (two UTC timestamps), in either database.

    Counted in rounded minutes first: SQLite's julianday() is a float, and four hours must not
    come out as 3.99999.
    """
    # Constants as SQL text, not bound parameters: PostgreSQL matches GROUP BY expressions
    # to the SELECT list literally, and two parameters are two different expressions.
    if db.engine.dialect.name == "sqlite":
        days = func.julianday(later) - func.julianday(earlier)
        minutes = cast(func.round(days * literal_column("1440")), Integer)
    else:
        seconds = extract("epoch", later - earlier)
        minutes = cast(func.round(seconds / literal_column("60")), Integer)
    return minutes // literal_column("60")


def _median(histogram: Counter) -> float | None:
    """The median of values given as {value: count}."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(k: int):
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > k:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _clients(practice: Practice, viewer: Membership):
    """The viewer's active clients (owner: all of the practice's, coach: their own)."""
    where = [
        Membership.practice_id == practice.id,
        Membership.role == Role.CLIENT,
        Membership.status == MemberStatus.ACTIVE,
    ]
    if viewer.role == Role.COACH:
        where.append(Membership.coach_membership_id == viewer.id)
    return where


def stages_over_time(practice: Practice, viewer: Membership, span: DateRange) -> Chart:
    """Searching and placed clients at the end of each week (today's active clients)."""
    clients = _clients(practice, viewer)
    joined = db.session.execute(
        select(_utc_day(Membership.created_at), func.count())
        .where(*clients)
        .group_by(_utc_day(Membership.created_at))
    ).all()
    changes = db.session.execute(
        select(_utc_day(StageChange.changed_at), StageChange.stage, func.count())
        .join(Membership, Membership.id == StageChange.client_membership_id)
        .where(StageChange.practice_id == practice.id, *clients)
        .group_by(_utc_day(StageChange.changed_at), StageChange.stage)
    ).all()
    chart = Chart(
        "stages",
        "Clients by stage",
        "line",
        ["Week of", "Searching", "Placed"],
        note="Today's active clients, counted at the end of each week.",
    )
    joins = [(_day(day), n) for day, n in joined]
    moves = [
        (_day(day), 1 if CareerStage(stage) == CareerStage.PLACED else -1, n)
        for day, stage, n in changes
    ]
    for monday in span.weeks:
        week_end = monday + timedelta(days=6)
        total = sum(n for day, n in joins if day <= week_end)
        placed = max(0, sum(sign * n for day, sign, n in moves if day <= week_end))
        chart.rows.append([monday.isoformat(), total - placed, placed])
    return chart


def placements(practice: Practice, viewer: Membership, span: DateRange) -> Chart:
    """Placements per week and the median days from joining to placement."""
    clients = _clients(practice, viewer)
    start, end = _bounds(span)
    days = _hours_between(Membership.created_at, StageChange.changed_at) // literal_column("24")
    rows = db.session.execute(
        select(_utc_day(StageChange.changed_at), days, func.count())
        .join(Membership, Membership.id == StageChange.client_membership_id)
        .where(
            StageChange.practice_id == practice.id,
            StageChange.stage == CareerStage.PLACED,
            StageChange.changed_at >= start,
            StageChange.changed_at < end,
            *clients,
        )
        .group_by(_utc_day(StageChange.changed_at), days)
    ).all()
    per_week: Counter = Counter()
    histogram: Counter = Counter()
    for day, to_place, n in rows:
        per_week[_week_of(_day(day))] += n
        histogram[max(0, int(to_place))] += n
    median = _median(histogram)
    chart = Chart("placements", "Placements", "bar", ["Week of", "Placements"])
    chart.rows = [[monday.isoformat(), per_week.get(monday, 0)] for monday in span.weeks]
    total = sum(per_week.values())
    chart.summary = f"{total} placement{'s' if total != 1 else ''}" + (
        f"; median time to placement {median:g} days" if median is not None else ""
    )
    return chart


def meetings_per_coach(practice: Practice, viewer: Membership, span: DateRange) -> Chart:
    """Networking meetings clients logged per week, one column per coach."""
    clients = _clients(practice, viewer)
    coach, coach_user = aliased(Membership), aliased(User)
    rows = db.session.execute(
        select(coach.id, coach_user.name, MeetingLog.met_on, func.count())
        .join(Membership, Membership.id == MeetingLog.client_membership_id)
        .join(coach, coach.id == Membership.coach_membership_id)
        .join(coach_user, coach_user.id == coach.user_id)
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on >= span.start,
            MeetingLog.met_on <= span.end,
            *clients,
        )
        .group_by(coach.id, coach_user.name, MeetingLog.met_on)
    ).all()
    names: dict[int, str] = {}
    counts: Counter = Counter()
    for coach_id, name, met_on, n in rows:
        names[coach_id] = name
        counts[(coach_id, _week_of(_day(met_on)))] += n
    order = sorted(names, key=lambda cid: (names[cid], cid))
    chart = Chart(
        "meetings",
        "Meetings per week per coach",
        "bar",
        ["Week of", *(names[cid] for cid in order)],
        note="Meetings the coach's clients logged, by the date they met.",
    )
    if not order:
        chart.header.append("Meetings")
    chart.rows = [
        [monday.isoformat(), *(counts.get((cid, monday), 0) for cid in order)]
        + ([] if order else [0])
        for monday in span.weeks
    ]
    return chart


def review_turnaround(practice: Practice, viewer: Membership, span: DateRange) -> Chart:
    """Median hours from a log being written to its review, per week of review."""
    start, end = _bounds(span)
    hours = _hours_between(MeetingLog.created_at, Review.created_at)
    rows = db.session.execute(
        select(_utc_day(Review.created_at), hours, func.count())
        .join(MeetingLog, MeetingLog.id == Review.log_id)
        .join(Membership, Membership.id == Review.client_membership_id)
        .where(
            Review.practice_id == practice.id,
            Review.created_at >= start,
            Review.created_at < end,
            *_clients(practice, viewer),
        )
        .group_by(_utc_day(Review.created_at), hours)
    ).all()
    weekly: dict[date, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    for day, h, n in rows:
        weekly[_week_of(_day(day))][max(0, int(h))] += n
        overall[max(0, int(h))] += n
    chart = Chart(
        "turnaround",
        "Review turnaround",
        "line",
        ["Week of", "Median hours", "Reviews"],
        note="Hours from the client writing a log to the coach's review, by week of review.",
    )
    for monday in span.weeks:
        histogram = weekly.get(monday, Counter())
        chart.rows.append([monday.isoformat(), _median(histogram), sum(histogram.values())])
    median = _median(overall)
    chart.summary = (
        f"Median {median:g} hours over {sum(overall.values())} reviews"
        if median is not None
        else "No reviews in this range"
    )
    return chart


def approach_share(practice: Practice, viewer: Membership, span: DateRange) -> Chart:
    """Logs seeking information, asking for a job, or both, per week (share in percent)."""
    rows = db.session.execute(
        select(MeetingLog.met_on, MeetingLog.approach, func.count())
        .join(Membership, Membership.id == MeetingLog.client_membership_id)
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.archived_at.is_(None),
            MeetingLog.approach.is_not(None),
            MeetingLog.met_on >= span.start,
            MeetingLog.met_on <= span.end,
            *_clients(practice, viewer),
        )
        .group_by(MeetingLog.met_on, MeetingLog.approach)
    ).all()
    counts: Counter = Counter()
    for met_on, approach, n in rows:
        counts[(_week_of(_day(met_on)), Approach(approach))] += n
    chart = Chart(
        "approach",
        "Information-seeking vs job-asking",
        "line",
        ["Week of", "Seeking information %", "A bit of both %", "Asking for a job %"],
        note="Share of the week's logs by the approach the client reflected on.",
    )
    kinds = [Approach.INFORMATION, Approach.MIXED, Approach.JOB_ASKING]
    totals: Counter = Counter()
    for monday in span.weeks:
        week = [counts.get((monday, kind), 0) for kind in kinds]
        for kind, n in zip(kinds, week, strict=True):
            totals[kind] += n
        total = sum(week)
        chart.rows.append(
            [monday.isoformat(), *((round(100 * n / total) if total else None) for n in week)]
        )
    all_logs = sum(totals.values())
    if all_logs:
        chart.summary = (
            f"{round(100 * totals[Approach.INFORMATION] / all_logs)}% seeking information, "
            f"{round(100 * totals[Approach.JOB_ASKING] / all_logs)}% asking for a job "
            f"({all_logs} logs)"
        )
    else:
        chart.summary = "No reflected logs in this range"
    return chart


def pulse_distribution(practice: Practice, viewer: Membership, span: DateRange) -> Chart:
    """How many submitted check-ins scored in each band of the pulse score."""
    bucket = case(
        *((Checkin.pulse <= high, f"{low}–{high}") for low, high in PULSE_BUCKETS[:-1]),
        else_=f"{PULSE_BUCKETS[-1][0]}–{PULSE_BUCKETS[-1][1]}",
    )
    rows = db.session.execute(
        select(bucket, func.count())
        .join(Membership, Membership.id == Checkin.client_membership_id)
        .where(
            Checkin.practice_id == practice.id,
            Checkin.status.in_([CheckinStatus.SUBMITTED, CheckinStatus.REVIEWED]),
            Checkin.pulse.is_not(None),
            Checkin.due_on >= span.start,
            Checkin.due_on <= span.end,
            *_clients(practice, viewer),
        )
        .group_by(bucket)
    ).all()
    counts = dict(rows)
    chart = Chart(
        "pulse",
        "Check-in pulse",
        "bar",
        ["Pulse score", "Check-ins"],
        note="Submitted check-ins due in the range, by pulse score (0–100).",
    )
    chart.rows = [[f"{low}–{high}", counts.get(f"{low}–{high}", 0)] for low, high in PULSE_BUCKETS]
    return chart


def at_risk_over_time(
    practice: Practice, viewer: Membership, span: DateRange, today: date
) -> Chart:
    """Check-ins under the low-pulse line per week, and how many clients are at risk today."""
    rows = db.session.execute(
        select(Checkin.due_on, func.count(func.distinct(Checkin.client_membership_id)))
        .join(Membership, Membership.id == Checkin.client_membership_id)
        .where(
            Checkin.practice_id == practice.id,
            Checkin.status.in_([CheckinStatus.SUBMITTED, CheckinStatus.REVIEWED]),
            Checkin.pulse < LOW_PULSE,
            Checkin.due_on >= span.start,
            Checkin.due_on <= span.end,
            *_clients(practice, viewer),
        )
        .group_by(Checkin.due_on)
    ).all()
    per_week: Counter = Counter()
    for due_on, n in rows:
        per_week[_week_of(_day(due_on))] += n
    status = status_query(practice, viewer, today).subquery("status")
    now = db.session.scalar(select(func.coalesce(func.sum(status.c.at_risk), 0)))
    chart = Chart(
        "at_risk",
        "At risk",
        "line",
        ["Week of", "Clients with a low pulse"],
        note=f"Clients whose check-in due that week scored under {LOW_PULSE}.",
        summary=f"{now} client{'s' if now != 1 else ''} at risk today (every at-risk rule)",
    )
    chart.rows = [[monday.isoformat(), per_week.get(monday, 0)] for monday in span.weeks]
    return chart


CHARTS = {
    "stages": stages_over_time,
    "placements": placements,
    "meetings": meetings_per_coach,
    "turnaround": review_turnaround,
    "approach": approach_share,
    "pulse": pulse_distribution,
}


def all_charts(practice: Practice, viewer: Membership, span: DateRange, today: date) -> list[Chart]:
    """Every chart of the page, in the order shown."""
    charts = [build(practice, viewer, span) for build in CHARTS.values()]
    charts.append(at_risk_over_time(practice, viewer, span, today))
    return charts


def one_chart(
    key: str, practice: Practice, viewer: Membership, span: DateRange, today: date
) -> Chart | None:
    """One chart by its key (for its CSV), or None for an unknown key."""
    if key == "at_risk":
        return at_risk_over_time(practice, viewer, span, today)
    build = CHARTS.get(key)
    return build(practice, viewer, span) if build else None
