"""A Stripe API stand-in at the HTTP layer: the real SDK talks to it.

`FakeStripe` subclasses the SDK's `HTTPClient`, so requests go through
`stripe.StripeClient` exactly as in production (encoding, headers,
idempotency keys, response parsing). It serves objects in the current API
shape (`current_period_end` on the subscription item, invoices naming their
subscription under `parent.subscription_details`), replays the response for a
repeated Idempotency-Key as Stripe does, and records every request.
"""

import itertools
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

from coachhub.billing.gateway import HTTPClient

PRICES = {
    "price_monthly": {
        "id": "price_monthly",
        "object": "price",
        "unit_amount": 2900,
        "currency": "nzd",
        "recurring": {"interval": "month", "interval_count": 1},
        "product": "prod_coachhub",
    },
    "price_yearly": {
        "id": "price_yearly",
        "object": "price",
        "unit_amount": 29000,
        "currency": "nzd",
        "recurring": {"interval": "year", "interval_count": 1},
        "product": "prod_coachhub",
    },
}
MONTH = 30 * 86400


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


def decode_params(encoded: str) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class FakeStripe(HTTPClient):
    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.requests: list[Recorded] = []
        self.customers: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.prices = json.loads(json.dumps(PRICES))
        # (METHOD, path regex) -> (status, error message): the next matching request fails.
        self.failures: dict[tuple[str, str], tuple[int, str]] = {}
        self._replies: dict[str, tuple[str, int, dict]] = {}
        self._ids = itertools.count(1)

    # --- the HTTPClient interface -------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        encoded = parts.query if method in ("get", "delete") else (post_data or "")
        record = Recorded(method.upper(), parts.path, decode_params(encoded), dict(headers or {}))
        self.requests.append(record)
        key = record.idempotency_key if record.method == "POST" else None
        if key and key in self._replies:
            return self._replies[key]
        status, body = self._dispatch(record)
        reply = (json.dumps(body), status, {"Request-Id": f"req_{next(self._ids)}"})
        if key and status < 500:
            self._replies[key] = reply
        return reply

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass

    # --- what tests look at ---------------------------------------------------------
    def sent(self, method: str, path_pattern: str) -> list[Recorded]:
        """Recorded requests with this method whose path matches the regex."""
        return [
            r for r in self.requests if r.method == method and re.fullmatch(path_pattern, r.path)
        ]

    def fail_next(
        self, method: str, path_pattern: str, status: int = 400, message: str = "No."
    ) -> None:
        self.failures[(method, path_pattern)] = (status, message)

    # --- seeding Stripe-side state ------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):04d}"

    def add_customer(
        self, email: str = "owner@example.test", practice_id: int | None = None
    ) -> str:
        cid = self.new_id("cus")
        self.customers[cid] = {
            "id": cid,
            "object": "customer",
            "email": email,
            "metadata": {"practice_id": str(practice_id)} if practice_id else {},
        }
        return cid

    def add_subscription(
        self,
        customer: str,
        *,
        status: str = "active",
        quantity: int = 1,
        price: str = "price_monthly",
        period_end: int | None = None,
        created: int | None = None,
        cancel_at_period_end: bool = False,
        trial_end: int | None = None,
        legacy_shape: bool = False,
        practice_id: int | None = None,
    ) -> dict:
        """A subscription in the current API shape (or the pre-2025-03-31 one)."""
        now = int(time.time())
        sid = self.new_id("sub")
        period_end = period_end or now + MONTH
        item = {
            "id": self.new_id("si"),
            "object": "subscription_item",
            "quantity": quantity,
            "price": self.prices[price],
            "subscription": sid,
        }
        sub = {
            "id": sid,
            "object": "subscription",
            "customer": customer,
            "status": status,
            "created": created or now,
            "cancel_at_period_end": cancel_at_period_end,
            "trial_end": trial_end,
            "metadata": {"practice_id": str(practice_id)} if practice_id else {},
            "items": {
                "object": "list",
                "data": [item],
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={sid}",
            },
        }
        if legacy_shape:
            sub["current_period_start"] = now
            sub["current_period_end"] = period_end
        else:
            item["current_period_start"] = now
            item["current_period_end"] = period_end
        self.subscriptions[sid] = sub
        return sub

    def update_subscription(self, sid: str, **changes) -> dict:
        sub = self.subscriptions[sid]
        item = sub["items"]["data"][0]
        if "quantity" in changes:
            item["quantity"] = changes.pop("quantity")
        if "period_end" in changes:
            item["current_period_end"] = changes.pop("period_end")
        sub.update(changes)
        return sub

    def complete_checkout(self, session_id: str, status: str = "active") -> dict:
        """What Stripe does when the owner pays: a subscription for the session's seats."""
        session = self.sessions[session_id]
        line = session["_line_items"][0]
        sub = self.add_subscription(
            session["customer"],
            status=status,
            quantity=int(line["quantity"]),
            price=line["price"],
            practice_id=int(session["client_reference_id"]),
        )
        session.update(status="complete", subscription=sub["id"], payment_status="paid")
        return sub

    def add_invoice(self, customer: str, subscription: str | None = None, **fields) -> dict:
        iid = self.new_id("in")
        invoice = {
            "id": iid,
            "object": "invoice",
            "customer": customer,
            "number": f"CH-{len(self.invoices) + 1:04d}",
            "created": int(time.time()),
            "total": 8700,
            "amount_due": 8700,
            "currency": "nzd",
            "status": "paid",
            "attempt_count": 1,
            "hosted_invoice_url": f"https://invoice.stripe.test/{iid}",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": subscription},
            },
        }
        invoice.update(fields)
        self.invoices[iid] = invoice
        return invoice

    # --- the API --------------------------------------------------------------------
    def _dispatch(self, r: Recorded) -> tuple[int, dict]:
        for (method, pattern), (status, message) in list(self.failures.items()):
            if method == r.method and re.fullmatch(pattern, r.path):
                del self.failures[(method, pattern)]
                return status, _error(message)
        routes = [
            ("POST", r"/v1/customers", self._create_customer),
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", self._get("sessions")),
            ("POST", r"/v1/billing_portal/sessions", self._create_portal),
            ("GET", r"/v1/subscriptions", self._list_subscriptions),
            ("GET", r"/v1/subscriptions/(?P<id>[^/]+)", self._get("subscriptions")),
            ("POST", r"/v1/subscriptions/(?P<id>[^/]+)", self._update_subscription),
            ("POST", r"/v1/invoices/create_preview", self._preview),
            ("GET", r"/v1/invoices", self._list_invoices),
            ("GET", r"/v1/prices/(?P<id>[^/]+)", self._get("prices")),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, r.path)
            if method == r.method and match:
                return handler(r, **match.groupdict())
        return 404, _error(f"Unrecognized request URL ({r.method}: {r.path}).")

    def _get(self, collection: str):
        def handler(r, id):
            obj = getattr(self, collection).get(id)
            if obj is None:
                return 404, _error(f"No such object: '{id}'")
            return 200, _public(obj)

        return handler

    def _create_customer(self, r):
        metadata = r.params.get("metadata", {})
        cid = self.add_customer(r.params.get("email", ""), None)
        self.customers[cid].update(name=r.params.get("name"), metadata=metadata)
        return 200, self.customers[cid]

    def _create_session(self, r):
        if r.params.get("customer") not in self.customers:
            return 400, _error("No such customer")
        sid = self.new_id("cs_test")
        session = {
            "id": sid,
            "object": "checkout.session",
            "mode": r.params.get("mode"),
            "customer": r.params["customer"],
            "client_reference_id": r.params.get("client_reference_id"),
            "metadata": r.params.get("metadata", {}),
            "status": "open",
            "payment_status": "unpaid",
            "subscription": None,
            "success_url": r.params.get("success_url"),
            "url": f"https://checkout.stripe.test/c/pay/{sid}",
            "_line_items": r.params.get("line_items", []),
        }
        self.sessions[sid] = session
        return 200, _public(session)

    def _create_portal(self, r):
        if r.params.get("customer") not in self.customers:
            return 400, _error("No such customer")
        pid = self.new_id("bps")
        return 200, {
            "id": pid,
            "object": "billing_portal.session",
            "customer": r.params["customer"],
            "return_url": r.params.get("return_url"),
            "url": f"https://billing.stripe.test/p/session/{pid}",
        }

    def _list_subscriptions(self, r):
        customer = r.params.get("customer")
        status = r.params.get("status")
        subs = [
            s
            for s in self.subscriptions.values()
            if (customer is None or s["customer"] == customer)
            and (status == "all" or s["status"] not in ("canceled", "incomplete_expired"))
        ]
        subs.sort(key=lambda s: s["created"], reverse=True)
        return 200, _list(subs, "/v1/subscriptions")

    def _update_subscription(self, r, id):
        sub = self.subscriptions.get(id)
        if sub is None:
            return 404, _error(f"No such subscription: '{id}'")
        for change in r.params.get("items", []):
            item = next(i for i in sub["items"]["data"] if i["id"] == change["id"])
            item["quantity"] = int(change["quantity"])
        return 200, sub

    def _preview(self, r):
        sub = self.subscriptions.get(r.params.get("subscription"))
        if sub is None:
            return 400, _error("No such subscription")
        item = sub["items"]["data"][0]
        new_quantity = int(r.params["subscription_details"]["items"][0]["quantity"])
        # Half a period left, for round numbers.
        amount = (new_quantity - item["quantity"]) * item["price"]["unit_amount"] // 2
        return 200, {
            "object": "invoice",
            "customer": sub["customer"],
            "currency": item["price"]["currency"],
            "total": amount,
            "amount_due": max(0, amount),
        }

    def _list_invoices(self, r):
        customer = r.params.get("customer")
        invoices = [i for i in self.invoices.values() if i["customer"] == customer]
        invoices.sort(key=lambda i: i["created"], reverse=True)
        return 200, _list(invoices[: int(r.params.get("limit", 10))], "/v1/invoices")


def _public(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _list(items: list[dict], url: str) -> dict:
    return {"object": "list", "data": items, "has_more": False, "url": url}


def _error(message: str) -> dict:
    return {"error": {"type": "invalid_request_error", "message": message}}


# --- webhooks ----------------------------------------------------------------------
def event(type_: str, obj: dict, *, id: str | None = None, created: int | None = None) -> dict:
    """A snapshot event as Stripe sends it."""
    return {
        "id": id or f"evt_{next(_event_ids):06d}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": created or int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type_,
    }


_event_ids = itertools.count(1)


def signed(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`, computed by the SDK as Stripe does."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
