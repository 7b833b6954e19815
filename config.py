"""Configuration read from the environment.

`Config` holds the defaults; `DevelopmentConfig`, `TestingConfig` and
`ProductionConfig` adjust them. `create_app()` picks one by `COACHHUB_ENV`,
production when it is unset: `make run` and `make db` say development.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int_or_none(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# The well-known key development signs cookies with; production refuses to start with it.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'coachhub.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Public base URL used in emailed links (invitations, resets); requests use their own host.
    APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000")

    # The largest request body read (bytes); Stripe's events and every form fit well within.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
    # Pages that take a file larger than that: endpoint -> bytes (the contact import: 4 MB
    # of file and the form around it).
    UPLOAD_LIMITS = {"client.import_contacts": 4 * 1024 * 1024 + 64 * 1024}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # The same write from the same member again within this many seconds is a double submit.
    IDEMPOTENCY_WINDOW_SECONDS = int(os.environ.get("IDEMPOTENCY_WINDOW_SECONDS", "30"))
    # Exempt: logging out, and billing's requests, which Stripe's idempotency keys already
    # make safe to repeat (a double click must still land on Checkout or the portal), and
    # marking the inbox read, which is the same whether done once or twice.
    IDEMPOTENCY_EXEMPT_ENDPOINTS = frozenset(
        {
            "auth.logout",
            "billing.subscribe",
            "billing.portal",
            "billing.change_seats",
            "coach.inbox_mark_all_read",
            "client.inbox_mark_all_read",
            "coach.inbox_mark_read",
            "client.inbox_mark_read",
        }
    )
    # SQLite (development): how long a write waits for another one's lock, in milliseconds.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))

    # Rate limits (Flask-Limiter): in memory per process unless RATELIMIT_STORAGE_URI names a
    # shared store, e.g. redis://127.0.0.1:6379/0 (needed as soon as there are two processes).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "") or "memory://"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "coachhub")
    # Failed sign-ins (wrong password or code) per account and per address; once reached,
    # even the right password waits.
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "10 per 15 minutes")
    RATELIMIT_LOGIN_IP = os.environ.get("RATELIMIT_LOGIN_IP", "50 per 15 minutes")
    # Reset emails per address asked for and per client address; sign-ups per address.
    RATELIMIT_RESET_EMAIL = os.environ.get("RATELIMIT_RESET_EMAIL", "3 per hour")
    RATELIMIT_RESET_IP = os.environ.get("RATELIMIT_RESET_IP", "20 per hour")
    RATELIMIT_SIGNUP_IP = os.environ.get("RATELIMIT_SIGNUP_IP", "10 per hour")
    # Invitations sent (and resent) per member; invitation links opened per address.
    RATELIMIT_INVITE_MEMBER = os.environ.get("RATELIMIT_INVITE_MEMBER", "50 per hour")
    RATELIMIT_INVITATION_LINK_IP = os.environ.get("RATELIMIT_INVITATION_LINK_IP", "30 per minute")
    # Outgoing webhooks: endpoints on private, loopback and link-local addresses are refused
    # (SSRF) unless this is on (development and tests send to 127.0.0.1).
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = _bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
    WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
    WEBHOOK_RETRY_SECONDS = int(os.environ.get("WEBHOOK_RETRY_SECONDS", "60"))
    WEBHOOK_RETRY_MAX_SECONDS = int(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "21600"))
    # An endpoint is switched off (and the owner emailed) after this many failures in a row.
    WEBHOOK_DISABLE_AFTER = int(os.environ.get("WEBHOOK_DISABLE_AFTER", "10"))
    # API requests per personal access token.
    RATELIMIT_API_TOKEN = os.environ.get("RATELIMIT_API_TOKEN", "300 per minute")
    RATELIMIT_WEBHOOK_IP = os.environ.get("RATELIMIT_WEBHOOK_IP", "600 per minute")
    # Requests pass through this many proxies (load balancer): their X-Forwarded-For is
    # trusted for the client address the limits count by. 0: none, use the peer address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Where forms may lead besides this site (CSP form-action): Stripe Checkout and portal.
    CSP_FORM_ACTION = os.environ.get(
        "CSP_FORM_ACTION", "https://checkout.stripe.com https://billing.stripe.com"
    )
    # Strict-Transport-Security max-age in seconds; 0 sends none (production: a year).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0"))

    TRIAL_DAYS = int(os.environ.get("TRIAL_DAYS", "14"))
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
    PASSWORD_RESET_SECONDS = int(os.environ.get("PASSWORD_RESET_SECONDS", "3600"))
    PER_PAGE = int(os.environ.get("PER_PAGE", "25"))

    # Mail: without MAIL_SERVER messages are logged (and visible at /dev/outbox in development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "CoachHub <no-reply@coachhub.test>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))  # seconds per SMTP connection
    # Outbox worker: attempts before a message is marked failed, and the back-off between
    # them (base * 2^(attempt-1), capped). A claim older than the timeout is retried.
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
    OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "21600"))
    OUTBOX_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("OUTBOX_CLAIM_TIMEOUT_SECONDS", "600"))
    # Reminders go out from this local hour (practice timezone) on; unsubscribe links expire.
    REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "8"))
    UNSUBSCRIBE_LINK_DAYS = int(os.environ.get("UNSUBSCRIBE_LINK_DAYS", "90"))
    # The inbox: instant emails wait this long after a member's first unemailed event, so a
    # burst is one email; the bell asks for its count this often (milliseconds).
    INBOX_BATCH_SECONDS = int(os.environ.get("INBOX_BATCH_SECONDS", "300"))
    INBOX_POLL_MS = int(os.environ.get("INBOX_POLL_MS", "30000"))
    # The page listing every queued email; never on in production.
    DEV_OUTBOX = _bool("DEV_OUTBOX", False)

    # Stripe (see README "Billing"). Empty keys: the app runs and billing explains what to set.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRETS = _list("STRIPE_WEBHOOK_SECRETS")
    STRIPE_PRICE_ID = os.environ.get("STRIPE_PRICE_ID", "")
    STRIPE_YEARLY_PRICE_ID = os.environ.get("STRIPE_YEARLY_PRICE_ID", "")
    # The SDK retries network errors, 409 and 5xx with the same idempotency key.
    STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
    # Seconds per request to Stripe (the SDK's own default is 80): a webhook holds the
    # practice's row while it waits.
    STRIPE_TIMEOUT = float(os.environ.get("STRIPE_TIMEOUT", "10"))
    # Another API host (stripe-mock, a proxy); empty means Stripe itself.
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    # Checkout options: Stripe Tax (with billing address and tax id collection), promotion codes.
    STRIPE_AUTOMATIC_TAX = _bool("STRIPE_AUTOMATIC_TAX", False)
    STRIPE_ALLOW_PROMOTION_CODES = _bool("STRIPE_ALLOW_PROMOTION_CODES", False)
    # The per-seat price shown on /pricing and the billing page when Stripe is not configured
    # (or cannot be reached), in the smallest currency unit as Stripe writes it: 2900 = 29.00.
    PRICING_MONTHLY_AMOUNT = _int_or_none("PRICING_MONTHLY_AMOUNT")
    PRICING_YEARLY_AMOUNT = _int_or_none("PRICING_YEARLY_AMOUNT")
    PRICING_CURRENCY = os.environ.get("PRICING_CURRENCY", "").strip().lower()

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_JSON = _bool("LOG_JSON", True)

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that would be unsafe in this environment."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
    DEV_OUTBOX = _bool("DEV_OUTBOX", True)
    LOG_JSON = _bool("LOG_JSON", False)
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = _bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    DEV_OUTBOX = True
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    LOG_JSON = False
    LOG_LEVEL = "WARNING"
    MAIL_SERVER = ""
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRETS: list[str] = []
    STRIPE_PRICE_ID = ""
    STRIPE_YEARLY_PRICE_ID = ""
    STRIPE_TIMEOUT = 10.0
    STRIPE_API_BASE = ""
    STRIPE_AUTOMATIC_TAX = False
    STRIPE_ALLOW_PROMOTION_CODES = False
    PRICING_MONTHLY_AMOUNT = None
    PRICING_YEARLY_AMOUNT = None
    PRICING_CURRENCY = ""
    APP_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    ENV_NAME = "production"
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    DEV_OUTBOX = False

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production needs these environment variables set: "
                + ", ".join(missing)
                + " (or COACHHUB_ENV=development on your own machine)"
            )
        if os.environ["SECRET_KEY"] == DEV_SECRET_KEY:
            raise RuntimeError("SECRET_KEY is the development key; set a long random one.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
