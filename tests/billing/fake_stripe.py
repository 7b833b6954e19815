"""A Stripe API stand-in at the HTTP layer: the real SDK talks to it.

`FakeStripe` subclasses the SDK's `HTTPClient`, so requests go through
`stripe.StripeClient` exactly as in production (encoding, headers,
idempotency keys, response parsing). Every object it serves is made by one
builder (`stripe_api.build`) from the pinned SDK's resource classes, so it
has every field the pinned API version returns, and nothing else; tests lay
the values that matter over it. It replays the response for a repeated
Idempotency-Key as Stripe does, and records every request and response, which
`violations()` holds against the pinned API after each test (see conftest).
"""

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

from coachhub.billing.gateway import HTTPClient
from tests.billing import stripe_api
from tests.billing.stripe_api import API_VERSION, build

MONTH = 30 * 86400
PENDING_UPDATE_LIFETIME = 23 * 3600  # Stripe discards a pending update after 23 hours


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


@dataclass
class Exchange:
    request: Recorded
    status: int
    body: dict


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


class Tracked(dict):
    """A response as the gateway sees it, noting every field read: (object type, path, present)."""

    def __init__(self, data: dict, reads: set, type_: str | None = None, path: str = ""):
        super().__init__(data)
        own = data.get("object")
        if isinstance(own, str):
            type_, path = own, ""
        self._reads, self._type, self._path = reads, type_, path
        self._stub = data.get("deleted") is True

    def _note(self, key) -> None:
        if self._type is not None:
            where = f"{self._path}.{key}" if self._path else str(key)
            self._reads.add((self._type, where, key in self or self._stub))

    def _wrap(self, key, value):
        where = f"{self._path}.{key}" if self._path else str(key)
        if isinstance(value, dict) and not isinstance(value, Tracked):
            return Tracked(value, self._reads, self._type, where)
        if isinstance(value, list):
            return [
                Tracked(v, self._reads, self._type, f"{where}[]") if isinstance(v, dict) else v
                for v in value
            ]
        return value

    def __getitem__(self, key):
        self._note(key)
        return self._wrap(key, super().__getitem__(key))

    def get(self, key, default=None):
        self._note(key)
        return self._wrap(key, super().get(key, default)) if key in self else default


@dataclass
class Store:
    """Stripe-side state, by collection."""

    customers: dict[str, dict] = field(default_factory=dict)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    sessions: dict[str, dict] = field(default_factory=dict)
    invoices: dict[str, dict] = field(default_factory=dict)
    prices: dict[str, dict] = field(default_factory=dict)
    endpoints: dict[str, dict] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)


class FakeStripe(HTTPClient):
    name = "fake-stripe"

    def __init__(self, *, livemode: bool = False):
        super().__init__()
        self.livemode = livemode
        self.requests: list[Recorded] = []
        self.exchanges: list[Exchange] = []
        self.reads: set[tuple[str, str, bool]] = set()
        self.store = Store()
        self.customers = self.store.customers
        self.subscriptions = self.store.subscriptions
        self.sessions = self.store.sessions
        self.invoices = self.store.invoices
        self.prices = self.store.prices
        self.endpoints = self.store.endpoints
        self.events = self.store.events
        self.tax_status = "active"
        # Card payments for seat changes: set to True and the next prorations are declined.
        self.decline_payments = False
        # (METHOD, path regex) -> (status, error body): the next matching request fails.
        self.failures: dict[tuple[str, str], tuple[int, dict]] = {}
        self._session_lines: dict[str, list] = {}
        self._replies: dict[str, tuple[dict, tuple[str, int, dict]]] = {}
        self._ids = itertools.count(1)
        self.add_price("price_monthly", 2900, "month")
        self.add_price("price_yearly", 29000, "year")

    # --- the HTTPClient interface -------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        encoded = parts.query if method in ("get", "delete") else (post_data or "")
        record = Recorded(method.upper(), parts.path, decode_params(encoded), dict(headers or {}))
        self.requests.append(record)
        key = record.idempotency_key if record.method == "POST" else None
        if key and key in self._replies:
            first_params, reply = self._replies[key]
            if first_params == record.params:
                return reply
            # As Stripe: a key belongs to the parameters it was first used with.
            status, body = (
                400,
                _error(
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with.",
                    type="idempotency_error",
                ),
            )
            return json.dumps(body), status, {}
        status, body = self._dispatch(record)
        self.exchanges.append(Exchange(record, status, json.loads(json.dumps(body))))
        reply = (json.dumps(body), status, {"Request-Id": f"req_{next(self._ids)}"})
        if key and status < 500:
            self._replies[key] = (record.params, reply)
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
        self,
        method: str,
        path_pattern: str,
        status: int = 400,
        message: str = "No.",
        **error: str,
    ) -> None:
        """Make the next matching request fail with Stripe's error shape (code=..., param=...)."""
        self.failures[(method, path_pattern)] = (status, _error(message, **error))

    def violations(self) -> list[str]:
        """Everything sent, served or read that the pinned API does not allow, in words."""
        problems: list[str] = []
        for r in self.requests:
            problems += stripe_api.check_request(r.method, r.path, r.params)
            if r.headers.get("Stripe-Version") != API_VERSION:
                problems.append(
                    f"{r.method} {r.path}: Stripe-Version {r.headers.get('Stripe-Version')!r}, "
                    f"not the pinned {API_VERSION}"
                )
        for x in self.exchanges:
            problems += stripe_api.check_response(
                x.request.method, x.request.path, x.status, x.body
            )
        for type_, path, present in sorted(self.reads):
            if stripe_api.field_type(type_, path) is None:
                problems.append(
                    f"the code reads {type_}.{path}, which the pinned API ({API_VERSION}) "
                    "does not return"
                )
            elif not present and not path.endswith("deleted"):
                # (`deleted` is only ever on a deleted object's stub.)
                problems.append(f"the code reads {type_}.{path}, but the fixture lacks it")
        return list(dict.fromkeys(problems))

    def assert_conformant(self) -> None:
        problems = self.violations()
        assert not problems, "Not the pinned Stripe API:\n  " + "\n  ".join(problems)

    # --- seeding Stripe-side state ------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):04d}"

    def build(self, object_name: str, **fields) -> dict:
        """An object in the pinned shape with this account's mode and a fresh id."""
        prefix = {
            "checkout.session": "cs_test",
            "billing_portal.session": "bps",
            "subscription": "sub",
            "subscription_item": "si",
            "invoice": "in",
            "customer": "cus",
            "event": "evt",
            "tax_id": "txi",
            "webhook_endpoint": "we",
        }.get(object_name, "obj")
        cls = stripe_api.resource_class(object_name)
        hints = stripe_api.hints(cls) if cls else {}
        defaults = {
            "id": self.new_id(prefix),
            "livemode": self.livemode,
            "created": int(time.time()),
        }
        defaults = {k: v for k, v in defaults.items() if k in hints}
        return build(object_name, **{**defaults, **fields})

    def add_price(self, price_id: str, unit_amount: int, interval: str, **fields) -> dict:
        price = build(
            "price",
            id=price_id,
            active=True,
            billing_scheme="per_unit",
            created=int(time.time()),
            currency="nzd",
            livemode=self.livemode,
            product="prod_coachhub",
            recurring={"interval": interval, "interval_count": 1, "usage_type": "licensed"},
            tax_behavior="exclusive",
            type="recurring",
            unit_amount=unit_amount,
            unit_amount_decimal=str(unit_amount),
        )
        _lay_over(price, fields)
        self.prices[price_id] = price
        return price

    def add_customer(
        self,
        email: str = "owner@example.test",
        practice_id: int | None = None,
        *,
        metadata: dict | None = None,
        name: str | None = None,
    ) -> str:
        if metadata is None:
            metadata = {"practice_id": str(practice_id)} if practice_id else {}
        customer = self.build(
            "customer",
            email=email,
            name=name,
            metadata=metadata,
            invoice_prefix="CH",
            invoice_settings={"custom_fields": None, "default_payment_method": None},
            preferred_locales=[],
        )
        self.customers[customer["id"]] = customer
        return customer["id"]

    def delete_customer(self, customer_id: str) -> dict:
        """What the dashboard's "Delete customer" does: its subscriptions end at once."""
        for sub in self.subscriptions.values():
            if sub["customer"] == customer_id and sub["status"] not in ("canceled",):
                sub.update(
                    status="canceled", canceled_at=int(time.time()), ended_at=int(time.time())
                )
        self.customers[customer_id] = {"id": customer_id, "object": "customer", "deleted": True}
        return self.customers[customer_id]

    def customer_snapshot(self, customer_id: str) -> dict:
        """The customer as an event carries it (a deleted one in full, as Stripe sends it)."""
        return json.loads(json.dumps(self.customers[customer_id]))

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
        cancel_at: int | None = None,
        trial_end: int | None = None,
        practice_id: int | None = None,
        **fields,
    ) -> dict:
        """A subscription in the pinned API's shape (the period lives on the item)."""
        now = int(time.time())
        created = created or now
        sid = self.new_id("sub")
        period_end = period_end or now + MONTH
        price_obj = self.prices[price]
        if cancel_at_period_end:
            cancel_at = period_end  # Stripe sets the date too
        sub = self.build(
            "subscription",
            id=sid,
            customer=customer,
            status=status,
            created=created,
            start_date=created,
            billing_cycle_anchor=created,
            billing_mode={"type": "classic"},
            collection_method="charge_automatically",
            currency=price_obj["currency"],
            cancel_at_period_end=cancel_at_period_end,
            cancel_at=cancel_at,
            trial_end=trial_end,
            trial_start=created if trial_end else None,
            metadata={"practice_id": str(practice_id)} if practice_id else {},
            items={
                "object": "list",
                "data": [self._item(sid, price_obj, quantity, now, period_end)],
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={sid}",
            },
            **fields,
        )
        self.subscriptions[sid] = sub
        return sub

    def _item(self, sid: str, price: dict, quantity: int, start: int, end: int) -> dict:
        plan = build(
            "plan",
            id=price["id"],
            active=True,
            amount=price["unit_amount"],
            amount_decimal=str(price["unit_amount"]),
            billing_scheme="per_unit",
            created=price["created"],
            currency=price["currency"],
            interval=price["recurring"]["interval"],
            interval_count=1,
            livemode=self.livemode,
            product=price["product"],
            usage_type="licensed",
        )
        return self.build(
            "subscription_item",
            subscription=sid,
            price=price,
            plan=plan,
            quantity=quantity,
            current_period_start=start,
            current_period_end=end,
            metadata={},
        )

    def update_subscription(self, sid: str, **changes) -> dict:
        """Change a subscription as Stripe would (quantity and period_end go to the item)."""
        sub = self.subscriptions[sid]
        item = sub["items"]["data"][0]
        if "quantity" in changes:
            item["quantity"] = changes.pop("quantity")
        if "period_end" in changes:
            item["current_period_end"] = changes.pop("period_end")
        _lay_over(sub, changes, "subscription")
        return sub

    def complete_checkout(self, session_id: str, status: str = "active") -> dict:
        """What Stripe does when the owner pays: a subscription for the session's seats."""
        session = self.sessions[session_id]
        line = self._session_lines[session_id][0]
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
        now = int(time.time())
        amount = fields.pop("amount_due", 8700)
        status = fields.get("status", "paid")
        paid = status == "paid"
        invoice = self.build(
            "invoice",
            customer=customer,
            number=f"CH-{len(self.invoices) + 1:04d}",
            created=now,
            period_start=now,
            period_end=now,
            total=amount,
            subtotal=amount,
            amount_due=amount,
            amount_paid=amount if paid else 0,
            amount_remaining=0 if paid else amount,
            currency="nzd",
            status="paid",
            attempt_count=1,
            attempted=True,
            billing_reason="subscription_cycle" if subscription else "manual",
            collection_method="charge_automatically",
            parent=(
                {
                    "type": "subscription_details",
                    "subscription_details": {"subscription": subscription, "metadata": {}},
                }
                if subscription
                else None
            ),
            lines={"object": "list", "data": [], "has_more": False, "url": "/v1/invoices/lines"},
            status_transitions={"paid_at": now if paid else None, "finalized_at": now},
        )
        invoice["hosted_invoice_url"] = f"https://invoice.stripe.test/{invoice['id']}"
        invoice["invoice_pdf"] = f"https://invoice.stripe.test/{invoice['id']}/pdf"
        _lay_over(invoice, fields, "invoice")
        self.invoices[invoice["id"]] = invoice
        return invoice

    def pay_invoice(self, invoice_id: str) -> dict:
        """The owner pays an open invoice; a pending seat change it carried is applied."""
        invoice = self.invoices[invoice_id]
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = int(time.time())
        sid = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
        sub = self.subscriptions.get(sid)
        if sub and sub["pending_update"] and sub["latest_invoice"] == invoice_id:
            pending = sub["pending_update"]["subscription_items"][0]
            sub["items"]["data"][0]["quantity"] = pending["quantity"]
            sub["pending_update"] = None
        return invoice

    def expire_pending_update(self, sid: str) -> dict:
        """23 hours without payment: Stripe drops the pending update and voids its invoice."""
        sub = self.subscriptions[sid]
        sub["pending_update"] = None
        invoice = self.invoices.get(sub["latest_invoice"])
        if invoice is not None:
            invoice.update(status="void", amount_remaining=0)
        return sub

    def event(
        self, type_: str, obj: dict, *, id: str | None = None, created: int | None = None, **fields
    ) -> dict:
        """A snapshot event as Stripe sends it (and keeps, for GET /v1/events/<id>)."""
        evt = self.build(
            "event",
            id=id or self.new_id("evt"),
            api_version=API_VERSION,
            created=created or int(time.time()),
            data={"object": json.loads(json.dumps(obj)), "previous_attributes": None},
            pending_webhooks=1,
            request={"id": None, "idempotency_key": None},
            type=type_,
            **fields,
        )
        self.events[evt["id"]] = evt
        return evt

    def add_endpoint(
        self,
        url: str,
        events: list[str],
        *,
        api_version: str | None = API_VERSION,
        status: str = "enabled",
    ) -> dict:
        endpoint = self.build(
            "webhook_endpoint",
            url=url,
            enabled_events=events,
            api_version=api_version,
            status=status,
            metadata={},
        )
        self.endpoints[endpoint["id"]] = endpoint
        return endpoint

    # --- the API --------------------------------------------------------------------
    def _dispatch(self, r: Recorded) -> tuple[int, dict]:
        for (method, pattern), (status, body) in list(self.failures.items()):
            if method == r.method and re.fullmatch(pattern, r.path):
                del self.failures[(method, pattern)]
                return status, body
        routes = [
            ("POST", r"/v1/customers", self._create_customer),
            ("GET", r"/v1/customers/(?P<id>[^/]+)", self._get("customers")),
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", self._get("sessions")),
            ("POST", r"/v1/billing_portal/sessions", self._create_portal),
            ("GET", r"/v1/subscriptions", self._list_subscriptions),
            ("GET", r"/v1/subscriptions/(?P<id>[^/]+)", self._get_subscription),
            ("POST", r"/v1/subscriptions/(?P<id>[^/]+)", self._update_subscription),
            ("POST", r"/v1/invoices/create_preview", self._preview),
            ("GET", r"/v1/invoices", self._list_invoices),
            ("GET", r"/v1/invoices/(?P<id>[^/]+)", self._get("invoices")),
            ("GET", r"/v1/prices/(?P<id>[^/]+)", self._get("prices")),
            ("GET", r"/v1/events/(?P<id>[^/]+)", self._get("events")),
            ("GET", r"/v1/webhook_endpoints", self._list_endpoints),
            ("POST", r"/v1/webhook_endpoints", self._create_endpoint),
            ("POST", r"/v1/webhook_endpoints/(?P<id>[^/]+)", self._update_endpoint),
            ("DELETE", r"/v1/webhook_endpoints/(?P<id>[^/]+)", self._delete_endpoint),
            ("GET", r"/v1/tax/settings", self._tax_settings),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, r.path)
            if method == r.method and match:
                return handler(r, **match.groupdict())
        return 404, _error(f"Unrecognized request URL ({r.method}: {r.path}).")

    def _get(self, collection: str):
        def handler(r, id):
            obj = getattr(self.store, collection).get(id)
            if obj is None:
                return 404, _missing(id)
            return 200, obj

        return handler

    def _live_customer(self, r) -> str | None:
        customer = self.customers.get(r.params.get("customer"))
        return None if customer is None or customer.get("deleted") else customer["id"]

    def _create_customer(self, r):
        cid = self.add_customer(
            r.params.get("email", ""),
            metadata=r.params.get("metadata", {}),
            name=r.params.get("name"),
        )
        return 200, self.customers[cid]

    def _create_session(self, r):
        if self._live_customer(r) is None:
            return 400, _missing(r.params.get("customer"), "customer")
        p = r.params
        session = self.build(
            "checkout.session",
            mode=p.get("mode"),
            customer=p["customer"],
            client_reference_id=p.get("client_reference_id"),
            metadata=p.get("metadata", {}),
            status="open",
            payment_status="unpaid",
            subscription=None,
            success_url=p.get("success_url"),
            cancel_url=p.get("cancel_url"),
            expires_at=int(time.time()) + 86400,
            allow_promotion_codes=p.get("allow_promotion_codes") == "true" or None,
            automatic_tax={"enabled": (p.get("automatic_tax") or {}).get("enabled") == "true"},
            billing_address_collection=p.get("billing_address_collection"),
            tax_id_collection=(
                {"enabled": True, "required": "never"} if p.get("tax_id_collection") else None
            ),
            payment_method_types=["card"],
            custom_text={},
        )
        session["url"] = f"https://checkout.stripe.test/c/pay/{session['id']}"
        self._session_lines[session["id"]] = p.get("line_items", [])
        self.sessions[session["id"]] = session
        return 200, session

    def _create_portal(self, r):
        if self._live_customer(r) is None:
            return 400, _missing(r.params.get("customer"), "customer")
        session = self.build(
            "billing_portal.session",
            customer=r.params["customer"],
            return_url=r.params.get("return_url"),
            configuration="bpc_default",
        )
        session["url"] = f"https://billing.stripe.test/p/session/{session['id']}"
        return 200, session

    def _expanded(self, sub: dict, expand: list[str], prefix: str = "") -> dict:
        if f"{prefix}latest_invoice" in expand and isinstance(sub.get("latest_invoice"), str):
            sub = {**sub, "latest_invoice": self.invoices[sub["latest_invoice"]]}
        return sub

    def _get_subscription(self, r, id):
        sub = self.subscriptions.get(id)
        if sub is None:
            return 404, _missing(id)
        return 200, self._expanded(sub, r.params.get("expand", []))

    def _list_subscriptions(self, r):
        customer = r.params.get("customer")
        status = r.params.get("status")
        subs = [
            s
            for s in self.subscriptions.values()
            if (customer is None or s["customer"] == customer)
            and (status == "all" or s["status"] not in ("canceled", "incomplete_expired"))
        ]
        subs.sort(key=lambda s: (s["created"], s["id"]), reverse=True)
        expand = r.params.get("expand", [])
        page = _page(subs, r.params, "/v1/subscriptions")
        page["data"] = [self._expanded(s, expand, "data.") for s in page["data"]]
        return 200, page

    def _update_subscription(self, r, id):
        sub = self.subscriptions.get(id)
        if sub is None:
            return 404, _missing(id)
        p = r.params
        changes = {c["id"]: int(c["quantity"]) for c in p.get("items", [])}
        item = sub["items"]["data"][0]
        new_quantity = changes.get(item["id"], item["quantity"])
        if new_quantity != item["quantity"] and p.get("proration_behavior") == "always_invoice":
            amount = max(0, (new_quantity - item["quantity"]) * item["price"]["unit_amount"] // 2)
            declined = self.decline_payments and amount > 0
            invoice = self.add_invoice(
                sub["customer"],
                sub["id"],
                amount_due=amount,
                billing_reason="subscription_update",
                status="open" if declined else "paid",
            )
            sub["latest_invoice"] = invoice["id"]
            if declined and p.get("payment_behavior") == "pending_if_incomplete":
                pending_item = json.loads(json.dumps(item))
                pending_item["quantity"] = new_quantity
                _lay_over(
                    sub,
                    {
                        "pending_update": {
                            "expires_at": int(time.time()) + PENDING_UPDATE_LIFETIME,
                            "subscription_items": [pending_item],
                        }
                    },
                    "subscription",
                )
                return 200, self._expanded(sub, p.get("expand", []))
            if declined:
                sub["status"] = "past_due"
        item["quantity"] = new_quantity
        return 200, self._expanded(sub, p.get("expand", []))

    def _preview(self, r):
        sub = self.subscriptions.get(r.params.get("subscription"))
        if sub is None:
            return 400, _missing(r.params.get("subscription"), "subscription")
        item = sub["items"]["data"][0]
        new_quantity = int(r.params["subscription_details"]["items"][0]["quantity"])
        # Half a period left, for round numbers.
        amount = (new_quantity - item["quantity"]) * item["price"]["unit_amount"] // 2
        tax = amount * 15 // 100 if (r.params.get("automatic_tax") or {}).get("enabled") else 0
        preview = self.build(
            "invoice",
            customer=sub["customer"],
            currency=item["price"]["currency"],
            status="draft",
            subtotal=amount,
            total=amount + tax,
            amount_due=max(0, amount + tax),
            amount_remaining=max(0, amount + tax),
            automatic_tax={"enabled": tax > 0, "status": "complete" if tax else None},
            parent={
                "type": "subscription_details",
                "subscription_details": {"subscription": sub["id"], "metadata": {}},
            },
        )
        preview["id"] = f"upcoming_{preview['id']}"
        return 200, preview

    def _list_invoices(self, r):
        customer = r.params.get("customer")
        invoices = [i for i in self.invoices.values() if i["customer"] == customer]
        invoices.sort(key=lambda i: (i["created"], i["id"]), reverse=True)
        return 200, _page(invoices, r.params, "/v1/invoices")

    def _list_endpoints(self, r):
        endpoints = sorted(self.endpoints.values(), key=lambda e: e["id"], reverse=True)
        return 200, _page(
            [{**e, "secret": None} for e in endpoints], r.params, "/v1/webhook_endpoints"
        )

    def _create_endpoint(self, r):
        p = r.params
        endpoint = self.add_endpoint(
            p["url"], p.get("enabled_events", []), api_version=p.get("api_version")
        )
        endpoint["description"] = p.get("description")
        endpoint["metadata"] = p.get("metadata", {})
        secret = f"whsec_{endpoint['id']}"
        return 200, {**endpoint, "secret": secret}

    def _update_endpoint(self, r, id):
        endpoint = self.endpoints.get(id)
        if endpoint is None:
            return 404, _missing(id)
        p = r.params
        if "enabled_events" in p:
            endpoint["enabled_events"] = p["enabled_events"]
        if p.get("disabled") == "false":
            endpoint["status"] = "enabled"
        if "description" in p:
            endpoint["description"] = p["description"]
        return 200, {**endpoint, "secret": None}

    def _delete_endpoint(self, r, id):
        if self.endpoints.pop(id, None) is None:
            return 404, _missing(id)
        return 200, {"id": id, "object": "webhook_endpoint", "deleted": True}

    def _tax_settings(self, r):
        return 200, build(
            "tax.settings",
            livemode=self.livemode,
            status=self.tax_status,
            defaults={"tax_behavior": "exclusive", "tax_code": "txcd_10103001"},
            status_details={"active": {} if self.tax_status == "active" else None},
        )


def _lay_over(obj: dict, changes: dict, object_name: str | None = None) -> None:
    """Set fields on a stored object, refusing any the pinned API does not have."""
    name = object_name or obj["object"]
    checked = build(name, **{k: v for k, v in obj.items() if k != "object"} | changes)
    obj.clear()
    obj.update(checked)


def _page(items: list[dict], params: dict, url: str) -> dict:
    """One page of a list, with Stripe's limit / starting_after / has_more."""
    limit = int(params.get("limit", 10))
    after = params.get("starting_after")
    if after:
        ids = [i["id"] for i in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    return {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": url}


def _error(message: str, **fields: str) -> dict:
    return {"error": {"type": "invalid_request_error", "message": message} | fields}


def _missing(object_id, param: str | None = None) -> dict:
    label = param or "object"
    fields = {"code": "resource_missing", **({"param": param} if param else {})}
    return _error(f"No such {label}: '{object_id}'", **fields)


def signed(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`, computed by the SDK as Stripe does."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
