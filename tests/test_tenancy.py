"""The tenancy helpers one by one, fast: the portal guard, the membership lookup, the
owner-only pages and the scoped lookups (tests/test_isolation.py probes every route)."""

from datetime import timedelta

import pytest
from flask import g
from werkzeug.exceptions import Forbidden, NotFound

from coachhub.models import Contact, Membership, MemberStatus, utcnow
from coachhub.tenancy import (
    get_client_or_404,
    get_scoped_or_404,
    load_membership,
    owner_required,
    scoped_select,
)
from tests import factories


def _as(app, membership):
    """A request context where `membership`'s user is signed in and g is set."""
    from flask_login import login_user

    ctx = app.test_request_context()
    ctx.push()
    login_user(membership.user)
    return ctx


def test_load_membership_finds_the_active_membership_of_this_user_here(app, world):
    ctx = _as(app, world.coach_a1)
    try:
        assert load_membership("alpha").id == world.coach_a1.id
        assert (g.practice.id, g.membership.id) == (world.a.id, world.coach_a1.id)
        for slug in ("beta", "nowhere", None):
            with pytest.raises(NotFound):
                load_membership(slug)
        world.coach_a1.status = MemberStatus.ARCHIVED
        with pytest.raises(NotFound):
            load_membership("alpha")
    finally:
        ctx.pop()


def test_owner_required_lets_only_the_owner_through(app, world):
    view = owner_required(lambda: "ok")
    for member, allowed in ((world.owner_a, True), (world.coach_a1, False)):
        with app.test_request_context():
            g.membership = member
            if allowed:
                assert view() == "ok"
            else:
                with pytest.raises(Forbidden):
                    view()
    assert view.__name__ == "<lambda>"


def test_scoped_lookups_follow_practice_and_role(app, world):
    mine = factories.ContactFactory(client=world.client_a1)
    theirs = factories.ContactFactory(client=world.client_a2)
    other_practice = factories.ContactFactory(client=world.client_b)
    with app.test_request_context():
        g.practice, g.membership = world.a, world.client_a1
        assert get_scoped_or_404(Contact, mine.id).id == mine.id
        for contact in (theirs, other_practice):
            with pytest.raises(NotFound):
                get_scoped_or_404(Contact, contact.id)
        # extra criteria narrow further
        with pytest.raises(NotFound):
            get_scoped_or_404(Contact, mine.id, Contact.name == "not this name")
        from coachhub.extensions import db

        ids = set(db.session.scalars(scoped_select(Contact).with_only_columns(Contact.id)))
        assert ids == {mine.id}

        g.membership = world.owner_a  # the owner: every client of the practice, no other
        assert get_scoped_or_404(Contact, theirs.id).id == theirs.id
        with pytest.raises(NotFound):
            get_scoped_or_404(Contact, other_practice.id)

        g.membership = world.coach_a1  # a coach: their own clients only
        assert get_client_or_404(world.client_a1.id).id == world.client_a1.id
        for member in (world.client_a2, world.coach_a2, world.client_b):
            with pytest.raises(NotFound):
                get_client_or_404(member.id)


def test_the_guard(app, world, login):
    anonymous = app.test_client()
    response = anonymous.get("/p/alpha/coach/clients?page=2")
    assert response.status_code == 302
    assert response.location.endswith("/login?next=/p/alpha/coach/clients?page%3D2")
    coach = login(world.coach_a1.user)
    assert coach.get("/p/alpha/coach/").status_code == 200
    assert coach.get("/p/alpha/client/").status_code == 403
    assert coach.get("/p/beta/coach/").status_code == 404
    # links on the page carry the practice's slug
    assert 'href="/p/alpha/coach/clients"' in coach.get("/p/alpha/coach/").get_data(as_text=True)


def test_the_guard_sends_coaches_to_set_up_two_factor_when_the_practice_requires_it(
    app, world, login
):
    world.a.require_two_factor = True
    coach = login(world.coach_a1.user)
    response = coach.get("/p/alpha/coach/")
    assert response.status_code == 302 and response.location.endswith("/account/security")
    # a client is not asked to
    assert login(world.client_a1.user).get("/p/alpha/client/").status_code == 200


def test_the_guard_refuses_writes_when_read_only_but_not_reads(app, world, login, db):
    world.a.trial_ends_at = utcnow() - timedelta(days=1)
    world.a.subscription_status = None
    db.session.flush()
    coach = login(world.coach_a1.user)
    assert coach.get("/p/alpha/coach/").status_code == 200
    response = coach.post(f"/p/alpha/coach/clients/{world.client_a1.id}/flag", data={"reason": "x"})
    assert response.status_code == 402
    # billing stays writable: the way out of read-only
    owner = login(world.owner_a.user)
    assert owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"}).status_code != 402
    assert db.session.get(Membership, world.client_a1.id) is not None
