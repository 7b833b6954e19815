"""What is queued: an email becomes an outbox row in the same transaction as the action.

An invitation and its email are saved together or not at all. A `dedupe_key`
makes a repeated action (or a second reminder run) queue nothing new. Optional
emails go through `queue_optional_email`, which honours the member's preference
and adds the signed unsubscribe link (in the body, and as RFC 8058 headers).
`delivery.py` sends what is queued.
"""

from flask import render_template
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from coachhub.extensions import db
from coachhub.models import EmailStatus, Membership, OutboundEmail, Practice, utcnow
from coachhub.notifications.kinds import NotificationKind
from coachhub.notifications.preferences import Preference, unsubscribe_token, wants
from coachhub.services.branding import email_brand
from coachhub.urls import external_url


def render_email(template: str, **context) -> tuple[str, str, str]:
    """Subject (the text template's first line), text body and HTML body of an email."""
    context.setdefault("practice", None)
    # The practice's logo and accent colour head the HTML email.
    context.setdefault("brand", email_brand(context["practice"]))
    text = render_template(f"email/{template}.txt", **context)
    subject, _, body = text.partition("\n")
    subject = " ".join(subject.split())  # no CR, tab or run of spaces from a member's name
    html = render_template(f"email/{template}.html", subject=subject, **context)
    return subject, body, html


def email_row(
    kind: str,
    to_email: str,
    template: str,
    *,
    practice: Practice | None = None,
    dedupe_key: str | None = None,
    headers: dict[str, str] | None = None,
    calendar_ics: str | None = None,
    **context,
) -> dict:
    """The outbox row of an email, rendered from `email/<template>.{txt,html}`; nothing saved."""
    context.setdefault("practice", practice)
    subject, body, html = render_email(template, **context)
    return {
        "practice_id": practice.id if practice else None,
        "kind": kind,
        "to_email": to_email,
        "subject": subject.strip(),
        "body_text": body.lstrip("\n"),
        "body_html": html,
        "headers": headers or None,
        "calendar_ics": calendar_ics,
        "dedupe_key": dedupe_key,
        "status": EmailStatus.PENDING,
        "next_attempt_at": utcnow(),
    }


def queue_email(
    kind: str,
    to_email: str,
    template: str,
    *,
    practice: Practice | None = None,
    dedupe_key: str | None = None,
    headers: dict[str, str] | None = None,
    calendar_ics: str | None = None,
    **context,
) -> OutboundEmail | None:
    """Render `email/<template>.{txt,html}` and add it to the outbox.

    `calendar_ics` is an iCalendar invitation that delivery attaches.

    The subject is the text template's first line. Returns None when a message
    with the same `dedupe_key` was queued before (also by a concurrent run).
    """
    if dedupe_key is not None and _exists(dedupe_key):
        return None
    message = OutboundEmail(
        **email_row(
            kind,
            to_email,
            template,
            practice=practice,
            dedupe_key=dedupe_key,
            headers=headers,
            calendar_ics=calendar_ics,
            **context,
        )
    )
    try:
        # A savepoint: losing a dedupe race to another process must not spoil the caller.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    return message


# Rows per INSERT when emails are queued in bulk.
QUEUE_BATCH = 200


def queue_emails(rows: list[dict]) -> set[str]:
    """Add rendered rows (from `email_row`, each with a dedupe key) to the outbox, a batch
    per statement; a row whose key is queued already, even by a concurrent run, is skipped
    (INSERT ... ON CONFLICT DO NOTHING). Returns the dedupe keys this call queued."""
    table = OutboundEmail.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    queued: set[str] = set()
    for start in range(0, len(rows), QUEUE_BATCH):
        statement = (
            insert(table)
            .values(rows[start : start + QUEUE_BATCH])
            .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
            .returning(table.c.dedupe_key)
        )
        queued.update(db.session.execute(statement).scalars())
    return queued


def _exists(dedupe_key: str) -> bool:
    query = select(OutboundEmail.id).where(OutboundEmail.dedupe_key == dedupe_key)
    return db.session.scalar(query) is not None


def _optional_email(
    kind: NotificationKind, membership: Membership, dedupe_key: str, context: dict
) -> dict:
    """`queue_email`'s arguments for an optional email: unsubscribe link and headers."""
    token = unsubscribe_token(membership, kind)
    unsubscribe_url = external_url("notifications.unsubscribe", token=token)
    one_click_url = external_url("notifications.one_click_unsubscribe", token=token)
    return {
        "kind": kind.key,
        "to_email": membership.user.email,
        "template": kind.template,
        "practice": membership.practice,
        "dedupe_key": dedupe_key,
        "headers": {
            "List-Unsubscribe": f"<{one_click_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
        "membership": membership,
        "notification_kind": kind,
        "unsubscribe_url": unsubscribe_url,
        **context,
    }


def queue_optional_email(
    kind: NotificationKind,
    membership: Membership,
    *,
    dedupe_key: str,
    preference: Preference | None = None,
    **context,
) -> OutboundEmail | None:
    """Queue `kind` for `membership` unless they opted out; with unsubscribe link and headers.

    `preference` saves the lookup when the caller loaded it already. The templates
    get `membership`, `notification_kind` and `unsubscribe_url`.
    """
    enabled = preference.enabled if preference is not None else wants(membership, kind)
    if not enabled:
        return None
    return queue_email(**_optional_email(kind, membership, dedupe_key, context))


def optional_email_row(
    kind: NotificationKind,
    membership: Membership,
    *,
    dedupe_key: str,
    preference: Preference,
    **context,
) -> dict | None:
    """`queue_optional_email`'s row, rendered but not saved (for `queue_emails`); None when
    the member opted out."""
    if not preference.enabled:
        return None
    return email_row(**_optional_email(kind, membership, dedupe_key, context))
