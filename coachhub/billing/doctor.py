"""`flask billing doctor`: is this server's Stripe set-up right? Plain findings, no changes.

Each check says what it saw ("ok") or what is wrong and how to fix it
("problem"). Nothing here writes to Stripe or to the database.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from coachhub.billing.gateway import API_VERSION, Gateway, GatewayError, Price, is_live_key
from coachhub.billing.webhooks import HANDLED_EVENTS
from coachhub.formatting import money

WEBHOOK_PATH = "/billing/stripe/webhook"


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str


def _ok(text: str) -> Finding:
    return Finding(True, text)


def _problem(text: str) -> Finding:
    return Finding(False, text)


class _KeyRefused(Exception):
    pass


def webhook_url(base_url: str) -> str:
    """Where Stripe should send events for a server at `base_url`."""
    return base_url.rstrip("/") + WEBHOOK_PATH


def check(config: dict, gateway: Gateway | None, url: str) -> Iterator[Finding]:
    """Every finding about the Stripe settings in `config`, the account, and the endpoint."""
    key = config.get("STRIPE_SECRET_KEY") or ""
    usable = yield from _check_key(key, config)
    yield from _check_secrets(config.get("STRIPE_WEBHOOK_SECRETS") or [])
    if not usable or gateway is None:
        if not config.get("STRIPE_PRICE_ID"):
            yield _problem("STRIPE_PRICE_ID is not set: copy the per-seat price's id (price_…).")
        return
    try:
        yield from _check_prices(config, gateway)
        yield from _check_endpoint(gateway, url)
        if config.get("STRIPE_AUTOMATIC_TAX"):
            yield from _check_tax(gateway)
    except _KeyRefused as refused:
        yield _problem(
            f"Stripe refused the key: {refused}. Copy it again from Developers → API keys."
        )


def _check_key(key: str, config: dict) -> Iterator[Finding]:
    if not key:
        yield _problem(
            "STRIPE_SECRET_KEY is not set: copy the secret key from Developers → API keys."
        )
        return False
    if key.startswith("pk_"):
        yield _problem(
            "STRIPE_SECRET_KEY is a publishable key (pk_…); the server needs the secret key "
            "(sk_…) or a restricted key (rk_…)."
        )
        return False
    if not key.startswith(("sk_test_", "sk_live_", "rk_test_", "rk_live_")):
        yield _problem("STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_… or rk_…).")
        return False
    mode = "live mode" if is_live_key(key) else "test mode"
    if config.get("ENV_NAME") == "production" and not is_live_key(key):
        yield _problem(
            "STRIPE_SECRET_KEY is a test mode key on a production server: no real payments."
        )
    else:
        yield _ok(f"STRIPE_SECRET_KEY: a {mode} key ({key[:8]}…)")
    return True


def _check_secrets(secrets: list[str]) -> Iterator[Finding]:
    if not secrets:
        yield _problem(
            "STRIPE_WEBHOOK_SECRETS is not set: webhooks are refused. "
            "`flask billing setup-webhook URL` prints the secret."
        )
        return
    wrong = [s for s in secrets if not s.startswith("whsec_")]
    for secret in wrong:
        yield _problem(f"STRIPE_WEBHOOK_SECRETS: {secret[:12]}… is not a signing secret (whsec_…).")
    if not wrong:
        yield _ok(f"STRIPE_WEBHOOK_SECRETS: {len(secrets)} signing secret(s)")


def _retrieve(gateway: Gateway, price_id: str) -> Price | None:
    try:
        return gateway.retrieve_price(price_id)
    except GatewayError as error:
        if error.status == 401:
            raise _KeyRefused(error.message) from error
        if error.status == 404:
            return None
        raise


def _check_prices(config: dict, gateway: Gateway) -> Iterator[Finding]:
    monthly_id = config.get("STRIPE_PRICE_ID")
    yearly_id = config.get("STRIPE_YEARLY_PRICE_ID")
    if not monthly_id:
        yield _problem(
            "STRIPE_PRICE_ID is not set: copy the monthly per-seat price's id (price_…)."
        )
    prices = {}
    for name, price_id, interval in (
        ("STRIPE_PRICE_ID", monthly_id, "month"),
        ("STRIPE_YEARLY_PRICE_ID", yearly_id, "year"),
    ):
        if not price_id:
            continue
        try:
            price = _retrieve(gateway, price_id)
        except GatewayError as error:
            yield _problem(f"{name} {price_id}: Stripe could not be asked ({error.message}).")
            continue
        if price is None:
            yield _problem(
                f"{name} {price_id}: Stripe has no such price (in this key's mode); "
                "check the id, and that it was made in the same mode as the key."
            )
            continue
        prices[name] = price
        yield from _check_price(name, price, interval)
    monthly, yearly = prices.get("STRIPE_PRICE_ID"), prices.get("STRIPE_YEARLY_PRICE_ID")
    if (
        monthly
        and yearly
        and (monthly.currency, monthly.product) != (yearly.currency, yearly.product)
    ):
        yield _problem(
            "STRIPE_PRICE_ID and STRIPE_YEARLY_PRICE_ID should be two prices of the same "
            "product in the same currency."
        )
    if not yearly_id:
        yield _ok("STRIPE_YEARLY_PRICE_ID: not set (optional; only monthly is offered)")


def _check_price(name: str, price: Price, interval: str) -> Iterator[Finding]:
    wrong = False
    if not price.active:
        wrong = True
        yield _problem(f"{name} {price.id} is archived: Checkout cannot sell it.")
    if price.type != "recurring":
        wrong = True
        yield _problem(f"{name} {price.id} is a one-time price; seats need a recurring price.")
    elif price.usage_type == "metered":
        wrong = True
        yield _problem(f"{name} {price.id} is metered; seats need a licensed (per unit) price.")
    elif price.billing_scheme != "per_unit":
        wrong = True
        yield _problem(
            f"{name} {price.id} is tiered; CoachHub previews per-seat (per unit) prices."
        )
    elif price.interval != interval or price.interval_count != 1:
        wrong = True
        every = (
            price.interval
            if price.interval_count == 1
            else f"{price.interval_count} {price.interval}s"
        )
        yield _problem(f"{name} {price.id} bills every {every}, not every {interval}.")
    if not wrong:
        yield _ok(
            f"{name} {price.id}: {money(price.unit_amount, price.currency)} per seat per {interval}"
        )


def _check_endpoint(gateway: Gateway, url: str) -> Iterator[Finding]:
    try:
        endpoints = gateway.list_webhook_endpoints()
    except GatewayError as error:
        if error.status == 401:
            raise _KeyRefused(error.message) from error
        yield _problem(
            f"Webhook endpoints could not be listed ({error.message}); a restricted key needs "
            "read access to Webhook Endpoints."
        )
        return
    matching = [e for e in endpoints if e.url == url]
    if not matching:
        yield _problem(f"No webhook endpoint for {url}: run `flask billing setup-webhook {url}`.")
        return
    endpoint = matching[0]
    fine = True
    if endpoint.status != "enabled":
        fine = False
        yield _problem(
            f"The webhook endpoint {endpoint.id} for {url} is disabled: "
            f"run `flask billing setup-webhook {url}` to enable it."
        )
    if endpoint.api_version != API_VERSION:
        fine = False
        yield _problem(
            f"The webhook endpoint {endpoint.id} uses API version "
            f"{endpoint.api_version or 'the account default'}, not {API_VERSION}: "
            f"run `flask billing setup-webhook {url} --replace`."
        )
    if "*" not in endpoint.enabled_events:
        missing = sorted(HANDLED_EVENTS - set(endpoint.enabled_events))
        if missing:
            fine = False
            yield _problem(
                f"The webhook endpoint {endpoint.id} does not send {', '.join(missing)}: "
                f"run `flask billing setup-webhook {url}`."
            )
    if fine:
        yield _ok(
            f"Webhook endpoint {url}: enabled, API version {API_VERSION}, "
            f"all {len(HANDLED_EVENTS)} events CoachHub handles"
        )
    if len(matching) > 1:
        yield _problem(
            f"{len(matching)} webhook endpoints point at {url}: each event arrives more than once; "
            "delete the extra ones in the dashboard."
        )


def _check_tax(gateway: Gateway) -> Iterator[Finding]:
    try:
        status = gateway.tax_settings_status()
    except GatewayError as error:
        if error.status == 401:
            raise _KeyRefused(error.message) from error
        yield _problem(f"Stripe Tax settings could not be read ({error.message}).")
        return
    if status != "active":
        yield _problem(
            f"STRIPE_AUTOMATIC_TAX is on but Stripe Tax is not active (status: {status}): "
            "finish Settings → Tax in the dashboard, or turn STRIPE_AUTOMATIC_TAX off."
        )
    else:
        yield _ok("Stripe Tax: active")
