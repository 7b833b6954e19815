"""Data ownership: everything a client owns, as JSON or as CSV files in a zip.

Downloads are written to a file a batch of rows at a time (`write_client_json`,
`write_client_zip`): a client with tens of thousands of logs costs no more memory than one
with a few.
"""

import io
import json
import shutil
import tempfile
import zipfile
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlalchemy import Date, Integer, String, Text, and_, cast, literal, null, select, union_all
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
    Practice,
    Review,
    Role,
    StageChange,
    Touch,
)
from coachhub.services.messages import message_rows
from coachhub.spreadsheets import SafeCsvWriter, csv_text

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


# Meeting logs are read in batches of this many rows: an export's memory does not grow
# with the number of logs.
LOG_BATCH = 500
# The order of the JSON document's keys.
SECTIONS = (
    "profile", "goals", "contacts", "meeting_logs", "follow_ups", "touches", "ledger",
    "introductions", "checkins", "stage_changes", "messages", "sessions", "action_items",
    "agenda_items",
)  # fmt: skip


def client_export(client: Membership, *, for_practice: bool = False) -> dict:
    """Profile, goals, contacts, logs (with review and comments) and follow-ups of `client`.

    Sessions come without the coach's private notes unless `for_practice` (the coach's or
    owner's export of a client); the client's own export never has them. The whole export in
    memory: downloads use `write_client_json` and `write_client_zip`, which stream the logs.
    """
    data = _other_sections(client, for_practice)
    comments = _comments_by_log(client)
    data["meeting_logs"] = []
    data["follow_ups"] = []
    for row, follow_up in _log_rows(client, comments):
        data["meeting_logs"].append(row)
        if follow_up:
            data["follow_ups"].append(follow_up)
    return {key: data[key] for key in SECTIONS}


def write_client_json(client: Membership, out: TextIO, *, for_practice: bool = False) -> None:
    """`client_export` as a JSON document written to `out`, the logs a row at a time."""
    data = _other_sections(client, for_practice)
    comments = _comments_by_log(client)
    # The follow-ups come from the same pass over the logs; they wait in a file, not in memory.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as follow_ups:
        out.write("{")
        for n, key in enumerate(SECTIONS):
            out.write(("," if n else "") + f"\n{json.dumps(key)}: ")
            if key == "meeting_logs":
                out.write("[")
                waiting = 0
                for k, (row, follow_up) in enumerate(_log_rows(client, comments)):
                    out.write(("," if k else "") + "\n" + _json(row))
                    if follow_up:
                        follow_ups.write(("," if waiting else "") + "\n" + _json(follow_up))
                        waiting += 1
                out.write("\n]")
            elif key == "follow_ups":
                follow_ups.seek(0)
                out.write("[")
                shutil.copyfileobj(follow_ups, out)
                out.write("\n]")
            else:
                out.write(json.dumps(data[key], indent=2, ensure_ascii=False))
        out.write("\n}\n")


def _json(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False)


def _other_sections(client: Membership, for_practice: bool) -> dict:
    """Every section but the logs and follow-ups (a client has few of these rows)."""
    owned = {"practice_id": client.practice_id, "client_membership_id": client.id}

    def rows(model, *order):
        query = select(model).filter_by(**owned).order_by(*order)
        return list(db.session.scalars(query))

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
        "goals": [_row(g, GOAL_COLUMNS) for g in rows(NetworkingGoal, NetworkingGoal.id)],
        "contacts": [_row(c, CONTACT_COLUMNS) for c in rows(Contact, Contact.id)],
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


def _comments_by_log(client: Membership) -> dict[int, list[dict]]:
    """The client's log comments by log, oldest first (one query)."""
    comments: dict[int, list[dict]] = {}
    query = (
        select(LogComment)
        .where(
            LogComment.practice_id == client.practice_id,
            LogComment.client_membership_id == client.id,
        )
        .options(joinedload(LogComment.author).joinedload(Membership.user))
        .order_by(LogComment.created_at, LogComment.id)
    )
    for c in db.session.scalars(query):
        row = _row(c, ("id", "log_id", "body", "created_at"))
        row["author"] = c.author.user.name if c.author else None
        comments.setdefault(c.log_id, []).append(row)
    return comments


def _log_rows(client: Membership, comments: dict[int, list[dict]]):
    """(log row with its review and comments, its follow-up or None), in batches (one query)."""
    log, review = MeetingLog, Review
    log_columns = [getattr(log, name) for name in LOG_COLUMNS]
    review_columns = [getattr(review, name).label(f"review_{name}") for name in REVIEW_COLUMNS]
    query = (
        select(*log_columns, log.contact_id, *review_columns)
        .outerjoin(review, and_(review.log_id == log.id, review.practice_id == client.practice_id))
        .where(log.practice_id == client.practice_id, log.client_membership_id == client.id)
        .order_by(log.met_on, log.id)
        .execution_options(yield_per=LOG_BATCH)
    )
    for values in db.session.execute(query):
        data = values._mapping
        row = {name: _value(data[name]) for name in LOG_COLUMNS}
        has_review = data["review_id"] is not None
        row["review"] = (
            {name: _value(data[f"review_{name}"]) for name in REVIEW_COLUMNS}
            if has_review
            else None
        )
        row["comments"] = comments.get(row["id"], [])
        follow_up = None
        if data["follow_up_due_on"] is not None:
            follow_up = {
                "log_id": row["id"],
                "contact_id": data["contact_id"],
                "action": data["follow_up_action"],
                "due_on": row["follow_up_due_on"],
                "done_on": row["follow_up_done_on"],
            }
        yield row, follow_up


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


def _small_files(data: dict) -> dict[str, str]:
    """The CSV files of the sections other than the logs, by file name."""
    return {
        "profile.csv": _csv([data["profile"]], data["profile"].keys()),
        "goals.csv": _csv(data["goals"], GOAL_COLUMNS),
        "contacts.csv": _csv(data["contacts"], CONTACT_COLUMNS),
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


# The files the logs make, with their columns, written in one pass over the logs.
LOG_FILES = {
    "meeting_logs.csv": LOG_COLUMNS,
    "reviews.csv": REVIEW_COLUMNS,
    "comments.csv": COMMENT_COLUMNS,
    "follow_ups.csv": FOLLOW_UP_COLUMNS,
}


def client_export_zip(data: dict) -> bytes:
    """An export built by `client_export` as CSV files (one per kind of row) in a zip."""
    logs = data["meeting_logs"]
    files = _small_files(data)
    files["meeting_logs.csv"] = _csv(logs, LOG_COLUMNS)
    files["reviews.csv"] = _csv([log["review"] for log in logs if log["review"]], REVIEW_COLUMNS)
    files["comments.csv"] = _csv([c for log in logs for c in log["comments"]], COMMENT_COLUMNS)
    files["follow_ups.csv"] = _csv(data["follow_ups"], FOLLOW_UP_COLUMNS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def write_client_zip(client: Membership, out: BinaryIO, *, for_practice: bool = False) -> None:
    """The export as CSV files in a zip written to `out`; the logs' files a row at a time."""
    data = _other_sections(client, for_practice)
    comments = _comments_by_log(client)
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: Path(folder) / name for name in LOG_FILES}
        handles = {
            name: path.open("w", newline="", encoding="utf-8") for name, path in paths.items()
        }
        try:
            writers = {name: SafeCsvWriter(handles[name], cols) for name, cols in LOG_FILES.items()}
            for row, follow_up in _log_rows(client, comments):
                writers["meeting_logs.csv"].writerow(row)
                if row["review"]:
                    writers["reviews.csv"].writerow(row["review"])
                for comment in row["comments"]:
                    writers["comments.csv"].writerow(comment)
                if follow_up:
                    writers["follow_ups.csv"].writerow(follow_up)
        finally:
            for handle in handles.values():
                handle.close()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in _small_files(data).items():
                archive.writestr(name, text)
            for name, path in paths.items():
                archive.write(path, name)


def write_practice_zip(practice: Practice, out: BinaryIO) -> None:
    """Everything a practice holds, for a practice leaving us: `practice.json` (the practice
    and its members) and one JSON document per client (`clients/<id>.json`, as the coach's
    export of that client), each written into the zip a batch of rows at a time."""
    members = db.session.scalars(
        select(Membership)
        .where(Membership.practice_id == practice.id)
        .options(
            joinedload(Membership.user),
            joinedload(Membership.coach).joinedload(Membership.user),
        )
        .order_by(Membership.id)
    ).all()
    summary = {
        "practice": {
            "id": practice.id,
            "name": practice.name,
            "slug": practice.slug,
            "timezone": practice.timezone,
            "created_at": _value(practice.created_at),
        },
        "members": [
            {
                "id": m.id,
                "name": m.user.name,
                "email": m.user.email,
                "role": m.role.value,
                "status": m.status.value,
                "coach_id": m.coach_membership_id,
                "joined": _value(m.created_at),
            }
            for m in members
        ],
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("practice.json", json.dumps(summary, indent=2, ensure_ascii=False))
        for member in members:
            if member.role != Role.CLIENT:
                continue
            with archive.open(f"clients/{member.id}.json", "w", force_zip64=True) as entry:
                text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
                write_client_json(member, text, for_practice=True)
                text.flush()
                text.detach()
