"""The owner's audit log: who did what and when, filtered by member and action, paged,
and as CSV."""

from datetime import UTC

from flask import Response, g, render_template, request

from coachhub.coach import bp
from coachhub.extensions import db
from coachhub.inputs import bounded_id
from coachhub.pagination import paginate_rows
from coachhub.services import audit
from coachhub.spreadsheets import csv_text
from coachhub.tenancy import owner_required

CSV_COLUMNS = ["time_utc", "member", "email", "action", "object", "object_id", "details"]
# The CSV holds at most this many events (the newest); filter for older ones.
CSV_LIMIT = 50_000


def _filters() -> dict:
    action = request.args.get("action", "")
    return {
        "actor_user_id": bounded_id(request.args.get("member")),
        "action": action if action in audit.log_actions(g.practice) else None,
    }


def _query_args(filters: dict) -> dict:
    """The filters as the page's query string (pagination and the CSV link keep them)."""
    args = {"member": filters["actor_user_id"], "action": filters["action"]}
    return {name: value for name, value in args.items() if value}


@bp.get("/audit")
@owner_required
def audit_log():
    filters = _filters()
    page = paginate_rows(audit.log_query(g.practice, **filters), per_page=50)
    return render_template(
        "coach/audit/audit_log.html",
        page=page,
        actions=audit.log_actions(g.practice),
        actors=audit.log_actors(g.practice),
        filters=filters,
        args={
            k: v
            for k, v in {"member": filters["actor_user_id"], "action": filters["action"]}.items()
            if v
        },
    )


@bp.get("/audit.csv")
@owner_required
def audit_log_csv():
    filters = _filters()
    rows = db.session.execute(audit.log_query(g.practice, **filters).limit(CSV_LIMIT))
    body = csv_text(
        (
            {
                "time_utc": event.created_at.astimezone(UTC).isoformat(timespec="seconds"),
                "member": name or "",
                "email": email or "",
                "action": event.action,
                "object": event.object_type or "",
                "object_id": event.object_id or "",
                "details": "; ".join(f"{k}={v}" for k, v in sorted((event.details or {}).items())),
            }
            for event, name, email in rows
        ),
        CSV_COLUMNS,
    )
    audit.record(
        g.practice,
        g.membership.user,
        "audit_log.exported",
        g.practice,
        member=filters["actor_user_id"],
        only=filters["action"],
    )
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{g.practice.slug}-audit-log.csv"'},
    )
