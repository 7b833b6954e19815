"""`flask billing setup-webhook URL` and `flask billing doctor`."""

import pytest

from coachhub.billing.gateway import API_VERSION
from coachhub.billing.webhooks import HANDLED_EVENTS

URL = "https://coachhub.example/billing/stripe/webhook"


def test_setup_webhook_creates_the_endpoint_and_prints_its_secret(fake_stripe, runner, db):
    result = runner.invoke(args=["billing", "setup-webhook", URL])

    assert result.exit_code == 0, result.output
    [call] = fake_stripe.sent("POST", "/v1/webhook_endpoints")
    assert call.params["url"] == URL
    assert call.params["api_version"] == API_VERSION
    assert sorted(call.params["enabled_events"]) == sorted(HANDLED_EVENTS)
    [endpoint] = fake_stripe.endpoints.values()
    assert result.output.strip().splitlines()[-1] == f"whsec_{endpoint['id']}"
    assert "STRIPE_WEBHOOK_SECRETS" in result.output


def test_setup_webhook_again_updates_the_events_and_keeps_the_secret(fake_stripe, runner, db):
    old = fake_stripe.add_endpoint(URL, ["invoice.paid"])

    result = runner.invoke(args=["billing", "setup-webhook", URL])

    assert result.exit_code == 0, result.output
    assert fake_stripe.sent("POST", "/v1/webhook_endpoints") == []
    [update] = fake_stripe.sent("POST", f"/v1/webhook_endpoints/{old['id']}")
    assert sorted(update.params["enabled_events"]) == sorted(HANDLED_EVENTS)
    assert update.params["disabled"] == "false"
    assert "signing secret is unchanged" in result.output
    assert "whsec_" not in result.output


def test_setup_webhook_refuses_to_change_an_endpoints_api_version_silently(fake_stripe, runner, db):
    old = fake_stripe.add_endpoint(URL, sorted(HANDLED_EVENTS), api_version="2024-06-20")

    refused = runner.invoke(args=["billing", "setup-webhook", URL])

    assert refused.exit_code == 1
    assert "2024-06-20" in refused.output and "--replace" in refused.output
    assert fake_stripe.sent("POST", r"/v1/webhook_endpoints.*") == []

    replaced = runner.invoke(args=["billing", "setup-webhook", URL, "--replace"])

    assert replaced.exit_code == 0, replaced.output
    assert fake_stripe.sent("DELETE", f"/v1/webhook_endpoints/{old['id']}")
    [created] = fake_stripe.sent("POST", "/v1/webhook_endpoints")
    assert created.params["api_version"] == API_VERSION
    assert replaced.output.strip().splitlines()[-1].startswith("whsec_")


@pytest.mark.parametrize("url", ["coachhub.example/hook", "ftp://coachhub.example/x", ""])
def test_setup_webhook_needs_a_url(fake_stripe, runner, db, url):
    result = runner.invoke(args=["billing", "setup-webhook", url])
    assert result.exit_code != 0
    assert fake_stripe.requests == []


def test_setup_webhook_without_a_key(runner, db):
    result = runner.invoke(args=["billing", "setup-webhook", URL])
    assert result.exit_code == 1 and "STRIPE_SECRET_KEY" in result.output


@pytest.fixture
def healthy(app, fake_stripe):
    """Everything doctor checks, set up right."""
    saved = app.config["APP_BASE_URL"]
    app.config["APP_BASE_URL"] = "https://coachhub.example"
    fake_stripe.add_endpoint(URL, sorted(HANDLED_EVENTS))
    yield fake_stripe
    app.config["APP_BASE_URL"] = saved


def test_doctor_with_everything_right(healthy, runner, db):
    result = runner.invoke(args=["billing", "doctor"])
    assert result.exit_code == 0, result.output
    assert "test mode" in result.output
    assert "29.00 NZD per seat per month" in result.output
    assert "290.00 NZD per seat per year" in result.output
    assert API_VERSION in result.output
    assert "No problems found." in result.output


def _problems(runner) -> str:
    result = runner.invoke(args=["billing", "doctor"])
    assert result.exit_code == 1, result.output
    return result.output


def test_doctor_names_a_missing_price(healthy, runner, app, db):
    app.config["STRIPE_PRICE_ID"] = "price_typo"
    assert "STRIPE_PRICE_ID price_typo: Stripe has no such price" in _problems(runner)


def test_doctor_names_a_price_that_is_not_per_seat_monthly(healthy, runner, app, db):
    healthy.add_price("price_monthly", 2900, "year")
    healthy.add_price("price_yearly", 29000, "year", active=False)
    output = _problems(runner)
    assert "STRIPE_PRICE_ID price_monthly bills every year, not every month" in output
    assert "STRIPE_YEARLY_PRICE_ID price_yearly is archived" in output


def test_doctor_names_a_one_time_or_metered_price(healthy, runner, db):
    healthy.add_price("price_monthly", 2900, "month", type="one_time", recurring=None)
    assert "price_monthly is a one-time price" in _problems(runner)
    healthy.add_price(
        "price_monthly", 2900, "month", recurring={"interval": "month", "usage_type": "metered"}
    )
    assert "price_monthly is metered" in _problems(runner)


def test_doctor_names_a_missing_or_wrong_endpoint(healthy, runner, db):
    [endpoint] = healthy.endpoints.values()
    endpoint.update(api_version="2024-06-20", enabled_events=["invoice.paid"], status="disabled")
    output = _problems(runner)
    assert "is disabled" in output
    assert f"API version 2024-06-20, not {API_VERSION}" in output
    assert "customer.deleted" in output and "does not send" in output
    healthy.endpoints.clear()
    assert f"No webhook endpoint for {URL}" in _problems(runner)
    assert "flask billing setup-webhook" in _problems(runner)


def test_doctor_accepts_an_endpoint_with_every_event(healthy, runner, db):
    [endpoint] = healthy.endpoints.values()
    endpoint["enabled_events"] = ["*"]
    assert runner.invoke(args=["billing", "doctor"]).exit_code == 0


def test_doctor_names_missing_webhook_secrets_and_a_wrong_key(healthy, runner, app, db):
    app.config["STRIPE_WEBHOOK_SECRETS"] = ["sk_test_oops"]
    assert "STRIPE_WEBHOOK_SECRETS: sk_test_oops… is not a signing secret (whsec_…)" in (
        _problems(runner)
    )
    app.config["STRIPE_WEBHOOK_SECRETS"] = []
    assert "STRIPE_WEBHOOK_SECRETS is not set" in _problems(runner)


def test_doctor_names_a_publishable_key(app, runner, db, stripe_settings):
    app.config["STRIPE_SECRET_KEY"] = "pk_test_123"
    output = _problems(runner)
    assert "STRIPE_SECRET_KEY is a publishable key" in output


def test_doctor_names_a_key_stripe_refuses(healthy, runner, db):
    healthy.fail_next("GET", r"/v1/prices/.*", 401, "Invalid API Key provided: sk_test_****fake")
    assert "Stripe refused the key" in _problems(runner)


def test_doctor_checks_stripe_tax_when_it_is_on(healthy, runner, app, db):
    app.config["STRIPE_AUTOMATIC_TAX"] = True
    try:
        healthy.tax_status = "pending"
        assert "Stripe Tax is not active" in _problems(runner)
        healthy.tax_status = "active"
        assert runner.invoke(args=["billing", "doctor"]).exit_code == 0
    finally:
        app.config["STRIPE_AUTOMATIC_TAX"] = False


def test_doctor_without_any_settings(runner, db):
    output = _problems(runner)
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PRICE_ID", "STRIPE_WEBHOOK_SECRETS"):
        assert f"{name} is not set" in output
