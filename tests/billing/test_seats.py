"""Seat changes: preview the prorated amount, confirm, update the item quantity."""

import re
from datetime import timedelta

from coachhub.billing import services
from coachhub.models import Role
from tests import factories
from tests.billing.conftest import subscribe


def test_seats_count_active_owner_and_coaches_only(world, db):
    assert services.seats_in_use(world.a) == 3  # owner + 2 coaches; clients are free
    world.coach_a2.status = "archived"
    db.session.commit()
    assert services.seats_in_use(world.a) == 2


def test_billing_page_offers_the_change_when_a_coach_was_added(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "You have 4 active coaches but pay for 3 seats" in html
    assert "/p/alpha/billing/seats?quantity=4" in html


def test_preview_then_confirm_updates_the_quantity(world, fake_stripe, login, db, now):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    owner = login(world.owner_a.user)

    page = owner.get("/p/alpha/billing/seats?quantity=4")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "charges <strong>14.50 NZD</strong> now" in html
    [preview] = fake_stripe.sent("POST", "/v1/invoices/create_preview")
    proration_date = str(int(now.timestamp()))
    assert preview.params == {
        "customer": world.a.stripe_customer_id,
        "subscription": sub["id"],
        "subscription_details": {
            "items": [{"id": sub["items"]["data"][0]["id"], "quantity": "4"}],
            "proration_behavior": "always_invoice",
            "proration_date": proration_date,
        },
    }
    assert fake_stripe.sent("POST", r"/v1/subscriptions/.*") == []  # nothing changed yet
    posted_date = re.search(r'name="proration_date" type="hidden" value="(\d+)"', html).group(1)

    response = owner.post(
        "/p/alpha/billing/seats", data={"quantity": "4", "proration_date": posted_date}
    )

    assert response.status_code == 302
    [update] = fake_stripe.sent("POST", rf"/v1/subscriptions/{sub['id']}")
    assert update.params["items"] == [{"id": sub["items"]["data"][0]["id"], "quantity": "4"}]
    # Charged exactly as previewed.
    assert update.params["proration_date"] == proration_date
    assert update.params["proration_behavior"] == "always_invoice"
    assert update.idempotency_key == (
        f"coachhub-practice-{world.a.id}-seats-{sub['id']}-4-{proration_date}"
    )
    db.session.expire_all()
    assert world.a.paid_seats == 4


def test_fewer_seats_than_active_coaches_is_refused(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    owner = login(world.owner_a.user)
    html = owner.get("/p/alpha/billing/seats?quantity=2").get_data(as_text=True)
    assert "keep at least 3 seats" in html
    response = owner.post("/p/alpha/billing/seats", data={"quantity": "2", "proration_date": "1"})
    assert "keep at least 3 seats" in response.get_data(as_text=True)
    assert fake_stripe.sent("POST", r"/v1/subscriptions/.*") == []


def test_archiving_a_coach_offers_fewer_seats_with_a_credit(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    world.coach_a2.status = "archived"
    db.session.commit()
    owner = login(world.owner_a.user)
    assert "/p/alpha/billing/seats?quantity=2" in owner.get("/p/alpha/billing/").get_data(
        as_text=True
    )
    html = owner.get("/p/alpha/billing/seats?quantity=2").get_data(as_text=True)
    assert "credits <strong>14.50 NZD</strong>" in html


def test_seats_page_without_a_subscription(world, fake_stripe, login):
    html = login(world.owner_a.user).get("/p/alpha/billing/seats").get_data(as_text=True)
    assert "once the practice has an active subscription" in html


def test_invitations_page_says_a_coach_adds_a_seat_after_the_trial(
    world, fake_stripe, login, db, now
):
    subscribe(world.a, fake_stripe, db, quantity=3)
    owner = login(world.owner_a.user)
    html = owner.get("/p/alpha/coach/invitations").get_data(as_text=True)
    assert 'data-testid="seat-note"' in html
    assert "Inviting a coach adds a seat" in html

    response = owner.post(
        "/p/alpha/coach/invitations",
        data={
            "email": "newcoach@example.test",
            "role": Role.COACH.value,
            "coach": world.owner_a.id,
        },
        follow_redirects=True,
    )
    assert "a seat will be added to your subscription" in response.get_data(as_text=True)


def test_inviting_beyond_paid_seats_during_the_trial_says_nothing(world, fake_stripe, login, db):
    # Free trial (no subscription) and Stripe trialing: coaches can be added freely.
    owner = login(world.owner_a.user)
    assert "seat-note" not in owner.get("/p/alpha/coach/invitations").get_data(as_text=True)
    subscribe(world.a, fake_stripe, db, quantity=3, status="trialing")
    assert "seat-note" not in owner.get("/p/alpha/coach/invitations").get_data(as_text=True)


def test_coaches_do_not_see_the_seat_note(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    html = login(world.coach_a1.user).get("/p/alpha/coach/invitations").get_data(as_text=True)
    assert "seat-note" not in html


def test_seat_note_disappears_with_a_free_seat(world, fake_stripe, login, db, now):
    subscribe(
        world.a, fake_stripe, db, quantity=5, period_end=int((now + timedelta(days=9)).timestamp())
    )
    html = login(world.owner_a.user).get("/p/alpha/coach/invitations").get_data(as_text=True)
    assert "seat-note" not in html


def test_billing_page_queries_do_not_grow_with_the_team(
    world, fake_stripe, login, db, count_queries
):
    subscribe(world.a, fake_stripe, db, quantity=3)
    owner = login(world.owner_a.user)
    owner.get("/p/alpha/billing/")
    with count_queries() as small:
        owner.get("/p/alpha/billing/")
    for _ in range(5):
        factories.coach(world.a)
    with count_queries() as large:
        assert "8</strong> in use" in owner.get("/p/alpha/billing/").get_data(as_text=True)
    assert large.count == small.count
