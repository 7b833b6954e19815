"""Data ownership: everything a client owns, as JSON or as CSV files in a zip."""

import io
import zipfile
from datetime import date, datetime
from enum import Enum

from sqlalchemy import Date, Integer, String, Text, cast, literal, null, select, union_all
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.models import (
    ActionItem,
    AgendaItem,
    Checkin,
    CoachingSession,
    Contact,
    Introduction,
    LedgerEntry,
    LogComment,
    MeetingLog,
    Membership,
    NetworkingGoal,
    StageChange,
    Touch,
)
from coachhub.services.messages import message_rows
from coachhub.spreadsheets import csv_text

GOAL_COLUMNS = (
    "id",
    "title",
    "focus",
    "target",
    "find_out",
    "can_offer",
    "target_meetings",
    "due_on",
    "status",
    "created_at",
    "closed_at",
)
CONTACT_COLUMNS = (
    "id",
    "name",
    "company",
    "title",
    "industry",
    "email",
    "profile_url",
    "how_met",
    "introduced_by_contact_id",
    "cadence_days",
    "notes",
    "last_touched_on",
    "archived_at",
    "created_at",
)
LOG_COLUMNS = (
    "id",
    "contact_id",
    "goal_id",
    "met_on",
    "format",
    "ask",
    "offer",
    "learned",
    "they_asked",
    "introductions",
    "approach",
    "reflection",
    "keep_in_touch",
    "keep_in_touch_answer",
    "follow_up_action",
    "follow_up_due_on",
    "follow_up_done_on",
    "is_weak",
    "edited_at",
    "archived_at",
    "created_at",
)
REVIEW_COLUMNS = (
    "id",
    "log_id",
    "intent_clarity",
    "reciprocity",
    "follow_up",
    "comment",
    "created_at",
    "updated_at",
)
CHECKIN_COLUMNS = (
    "id", "due_on", "period_start", "period_end", "status", "contacts_kept", "new_contacts",
    "events_attended", "field_changes", "skills", "concerns", "rating_pulse", "rating_realism",
    "rating_security", "logged_meetings", "logged_contacts_kept", "follow_ups_due",
    "follow_ups_on_time", "pulse", "submitted_at", "coach_comment", "reviewed_at",
)  # fmt: skip
STAGE_COLUMNS = ("id", "stage", "employer", "role_title", "started_on", "note", "changed_at")
COMMENT_COLUMNS = ("id", "log_id", "author", "body", "created_at")
FOLLOW_UP_COLUMNS = ("log_id", "contact_id", "action", "due_on", "done_on")  # fmt: skip
LEDGER_COLUMNS = (
    "id", "contact_id", "direction", "kind", "description", "happened_on", "meeting_log_id",
    "promise_due_on", "promise_done_on",
)  # fmt: skip
INTRODUCTION_COLUMNS = (
    "id", "introducer_contact_id", "target", "target_company", "status", "requested_on",
    "made_on", "met_on", "declined_on", "introduced_contact_id", "note",
)  # fmt: skip
TOUCH_COLUMNS = ("id", "contact_id", "kind", "touched_on", "note", "meeting_log_id", "created_at")
MESSAGE_COLUMNS = ("id", "author", "body", "ref_type", "ref_id", "ref_label", "created_at")
SESSION_COLUMNS = (
    "id", "starts_at", "ends_at", "status", "location", "video_url", "shared_notes",
    "change_reason", "cancelled_at",
)  # fmt: skip
# Only in the practice's export (a coach's or the owner's), never in the client's own.
PRIVATE_SESSION_COLUMNS = (*SESSION_COLUMNS, "private_notes")
ACTION_ITEM_COLUMNS = ("id", "session_id", "goal_id", "title", "due_on", "done_on", "created_at")
AGENDA_COLUMNS = ("id", "session_id", "source", "body")


def _value(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj, columns) -> dict:
    return {name: _value(getattr(obj, name)) for name in columns}


def client_export(client: Membership, *, for_practice: bool = False) -> dict:
    """Profile, goals, contacts, logs (with review and comments) and follow-ups of `client`.

    Sessions come without the coach's private notes unless `for_practice` (the coach's or
    owner's export of a client); the client's own export never has them.
    """
    owned = {"practice_id": client.practice_id, "client_membership_id": client.id}

    def rows(model, *order, options=()):
        query = select(model).filter_by(**owned).order_by(*order).options(*options)
        return list(db.session.scalars(query))

    goals = rows(NetworkingGoal, NetworkingGoal.id)
    contacts = rows(Contact, Contact.id)
    # Each log with its review, in one query.
    logs = rows(
        MeetingLog, MeetingLog.met_on, MeetingLog.id, options=[joinedload(MeetingLog.review)]
    )
    reviews = {log.id: log.review for log in logs if log.review is not None}
    comments: dict[int, list[LogComment]] = {}
    for comment in rows(
        LogComment,
        LogComment.created_at,
        LogComment.id,
        options=[joinedload(LogComment.author).joinedload(Membership.user)],
    ):
        comments.setdefault(comment.log_id, []).append(comment)

    def comment_row(c: LogComment) -> dict:
        row = _row(c, ("id", "log_id", "body", "created_at"))
        row["author"] = c.author.user.name if c.author else None
        return row

    log_rows = []
    for log in logs:
        row = _row(log, LOG_COLUMNS)
        review = reviews.get(log.id)
        row["review"] = _row(review, REVIEW_COLUMNS) if review else None
        row["comments"] = [comment_row(c) for c in comments.get(log.id, [])]
        log_rows.append(row)
    follow_ups = [
        {
            "log_id": log.id,
            "contact_id": log.contact_id,
            "action": log.follow_up_action,
            "due_on": _value(log.follow_up_due_on),
            "done_on": _value(log.follow_up_done_on),
        }
        for log in logs
        if log.follow_up_due_on is not None
    ]
    return {
        "profile": {
            "id": client.id,
            "name": client.user.name,
            "email": client.user.email,
            "practice": client.practice.name,
            "coach": client.coach.user.name if client.coach else None,
            "status": client.status.value,
            "joined": _value(client.created_at),
        },
        "goals": [_row(g, GOAL_COLUMNS) for g in goals],
        "contacts": [_row(c, CONTACT_COLUMNS) for c in contacts],
        "meeting_logs": log_rows,
        "follow_ups": follow_ups,
        "touches": [_row(t, TOUCH_COLUMNS) for t in rows(Touch, Touch.touched_on, Touch.id)],
        "ledger": [
            _row(e, LEDGER_COLUMNS)
            for e in rows(LedgerEntry, LedgerEntry.happened_on, LedgerEntry.id)
        ],
        "introductions": [
            _row(i, INTRODUCTION_COLUMNS)
            for i in rows(Introduction, Introduction.requested_on, Introduction.id)
        ],
        "checkins": [_row(c, CHECKIN_COLUMNS) for c in rows(Checkin, Checkin.due_on, Checkin.id)],
        "stage_changes": [
            _row(s, STAGE_COLUMNS)
            for s in rows(StageChange, StageChange.changed_at, StageChange.id)
        ],
        "messages": message_rows(client),
        **_session_data(client, for_practice),
    }


def _session_data(client: Membership, for_practice: bool) -> dict:
    """Sessions, action items and agenda points of `client`, in one query (UNION ALL).

    The private notes are selected only `for_practice`; otherwise the column is a NULL and
    the notes never leave the database.
    """
    s, a, p = CoachingSession, ActionItem, AgendaItem

    def none(kind):
        return cast(null(), kind)

    text, number = String(), Integer()
    when, day = s.starts_at.type, Date()

    def owned(model):
        return (model.practice_id == client.practice_id, model.client_membership_id == client.id)

    sessions = select(
        literal("session").label("kind"), s.id, s.id.label("session_id"),
        none(number).label("goal_id"), cast(s.status, text).label("status"),
        s.location.label("text"), s.video_url, s.shared_notes, s.change_reason,
        (s.private_notes if for_practice else none(Text())).label("private_notes"),
        s.starts_at, s.ends_at, s.cancelled_at, s.created_at,
        none(day).label("due_on"), none(day).label("done_on"),
    ).where(*owned(s))  # fmt: skip
    actions = select(
        literal("action"), a.id, a.session_id, a.goal_id, none(text), a.title, none(text),
        none(Text()), none(text), none(Text()), none(when), none(when), none(when),
        a.created_at, a.due_on, a.done_on,
    ).where(*owned(a))  # fmt: skip
    agenda = select(
        literal("agenda"), p.id, p.session_id, none(number), p.source, p.body, none(text),
        none(Text()), none(text), none(Text()), none(when), none(when), none(when),
        none(when), none(day), none(day),
    ).where(*owned(p))  # fmt: skip
    union = union_all(sessions, actions, agenda).subquery()
    rows = db.session.execute(
        select(union).order_by(union.c.kind, union.c.starts_at, union.c.due_on, union.c.id)
    ).all()
    out: dict[str, list[dict]] = {"sessions": [], "action_items": [], "agenda_items": []}
    for row in rows:
        if row.kind == "session":
            item = {
                "id": row.id, "starts_at": _value(row.starts_at), "ends_at": _value(row.ends_at),
                "status": row.status, "location": row.text, "video_url": row.video_url,
                "shared_notes": row.shared_notes, "change_reason": row.change_reason,
                "cancelled_at": _value(row.cancelled_at),
            }  # fmt: skip
            if for_practice:
                item["private_notes"] = row.private_notes
            out["sessions"].append(item)
        elif row.kind == "action":
            out["action_items"].append(
                {
                    "id": row.id,
                    "session_id": row.session_id,
                    "goal_id": row.goal_id,
                    "title": row.text,
                    "due_on": _value(row.due_on),
                    "done_on": _value(row.done_on),
                    "created_at": _value(row.created_at),
                }  # fmt: skip
            )
        else:
            out["agenda_items"].append(
                {"id": row.id, "session_id": row.session_id, "source": row.status, "body": row.text}
            )
    return out


def _csv(rows: list[dict], columns) -> str:
    return csv_text(rows, columns)


def client_export_zip(data: dict) -> bytes:
    """The export as CSV files (one per kind of row) in a zip."""
    logs = data["meeting_logs"]
    files = {
        "profile.csv": _csv([data["profile"]], data["profile"].keys()),
        "goals.csv": _csv(data["goals"], GOAL_COLUMNS),
        "contacts.csv": _csv(data["contacts"], CONTACT_COLUMNS),
        "meeting_logs.csv": _csv(logs, LOG_COLUMNS),
        "reviews.csv": _csv([log["review"] for log in logs if log["review"]], REVIEW_COLUMNS),
        "comments.csv": _csv([c for log in logs for c in log["comments"]], COMMENT_COLUMNS),
        "follow_ups.csv": _csv(data["follow_ups"], FOLLOW_UP_COLUMNS),
        "touches.csv": _csv(data["touches"], TOUCH_COLUMNS),
        "ledger.csv": _csv(data["ledger"], LEDGER_COLUMNS),
        "introductions.csv": _csv(data["introductions"], INTRODUCTION_COLUMNS),
        "checkins.csv": _csv(data["checkins"], CHECKIN_COLUMNS),
        "stage_changes.csv": _csv(data["stage_changes"], STAGE_COLUMNS),
        "messages.csv": _csv(data["messages"], MESSAGE_COLUMNS),
        "sessions.csv": _csv(
            data["sessions"],
            PRIVATE_SESSION_COLUMNS
            if any("private_notes" in row for row in data["sessions"])
            else SESSION_COLUMNS,
        ),
        "action_items.csv": _csv(data["action_items"], ACTION_ITEM_COLUMNS),
        "agenda_items.csv": _csv(data["agenda_items"], AGENDA_COLUMNS),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
