"""The coach's dashboard: today first (sessions, logs to review, who needs attention and why,
most urgent first), then one networking-health row per client with their career."""

from dataclasses import dataclass, field

from flask import g, render_template, request
from sqlalchemy import func, select

from coachhub.coach import bp
from coachhub.extensions import db
from coachhub.formatting import localdate
from coachhub.models import CoachingSession, Invitation, MeetingLog, Review, utcnow
from coachhub.pagination import paginate_rows
from coachhub.services import at_risk, health, sessions
from coachhub.tenancy import scoped_select

ATTENTION_LIMIT = 10
SESSIONS_LIMIT = 5


# How much each reason weighs when ordering "who needs attention": an at-risk career first,
# then what is overdue, then what waits for the coach, then a client gone quiet.
URGENCY = {"at_risk": 100, "checkin_overdue": 30, "overdue": 10, "to_review": 3, "quiet": 1}


@dataclass
class AttentionLine:
    """One client who needs attention: every reason, the most urgent first."""

    id: int
    name: str
    career: bool = False  # the reasons include the client's career (check-ins, at risk)
    urgency: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, kind: str, reason: str, weight: int = 1) -> None:
        self.urgency += URGENCY[kind] * weight
        self.reasons.append(reason)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def attention_lines(attention, checkin_attention) -> list[AttentionLine]:
    """The two attention lists (networking, check-ins) as one line per client, most urgent first."""
    lines: dict[int, AttentionLine] = {}
    for row in checkin_attention:
        line = lines.setdefault(row.id, AttentionLine(row.id, row.name, career=True))
        for flag in at_risk.flags(row):
            line.add("at_risk", flag)
        if row.checkin_overdue and not row.long_overdue:
            line.add("checkin_overdue", f"check-in overdue since {localdate(row.next_due_on)}")
        if row.to_review:
            line.add("to_review", f"{_plural(row.to_review, 'check-in')} to review", row.to_review)
    for row in attention:
        line = lines.setdefault(row.id, AttentionLine(row.id, row.name))
        if row.overdue:
            line.add("overdue", f"{_plural(row.overdue, 'overdue follow-up')}", row.overdue)
        if row.unreviewed:
            line.add("to_review", f"{_plural(row.unreviewed, 'log')} to review", row.unreviewed)
        if row.quiet:
            line.add("quiet", "no meeting in 30 days")
    return sorted(lines.values(), key=lambda line: (-line.urgency, line.name, line.id))


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
                health.dashboard_query(g.practice, g.membership, today, sort, desc, ids)
            ).all()
            if ids
            else []
        )
    else:
        page = paginate_rows(health.dashboard_query(g.practice, g.membership, today, sort, desc))
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
    to_review = db.session.scalar(
        select(func.count(MeetingLog.id))
        .select_from(MeetingLog)
        .outerjoin(Review, Review.log_id == MeetingLog.id)
        .where(
            MeetingLog.practice_id == g.practice.id,
            MeetingLog.visible_to(g.membership),
            Review.id.is_(None),
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= today,
        )
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
        attention_lines=attention_lines(attention, checkin_attention),
        logs_to_review=to_review,
        sessions_today=sum(
            1 for s in upcoming if s.starts_at.astimezone(g.membership.tz).date() == today
        ),
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
