"""The practice's Stripe customer: deleted at Stripe, updated at Stripe, not linked yet."""

from sqlalchemy import select

from coachhub.billing import services
from coachhub.models import AuditEvent, StripeEvent
from tests.billing.conftest import subscribe


def _row(db, event_id):
    db.session.expire_all()
    return db.session.get(StripeEvent, event_id)


def _actions(db, practice):
    return [
        a.action
        for a in db.session.scalars(
            select(AuditEvent).where(AuditEvent.practice_id == practice.id).order_by(AuditEvent.id)
        )
    ]


def test_customer_deleted_unlinks_it_and_the_next_subscribe_makes_a_new_one(
    world, fake_stripe, deliver, login, db
):
    sub = subscribe(world.a, fake_stripe, db, quantity=3)
    old_customer = world.a.stripe_customer_id
    snapshot = fake_stripe.customer_snapshot(old_customer)
    fake_stripe.delete_customer(old_customer)

    response = deliver(fake_stripe.event("customer.deleted", snapshot))

    assert response.get_json()["status"] == "processed"
    db.session.expire_all()
    a = world.a
    assert a.stripe_customer_id is None and a.stripe_subscription_id is None
    assert a.subscription_status == "canceled" and a.paid_seats == 0
    assert "billing.customer_forgotten" in _actions(db, a)
    # Late events about the deleted customer's subscription find no practice and change nothing.
    late = fake_stripe.event("customer.subscription.deleted", fake_stripe.subscriptions[sub["id"]])
    assert deliver(late).get_json()["status"] == "ignored"

    owner = login(world.owner_a.user)
    response = owner.post("/p/alpha/billing/subscribe", data={"plan": "monthly"})

    assert response.status_code == 303
    customer_calls = fake_stripe.sent("POST", "/v1/customers")
    assert len(customer_calls) == 1
    # Not Stripe's replay of the deleted customer: a new key, so a new customer.
    assert customer_calls[0].idempotency_key.endswith("-customer-1")
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    db.session.expire_all()
    assert world.a.stripe_customer_id not in (None, old_customer)
    assert checkout.params["customer"] == world.a.stripe_customer_id


def test_customer_deleted_during_the_free_trial_keeps_the_trial(
    world, fake_stripe, deliver, db, now
):
    world.a.stripe_customer_id = fake_stripe.add_customer(practice_id=world.a.id)
    db.session.commit()
    snapshot = fake_stripe.customer_snapshot(world.a.stripe_customer_id)
    fake_stripe.delete_customer(world.a.stripe_customer_id)

    deliver(fake_stripe.event("customer.deleted", snapshot))

    db.session.expire_all()
    assert world.a.stripe_customer_id is None
    assert world.a.subscription_status is None  # still in the free trial
    from coachhub.billing.access import access_for

    assert access_for(world.a, now).can_write


def test_a_customer_deleted_without_a_webhook_is_replaced_at_checkout(
    world, fake_stripe, login, db
):
    """The webhook was missed: Checkout says "No such customer"; a new customer is made once."""
    world.a.stripe_customer_id = fake_stripe.add_customer(practice_id=world.a.id)
    db.session.commit()
    gone = world.a.stripe_customer_id
    fake_stripe.delete_customer(gone)

    response = login(world.owner_a.user).post(
        "/p/alpha/billing/subscribe", data={"plan": "monthly"}
    )

    assert response.status_code == 303, response.get_data(as_text=True)
    first, second = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert first.params["customer"] == gone
    db.session.expire_all()
    assert second.params["customer"] == world.a.stripe_customer_id != gone
    assert len(fake_stripe.sent("POST", "/v1/customers")) == 1
    assert "billing.customer_forgotten" in _actions(db, world.a)


def test_manage_billing_with_a_vanished_customer_says_so(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db)
    fake_stripe.delete_customer(world.a.stripe_customer_id)

    response = login(world.owner_a.user).post("/p/alpha/billing/portal", follow_redirects=True)

    assert "billing account was deleted at Stripe" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.a.stripe_customer_id is None


def test_customer_updated_refreshes_the_billing_contact_from_stripe(
    world, fake_stripe, deliver, login, db
):
    subscribe(world.a, fake_stripe, db)
    customer_id = world.a.stripe_customer_id
    stale = fake_stripe.customer_snapshot(customer_id)
    fake_stripe.customers[customer_id]["email"] = "accounts@alpha.example"

    # The event carries an older snapshot: the customer is re-fetched, not trusted.
    assert deliver(fake_stripe.event("customer.updated", stale)).get_json()["status"] == "processed"

    assert fake_stripe.sent("GET", f"/v1/customers/{customer_id}")
    db.session.expire_all()
    assert world.a.billing_email == "accounts@alpha.example"
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "accounts@alpha.example" in html


def test_an_event_for_a_customer_not_yet_linked_links_it(world, fake_stripe, deliver, db):
    """Stripe made our customer but the commit that saved its id was lost."""
    customer = fake_stripe.add_customer(
        metadata={"practice_id": str(world.a.id), "coachhub_install": services.install_id()}
    )
    sub = fake_stripe.add_subscription(customer, quantity=3)

    response = deliver(fake_stripe.event("customer.subscription.created", sub))

    assert response.get_json()["status"] == "processed"
    db.session.expire_all()
    assert world.a.stripe_customer_id == customer
    assert world.a.subscription_status == "active" and world.a.paid_seats == 3
    assert "billing.customer_linked" in _actions(db, world.a)


def test_an_unlinked_customer_event_is_retried_while_stripe_is_down(
    world, fake_stripe, deliver, db
):
    customer = fake_stripe.add_customer(
        metadata={"practice_id": str(world.a.id), "coachhub_install": services.install_id()}
    )
    sub = fake_stripe.add_subscription(customer, quantity=2)
    evt = fake_stripe.event("customer.subscription.created", sub)
    fake_stripe.fail_next("GET", r"/v1/customers/.*", 500, "Stripe is having a moment")

    assert deliver(evt).status_code == 500
    assert _row(db, evt["id"]).processed_at is None  # so Stripe's redelivery is not dropped

    assert deliver(evt).get_json()["status"] == "processed"
    db.session.expire_all()
    assert world.a.stripe_customer_id == customer and world.a.paid_seats == 2


def test_another_installs_customer_is_not_adopted(world, fake_stripe, deliver, db):
    """Two databases on one Stripe account: practice ids repeat, the install id does not."""
    customer = fake_stripe.add_customer(
        metadata={"practice_id": str(world.a.id), "coachhub_install": "someone-else"}
    )
    sub = fake_stripe.add_subscription(customer)

    assert (
        deliver(fake_stripe.event("customer.subscription.created", sub)).get_json()["status"]
        == "ignored"
    )
    db.session.expire_all()
    assert world.a.stripe_customer_id is None


def test_a_practice_with_its_own_customer_does_not_adopt_another(world, fake_stripe, deliver, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    stray = fake_stripe.add_customer(
        metadata={"practice_id": str(world.a.id), "coachhub_install": services.install_id()}
    )
    sub = fake_stripe.add_subscription(stray, quantity=9)
    current = world.a.stripe_customer_id

    assert (
        deliver(fake_stripe.event("customer.subscription.created", sub)).get_json()["status"]
        == "ignored"
    )
    db.session.expire_all()
    assert world.a.stripe_customer_id == current and world.a.paid_seats == 3


def test_adoption_finds_a_customer_linked_while_it_waited(world, fake_stripe, db):
    """The Subscribe that made the customer committed while the webhook waited for the lock."""
    from coachhub.billing.gateway import get_gateway

    customer = fake_stripe.add_customer(
        metadata={"practice_id": str(world.a.id), "coachhub_install": services.install_id()}
    )
    world.a.stripe_customer_id = customer
    db.session.commit()
    assert services.adopt_customer(customer, get_gateway()).id == world.a.id
    assert "billing.customer_linked" not in _actions(db, world.a)
