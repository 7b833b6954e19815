"""Simultaneous identical writes, with real threads, connections and commits.

The suite's usual database is one rolled-back connection, so these tests build their own:
a SQLite file (WAL, busy timeout, writes one at a time) or a fresh PostgreSQL database.
"""

import os
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from coachhub import create_app
from coachhub.extensions import db
from coachhub.models import Contact, Invitation, MeetingLog, Membership, User, utcnow
from config import TestingConfig
from tests import factories

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def committing_app(tmp_path):
    """An app on a database of its own where requests really commit."""
    if PG_URL.startswith("postgresql"):
        name = f"coachhub_race_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        admin, name, url = None, None, f"sqlite:///{tmp_path / 'race.sqlite'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 25, "max_overflow": 5}
        RATELIMIT_ENABLED = False  # twenty sign-ins for one account in a second, on purpose

    if url.startswith("sqlite"):
        Config.SQLALCHEMY_ENGINE_OPTIONS = {}
    app = create_app(Config)
    with app.app_context():
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _all_at_once(n: int, request) -> list:
    """Run `request(i)` in n threads released together; their responses' status codes."""
    start = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            start.wait()
            results[i] = request(i)
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_twenty_identical_meeting_logs_at_once_make_one(committing_app):
    app = committing_app
    with app.app_context():
        world = factories.build_world()
        email = world.client_a1.user.email
    clients = []
    for _ in range(20):
        c = app.test_client()
        assert (
            c.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code
            == 302
        )
        clients.append(c)
    data = {
        "met_on": (utcnow().date() - timedelta(days=1)).isoformat(),
        "format": "coffee",
        "ask": "What is changing in payments?",
        "offer": "My notes",
        "keep_in_touch": "not-asked",
        "new_contact_name": "Dana Lee",
    }
    statuses = [
        r.status_code
        for r in _all_at_once(
            20, lambda i: clients[i].post("/p/alpha/client/meetings/new", data=data)
        )
    ]
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses.count(302) == 1, statuses  # the one that saved; the others: "already sent"
    assert set(statuses) <= {302, 303}
    assert _count(app, MeetingLog) == 1
    assert _count(app, Contact, Contact.name == "Dana Lee") == 1


def test_ten_acceptances_of_one_invitation_make_one_account(committing_app):
    app = committing_app
    with app.app_context():
        world = factories.build_world()
        invitation_id = world.invitation_a1.id
        _, token = factories.invitation(world.a, world.coach_a1, "racer@example.test")
    form = {"name": "Racer", "password": "a-long-password-1", "confirm": "a-long-password-1"}
    statuses = [
        r.status_code
        for r in _all_at_once(
            10, lambda i: app.test_client().post(f"/invitations/{token}", data=form)
        )
    ]
    assert sorted(statuses) == [302] + [410] * 9, statuses
    assert _count(app, User, User.email == "racer@example.test") == 1
    assert _count(app, Membership, Membership.user.has(User.email == "racer@example.test")) == 1
    assert _count(app, Invitation, Invitation.id == invitation_id, Invitation.accepted_at.is_(None))
