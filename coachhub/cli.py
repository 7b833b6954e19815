"""Flask commands: `flask seed-demo`, `flask send-outbox`."""

from datetime import timedelta

import click
from flask import Flask
from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import Membership, Practice, Role, User, utcnow
from coachhub.security import hash_password
from coachhub.services import email as email_service

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
    return practice


@click.command("send-outbox")
@click.option("--limit", default=100, show_default=True)
def send_outbox(limit: int) -> None:
    """Deliver queued emails (SMTP when MAIL_SERVER is set, otherwise log them)."""
    sent, failed = email_service.deliver_pending(limit)
    db.session.commit()
    click.echo(f"sent {sent}, failed {failed}")
