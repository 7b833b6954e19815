"""Invitations through the pages: the owner invites a coach, the coach a client."""

from datetime import timedelta

from sqlalchemy import select

from coachhub.models import Invitation, Membership, MemberStatus, Role, utcnow
from tests import factories
from tests.conftest import PASSWORD, link_path


def _invite(c, email, role="client", coach_id=None):
    return c.post(
        "/p/alpha/coach/invitations",
        data={"email": email, "role": role, "coach": coach_id or ""},
    )


def test_owner_invites_coach_who_invites_client_full_flow(app, login, db, world, outbox):
    owner = login(world.owner_a.user)
    response = _invite(owner, "new.coach@example.test", "coach", world.owner_a.id)
    assert response.status_code == 302
    email = outbox("new.coach@example.test")[-1]
    assert "Alpha Coaching" in email.subject
    path = link_path(email.body_text, "invitations")

    # the invitee follows the link in a fresh browser and sets name and password
    coach_browser = app.test_client()
    page = coach_browser.get(path).get_data(as_text=True)
    assert "as a <strong>coach</strong>" in page
    response = coach_browser.post(
        path, data={"name": "Nia Coach", "password": "nia-password-1", "confirm": "nia-password-1"}
    )
    assert response.location == "/p/alpha/coach/"
    assert coach_browser.get("/p/alpha/coach/").status_code == 200

    # the new coach invites a client, who is assigned to them
    new_coach = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.role == Role.COACH)
        .order_by(Membership.id.desc())
    )
    response = _invite(coach_browser, "new.client@example.test", "client", new_coach.id)
    assert response.status_code == 302
    path = link_path(outbox("new.client@example.test")[-1].body_text, "invitations")
    client_browser = app.test_client()
    response = client_browser.post(
        path, data={"name": "Cal Client", "password": "cal-password-1", "confirm": "cal-password-1"}
    )
    assert response.location == "/p/alpha/client/"
    db.session.expire_all()
    membership = db.session.scalar(
        select(Membership).where(Membership.role == Role.CLIENT).order_by(Membership.id.desc())
    )
    assert membership.coach_membership_id == new_coach.id
    assert "Nia Coach" in client_browser.get("/p/alpha/client/").get_data(as_text=True)

    # used link
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "This invitation is accepted" in response.get_data(as_text=True)


def test_coach_cannot_invite_coaches_or_for_other_coaches(login, db, world):
    c = login(world.coach_a1.user)
    assert _invite(c, "x@example.test", "coach", world.coach_a1.id).status_code == 200
    assert _invite(c, "y@example.test", "client", world.coach_a2.id).status_code == 200
    assert (
        db.session.scalar(
            select(Invitation).where(Invitation.email.in_(["x@example.test", "y@example.test"]))
        )
        is None
    )
    page = c.get("/p/alpha/coach/invitations").get_data(as_text=True)
    assert 'value="coach"' not in page


def test_invite_bad_email_keeps_input_and_saves_nothing(login, db, world):
    c = login(world.owner_a.user)
    response = _invite(c, "not-an-email", "client", world.owner_a.id)
    page = response.get_data(as_text=True)
    assert "Enter a valid email address." in page
    assert 'value="not-an-email"' in page
    assert db.session.scalar(select(Invitation).where(Invitation.email == "not-an-email")) is None


def test_inviting_an_existing_member_is_refused(login, world):
    c = login(world.owner_a.user)
    response = _invite(c, world.client_a1.user.email, "client", world.owner_a.id)
    assert "already a member" in response.get_data(as_text=True)


def test_existing_account_logs_in_to_accept(app, login, db, world, outbox):
    # owner_b's person is invited to practice A as a client
    owner = login(world.owner_a.user)
    _invite(owner, world.owner_b.user.email, "client", world.coach_a1.id)
    path = link_path(outbox(world.owner_b.user.email)[-1].body_text, "invitations")
    browser = app.test_client()
    page = browser.get(path).get_data(as_text=True)
    assert "Log in to accept" in page
    browser.post(
        f"/login?next={path}", data={"email": world.owner_b.user.email, "password": PASSWORD}
    )
    response = browser.post(path)
    assert response.location == "/p/alpha/client/"
    # now a member of both practices: the chooser lists both
    page = browser.get("/practices").get_data(as_text=True)
    assert "Alpha Coaching" in page and "Beta Coaching" in page


def test_logged_in_as_someone_else_cannot_accept(app, login, db, world, outbox):
    inv, token = factories.invitation(world.a, world.coach_a1, world.coach_b.user.email)
    other = login(world.client_b.user)
    response = other.post(f"/invitations/{token}")
    assert response.status_code == 403
    db.session.expire_all()
    assert inv.accepted_at is None


def test_expired_and_revoked_links_get_a_clear_page(app, db, world):
    _, expired = factories.invitation(
        world.a, world.coach_a1, "late@example.test", expires_at=utcnow() - timedelta(minutes=1)
    )
    _, revoked = factories.invitation(
        world.a, world.coach_a1, "gone@example.test", revoked_at=utcnow()
    )
    c = app.test_client()
    response = c.get(f"/invitations/{expired}")
    assert response.status_code == 410
    assert "Ask the person who invited you to send it again" in response.get_data(as_text=True)
    response = c.post(
        f"/invitations/{expired}",
        data={"name": "L", "password": "late-joiner-pass", "confirm": "late-joiner-pass"},
    )
    assert response.status_code == 410
    response = c.get(f"/invitations/{revoked}")
    assert "withdrew this invitation" in response.get_data(as_text=True)
    assert c.get("/invitations/unknown-token").status_code == 404


def test_resend_replaces_the_link_and_revoke_kills_it(app, login, db, world, outbox):
    c = login(world.coach_a1.user)
    _invite(c, "twice@example.test", "client", world.coach_a1.id)
    first = link_path(outbox("twice@example.test")[-1].body_text, "invitations")
    inv = db.session.scalar(select(Invitation).where(Invitation.email == "twice@example.test"))
    assert c.post(f"/p/alpha/coach/invitations/{inv.id}/resend").status_code == 302
    second = link_path(outbox("twice@example.test")[-1].body_text, "invitations")
    assert first != second
    # The old link explains itself instead of a bare 404, and cannot be used to accept.
    old = app.test_client().get(first)
    assert old.status_code == 410
    page = old.get_data(as_text=True)
    assert "This link was replaced" in page and "twice@example.test" in page
    refused = app.test_client().post(
        first, data={"name": "T", "password": "x" * 12, "confirm": "x" * 12}
    )
    assert refused.status_code == 410
    assert app.test_client().get(second).status_code == 200
    db.session.expire_all()
    assert inv.send_count == 2 and inv.accepted_at is None

    c.post(f"/p/alpha/coach/invitations/{inv.id}/revoke")
    assert app.test_client().get(second).status_code == 410
    assert "withdrew this invitation" in app.test_client().get(first).get_data(as_text=True)


def test_client_invited_by_an_archived_coach_goes_to_the_owner(app, db, world):
    inv, token = factories.invitation(world.a, world.coach_a2, "orphan@example.test")
    world.coach_a2.status = MemberStatus.ARCHIVED
    db.session.commit()
    app.test_client().post(
        f"/invitations/{token}",
        data={"name": "O", "password": "orphan-client-pass", "confirm": "orphan-client-pass"},
    )
    db.session.expire_all()
    membership = db.session.get(Membership, inv.accepted_membership_id)
    assert membership.coach_membership_id == world.owner_a.id
