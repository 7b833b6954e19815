"""/api/v1/: the JSON API, authorised by personal access tokens, scoped like the pages.

The token decides the practice and the member (never the URL or a body field); the
guard then sets `g.practice` and `g.membership` exactly as the practice pages do, so
every read goes through `tenancy.scoped_select` / `get_scoped_or_404` and every write
through the same service as the page that does it. One module per resource adds its
operations with `operation(...)`, which also records them for the OpenAPI document
(`spec.py`): the marshmallow schemas that validate a request are the ones documented.
"""

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps

from flask import Blueprint, Flask, g, jsonify, request
from marshmallow import Schema, ValidationError
from sqlalchemy import Select, update
from werkzeug.exceptions import HTTPException

from coachhub.api.problems import from_http_exception, is_api_request, problem
from coachhub.billing.access import access_for
from coachhub.extensions import csrf, db
from coachhub.models import ApiToken, utcnow
from coachhub.services import ServiceError, api_tokens

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints reachable without a token: the document and its reference page.
OPEN_ENDPOINTS = {"api.openapi", "api.reference"}
MAX_LIMIT = 100


class ApiError(Exception):
    """Raised by a view to answer with a problem (status, detail, field errors)."""

    def __init__(self, status: int, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


@dataclass
class Operation:
    """One documented operation: what the OpenAPI document says about a view."""

    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    response: Schema | None = None
    status: int = 200
    body: Schema | None = None
    query: Schema | None = None
    paginated: bool = False
    writes: bool = False
    roles: str = ""
    errors: tuple[int, ...] = field(default_factory=tuple)


OPERATIONS: list[Operation] = []


def operation(
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    tag: str,
    response: Schema | None = None,
    status: int = 200,
    body: Schema | None = None,
    query: Schema | None = None,
    paginated: bool = False,
    roles: str = "",
) -> Callable:
    """Route a view and document it; a `body` / `query` schema is loaded and validated
    first (422 with the field errors), and the view receives it as `data` / `args`."""

    def decorate(view: Callable) -> Callable:
        endpoint = view.__name__

        @wraps(view)
        def wrapped(**kwargs):
            if query is not None:
                kwargs["args"] = _load(query, request.args.to_dict())
            if body is not None:
                payload = request.get_json(silent=True)
                if not isinstance(payload, dict):
                    raise ApiError(422, "Send a JSON object (Content-Type: application/json).")
                kwargs["data"] = _load(body, payload)
            return view(**kwargs)

        bp.add_url_rule(rule, endpoint, wrapped, methods=[method])
        OPERATIONS.append(
            Operation(
                rule=rule,
                method=method,
                endpoint=f"api.{endpoint}",
                summary=summary,
                tag=tag,
                response=response,
                status=status,
                body=body,
                query=query,
                paginated=paginated,
                writes=method not in SAFE_METHODS,
                roles=roles,
            )
        )
        return wrapped

    return decorate


def _load(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise ApiError(422, "The request has invalid fields.", messages) from error


def require_role(*, client: bool = False, coaching: bool = False) -> None:
    """403 unless the token's member has the role the operation needs."""
    if client and not g.membership.is_client:
        raise ApiError(403, "Only a client can do this (with their own token).")
    if coaching and not g.membership.is_coaching:
        raise ApiError(403, "Only a coach or the owner can do this.")


def service_call(fn: Callable, *args, **kwargs):
    """Run a service verb; its refusal becomes a 422 naming the field."""
    try:
        return fn(*args, **kwargs)
    except ServiceError as error:
        db.session.rollback()
        raise ApiError(422, error.message, {error.field or "_": [error.message]}) from error


# --- pagination: opaque cursors over ids, `updated_since`, bounded pages -----------------
def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, value = raw.partition(":")
        last_id = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ApiError(422, "That cursor is not one this API gave.", {"cursor": ["invalid"]}) from (
            error
        )
    if version != "v1" or not 0 <= last_id < 2**63:
        raise ApiError(422, "That cursor is not one this API gave.", {"cursor": ["invalid"]})
    return last_id


def page(query: Select, model, args: dict, dump: Callable[[list], list]) -> dict:
    """One page of `query` (already scoped) in id order: `data` and `next_cursor`."""
    limit = args.get("limit") or 25
    if args.get("cursor"):
        query = query.where(model.id > decode_cursor(args["cursor"]))
    since: datetime | None = args.get("updated_since")
    if since is not None:
        query = query.where(model.updated_at >= since)
    items = list(db.session.scalars(query.order_by(model.id).limit(limit + 1)).unique())
    more = len(items) > limit
    items = items[:limit]
    return {
        "data": dump(items),
        "next_cursor": encode_cursor(items[-1].id) if more else None,
    }


# --- the guard ---------------------------------------------------------------------------
@bp.before_request
def authenticate():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return problem(401, "Send a personal access token: Authorization: Bearer chp_…")
    found = api_tokens.resolve(secret.strip())
    if found is None:
        return problem(401, "The token is unknown, expired or revoked.")
    token, member, practice = found
    g.api_token, g.membership, g.practice = token, member, practice
    g.practice_slug = practice.slug
    if practice.require_two_factor and member.is_coaching and not member.user.has_two_factor:
        return problem(403, f"{practice.name} requires two-factor sign-in; set it up first.")
    if request.method not in SAFE_METHODS:
        if not token.can_write:
            return problem(403, "This token is read-only; make a write token to change data.")
        access = access_for(practice)
        if not access.can_write:
            return problem(402, f"The practice is read-only: {access.message}")
    now = utcnow()
    if api_tokens.touch(token, now):
        # A plain UPDATE: the loaded rows stay as they are (no reload after the commit).
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        g.api_touched = True
    return None


@bp.after_request
def finish(response):
    if g.pop("api_touched", False) and response.status_code < 500:
        db.session.commit()
    if request.method == "GET" and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.add("Authorization")
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return problem(error.status, error.detail, errors=error.errors)


def json_response(body, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    return response


def load_resources() -> list[Operation]:
    """Import the resource modules (each adds its operations to `bp`); the operations."""
    from coachhub.api import (  # noqa: F401
        checkins,
        clients,
        contacts,
        docs,
        follow_ups,
        goals,
        me,
        meetings,
        sessions,
    )

    return OPERATIONS


def init_app(app: Flask) -> None:
    """Register the API: its resources, no CSRF (no cookies are used), problem errors."""
    load_resources()
    csrf.exempt(bp)
    app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def any_http_error(error: HTTPException):
        # Codes without a page of their own (401, 402, 422, …); pages keep Werkzeug's.
        if is_api_request():
            return from_http_exception(error)
        return error
