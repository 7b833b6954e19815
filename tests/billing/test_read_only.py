"""Read-only mode through the pages: every write route in every practice area is refused.

The routes come from the isolation suite's list (itself built from
`app.url_map`), so a new write route is checked here automatically.
"""

from datetime import timedelta

import pytest

from coachhub.billing.access import READ_ONLY_STATUS
from tests import factories
from tests.billing.conftest import subscribe
from tests.test_isolation import (
    AREAS,
    OWNER_ONLY,
    PRACTICE_RULES,
    _area,
    _fingerprint,
    _request,
    _url,
    _values,
)

WRITE_RULES = [(endpoint, method) for endpoint, method in PRACTICE_RULES if method != "GET"]
# The owner's billing area stays writable: it is how a read-only practice reactivates.
REACTIVATION_AREAS = {"billing"}


def _rightful(endpoint: str) -> str:
    return "owner_a" if endpoint in OWNER_ONLY else AREAS[_area(endpoint)][0]


@pytest.fixture
def read_only(world, db, now):
    """Practice A: trial over, never subscribed."""
    world.a.trial_ends_at = now - timedelta(days=1)
    db.session.commit()
    return world


def test_there_are_write_routes_to_check():
    assert {e for e, _ in WRITE_RULES} >= {"coach.invitations_page", "coach.settings"}


@pytest.mark.parametrize(("endpoint", "method"), WRITE_RULES)
def test_write_is_refused_in_read_only_mode_and_changes_nothing(
    app, read_only, login, db, endpoint, method
):
    world = read_only
    user = getattr(world, _rightful(endpoint)).user
    c = login(user)
    url = _url(app, endpoint, "alpha", _values(world, endpoint))
    before = _fingerprint()

    response = _request(c, method, url)

    if _area(endpoint) in REACTIVATION_AREAS:
        assert response.status_code != READ_ONLY_STATUS, f"{method} {url}"
        return
    assert response.status_code == READ_ONLY_STATUS, f"{method} {url}"
    db.session.expire_all()
    assert _fingerprint() == before, f"a refused {method} {url} changed data"


def test_pages_still_work_and_show_the_banner(read_only, login):
    owner = login(read_only.owner_a.user)
    for path in ("coach/", "coach/clients", "coach/invitations", "coach/team", "billing/"):
        response = owner.get(f"/p/alpha/{path}")
        assert response.status_code == 200, path
        assert 'data-testid="billing-banner"' in response.get_data(as_text=True), path
    html = owner.get("/p/alpha/coach/").get_data(as_text=True)
    assert "Read-only: The free trial has ended" in html
    client_html = login(read_only.client_a1.user).get("/p/alpha/client/").get_data(as_text=True)
    assert "account is paused" in client_html
    # Practice B is unaffected.
    assert "billing-banner" not in login(read_only.owner_b.user).get("/p/beta/coach/").get_data(
        as_text=True
    )


def test_refusal_page_tells_the_owner_how_to_reactivate(read_only, login):
    response = login(read_only.owner_a.user).post(
        "/p/alpha/coach/settings", data={"name": "Renamed", "timezone": "UTC"}
    )
    assert response.status_code == 402
    html = response.get_data(as_text=True)
    assert "This practice is read-only" in html
    assert "by subscribing" in html and "/p/alpha/billing/" in html
    assert read_only.a.name == "Alpha Coaching"


def test_refusal_page_tells_others_the_account_is_paused(read_only, login):
    response = login(read_only.coach_a1.user).post(
        "/p/alpha/coach/invitations",
        data={"email": "new@example.test", "role": "client", "coach": read_only.coach_a1.id},
    )
    assert response.status_code == 402
    html = response.get_data(as_text=True)
    assert "Alpha Coaching's CoachHub account is paused" in html
    assert "Go to Billing" not in html


def test_past_due_in_grace_can_still_write_with_a_banner(world, fake_stripe, login, db, now):
    subscribe(world.a, fake_stripe, db, status="past_due")
    world.a.past_due_since = now - timedelta(days=2)
    db.session.commit()
    owner = login(world.owner_a.user)
    html = owner.get("/p/alpha/coach/").get_data(as_text=True)
    assert "A payment failed. Update the payment method by 07 Mar 2026" in html
    response = owner.post("/p/alpha/coach/settings", data={"name": "Renamed", "timezone": "UTC"})
    assert response.status_code == 302


def test_past_due_beyond_the_grace_is_read_only(world, fake_stripe, login, db, now):
    subscribe(world.a, fake_stripe, db, status="past_due")
    world.a.past_due_since = now - timedelta(days=8)
    world.a.trial_ends_at = now - timedelta(days=20)
    db.session.commit()
    owner = login(world.owner_a.user)
    response = owner.post("/p/alpha/coach/settings", data={"name": "Renamed", "timezone": "UTC"})
    assert response.status_code == 402
    assert "Manage billing" in response.get_data(as_text=True)


def test_owner_reactivates_from_read_only(read_only, fake_stripe, login, deliver, db):
    world = read_only
    owner = login(world.owner_a.user)
    response = owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    assert response.status_code == 303
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert "trial_end" not in checkout.params["subscription_data"]  # trial is over
    session_id = next(iter(fake_stripe.sessions))
    fake_stripe.complete_checkout(session_id)
    session = fake_stripe.sessions[session_id]
    assert deliver(fake_stripe.event("checkout.session.completed", session)).status_code == 200

    response = owner.post("/p/alpha/coach/settings", data={"name": "Renamed", "timezone": "UTC"})

    assert response.status_code == 302
    db.session.expire_all()
    assert world.a.name == "Renamed"
    assert world.a.subscription_status == "active" and world.a.paid_seats == 3


def test_nobody_joins_a_read_only_practice(app, read_only, db):
    world = read_only
    _, token = factories.invitation(world.a, world.coach_a1, "joiner@example.test")
    before = _fingerprint()
    response = app.test_client().post(
        f"/invitations/{token}",
        data={"name": "Joiner", "password": "long-enough-pw", "confirm": "long-enough-pw"},
    )
    assert response.status_code == 200
    assert "account is paused" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _fingerprint() == before
