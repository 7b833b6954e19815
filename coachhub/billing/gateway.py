"""The one module that talks to Stripe, and the only one that imports `stripe`.

It wraps `stripe.StripeClient` and hands the rest of CoachHub plain
dataclasses, never SDK objects. The HTTP layer is injectable
(`app.extensions["stripe_http_client"]`, a subclass of the SDK's
`HTTPClient`), so tests run the real SDK against recorded fixtures; otherwise
it is the SDK's requests client with CoachHub's timeout.

API version: every request names `API_VERSION`, the version the pinned SDK
was generated for (so its types describe exactly what we send and read), and
`flask billing setup-webhook` creates the endpoint with it. In that version
`current_period_end` lives on the subscription item, and invoices name their
subscription under `parent.subscription_details`; those are the only places
read.
"""

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stripe
from flask import current_app

log = logging.getLogger(__name__)

# The API version stripe==16.1.0 speaks. Upgrading the SDK means reading Stripe's changelog
# for the versions in between, then moving this (tests/billing/test_gateway.py insists).
API_VERSION = "2026-10-28.endive"

# Subscription statuses that mean "this is the practice's current subscription",
# as opposed to ended ones (canceled, incomplete_expired).
LIVE_STATUSES = frozenset({"trialing", "active", "past_due", "unpaid", "paused", "incomplete"})
PAGE_SIZE = 100  # Stripe's largest page

HTTPClient = stripe.HTTPClient  # the base class a test HTTP layer subclasses


class GatewayError(Exception):
    """Stripe refused the request or could not be reached; `message` is safe to show."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class CustomerGone(GatewayError):
    """Stripe no longer has the customer the request named (deleted in the dashboard)."""


class InvalidSignature(Exception):
    """A webhook body whose Stripe-Signature does not verify (or is missing, or stale)."""


@dataclass(frozen=True)
class Price:
    id: str
    unit_amount: int | None
    currency: str
    interval: str | None
    interval_count: int = 1
    active: bool = True
    type: str = "recurring"
    usage_type: str | None = None
    billing_scheme: str = "per_unit"
    product: str | None = None


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str | None
    created: datetime | None
    total: int
    amount_due: int
    currency: str
    status: str | None
    hosted_invoice_url: str | None


@dataclass(frozen=True)
class Subscription:
    id: str
    customer_id: str
    status: str
    item_id: str | None
    quantity: int
    price: Price | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    cancel_at: datetime | None
    trial_end: datetime | None
    created: datetime | None
    # A change waiting for its payment (payment_behavior=pending_if_incomplete).
    pending_quantity: int | None = None
    pending_expires_at: datetime | None = None
    # Present when the request expanded it: the invoice to pay for a pending change.
    latest_invoice: Invoice | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    customer_id: str | None
    subscription_id: str | None
    client_reference_id: str | None
    status: str | None


@dataclass(frozen=True)
class Customer:
    id: str
    deleted: bool
    email: str | None = None
    name: str | None = None
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class InvoicePreview:
    amount_due: int
    total: int
    currency: str


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    api_version: str | None
    enabled_events: tuple[str, ...]
    status: str
    secret: str | None = None  # only in the answer to its creation


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    created: datetime
    object: dict[str, Any]
    livemode: bool = False
    api_version: str | None = None


def from_timestamp(value: int | None) -> datetime | None:
    """A Stripe Unix timestamp as an aware UTC datetime (None for 0 or missing)."""
    return datetime.fromtimestamp(value, UTC) if value else None


def _id(value) -> str | None:
    """An expandable field's id, whether Stripe sent the id or the object."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def _price(data: dict | str | None) -> Price | None:
    if not data:
        return None
    if isinstance(data, str):
        return Price(id=data, unit_amount=None, currency="", interval=None)
    recurring = data.get("recurring") or {}
    return Price(
        id=data["id"],
        unit_amount=data.get("unit_amount"),
        currency=data.get("currency") or "",
        interval=recurring.get("interval"),
        interval_count=recurring.get("interval_count") or 1,
        active=bool(data.get("active")),
        type=data.get("type") or "",
        usage_type=recurring.get("usage_type"),
        billing_scheme=data.get("billing_scheme") or "",
        product=_id(data.get("product")),
    )


def _invoice(data: dict) -> Invoice:
    return Invoice(
        id=data["id"],
        number=data.get("number"),
        created=from_timestamp(data.get("created")),
        total=int(data.get("total") or 0),
        amount_due=int(data.get("amount_due") or 0),
        currency=data.get("currency") or "",
        status=data.get("status"),
        hosted_invoice_url=data.get("hosted_invoice_url"),
    )


def subscription_from(data: dict) -> Subscription:
    """A Subscription from the API's JSON; the seat item is the first item."""
    items = data["items"]["data"]
    item = items[0] if items else {}
    pending = data.get("pending_update")
    pending_items = (pending or {}).get("subscription_items") or []
    latest = data.get("latest_invoice")
    return Subscription(
        id=data["id"],
        customer_id=_id(data["customer"]),
        status=data["status"],
        item_id=item.get("id"),
        quantity=int(item.get("quantity") or 0),
        price=_price(item.get("price")),
        current_period_end=from_timestamp(item.get("current_period_end")),
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        cancel_at=from_timestamp(data.get("cancel_at")),
        trial_end=from_timestamp(data.get("trial_end")),
        created=from_timestamp(data.get("created")),
        pending_quantity=(int(pending_items[0].get("quantity") or 0) if pending_items else None),
        pending_expires_at=from_timestamp(pending.get("expires_at")) if pending else None,
        latest_invoice=_invoice(latest) if isinstance(latest, dict) else None,
        metadata=dict(data.get("metadata") or {}),
    )


def invoice_subscription_id(data: dict) -> str | None:
    """The subscription an invoice belongs to (None for a one-off invoice)."""
    parent = data.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription"))


def _checkout_session(data: dict) -> CheckoutSession:
    return CheckoutSession(
        id=data["id"],
        url=data.get("url"),
        customer_id=_id(data.get("customer")),
        subscription_id=_id(data.get("subscription")),
        client_reference_id=data.get("client_reference_id"),
        status=data.get("status"),
    )


def _customer(data: dict) -> Customer:
    if data.get("deleted"):
        return Customer(id=data["id"], deleted=True)
    return Customer(
        id=data["id"],
        deleted=False,
        email=data.get("email"),
        name=data.get("name"),
        metadata=dict(data.get("metadata") or {}),
    )


def _endpoint(data: dict) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=data["id"],
        url=data["url"],
        api_version=data.get("api_version"),
        enabled_events=tuple(data.get("enabled_events") or ()),
        status=data.get("status") or "",
        secret=data.get("secret"),
    )


def _event(data: dict) -> Event:
    if data.get("object") != "event" or "id" not in data or "type" not in data:
        raise ValueError("not a Stripe event")
    return Event(
        id=data["id"],
        type=data["type"],
        created=from_timestamp(data.get("created")) or datetime.now(UTC),
        object=(data.get("data") or {}).get("object") or {},
        livemode=bool(data.get("livemode")),
        api_version=data.get("api_version"),
    )


def is_live_key(api_key: str) -> bool:
    """Whether a secret (or restricted) key is a live-mode key."""
    return api_key.startswith(("sk_live_", "rk_live_"))


class Gateway:
    """Stripe calls CoachHub makes; every method returns plain data or raises GatewayError."""

    def __init__(
        self,
        api_key: str,
        *,
        http_client: "stripe.HTTPClient | None" = None,
        max_network_retries: int = 2,
        timeout: float = 10.0,
        api_base: str | None = None,
    ):
        # The SDK's default is 80 s per try; a webhook waits on Stripe while it holds the
        # practice row, so a hung connection must fail fast.
        self.http_client = http_client or stripe.RequestsClient(timeout=timeout)
        self._client = stripe.StripeClient(
            api_key,
            stripe_version=API_VERSION,
            http_client=self.http_client,
            max_network_retries=max_network_retries,
            base_addresses={"api": api_base} if api_base else None,
        )
        self.livemode = is_live_key(api_key)

    def _call(self, method, *args, **kwargs) -> dict:
        try:
            result = method(*args, **kwargs)
        except stripe.StripeError as exc:
            log.warning("stripe request failed: %s", exc)
            message = exc.user_message or "Stripe could not handle the request; try again."
            error = exc.error
            if (
                isinstance(exc, stripe.InvalidRequestError)
                and error is not None
                and error.code == "resource_missing"
                and error.param == "customer"
            ):
                raise CustomerGone(message, status=exc.http_status) from exc
            raise GatewayError(message, status=exc.http_status) from exc
        return result.to_dict()

    @staticmethod
    def _options(idempotency_key: str | None) -> dict:
        return {"idempotency_key": idempotency_key} if idempotency_key else {}

    def _pages(self, method, params: dict) -> Iterator[dict]:
        """Every object of a list endpoint, following has_more page by page."""
        params = {**params, "limit": PAGE_SIZE}
        while True:
            page = self._call(method, params=params)
            data = page["data"]
            yield from data
            if not page["has_more"] or not data:
                return
            params = {**params, "starting_after": data[-1]["id"]}

    # --- customers ----------------------------------------------------------------------
    def create_customer(
        self, *, name: str, email: str, metadata: dict[str, str], idempotency_key: str
    ) -> str:
        """A new Stripe customer for the practice; the key makes a retry return the same one."""
        data = self._call(
            self._client.v1.customers.create,
            params={"name": name, "email": email, "metadata": metadata},
            options=self._options(idempotency_key),
        )
        return data["id"]

    def retrieve_customer(self, customer_id: str) -> Customer:
        """The customer as Stripe has it now (`deleted` once it was deleted)."""
        return _customer(self._call(self._client.v1.customers.retrieve, customer_id))

    # --- Checkout and the portal --------------------------------------------------------
    def create_checkout_session(
        self,
        *,
        customer_id: str,
        price_id: str,
        quantity: int,
        metadata: dict[str, str],
        client_reference_id: str,
        success_url: str,
        cancel_url: str,
        trial_end: datetime | None,
        automatic_tax: bool,
        allow_promotion_codes: bool,
        idempotency_key: str,
    ) -> CheckoutSession:
        """A Checkout Session in subscription mode for this customer and seat count."""
        subscription_data: dict[str, Any] = {"metadata": metadata}
        if trial_end is not None:
            subscription_data["trial_end"] = int(trial_end.timestamp())
        params: dict[str, Any] = {
            "mode": "subscription",
            "customer": customer_id,
            "client_reference_id": client_reference_id,
            "line_items": [{"price": price_id, "quantity": quantity}],
            "metadata": metadata,
            "subscription_data": subscription_data,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if automatic_tax:
            # Stripe Tax needs the buyer's address; businesses may give a tax id. Both are
            # saved on the existing customer, so later invoices are taxed the same way.
            params["automatic_tax"] = {"enabled": True}
            params["tax_id_collection"] = {"enabled": True}
            params["billing_address_collection"] = "required"
            params["customer_update"] = {"address": "auto", "name": "auto"}
        if allow_promotion_codes:
            params["allow_promotion_codes"] = True
        data = self._call(
            self._client.v1.checkout.sessions.create,
            params=params,
            options=self._options(idempotency_key),
        )
        return _checkout_session(data)

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSession:
        """A Checkout Session as it is now (customer, subscription, status)."""
        return _checkout_session(self._call(self._client.v1.checkout.sessions.retrieve, session_id))

    def create_portal_session(self, *, customer_id: str, return_url: str) -> str:
        """The URL of a Customer Portal session (payment method, invoices, cancel)."""
        data = self._call(
            self._client.v1.billing_portal.sessions.create,
            params={"customer": customer_id, "return_url": return_url},
        )
        return data["url"]

    # --- subscriptions and invoices -----------------------------------------------------
    def retrieve_subscription(self, subscription_id: str) -> Subscription:
        """One subscription, fresh from Stripe (with its latest invoice)."""
        return subscription_from(
            self._call(
                self._client.v1.subscriptions.retrieve,
                subscription_id,
                params={"expand": ["latest_invoice"]},
            )
        )

    def list_subscriptions(self, customer_id: str) -> list[Subscription]:
        """Every subscription of the customer, ended ones included, newest first (all pages)."""
        pages = self._pages(
            self._client.v1.subscriptions.list,
            {"customer": customer_id, "status": "all", "expand": ["data.latest_invoice"]},
        )
        return [subscription_from(item) for item in pages]

    def list_invoices(self, customer_id: str, limit: int = 10) -> list[Invoice]:
        """The customer's latest invoices, newest first."""
        data = self._call(
            self._client.v1.invoices.list, params={"customer": customer_id, "limit": limit}
        )
        return [_invoice(item) for item in data["data"]]

    def retrieve_price(self, price_id: str) -> Price:
        """A configured price (amount, currency, interval, kind)."""
        price = _price(self._call(self._client.v1.prices.retrieve, price_id))
        assert price is not None
        return price

    def preview_seat_change(
        self,
        *,
        customer_id: str,
        subscription_id: str,
        item_id: str,
        quantity: int,
        proration_date: int,
        automatic_tax: bool,
    ) -> InvoicePreview:
        """The invoice a quantity change would raise now (prorated to `proration_date`)."""
        params: dict[str, Any] = {
            "customer": customer_id,
            "subscription": subscription_id,
            "subscription_details": {
                "items": [{"id": item_id, "quantity": quantity}],
                "proration_behavior": "always_invoice",
                "proration_date": proration_date,
            },
        }
        if automatic_tax:
            params["automatic_tax"] = {"enabled": True}
        data = self._call(self._client.v1.invoices.create_preview, params=params)
        return InvoicePreview(
            amount_due=int(data["amount_due"]),
            total=int(data["total"]),
            currency=data["currency"],
        )

    def update_seats(
        self,
        *,
        subscription_id: str,
        item_id: str,
        quantity: int,
        proration_date: int,
        idempotency_key: str,
    ) -> Subscription:
        """Set the item's quantity, invoicing the proration at once (as previewed).

        If that payment fails the quantity stays as it was and the answer carries a
        `pending_update` and the open `latest_invoice` (expanded, for its payment page).
        """
        data = self._call(
            self._client.v1.subscriptions.update,
            subscription_id,
            params={
                "items": [{"id": item_id, "quantity": quantity}],
                "proration_behavior": "always_invoice",
                "proration_date": proration_date,
                "payment_behavior": "pending_if_incomplete",
                "expand": ["latest_invoice"],
            },
            options=self._options(idempotency_key),
        )
        return subscription_from(data)

    # --- events and webhook endpoints ---------------------------------------------------
    def retrieve_event(self, event_id: str) -> Event:
        """An event Stripe still keeps (30 days), for replaying one the log does not have."""
        return _event(self._call(self._client.v1.events.retrieve, event_id))

    def list_webhook_endpoints(self) -> list[WebhookEndpoint]:
        """Every webhook endpoint of the account."""
        return [_endpoint(e) for e in self._pages(self._client.v1.webhook_endpoints.list, {})]

    def create_webhook_endpoint(self, *, url: str, events: Sequence[str]) -> WebhookEndpoint:
        """A new endpoint sending `events` in the pinned API version; the answer has its secret."""
        data = self._call(
            self._client.v1.webhook_endpoints.create,
            params={
                "url": url,
                "enabled_events": list(events),
                "api_version": API_VERSION,
                "description": "CoachHub billing",
            },
        )
        return _endpoint(data)

    def update_webhook_endpoint(
        self, endpoint_id: str, *, events: Sequence[str]
    ) -> WebhookEndpoint:
        """Set an endpoint's events and enable it (its secret and API version stay)."""
        data = self._call(
            self._client.v1.webhook_endpoints.update,
            endpoint_id,
            params={"enabled_events": list(events), "disabled": False},
        )
        return _endpoint(data)

    def delete_webhook_endpoint(self, endpoint_id: str) -> None:
        """Remove an endpoint: Stripe stops sending to it."""
        self._call(self._client.v1.webhook_endpoints.delete, endpoint_id)

    def tax_settings_status(self) -> str:
        """Whether Stripe Tax is set up on the account ("active" or "pending")."""
        return self._call(self._client.v1.tax.settings.retrieve)["status"]


def construct_event(
    payload: bytes, signature: str | None, secrets: Sequence[str], tolerance: int = 300
) -> Event:
    """Verify `payload` (the raw body) against each secret in turn; InvalidSignature if none.

    The SDK refuses a timestamp older than `tolerance`; one further ahead than that is
    refused here too (a signed request kept for later replay).
    """
    if not secrets:
        raise InvalidSignature("no webhook secret configured")
    error: Exception | None = None
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(payload, signature, secret, tolerance)
        except stripe.SignatureVerificationError as exc:
            error = exc
            continue
        except (ValueError, TypeError, AttributeError) as exc:  # signed, but not a JSON object
            raise InvalidSignature(f"malformed payload: {exc}") from exc
        if signed_timestamp(signature) > time.time() + tolerance:
            raise InvalidSignature("timestamp is in the future")
        try:
            return _event(event.to_dict())
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InvalidSignature(f"not a Stripe event: {exc}") from exc
    raise InvalidSignature(str(error))


def signed_timestamp(signature: str | None) -> int:
    """The `t=` of a Stripe-Signature header (already verified by the SDK)."""
    for item in (signature or "").split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return 0


def event_from_json(payload: str | bytes) -> Event:
    """An event from JSON already verified once (the webhook log), for `flask billing replay`."""
    return _event(json.loads(payload))


def get_gateway() -> Gateway | None:
    """The gateway for this app, or None when STRIPE_SECRET_KEY is not configured."""
    config = current_app.config
    if not config["STRIPE_SECRET_KEY"]:
        return None
    return Gateway(
        config["STRIPE_SECRET_KEY"],
        http_client=current_app.extensions.get("stripe_http_client"),
        max_network_retries=config["STRIPE_MAX_NETWORK_RETRIES"],
        timeout=config["STRIPE_TIMEOUT"],
        api_base=config["STRIPE_API_BASE"] or None,
    )
