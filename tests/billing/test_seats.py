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

    response = owner.post(
        "/p/alpha/billing/seats", data={"quantity": "4", "proration_token": _token(html)}
    )

    assert response.status_code == 302
    [update] = fake_stripe.sent("POST", rf"/v1/subscriptions/{sub['id']}")
    assert update.params["items"] == [{"id": sub["items"]["data"][0]["id"], "quantity": "4"}]
    # Charged exactly as previewed.
    assert update.params["proration_date"] == proration_date
    assert update.params["proration_behavior"] == "always_invoice"
    assert update.params["payment_behavior"] == "pending_if_incomplete"
    assert update.params["expand"] == ["latest_invoice"]
    assert update.idempotency_key == (
        f"{services.idempotency_prefix()}-practice-{world.a.id}-seats-{sub['id']}-4-{proration_date}"
    )
    db.session.expire_all()
    assert world.a.paid_seats == 4
    assert world.a.pending_paid_seats is None
    follow = owner.get(response.location).get_data(as_text=True)
    assert "Paid seats set to 4." in follow


def _token(html: str) -> str:
    return re.search(r'name="proration_token" type="hidden" value="([^"]+)"', html).group(1)


def _preview(owner, quantity: int) -> str:
    page = owner.get(f"/p/alpha/billing/seats?quantity={quantity}")
    assert page.status_code == 200
    return _token(page.get_data(as_text=True))


def test_the_server_owns_the_proration_date(world, fake_stripe, login, db, now):
    """A posted proration_date (far in the future: a smaller charge) is ignored."""
    subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    owner = login(world.owner_a.user)
    token = _preview(owner, 4)

    response = owner.post(
        "/p/alpha/billing/seats",
        data={"quantity": "4", "proration_token": token, "proration_date": "4102444800"},
    )

    assert response.status_code == 302
    [update] = fake_stripe.sent("POST", r"/v1/subscriptions/sub_.*")
    assert update.params["proration_date"] == str(int(now.timestamp()))


def test_a_forged_or_missing_proration_token_charges_nothing(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    owner = login(world.owner_a.user)
    for data in (
        {"quantity": "4", "proration_date": "4102444800"},
        {"quantity": "4", "proration_token": "4102444800.forged"},
    ):
        response = owner.post("/p/alpha/billing/seats", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Review the price again" in html
        assert 'data-testid="seat-preview"' in html  # a fresh preview to confirm
    assert fake_stripe.sent("POST", r"/v1/subscriptions/sub_.*") == []
    db.session.expire_all()
    assert world.a.paid_seats == 3


def test_a_preview_older_than_ten_minutes_is_priced_again(
    world, fake_stripe, login, db, now, time_travel
):
    subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    owner = login(world.owner_a.user)
    token = _preview(owner, 4)
    time_travel(now + timedelta(minutes=11))

    response = owner.post(
        "/p/alpha/billing/seats", data={"quantity": "4", "proration_token": token}
    )

    assert response.status_code == 200
    assert "more than 10 minutes old" in response.get_data(as_text=True)
    assert fake_stripe.sent("POST", r"/v1/subscriptions/sub_.*") == []
    fresh = _token(response.get_data(as_text=True))
    assert (
        owner.post(
            "/p/alpha/billing/seats", data={"quantity": "4", "proration_token": fresh}
        ).status_code
        == 302
    )
    [update] = fake_stripe.sent("POST", r"/v1/subscriptions/sub_.*")
    assert update.params["proration_date"] == str(int((now + timedelta(minutes=11)).timestamp()))


def test_a_token_for_another_quantity_or_practice_is_refused(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    subscribe(world.b, fake_stripe, db, quantity=2)
    factories.coach(world.a)
    token_a = _preview(login(world.owner_a.user), 4)
    owner_b = login(world.owner_b.user)
    assert "Review the price again" in owner_b.post(
        "/p/beta/billing/seats", data={"quantity": "4", "proration_token": token_a}
    ).get_data(as_text=True)
    assert "Review the price again" in login(world.owner_a.user).post(
        "/p/alpha/billing/seats", data={"quantity": "6", "proration_token": token_a}
    ).get_data(as_text=True)
    assert fake_stripe.sent("POST", r"/v1/subscriptions/sub_.*") == []


def test_a_declined_seat_payment_keeps_the_old_seats_until_the_invoice_is_paid(
    world, fake_stripe, login, db, deliver, now
):
    """pending_if_incomplete: the owner sees the invoice; paying it brings the new count."""
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    fake_stripe.decline_payments = True
    owner = login(world.owner_a.user)

    response = owner.post(
        "/p/alpha/billing/seats", data={"quantity": "4", "proration_token": _preview(owner, 4)}
    )

    assert response.status_code == 302
    page = owner.get(response.location).get_data(as_text=True)
    assert "Paid seats set to 4" not in page
    assert "The payment for 4 seats did not go through" in page
    invoice = fake_stripe.invoices[fake_stripe.subscriptions[sub["id"]]["latest_invoice"]]
    assert invoice["status"] == "open"
    assert 'data-testid="pending-seats"' in page
    assert invoice["hosted_invoice_url"] in page
    assert "You keep 3 paid seats until it is paid" in page
    db.session.expire_all()
    assert world.a.paid_seats == 3
    assert world.a.pending_paid_seats == 4
    assert world.a.pending_seats_expire_at == now + timedelta(hours=23)

    # The owner pays the invoice on Stripe's page; Stripe applies the update and says so.
    fake_stripe.pay_invoice(invoice["id"])
    evt = fake_stripe.event(
        "customer.subscription.pending_update_applied", fake_stripe.subscriptions[sub["id"]]
    )
    assert deliver(evt).get_json()["status"] == "processed"

    db.session.expire_all()
    assert world.a.paid_seats == 4
    assert world.a.pending_paid_seats is None and world.a.pending_invoice_url is None
    page = owner.get("/p/alpha/billing/").get_data(as_text=True)
    assert 'data-testid="pending-seats"' not in page
    assert "<strong>4</strong> paid" in page


def test_an_expired_pending_seat_change_is_dropped_and_the_owner_told(
    world, fake_stripe, login, db, deliver, outbox
):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    fake_stripe.decline_payments = True
    owner = login(world.owner_a.user)
    owner.post(
        "/p/alpha/billing/seats", data={"quantity": "4", "proration_token": _preview(owner, 4)}
    )
    fake_stripe.expire_pending_update(sub["id"])
    evt = fake_stripe.event(
        "customer.subscription.pending_update_expired", fake_stripe.subscriptions[sub["id"]]
    )

    assert deliver(evt).get_json()["status"] == "processed"
    deliver(evt)  # a redelivery sends nothing more

    db.session.expire_all()
    assert world.a.paid_seats == 3 and world.a.pending_paid_seats is None
    [email] = outbox(world.owner_a.user.email)
    assert email.kind == "seat_change_lapsed"
    assert "4 seats" in email.body_text and "/p/alpha/billing/" in email.body_text
    assert 'data-testid="pending-seats"' not in owner.get("/p/alpha/billing/").get_data(
        as_text=True
    )


def test_fewer_seats_than_active_coaches_is_refused(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    owner = login(world.owner_a.user)
    html = owner.get("/p/alpha/billing/seats?quantity=2").get_data(as_text=True)
    assert "keep at least 3 seats" in html
    response = owner.post("/p/alpha/billing/seats", data={"quantity": "2", "proration_token": "x"})
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
