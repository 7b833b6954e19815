"""Rate limits: who may try how often (sign-in, codes, resets, sign-up, invitations, webhook).

The numbers are settings (`RATELIMIT_*` in config.py); `ROUTE_LIMITS` below says which
page each one guards and what it counts by. Flask-Limiter keeps the counters in memory,
or in Redis when `RATELIMIT_STORAGE_URI` is set, so several app servers share them.
Each app gets its own limiter (Flask-Limiter keeps its storage on the instance).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app, render_template, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix


def email_in_form() -> str:
    """The account a sign-in or reset is for (the email typed), whether or not it exists."""
    return "email:" + request.form.get("email", "").strip().lower()


def signing_in_account() -> str:
    """The account being signed in to: the email typed, or the one waiting for its code.

    Password and code attempts count against the same account limit.
    """
    pending = session.get("two_factor_email")
    if pending and request.endpoint != "auth.login":
        return "email:" + pending
    return email_in_form()


def member() -> str:
    """The signed-in member (invitations are counted per inviter)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def api_token() -> str:
    """The API token a request carries (its hash), or the address when it has none."""
    header = request.headers.get("Authorization", "")
    if not header:
        return get_remote_address()
    return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]


def failed_sign_in(response) -> bool:
    """Only refused attempts count (the form shown again): a member who signs in is not held."""
    return response.status_code == 200


@dataclass(frozen=True)
class RouteLimit:
    setting: str  # the config name holding e.g. "10 per 15 minutes"
    scope: str  # routes with the same scope share one counter
    key: Callable[[], str] = get_remote_address
    methods: tuple[str, ...] | None = ("POST",)
    failures_only: bool = False


SIGN_IN = (
    RouteLimit(
        "RATELIMIT_LOGIN_ACCOUNT", "sign-in-account", signing_in_account, failures_only=True
    ),
    RouteLimit("RATELIMIT_LOGIN_IP", "sign-in-address", failures_only=True),
)
INVITING = (RouteLimit("RATELIMIT_INVITE_MEMBER", "invite", member),)

ROUTE_LIMITS: dict[str, tuple[RouteLimit, ...]] = {
    "auth.login": SIGN_IN,
    "auth.two_factor_code": SIGN_IN,
    "auth.signup": (RouteLimit("RATELIMIT_SIGNUP_IP", "sign-up"),),
    "auth.forgot_password": (
        RouteLimit("RATELIMIT_RESET_EMAIL", "reset-email", email_in_form),
        RouteLimit("RATELIMIT_RESET_IP", "reset-address"),
    ),
    "auth.accept_invitation": (
        RouteLimit("RATELIMIT_INVITATION_LINK_IP", "invitation-link", methods=None),
    ),
    "coach.invitations_page": INVITING,
    "coach.resend_invitation": INVITING,
    "stripe_webhook.receive": (RouteLimit("RATELIMIT_WEBHOOK_IP", "webhook"),),
}


def init_app(app: Flask) -> None:
    """A limiter for `app`, the route limits on their views, and the 429 page.

    Called after the blueprints are registered: it wraps their view functions.
    """
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"])
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    app.extensions["coachhub_limiter"] = limiter
    for endpoint, limits in ROUTE_LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue  # an area this app does not mount
        for limit in limits:
            view = limiter.shared_limit(
                _setting(limit.setting),
                scope=limit.scope,
                key_func=limit.key,
                methods=list(limit.methods) if limit.methods else None,
                deduct_when=failed_sign_in if limit.failures_only else None,
            )(view)
        app.view_functions[endpoint] = view
    if "api" in app.blueprints:
        # Every API request counts against its token (the hashed header: no secret kept).
        limiter.limit(_setting("RATELIMIT_API_TOKEN"), key_func=api_token)(app.blueprints["api"])
    app.register_error_handler(429, too_many_requests)


def limiter_for(app: Flask) -> Limiter:
    return app.extensions["coachhub_limiter"]


def _setting(name: str) -> Callable[[], str]:
    # Read when the request is checked, so the config (and a test) decides.
    return lambda: current_app.config[name]


def too_many_requests(error):
    """A page that says what happened and when to try again (also in Retry-After)."""
    current = limiter_for(current_app).current_limit
    seconds = 60
    if current is not None:
        reset_at = datetime.fromtimestamp(current.reset_at, UTC)
        seconds = max(1, int((reset_at - datetime.now(UTC)).total_seconds()))
    from coachhub.api.problems import is_api_request, problem

    if is_api_request():
        detail = f"Too many requests for this token; try again in {seconds} seconds."
        return problem(429, detail, headers={"Retry-After": str(seconds)})
    return (
        render_template("errors/too_many_requests.html", minutes=-(-seconds // 60)),
        429,
        {"Retry-After": str(seconds)},
    )
