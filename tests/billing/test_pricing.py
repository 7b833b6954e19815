"""The price on /pricing and the billing page; the Checkout options a practice expects."""

import pytest

from tests.billing.conftest import subscribe


@pytest.fixture
def config(app):
    """`config(NAME=value, ...)` for this test only."""
    saved = {}

    def _set(**values):
        for name in values:
            saved.setdefault(name, app.config.get(name))
        app.config.update(values)

    yield _set
    app.config.update(saved)


def test_pricing_without_keys_shows_the_configured_price(client, config):
    config(PRICING_MONTHLY_AMOUNT=2900, PRICING_YEARLY_AMOUNT=29000, PRICING_CURRENCY="nzd")
    html = client.get("/pricing").get_data(as_text=True)
    assert 'data-testid="price-monthly"' in html
    assert "29.00 NZD" in html and "per coach seat per month" in html
    assert "290.00 NZD" in html and "per coach seat per year" in html


def test_pricing_without_any_price_still_explains_the_plan(client):
    response = client.get("/pricing")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "per coach seat" in html and 'data-testid="price-monthly"' not in html


def test_pricing_reads_the_price_from_stripe_once(client, fake_stripe, config):
    config(PRICING_MONTHLY_AMOUNT=100, PRICING_CURRENCY="usd")  # Stripe's price wins
    fake_stripe.add_price("price_monthly", 3500, "month")

    first = client.get("/pricing").get_data(as_text=True)
    second = client.get("/pricing").get_data(as_text=True)

    assert "35.00 NZD" in first and "35.00 NZD" in second
    assert "290.00 NZD" in first  # the yearly price too
    assert len(fake_stripe.sent("GET", "/v1/prices/price_monthly")) == 1
    assert len(fake_stripe.sent("GET", "/v1/prices/price_yearly")) == 1


def test_the_price_cache_expires(client, fake_stripe, time_travel, now):
    from datetime import timedelta

    client.get("/pricing")
    fake_stripe.add_price("price_monthly", 3900, "month")
    time_travel(now + timedelta(hours=2))
    assert "39.00 NZD" in client.get("/pricing").get_data(as_text=True)
    assert len(fake_stripe.sent("GET", "/v1/prices/price_monthly")) == 2


def test_pricing_survives_stripe_being_down(client, fake_stripe, config):
    config(PRICING_MONTHLY_AMOUNT=2900, PRICING_CURRENCY="nzd")
    fake_stripe.fail_next("GET", r"/v1/prices/.*", 500, "down")
    response = client.get("/pricing")
    assert response.status_code == 200
    assert "29.00 NZD" in response.get_data(as_text=True)  # the configured price stands in


def test_pricing_page_queries(client, fake_stripe, count_queries):
    client.get("/pricing")
    with count_queries() as counter:
        assert client.get("/pricing").status_code == 200
    assert counter.count == 0


def test_billing_page_shows_the_cached_price(world, fake_stripe, login, db):
    subscribe(world.a, fake_stripe, db, quantity=3)
    owner = login(world.owner_a.user)
    for _ in range(2):
        html = owner.get("/p/alpha/billing/").get_data(as_text=True)
        assert "29.00 NZD per seat per month" in html
    assert len(fake_stripe.sent("GET", "/v1/prices/price_monthly")) == 1


def test_billing_page_without_keys_shows_the_configured_price(world, login, config):
    config(PRICING_MONTHLY_AMOUNT=2900, PRICING_CURRENCY="nzd")
    html = login(world.owner_a.user).get("/p/alpha/billing/").get_data(as_text=True)
    assert "29.00 NZD per seat per month" in html


def test_checkout_with_stripe_tax(world, fake_stripe, login, config):
    config(STRIPE_AUTOMATIC_TAX=True)
    login(world.owner_a.user).post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.params["automatic_tax"] == {"enabled": "true"}
    assert checkout.params["tax_id_collection"] == {"enabled": "true"}
    assert checkout.params["billing_address_collection"] == "required"
    # Checkout may save the address and business name it collects on the existing customer.
    assert checkout.params["customer_update"] == {"address": "auto", "name": "auto"}


def test_checkout_without_stripe_tax_sends_no_tax_options(world, fake_stripe, login):
    login(world.owner_a.user).post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    for name in ("automatic_tax", "tax_id_collection", "customer_update", "allow_promotion_codes"):
        assert name not in checkout.params


def test_seat_preview_includes_tax_when_stripe_tax_is_on(world, fake_stripe, login, db, config):
    from tests import factories

    config(STRIPE_AUTOMATIC_TAX=True)
    subscribe(world.a, fake_stripe, db, quantity=3)
    factories.coach(world.a)
    html = login(world.owner_a.user).get("/p/alpha/billing/seats?quantity=4").get_data(as_text=True)
    [preview] = fake_stripe.sent("POST", "/v1/invoices/create_preview")
    assert preview.params["automatic_tax"] == {"enabled": "true"}
    assert "charges <strong>16.67 NZD</strong> now" in html  # 14.50 + 15 % tax


def test_checkout_with_promotion_codes(world, fake_stripe, login, config):
    config(STRIPE_ALLOW_PROMOTION_CODES=True)
    login(world.owner_a.user).post("/p/alpha/billing/subscribe", data={"plan": "monthly"})
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.params["allow_promotion_codes"] == "true"


def test_monthly_and_yearly_are_offered_when_both_are_configured(world, fake_stripe, login, config):
    owner = login(world.owner_a.user)
    html = owner.get("/p/alpha/billing/").get_data(as_text=True)
    assert 'value="yearly"' in html and "290.00 NZD per seat per year" in html
    config(STRIPE_YEARLY_PRICE_ID="")
    html = owner.get("/p/alpha/billing/").get_data(as_text=True)
    assert 'value="yearly"' not in html
    owner.post("/p/alpha/billing/subscribe", data={"plan": "yearly"})
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.params["line_items"][0]["price"] == "price_monthly"


def test_the_landing_page_shows_the_price_the_method_and_the_way_in(client, config):
    config(PRICING_MONTHLY_AMOUNT=2900, PRICING_CURRENCY="nzd")
    html = client.get("/").get_data(as_text=True)
    price = html[html.index('data-testid="landing-price"') :]
    assert "29.00 NZD" in price[:300] and "per coach seat per month" in price[:300]
    assert "The method in three steps" in html and html.count("Step ") >= 3
    assert 'src="/static/img/product-coach-dashboard.png"' in html
    assert 'href="/signup"' in html and 'href="/pricing"' in html
    with client.get("/static/img/product-coach-dashboard.png") as picture:
        assert picture.status_code == 200


def test_the_landing_page_without_a_price_still_says_per_seat(client):
    html = client.get("/").get_data(as_text=True)
    assert "Priced per coach seat." in html and "Clients are free" in html


def test_every_page_links_the_icon_and_the_web_app_manifest(client):
    import json

    html = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    assert 'rel="manifest" href="/static/manifest.json"' in html
    with client.get("/static/manifest.json") as response:
        manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "CoachHub" and manifest["icons"][0]["src"].endswith("favicon.svg")
    with client.get("/static/img/favicon.svg") as icon:
        assert icon.status_code == 200
