"""Flask commands: seed-demo, send-outbox, send-reminders, and the `billing` group."""

import logging
import signal
import time
from datetime import datetime, timedelta

import click
from flask import Flask
from sqlalchemy import func, select

from coachhub.billing.cli import billing_cli
from coachhub.extensions import db
from coachhub.models import Membership, Practice, Role, User, utcnow
from coachhub.security import hash_password
from coachhub.services import email as email_service
from coachhub.services.reminders import ReminderRun, send_reminders_for_practice

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-password"  # noqa: S105 -- documented dev-only demo login
DEMO_LOGINS = [
    ("owner@demo.test", "Olivia Owner", "owner of the practice, also coaches"),
    ("coach@demo.test", "Carlos Coach", "coach"),
    ("coach2@demo.test", "Cleo Coach", "coach"),
    ("client@demo.test", "Kim Client", "client of coach@demo.test"),
    ("client2@demo.test", "Kai Client", "client of coach2@demo.test"),
    ("client3@demo.test", "Priya Patel", "client of coach@demo.test (gone quiet)"),
    ("client4@demo.test", "Tom Nguyen", "client of owner@demo.test (well advanced)"),
]


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_outbox)
    app.cli.add_command(billing_cli)
    app.cli.add_command(send_reminders)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has practices.")
def seed_demo(if_empty: bool) -> None:
    """Create the demo practice (slug `demo`) and its logins."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Practice)):
        click.echo("Database already has data; demo not seeded.")
        return
    if db.session.scalar(select(Practice).where(Practice.slug == "demo")):
        click.echo("The demo practice exists already.")
        return
    build_demo()
    db.session.commit()
    click.echo("Demo practice created at /p/demo/. Logins (password: demo-password):")
    for email, _, what in DEMO_LOGINS:
        click.echo(f"  {email:<20} {what}")


def build_demo() -> Practice:
    """The demo practice; flushes, the caller commits."""
    practice = Practice(
        name="Demo Coaching",
        slug="demo",
        timezone="Pacific/Auckland",
        trial_ends_at=utcnow() + timedelta(days=14),
    )
    db.session.add(practice)
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for email, name, _ in DEMO_LOGINS:
        users[email] = User(email=email, name=name, password_hash=password_hash)
        db.session.add(users[email])
    db.session.flush()

    def member(email: str, role: Role, coach: Membership | None = None) -> Membership:
        m = Membership(
            practice_id=practice.id,
            user_id=users[email].id,
            role=role,
            coach_membership_id=coach.id if coach else None,
        )
        db.session.add(m)
        db.session.flush()
        return m

    owner = member("owner@demo.test", Role.OWNER)
    coach = member("coach@demo.test", Role.COACH)
    coach2 = member("coach2@demo.test", Role.COACH)
    kim = member("client@demo.test", Role.CLIENT, coach)
    kai = member("client2@demo.test", Role.CLIENT, coach2)
    priya = member("client3@demo.test", Role.CLIENT, coach)
    tom = member("client4@demo.test", Role.CLIENT, owner)
    from coachhub.demo import seed_networking

    # Several clients at different stages: busy, just starting, gone quiet, well advanced.
    seed_networking(practice, kim, coach, weeks=12, meetings=16, seed=1)
    seed_networking(practice, kai, coach2, weeks=2, meetings=2, seed=2)
    seed_networking(practice, priya, coach, weeks=14, meetings=5, seed=3, quiet_days=45)
    seed_networking(practice, tom, owner, weeks=16, meetings=22, seed=4)
    from coachhub.demo_checkins import seed_checkins

    # Career check-ins: Tom is placed and keeping up; Priya is placed and slipping.
    seed_checkins(
        practice,
        tom,
        owner,
        employer="Xero",
        role_title="Senior Product Designer",
        ratings=[(4, 4, 4), (4, 4, 5), (5, 4, 4), (4, 5, 4)],
    )
    seed_checkins(
        practice,
        priya,
        coach,
        employer="Spark",
        role_title="UX Researcher",
        ratings=[(4, 4, 4), (3, 3, 3), (2, 2, 2)],
        late_days=20,
    )
    return practice


@click.command("send-outbox")
@click.option("--limit", default=100, show_default=True, help="Messages per pass.")
@click.option("--loop", is_flag=True, help="Keep running as a worker (stop with SIGTERM/Ctrl-C).")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
def send_outbox(limit: int, loop: bool, interval: float) -> None:
    """Deliver due emails (SMTP when MAIL_SERVER is set, otherwise log them), with retries."""
    if not loop:
        sent, failed = email_service.deliver_pending(limit)
        click.echo(f"sent {sent}, failed {failed}")
        return
    stopping = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"outbox worker: a pass every {interval:g}s; SIGTERM or Ctrl-C stops it")
    try:
        while not stopping:
            try:
                sent, failed = email_service.deliver_pending(limit)
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
