"""Outbox: queue email in the caller's transaction; deliver it later.

Queuing writes a row in the same transaction as the action (an invitation and
its email are saved together or not at all). `deliver_pending` sends queued
rows through SMTP when MAIL_SERVER is set and otherwise logs them; in
development they are also listed at /dev/outbox.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import OutboundEmail, Practice, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for emails, also outside a request (CLI, workers)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["APP_BASE_URL"]
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def queue_email(
    kind: str,
    to_email: str,
    template: str,
    *,
    practice: Practice | None = None,
    dedupe_key: str | None = None,
    **context,
) -> OutboundEmail | None:
    """Render `email/<template>.{txt,html}` and add it to the outbox.

    The subject is the text template's first line. Returns None when a message
    with the same `dedupe_key` was queued before.
    """
    if dedupe_key is not None:
        existing = db.session.scalar(
            select(OutboundEmail.id).where(OutboundEmail.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return None
    context.setdefault("practice", practice)
    text = render_template(f"email/{template}.txt", **context)
    subject, _, body = text.partition("\n")
    html = render_template(f"email/{template}.html", subject=subject.strip(), **context)
    message = OutboundEmail(
        practice_id=practice.id if practice else None,
        kind=kind,
        to_email=to_email,
        subject=subject.strip(),
        body_text=body.lstrip("\n"),
        body_html=html,
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    db.session.flush()
    return message


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send queued messages once each; returns (sent, failed). The caller commits."""
    rows = db.session.scalars(
        select(OutboundEmail)
        .where(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboundEmail.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in rows:
        message.attempts += 1
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
            log.warning("email %s to %s failed: %s", message.id, message.to_email, exc)
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    db.session.flush()
    return sent, failed


def _deliver(message: OutboundEmail) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        log.info(
            "email not sent (MAIL_SERVER unset)",
            extra={"to": message.to_email, "subject": message.subject, "kind": message.kind},
        )
        return
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
