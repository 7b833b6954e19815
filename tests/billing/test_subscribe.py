"""Trial to paid: Subscribe (customer once, Checkout), the return page, the portal, invoices."""

import re
from datetime import timedelta

import stripe
from sqlalchemy import func, select

from coachhub.billing import services
from coachhub.billing.gateway import GatewayError, get_gateway
from coachhub.models import Practice
from tests.billing.conftest import subscribe


def test_subscribe_creates_the_customer_once_and_a_checkout_session(
    world, fake_stripe, login, db, now
):
    owner = login(world.owner_a.user)

    response = owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})

    assert response.status_code == 303
    [customer_call] = fake_stripe.sent("POST", "/v1/customers")
    prefix = services.idempotency_prefix()
    assert customer_call.idempotency_key == f"{prefix}-practice-{world.a.id}-customer-0"
    tags = {"practice_id": str(world.a.id), "coachhub_install": services.install_id()}
    assert customer_call.params["metadata"] == tags
    assert customer_call.params["email"] == world.owner_a.user.email
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    db.session.expire_all()
    customer_id = world.a.stripe_customer_id
    assert customer_id and customer_id.startswith("cus_")
    params = checkout.params
    assert params["mode"] == "subscription"
    assert params["customer"] == customer_id
    # Seats: the owner and two coaches; clients are free.
    assert params["line_items"] == [{"price": "price_monthly", "quantity": "3"}]
    assert params["client_reference_id"] == str(world.a.id)
    assert params["metadata"] == tags
    assert params["subscription_data"]["metadata"] == tags
    # The remaining free trial is carried over to Stripe.
    assert params["subscription_data"]["trial_end"] == str(
        int((now + timedelta(days=14)).timestamp())
    )
    assert params["success_url"] == (
        "http://localhost/p/alpha/billing/return?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"] == "http://localhost/p/alpha/billing/?checkout=canceled"
    assert checkout.idempotency_key.startswith(
        f"{prefix}-practice-{world.a.id}-checkout-{customer_id}-price_monthly-3-"
    )
    session_id = next(iter(fake_stripe.sessions))
    assert response.location == f"https://checkout.stripe.test/c/pay/{session_id}"
    # The SDK sends the pinned API version the fixtures' shape belongs to.
    assert checkout.headers["Stripe-Version"] == stripe.api_version


def test_double_click_reuses_the_customer_and_the_session(world, fake_stripe, login, db):
    owner = login(world.owner_a.user)
    first = owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    second = owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})

    assert first.location == second.location
    assert len(fake_stripe.sent("POST", "/v1/customers")) == 1
    assert len(fake_stripe.customers) == 1
    keys = [r.idempotency_key for r in fake_stripe.sent("POST", "/v1/checkout/sessions")]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert len(fake_stripe.sessions) == 1
    count = db.session.scalar(
        select(func.count()).select_from(Practice).where(Practice.stripe_customer_id.is_not(None))
    )
    assert count == 1


def test_a_lost_commit_gets_the_same_customer_back_from_stripe(world, fake_stripe, db, app):
    """The idempotency key: a retry after Stripe created the customer does not make a second."""
    with app.test_request_context():
        gateway = get_gateway()
        first = services.ensure_customer(world.a, world.owner_a, gateway)
        db.session.rollback()  # the transaction that saved it is lost
        db.session.expire_all()
        assert world.a.stripe_customer_id is None
        second = services.ensure_customer(world.a, world.owner_a, gateway)
    assert first == second
    assert len(fake_stripe.customers) == 1


def test_yearly_plan_uses_the_yearly_price(world, fake_stripe, login):
    login(world.owner_a.user).post("/p/alpha/billing/subscribe", data={"plan": "yearly"})
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.params["line_items"][0]["price"] == "price_yearly"


def test_subscribe_near_the_end_of_the_trial_sends_no_trial(world, fake_stripe, login, now, db):
    world.a.trial_ends_at = now + timedelta(hours=20)
    db.session.commit()
    login(world.owner_a.user).post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert "trial_end" not in checkout.params["subscription_data"]


def test_subscribed_practice_is_sent_to_the_portal_instead(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    response = login(world.owner_a.user).post(
        "/p/alpha/billing/subscribe", data={"plan": "monthly"}, follow_redirects=True
    )
    assert "Manage billing" in response.get_data(as_text=True)
    assert fake_stripe.sent("POST", "/v1/checkout/sessions") == []


def test_stripe_error_is_shown_and_nothing_saved(world, fake_stripe, login, db):
    fake_stripe.fail_next("POST", "/v1/customers", 400, "Your account cannot create customers.")
    response = login(world.owner_a.user).post(
        "/p/alpha/billing/subscribe", data={"plan": "monthly"}, follow_redirects=True
    )
    assert "Your account cannot create customers." in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.a.stripe_customer_id is None


def test_checkout_return_syncs_before_the_webhook_arrives(world, fake_stripe, login, db):
    owner = login(world.owner_a.user)
    owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    session_id = next(iter(fake_stripe.sessions))
    fake_stripe.complete_checkout(session_id, status="trialing")

    page = owner.get(f"/p/alpha/billing/return?session_id={session_id}")

    assert page.status_code == 200
    assert "your subscription is set up" in page.get_data(as_text=True)
    db.session.expire_all()
    assert world.a.subscription_status == "trialing"
    assert world.a.paid_seats == 3
    # Reloading the page is harmless.
    assert owner.get(f"/p/alpha/billing/return?session_id={session_id}").status_code == 200


def test_checkout_return_ignores_another_practices_session(world, fake_stripe, login, db):
    world.b.stripe_customer_id = fake_stripe.add_customer(practice_id=world.b.id)
    world.a.stripe_customer_id = fake_stripe.add_customer(practice_id=world.a.id)
    db.session.commit()
    with_b = login(world.owner_b.user)
    with_b.post("/p/beta/billing/subscribe", data={"plan": "monthly"})
    session_b = next(iter(fake_stripe.sessions))
    fake_stripe.complete_checkout(session_b)

    page = login(world.owner_a.user).get(f"/p/alpha/billing/return?session_id={session_b}")

    assert "No completed checkout" in page.get_data(as_text=True)
    db.session.expire_all()
    assert world.a.subscription_status is None


def test_portal_opens_for_the_practices_customer(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db)
    response = login(world.owner_a.user).post("/p/alpha/billing/portal")
    assert response.status_code == 303
    assert response.location.startswith("https://billing.stripe.test/p/session/")
    [call] = fake_stripe.sent("POST", "/v1/billing_portal/sessions")
    assert call.params == {
        "customer": world.a.stripe_customer_id,
        "return_url": "http://localhost/p/alpha/billing/",
    }


def test_overview_shows_status_seats_price_renewal_and_invoices(world, fake_stripe, login, db, now):
    sub = subscribe(
        world.a, fake_stripe, db, quantity=3, period_end=int(now.timestamp()) + 86400 * 20
    )
    fake_stripe.add_invoice(world.a.stripe_customer_id, sub["id"], number="CH-0042", total=8700)

    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)

    assert "Active subscription" in html
    assert "22 Mar 2026" in html  # next renewal
    assert re.search(r"<strong>3</strong> in use.*<strong>3</strong> paid", html, re.S)
    assert "29.00 NZD per seat per month" in html
    assert "CH-0042" in html and "87.00 NZD" in html
    assert "https://invoice.stripe.test/" in html
    [invoices_call] = fake_stripe.sent("GET", "/v1/invoices")
    assert invoices_call.params == {"customer": world.a.stripe_customer_id, "limit": "10"}


def test_overview_shows_cancel_at_period_end(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, cancel_at_period_end=True)
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "will not renew" in html


def test_overview_during_the_trial(world, fake_stripe, login):
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "Free trial: 14 days left" in html
    assert "Subscribe for 3 seats" in html


def test_overview_survives_stripe_being_down(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db)
    fake_stripe.fail_next("GET", "/v1/invoices", 400, "boom")
    response = login(world.owner_a.user).get("/p/alpha/billing/")
    assert response.status_code == 200
    assert "could not be reached" in response.get_data(as_text=True)


def test_without_stripe_keys_the_billing_page_says_what_to_configure(world, login):
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "Free trial: 14 days left" in html
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PRICE_ID", "STRIPE_WEBHOOK_SECRETS"):
        assert name in html
    response = login(world.owner_a.user).post("/p/alpha/billing/subscribe", data={})
    assert response.status_code == 302


def test_gateway_errors_carry_stripes_message(fake_stripe, app):
    fake_stripe.fail_next("GET", r"/v1/subscriptions/.*", 404, "No such subscription: 'sub_x'")
    with app.app_context():
        gateway = get_gateway()
        try:
            gateway.retrieve_subscription("sub_x")
        except GatewayError as error:
            assert "No such subscription" in error.message
        else:
            raise AssertionError("expected a GatewayError")
