"""Simultaneous identical writes, real threads, connections and commits (tests/concurrency.py)."""

from datetime import timedelta

from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import Contact, Invitation, MeetingLog, Membership, User, utcnow
from tests import factories
from tests.concurrency import all_at_once


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
        for r in all_at_once(
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
        for r in all_at_once(
            10, lambda i: app.test_client().post(f"/invitations/{token}", data=form)
        )
    ]
    assert sorted(statuses) == [302] + [410] * 9, statuses
    assert _count(app, User, User.email == "racer@example.test") == 1
    assert _count(app, Membership, Membership.user.has(User.email == "racer@example.test")) == 1
    assert _count(app, Invitation, Invitation.id == invitation_id, Invitation.accepted_at.is_(None))
