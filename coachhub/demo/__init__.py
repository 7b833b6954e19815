"""The demo practice (slug `demo`) that `make run` seeds: logins for every role and several
clients at different stages, written through the services as a real user would."""

from datetime import timedelta

from coachhub.demo.checkins import seed_checkins
from coachhub.demo.inbox import seed_inbox
from coachhub.demo.networking import (
    seed_introductions,
    seed_job_ask,
    seed_networking,
    seed_one_sided_contact,
)
from coachhub.demo.sessions import seed_availability, seed_sessions
from coachhub.extensions import db
from coachhub.models import Membership, Practice, Role, User, utcnow
from coachhub.security import hash_password
from coachhub.services import inbox

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
    with inbox.muted():  # months of history are not news; seed_inbox adds what is
        _seed_history(practice, owner, coach, coach2, kim, kai, priya, tom)
    seed_inbox(practice, kim, coach)
    return practice


def _seed_history(practice, owner, coach, coach2, kim, kai, priya, tom) -> None:
    # Several clients at different stages: busy, just starting, gone quiet, well advanced.
    seed_networking(practice, kim, coach, weeks=12, meetings=16, seed=1)
    seed_introductions(practice, kim, seed_one_sided_contact(practice, kim))
    seed_networking(practice, kai, coach2, weeks=2, meetings=2, seed=2)
    seed_job_ask(practice, kai)
    seed_networking(practice, priya, coach, weeks=14, meetings=5, seed=3, quiet_days=45)
    seed_networking(practice, tom, owner, weeks=16, meetings=22, seed=4)
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
    # Coaching sessions: weekly hours, past sessions with notes and action items, bookings.
    for member in (coach, coach2, owner):
        seed_availability(practice, member)
    seed_sessions(practice, kim, coach)
    seed_sessions(practice, tom, owner)
