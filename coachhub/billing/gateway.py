"""The one module that talks to Stripe, and the only one that imports `stripe`.

It wraps `stripe.StripeClient` and hands the rest of CoachHub plain
dataclasses, never SDK objects. The HTTP layer is injectable
(`app.extensions["stripe_http_client"]`, a subclass of the SDK's
`HTTPClient`), so tests run the real SDK against recorded fixtures.

API shape: since API version 2025-03-31 `current_period_end` lives on the
subscription item; it is read there first, then from the subscription itself
(older accounts and fixtures). Invoices name their subscription under
`parent.subscription_details` (older shape: top-level `subscription`).
"""

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stripe
from flask import current_app

log = logging.getLogger(__name__)

# Subscription statuses that mean "this is the practice's current subscription",
# as opposed to ended ones (canceled, incomplete_expired).
LIVE_STATUSES = frozenset({"trialing", "active", "past_due", "unpaid", "paused", "incomplete"})

HTTPClient = stripe.HTTPClient  # the base class a test HTTP layer subclasses


class GatewayError(Exception):
    """Stripe refused the request or could not be reached; `message` is safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidSignature(Exception):
    """A webhook body whose Stripe-Signature does not verify (or is missing, or stale)."""


@dataclass(frozen=True)
class Price:
    id: str
    unit_amount: int | None
    currency: str
    interval: str | None


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
    trial_end: datetime | None
    created: datetime | None
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
class InvoicePreview:
    amount_due: int
    total: int
    currency: str


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    created: datetime
    object: dict[str, Any]
    livemode: bool = False


def from_timestamp(value: int | None) -> datetime | None:
    """A Stripe Unix timestamp as an aware UTC datetime (None for 0 or missing)."""
    return datetime.fromtimestamp(value, UTC) if value else None


def _price(data: dict | None) -> Price | None:
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
    )


def subscription_from(data: dict) -> Subscription:
    """A Subscription from the API's JSON (current shape first, older shape as fallback)."""
    items = (data.get("items") or {}).get("data") or []
    item = items[0] if items else {}
    customer = data.get("customer")
    if isinstance(customer, dict):
        customer = customer["id"]
    return Subscription(
        id=data["id"],
        customer_id=customer,
        status=data["status"],
        item_id=item.get("id"),
        quantity=int(item.get("quantity") or data.get("quantity") or 0),
        price=_price(item.get("price")),
        current_period_end=from_timestamp(
            item.get("current_period_end") or data.get("current_period_end")
        ),
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        trial_end=from_timestamp(data.get("trial_end")),
        created=from_timestamp(data.get("created")),
        metadata=dict(data.get("metadata") or {}),
    )


def invoice_subscription_id(data: dict) -> str | None:
    """The subscription an invoice belongs to, in the current or the older API shape."""
    details = (data.get("parent") or {}).get("subscription_details") or {}
    sub = details.get("subscription") or data.get("subscription")
    if isinstance(sub, dict):
        sub = sub.get("id")
    return sub


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


def _checkout_session(data: dict) -> CheckoutSession:
    return CheckoutSession(
        id=data["id"],
        url=data.get("url"),
        customer_id=data.get("customer"),
        subscription_id=data.get("subscription"),
        client_reference_id=data.get("client_reference_id"),
        status=data.get("status"),
    )


def _event(data: dict) -> Event:
    if data.get("object") != "event" or "id" not in data or "type" not in data:
        raise ValueError("not a Stripe event")
    return Event(
        id=data["id"],
        type=data["type"],
        created=from_timestamp(data.get("created")) or datetime.now(UTC),
        object=dict((data.get("data") or {}).get("object") or {}),
        livemode=bool(data.get("livemode")),
    )


class Gateway:
    """Stripe calls CoachHub makes; every method returns plain data or raises GatewayError."""

    def __init__(
        self,
        api_key: str,
        *,
        http_client: "stripe.HTTPClient | None" = None,
        max_network_retries: int = 2,
    ):
        self._client = stripe.StripeClient(
            api_key, http_client=http_client, max_network_retries=max_network_retries
        )

    def _call(self, method, *args, **kwargs) -> dict:
        try:
            result = method(*args, **kwargs)
        except stripe.StripeError as exc:
            log.warning("stripe request failed: %s", exc)
            raise GatewayError(
                exc.user_message or "Stripe could not handle the request; try again."
            ) from exc
        return result.to_dict()

    @staticmethod
    def _options(idempotency_key: str | None) -> dict:
        return {"idempotency_key": idempotency_key} if idempotency_key else {}

    def create_customer(
        self, *, practice_id: int, name: str, email: str, idempotency_key: str
    ) -> str:
        """A new Stripe customer for the practice; the key makes a retry return the same one."""
        data = self._call(
            self._client.v1.customers.create,
            params={"name": name, "email": email, "metadata": {"practice_id": str(practice_id)}},
            options=self._options(idempotency_key),
        )
        return data["id"]

    def create_checkout_session(
        self,
        *,
        customer_id: str,
        price_id: str,
        quantity: int,
        practice_id: int,
        success_url: str,
        cancel_url: str,
        trial_end: datetime | None,
        idempotency_key: str,
    ) -> CheckoutSession:
        """A Checkout Session in subscription mode for this customer and seat count."""
        subscription_data: dict[str, Any] = {"metadata": {"practice_id": str(practice_id)}}
        if trial_end is not None:
            subscription_data["trial_end"] = int(trial_end.timestamp())
        data = self._call(
            self._client.v1.checkout.sessions.create,
            params={
                "mode": "subscription",
                "customer": customer_id,
                "client_reference_id": str(practice_id),
                "line_items": [{"price": price_id, "quantity": quantity}],
                "metadata": {"practice_id": str(practice_id)},
                "subscription_data": subscription_data,
                "success_url": success_url,
                "cancel_url": cancel_url,
            },
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

    def retrieve_subscription(self, subscription_id: str) -> Subscription:
        """One subscription, fresh from Stripe."""
        return subscription_from(
            self._call(self._client.v1.subscriptions.retrieve, subscription_id)
        )

    def list_subscriptions(self, customer_id: str) -> list[Subscription]:
        """Every subscription of the customer, ended ones included, newest first."""
        data = self._call(
            self._client.v1.subscriptions.list,
            params={"customer": customer_id, "status": "all", "limit": 20},
        )
        return [subscription_from(item) for item in data.get("data", [])]

    def list_invoices(self, customer_id: str, limit: int = 10) -> list[Invoice]:
        """The customer's latest invoices, newest first."""
        data = self._call(
            self._client.v1.invoices.list, params={"customer": customer_id, "limit": limit}
        )
        return [_invoice(item) for item in data.get("data", [])]

    def retrieve_price(self, price_id: str) -> Price:
        """A configured price (amount, currency, interval) for the billing page."""
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
    ) -> InvoicePreview:
        """The invoice a quantity change would raise now (prorated to `proration_date`)."""
        data = self._call(
            self._client.v1.invoices.create_preview,
            params={
                "customer": customer_id,
                "subscription": subscription_id,
                "subscription_details": {
                    "items": [{"id": item_id, "quantity": quantity}],
                    "proration_behavior": "always_invoice",
                    "proration_date": proration_date,
                },
            },
        )
        return InvoicePreview(
            amount_due=int(data.get("amount_due") or 0),
            total=int(data.get("total") or 0),
            currency=data.get("currency") or "",
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
        """Set the item's quantity, invoicing the proration at once (as previewed)."""
        data = self._call(
            self._client.v1.subscriptions.update,
            subscription_id,
            params={
                "items": [{"id": item_id, "quantity": quantity}],
                "proration_behavior": "always_invoice",
                "proration_date": proration_date,
                # A failed proration payment leaves the old quantity in place.
                "payment_behavior": "pending_if_incomplete",
            },
            options=self._options(idempotency_key),
        )
        return subscription_from(data)


def construct_event(
    payload: bytes, signature: str | None, secrets: Sequence[str], tolerance: int = 300
) -> Event:
    """Verify `payload` (the raw body) against each secret in turn; InvalidSignature if none."""
    if not secrets:
        raise InvalidSignature("no webhook secret configured")
    error: Exception | None = None
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(payload, signature, secret, tolerance)
        except stripe.SignatureVerificationError as exc:
            error = exc
            continue
        except ValueError as exc:  # signed, but not JSON
            raise InvalidSignature(f"malformed payload: {exc}") from exc
        try:
            return _event(event.to_dict())
        except (KeyError, ValueError) as exc:
            raise InvalidSignature(f"not a Stripe event: {exc}") from exc
    raise InvalidSignature(str(error))


def event_from_json(payload: str | bytes) -> Event:
    """An event from stored JSON without verification (for `flask billing replay`)."""
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
    )
