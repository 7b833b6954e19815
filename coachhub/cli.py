"""Flask commands: seed-demo, send-outbox, send-reminders, and the `billing` group."""

import logging
import signal
import time
from datetime import datetime

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from coachhub.billing.cli import billing_cli
from coachhub.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo
from coachhub.demo.scale import client_email, coach_email, heavy_client_email, seed_scale
from coachhub.extensions import db
from coachhub.models import Practice, utcnow
from coachhub.notifications import delivery, instant
from coachhub.notifications.due import ReminderRun, send_reminders_for_practice
from coachhub.webhooks import delivery as webhook_delivery

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_outbox)
    app.cli.add_command(billing_cli)
    app.cli.add_command(send_reminders)
    app.cli.add_command(api_token_cli)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has practices.")
@click.option("--logins", "logins_only", is_flag=True, help="Only list the demo logins.")
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    help="Benchmark data: about N times the demo's data in it and beside it (once per N).",
)
def seed_demo(if_empty: bool, logins_only: bool, scale: int | None) -> None:
    """Create the demo practice (slug `demo`) and its logins."""
    if current_app.config["ENV_NAME"] == "production":
        # Known logins with a published password have no place on a real install.
        raise click.ClickException(
            "seed-demo is for development; it refuses production (set COACHHUB_ENV=development)."
        )
    if scale is not None and not logins_only:
        _seed_scale(scale)
    elif not logins_only:
        if if_empty and db.session.scalar(select(func.count()).select_from(Practice)):
            click.echo("Database already has data; demo not seeded.")
        elif db.session.scalar(select(Practice).where(Practice.slug == "demo")):
            click.echo("The demo practice exists already.")
        else:
            build_demo()
            db.session.commit()
            click.echo("Demo practice created at /p/demo/.")
    if db.session.scalar(select(Practice.id).where(Practice.slug == "demo")):
        click.echo(f"Logins (password: {DEMO_PASSWORD}):")
        for email, _, what in DEMO_LOGINS:
            click.echo(f"  {email:<20} {what}")


def _seed_scale(scale: int) -> None:
    started = time.monotonic()
    report = seed_scale(scale)
    db.session.commit()
    if not report.created:
        click.echo(f"Scale {scale} is seeded already; nothing added.")
        return
    made = ", ".join(f"{n:,} {what}" for what, n in report.counts.items())
    click.echo(f"Scale {scale} seeded in {time.monotonic() - started:.0f}s: {made}.")
    click.echo(
        f"Benchmark logins: {coach_email(scale, 1)} (coach), {client_email(scale, 1)} "
        f"and {heavy_client_email(scale)} (clients), beside the demo's."
    )


@click.command("send-outbox")
@click.option("--limit", default=100, show_default=True, help="Messages per pass.")
@click.option("--loop", is_flag=True, help="Keep running as a worker (stop with SIGTERM/Ctrl-C).")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
def send_outbox(limit: int, loop: bool, interval: float) -> None:
    """Deliver due emails (SMTP when MAIL_SERVER is set, otherwise log them), with retries;
    batches instant inbox emails first."""
    if not loop:
        sent, failed = _outbox_pass(limit)
        click.echo(f"sent {sent}, failed {failed}")
        return
    stopping = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"outbox worker: a pass every {interval:g}s; SIGTERM or Ctrl-C stops it")
    try:
        while not stopping:
            try:
                sent, failed = _outbox_pass(limit)
            except Exception:
                # The database may be away for a moment; the next pass tries again.
                db.session.rollback()
                log.exception("outbox pass failed")
                sent = failed = 0
            else:
                if sent or failed:
                    click.echo(f"sent {sent}, failed {failed}")
            # A full batch means more is waiting: go again at once.
            if sent + failed < limit and not stopping:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("outbox worker stopped")


def _outbox_pass(limit: int) -> delivery.DeliveryRun:
    """One pass of the worker: inbox events whose batch window is over become emails,
    then everything due is delivered (webhooks and emails; the counts add both)."""
    instant.queue_instant_emails()
    # Webhooks first: an endpoint switched off queues its email for this same pass.
    hooks = webhook_delivery.deliver_pending(limit)
    emails = delivery.deliver_pending(limit)
    return delivery.DeliveryRun(emails.sent + hooks.delivered, emails.failed + hooks.failed)


@click.command("send-reminders")
@click.option(
    "--now",
    "now_text",
    help="Pretend it is this moment (ISO 8601 with offset, e.g. 2026-11-26T08:00+13:00).",
)
def send_reminders(now_text: str | None) -> None:
    """Queue the reminders and digests due now, in each practice's timezone. Safe to repeat."""
    now = utcnow()
    if now_text:
        now = datetime.fromisoformat(now_text)
        if now.tzinfo is None:
            raise click.BadParameter(
                "give a UTC offset, e.g. 2026-11-26T08:00+13:00", param_hint="--now"
            )
    total = ReminderRun()
    errors = 0
    for practice in db.session.scalars(select(Practice).order_by(Practice.id)).all():
        try:
            # Several job processes share the work: a practice another one is busy with
            # (its row locked) is left to it. SQLite has one writer and ignores the lock.
            claimed = db.session.scalar(
                select(Practice.id)
                .where(Practice.id == practice.id)
                .with_for_update(skip_locked=True)
            )
            if claimed is None:
                db.session.rollback()
                continue
            total.add(send_reminders_for_practice(practice, now))
            db.session.commit()
        except Exception:
            # One practice's failure must not hold back the others' reminders.
            db.session.rollback()
            log.exception("reminders for practice %s failed", practice.slug)
            errors += 1
    click.echo(
        f"queued {total.queued}, already queued {total.already_queued}, "
        f"nothing due {total.nothing_due}, opted out {total.opted_out}, "
        f"not their day {total.not_their_day}, read-only practices {total.read_only_practices}, "
        f"failed practices {errors}"
    )
    if errors:
        raise SystemExit(1)


@click.group("api-token")
def api_token_cli() -> None:
    """Personal access tokens for /api/v1/ (for operators and tests)."""


@api_token_cli.command("create")
@click.argument("email")
@click.option("--practice", "slug", required=True, help="The practice's slug.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--name", default="Command line", show_default=True)
@click.option("--days", default=90, show_default=True, help="Days until it expires.")
def create_api_token(email: str, slug: str, scope: str, name: str, days: int) -> None:
    """Make a token for EMAIL's membership in the practice; prints the secret once."""
    from coachhub.models import Membership, MemberStatus, User
    from coachhub.services import ServiceError, api_tokens

    row = db.session.execute(
        select(Membership, Practice)
        .join(Practice, Practice.id == Membership.practice_id)
        .join(User, User.id == Membership.user_id)
        .where(
            func.lower(User.email) == email.strip().lower(),
            Practice.slug == slug,
            Membership.status == MemberStatus.ACTIVE,
        )
    ).first()
    if row is None:
        raise click.ClickException(f"{email} is not an active member of {slug!r}.")
    member, practice = row
    try:
        _token, secret = api_tokens.create_token(practice, member, name, scope, days)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(secret)
