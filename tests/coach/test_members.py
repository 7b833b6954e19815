"""Archiving keeps data and removes access; the owner restores."""

import pytest
from sqlalchemy import select

from coachhub.models import AuditEvent, MemberStatus
from coachhub.services import ServiceError, memberships


def test_coach_archives_own_client_after_confirming(login, db, world):
    coach = login(world.coach_a1.user)
    client = login(world.client_a1.user)
    page = coach.get(f"/p/alpha/coach/clients/{world.client_a1.id}/archive")
    assert "Everything they and you recorded is kept" in page.get_data(as_text=True)
    response = coach.post(f"/p/alpha/coach/clients/{world.client_a1.id}/archive")
    assert response.status_code == 302
    db.session.expire_all()
    assert world.client_a1.status == MemberStatus.ARCHIVED
    assert client.get("/p/alpha/client/").status_code == 404
    archived = coach.get("/p/alpha/coach/clients?status=archived").get_data(as_text=True)
    assert world.client_a1.user.name in archived
    # coaches cannot restore; the owner can
    assert coach.post(f"/p/alpha/coach/clients/{world.client_a1.id}/restore").status_code == 403
    owner = login(world.owner_a.user)
    owner.post(f"/p/alpha/coach/clients/{world.client_a1.id}/restore")
    db.session.expire_all()
    assert world.client_a1.status == MemberStatus.ACTIVE
    assert client.get("/p/alpha/client/").status_code == 200
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action != "member.signed_in")
        .order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["member.archived", "member.restored"]


def test_owner_archives_and_restores_a_coach(login, db, world):
    owner = login(world.owner_a.user)
    coach = login(world.coach_a1.user)
    owner.post(f"/p/alpha/coach/team/{world.coach_a1.id}/archive")
    assert coach.get("/p/alpha/coach/").status_code == 404
    # the coach's client keeps their coach link and data
    db.session.expire_all()
    assert world.client_a1.coach_membership_id == world.coach_a1.id
    owner.post(f"/p/alpha/coach/team/{world.coach_a1.id}/restore")
    assert coach.get("/p/alpha/coach/").status_code == 200


def test_owner_cannot_be_archived(login, db, world):
    owner = login(world.owner_a.user)
    # the team routes only take coaches: the owner's own id is not found there
    assert owner.post(f"/p/alpha/coach/team/{world.owner_a.id}/archive").status_code == 404
    with pytest.raises(ServiceError, match="owner cannot be archived"):
        memberships.archive_member(world.a, world.owner_a, world.owner_a)


def test_clients_list_is_paginated_and_scoped(app, login, db, world):
    from tests import factories

    for _ in range(30):
        factories.client(world.a, world.coach_a1)
    coach = login(world.coach_a1.user)
    page1 = coach.get("/p/alpha/coach/clients").get_data(as_text=True)
    page2 = coach.get("/p/alpha/coach/clients?page=2").get_data(as_text=True)
    assert page1.count("/archive") == 25
    assert page2.count("/archive") == 6
    assert world.client_a2.user.name not in page1 + page2


def test_settings_change_timezone_shows_local_dates(login, db, world):
    owner = login(world.owner_a.user)
    response = owner.post(
        "/p/alpha/coach/settings", data={"name": "Alpha Careers", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert world.a.timezone == "Asia/Tokyo" and world.a.name == "Alpha Careers"
    bad = owner.post("/p/alpha/coach/settings", data={"name": "", "timezone": "Mars/Base"})
    assert bad.status_code == 200
    assert "Not a valid choice" in bad.get_data(as_text=True)
