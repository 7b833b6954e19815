"""What is sent: the outbox worker behind `flask send-outbox`.

It claims one due row at a time (coachhub/claims.py: several workers never send the same row),
talks SMTP, and records the outcome with back-off for temporary failures.
Without MAIL_SERVER messages are logged, and in development listed at
/dev/outbox.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import NamedTuple

from flask import current_app

from coachhub.claims import backoff, claim_next
from coachhub.extensions import db
from coachhub.models import EmailStatus, OutboundEmail, utcnow

log = logging.getLogger(__name__)


class DeliveryRun(NamedTuple):
    sent: int
    failed: int  # attempts that failed (retried later or, when final, marked failed)


def deliver_pending(limit: int = 100) -> DeliveryRun:
    """Deliver up to `limit` due messages, each at most once; returns (sent, failed).

    The worker owns its transactions (the one exception to "services never
    commit"): each claim is committed before SMTP is spoken, each outcome right
    after, so a crash loses at most the outcome of the message in flight.
    """
    sent = failed = 0
    for _ in range(limit):
        message = _claim_next(utcnow())
        if message is None:
            break
        if message.attempts > _config("OUTBOX_MAX_ATTEMPTS"):
            # Reclaimed from a worker that died while sending, and out of attempts.
            _give_up(message, message.last_error or "the sending worker stopped")
            failed += 1
        else:
            try:
                email = build_message(message)
            except (ValueError, TypeError) as exc:
                # A header with a CR/LF (or another malformed value) never gets better.
                _give_up(message, f"{type(exc).__name__}: {exc}"[:2000])
                failed += 1
                db.session.commit()
                continue
            try:
                _deliver(message, email)
            except Exception as exc:  # noqa: BLE001 -- any failure is recorded on the row
                _record_failure(message, exc)
                failed += 1
            else:
                message.status = EmailStatus.SENT
                message.sent_at = utcnow()
                message.claimed_at = None
                message.last_error = None
                sent += 1
        db.session.commit()
    return DeliveryRun(sent, failed)


def _claim_next(now: datetime) -> OutboundEmail | None:
    stale = now - timedelta(seconds=_config("OUTBOX_CLAIM_TIMEOUT_SECONDS"))
    return claim_next(OutboundEmail, EmailStatus.PENDING, EmailStatus.SENDING, now, stale)


def _record_failure(message: OutboundEmail, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_permanent(exc) or message.attempts >= _config("OUTBOX_MAX_ATTEMPTS"):
        _give_up(message, error)
        return
    message.status = EmailStatus.PENDING
    message.claimed_at = None
    message.last_error = error
    message.next_attempt_at = utcnow() + retry_delay(message.attempts)
    log.warning(
        "email %s to %s failed (attempt %s), retrying at %s: %s",
        message.id,
        message.to_email,
        message.attempts,
        message.next_attempt_at.isoformat(),
        error,
    )


def _give_up(message: OutboundEmail, error: str) -> None:
    message.status = EmailStatus.FAILED
    message.claimed_at = None
    message.last_error = error
    log.error("email %s to %s failed for good: %s", message.id, message.to_email, error)


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after `attempts` failed attempts: base, 2×base, 4×base, … capped."""
    return backoff(attempts, _config("OUTBOX_RETRY_SECONDS"), _config("OUTBOX_RETRY_MAX_SECONDS"))


def is_permanent(exc: Exception) -> bool:
    """The server refused this message (5xx for its recipient or content): retrying won't help.

    Connection problems, 4xx answers and login failures (a setting to fix) are retried.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _config(name: str):
    return current_app.config[name]


def build_message(message: OutboundEmail) -> EmailMessage:
    """The MIME message for a row; ValueError when a header holds CR/LF or is malformed."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "coachhub.invalid"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    # Stable per row: if a worker dies after the server accepted the message, the
    # retry carries the same Message-ID, which receiving systems use to drop duplicates.
    email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.calendar_ics:
        add_invitation(email, message.calendar_ics)
    return email


def add_invitation(email: EmailMessage, ics: str) -> None:
    """Attach an iCalendar invitation the way calendar apps look for it.

    Inline as a text/calendar alternative carrying its METHOD (Outlook, Gmail),
    and as an invite.ics attachment (Apple Mail and the rest).
    """
    method = "REQUEST"
    for line in ics.splitlines():
        if line.upper().startswith("METHOD:"):
            method = line.split(":", 1)[1].strip().upper()
            break
    email.add_alternative(ics, subtype="calendar", params={"method": method})
    email.add_attachment(ics.encode(), maintype="application", subtype="ics", filename="invite.ics")


def _deliver(message: OutboundEmail, email: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        log.info(
            "email not sent (MAIL_SERVER unset)",
            extra={"to": message.to_email, "subject": message.subject, "kind": message.kind},
        )
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
