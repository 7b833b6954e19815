"""Twenty clients of one coach ask for the same slot at the same instant: one booking.

Real threads, connections and commits on a database of the test's own (a fresh PostgreSQL
database with TEST_DATABASE_URL; a SQLite file otherwise, where writers take turns).
"""

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import CoachingSession, OutboundEmail, SessionStatus
from tests import factories
from tests.concurrency import all_at_once

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SLOT = "2026-06-02T10:00:00+00:00"


def test_twenty_simultaneous_bookings_of_one_slot_make_exactly_one(committing_app):
    app = committing_app
    with time_machine.travel(NOW, tick=True):
        with app.app_context():
            world = factories.build_world()
            factories.availability(world.coach_a1)
            clients = [factories.client(world.a, world.coach_a1) for _ in range(20)]
            emails = [member.user.email for member in clients]
        browsers = []
        for email in emails:
            c = app.test_client()
            response = c.post("/login", data={"email": email, "password": factories.PASSWORD})
            assert response.status_code == 302
            browsers.append(c)
        responses = all_at_once(
            20,
            lambda i: browsers[i].post(
                "/p/alpha/client/sessions/book", data={"slot": SLOT, "minutes": "60"}
            ),
        )
    statuses = [r.status_code for r in responses]
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == 19, statuses
    with app.app_context():
        booked = db.session.scalar(
            select(func.count())
            .select_from(CoachingSession)
            .where(CoachingSession.status == SessionStatus.BOOKED)
        )
        invitations = db.session.scalar(
            select(func.count())
            .select_from(OutboundEmail)
            .where(OutboundEmail.kind == "session_booked")
        )
    assert booked == 1
    assert invitations == 2  # the coach's and the one client's
