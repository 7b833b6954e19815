"""Each client's career status and the at-risk rules, as SQL.

The rules live in `status_query` so the dashboards can filter and count them
in one query; `flags` turns a row into the messages shown. A client is at
risk when their last pulse is under LOW_PULSE, it dropped by PULSE_DROP or
more, a check-in is more than OVERDUE_GRACE_DAYS late, a placed client has
had no networking activity for KEPT_UP_DAYS, or the coach flagged them.
"""

from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from coachhub.extensions import db
from coachhub.models import (
    CareerStage,
    Checkin,
    CheckinStatus,
    ClientCareer,
    Contact,
    MeetingLog,
    Membership,
    MemberStatus,
    Practice,
    Role,
    User,
)

LOW_PULSE = 50
PULSE_DROP = 15
OVERDUE_GRACE_DAYS = 14
KEPT_UP_DAYS = 60


def _flag(condition):
    return case((condition, 1), else_=0)


def status_query(
    practice: Practice, viewer: Membership, today: date, client_ids: list[int] | None = None
) -> Select:
    """One row per active client the viewer may see: stage, due date, pulses, at-risk rules.

    With `client_ids`, only those clients: their check-ins, logs and contacts alone are read.
    """

    def of_page(column):
        return true() if client_ids is None else column.in_(client_ids)

    visible_done = and_(
        Checkin.practice_id == practice.id,
        Checkin.visible_to(viewer),
        Checkin.status.in_([CheckinStatus.SUBMITTED, CheckinStatus.REVIEWED]),
        of_page(Checkin.client_membership_id),
    )
    ranked = (
        select(
            Checkin.client_membership_id.label("client_id"),
            Checkin.pulse.label("pulse"),
            Checkin.status.label("status"),
            func.row_number()
            .over(
                partition_by=Checkin.client_membership_id,
                order_by=(Checkin.due_on.desc(), Checkin.id.desc()),
            )
            .label("rn"),
        )
        .where(visible_done)
        .subquery()
    )
    pulses = (
        select(
            ranked.c.client_id,
            func.max(ranked.c.pulse).filter(ranked.c.rn == 1).label("last_pulse"),
            func.max(ranked.c.pulse).filter(ranked.c.rn == 2).label("previous_pulse"),
            func.count().filter(ranked.c.status == CheckinStatus.SUBMITTED).label("to_review"),
        )
        .group_by(ranked.c.client_id)
        .subquery()
    )
    met = (
        select(
            MeetingLog.client_membership_id.label("client_id"),
            func.max(MeetingLog.met_on).label("last_met"),
        )
        .where(
            MeetingLog.practice_id == practice.id,
            MeetingLog.visible_to(viewer),
            MeetingLog.archived_at.is_(None),
            MeetingLog.met_on <= today,
            of_page(MeetingLog.client_membership_id),
        )
        .group_by(MeetingLog.client_membership_id)
        .subquery()
    )
    touched = (
        select(
            Contact.client_membership_id.label("client_id"),
            func.max(Contact.manual_touch_on).label("last_touch"),
        )
        .where(
            Contact.practice_id == practice.id,
            Contact.visible_to(viewer),
            Contact.manual_touch_on <= today,
            of_page(Contact.client_membership_id),
        )
        .group_by(Contact.client_membership_id)
        .subquery()
    )
    # The later of the two; with no touch, `last_touch > last_met` is unknown: the meeting.
    last_activity = case(
        (met.c.last_met.is_(None), touched.c.last_touch),
        (touched.c.last_touch > met.c.last_met, touched.c.last_touch),
        else_=met.c.last_met,
    )
    stage = func.coalesce(ClientCareer.stage, literal(CareerStage.SEARCHING.value))
    rules = {
        "low_pulse": _flag(pulses.c.last_pulse < LOW_PULSE),
        "pulse_drop": _flag(pulses.c.last_pulse <= pulses.c.previous_pulse - PULSE_DROP),
        "long_overdue": _flag(
            ClientCareer.next_due_on < today - timedelta(days=OVERDUE_GRACE_DAYS)
        ),
        "not_kept_up": _flag(
            and_(
                ClientCareer.stage == CareerStage.PLACED,
                or_(
                    last_activity.is_(None),
                    last_activity <= today - timedelta(days=KEPT_UP_DAYS),
                ),
            )
        ),
        "flagged": _flag(ClientCareer.flagged_at.is_not(None)),
    }
    at_risk = case((or_(*(rule == 1 for rule in rules.values())), 1), else_=0)
    coach = aliased(Membership)
    coach_user = aliased(User)
    return (
        select(
            Membership.id.label("id"),
            User.name.label("name"),
            coach.id.label("coach_id"),
            coach_user.name.label("coach"),
            stage.label("stage"),
            ClientCareer.employer.label("employer"),
            ClientCareer.role_title.label("role_title"),
            ClientCareer.cadence.label("cadence"),
            ClientCareer.next_due_on.label("next_due_on"),
            ClientCareer.flag_reason.label("flag_reason"),
            pulses.c.last_pulse,
            pulses.c.previous_pulse,
            func.coalesce(pulses.c.to_review, 0).label("to_review"),
            last_activity.label("last_activity"),
            _flag(ClientCareer.next_due_on < today).label("checkin_overdue"),
            *(expr.label(name) for name, expr in rules.items()),
            at_risk.label("at_risk"),
        )
        .join(User, Membership.user_id == User.id)
        .outerjoin(coach, Membership.coach_membership_id == coach.id)
        .outerjoin(coach_user, coach.user_id == coach_user.id)
        .outerjoin(ClientCareer, ClientCareer.client_membership_id == Membership.id)
        .outerjoin(pulses, pulses.c.client_id == Membership.id)
        .outerjoin(met, met.c.client_id == Membership.id)
        .outerjoin(touched, touched.c.client_id == Membership.id)
        .where(
            Membership.practice_id == practice.id,
            Membership.visible_to(viewer),
            Membership.role == Role.CLIENT,
            Membership.status == MemberStatus.ACTIVE,
            of_page(Membership.id),
        )
    )


def status_rows(practice: Practice, viewer: Membership, today: date, client_ids) -> dict:
    """The status rows of these clients, by client id (one query)."""
    ids = list(client_ids)
    if not ids:
        return {}
    query = status_query(practice, viewer, today, ids)
    return {row.id: row for row in db.session.execute(query)}


def _due_first(rows) -> tuple:
    """The earliest check-in due first, a client with none last (on SQLite and PostgreSQL alike)."""
    return rows.c.next_due_on.is_(None), rows.c.next_due_on


def attention_query(practice: Practice, viewer: Membership, today: date) -> Select:
    """Clients at risk, with an overdue check-in, or a check-in to review: worst first."""
    rows = status_query(practice, viewer, today).subquery()
    return (
        select(rows)
        .where((rows.c.at_risk == 1) | (rows.c.checkin_overdue == 1) | (rows.c.to_review > 0))
        .order_by(rows.c.at_risk.desc(), *_due_first(rows), rows.c.name, rows.c.id)
    )


FLAG_MESSAGES = {
    "low_pulse": f"pulse under {LOW_PULSE}",
    "pulse_drop": f"pulse dropped {PULSE_DROP}+ points since the previous check-in",
    "long_overdue": f"check-in overdue by more than {OVERDUE_GRACE_DAYS} days",
    "not_kept_up": f"placed, no networking activity in {KEPT_UP_DAYS} days (hasn't kept up)",
}


def flags(row) -> list[str]:
    """Which at-risk rules fired for a status row, in words (the manual flag with its reason)."""
    fired = [message for key, message in FLAG_MESSAGES.items() if getattr(row, key)]
    if row.flagged:
        fired.append(f"flagged by the coach: {row.flag_reason}")
    return fired


def trend_arrow(row) -> str:
    """↑, ↓ or → comparing the last pulse with the one before ('' with fewer than two)."""
    if row is None or row.last_pulse is None or row.previous_pulse is None:
        return ""
    if row.last_pulse > row.previous_pulse:
        return "↑"
    if row.last_pulse < row.previous_pulse:
        return "↓"
    return "→"


def practice_overview(practice: Practice, viewer: Membership, today: date) -> list:
    """Per coach: clients, placed, searching, at risk and overdue check-ins (one query)."""
    rows = status_query(practice, viewer, today).subquery()
    return db.session.execute(
        select(
            rows.c.coach_id,
            rows.c.coach,
            func.count().label("clients"),
            func.sum(case((rows.c.stage == CareerStage.PLACED.value, 1), else_=0)).label("placed"),
            func.sum(case((rows.c.stage == CareerStage.SEARCHING.value, 1), else_=0)).label(
                "searching"
            ),
            func.sum(rows.c.at_risk).label("at_risk"),
            func.sum(rows.c.checkin_overdue).label("overdue"),
        )
        .group_by(rows.c.coach_id, rows.c.coach)
        .order_by(rows.c.coach, rows.c.coach_id)
    ).all()


def overdue_query(practice: Practice, viewer: Membership, today: date) -> Select:
    rows = status_query(practice, viewer, today).subquery()
    return (
        select(rows)
        .where(rows.c.checkin_overdue == 1)
        .order_by(*_due_first(rows), rows.c.name, rows.c.id)
    )
