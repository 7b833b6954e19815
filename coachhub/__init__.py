"""CoachHub: the application factory."""

import logging
import os
import sys
import time
import uuid

from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    render_template,
    request,
    session,
)
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest

from coachhub import headers, idempotency, rate_limits
from coachhub.extensions import csrf, db, login_manager, migrate
from coachhub.inputs import BoundedIntConverter, allow_large_uploads
from config import BASE_DIR, CONFIGS, Config


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the app for `config`, or for the environment named by COACHHUB_ENV (production)."""
    if config is None:
        name = os.environ.get("COACHHUB_ENV", "").strip() or "production"
        if name not in CONFIGS:
            raise RuntimeError(f"COACHHUB_ENV={name!r}: use one of {', '.join(CONFIGS)}.")
        config = CONFIGS[name]
    config.check()
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.from_object(config)
    # Every <int:...> in a URL: an id beyond the database's range is a 404.
    app.url_map.converters["int"] = BoundedIntConverter
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    rate_limits.init_app(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if app.config["LOG_JSON"]:
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("coachhub")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    request_log = logging.getLogger("coachhub.request")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]

    @app.after_request
    def log_request(response):
        """One structured line per request: who, where, how long, which tenant."""
        started = g.pop("request_started", None)
        if started is not None and request.endpoint != "static":
            request_log.info(
                "request",
                extra={
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    # The URL rule, not the path: paths carry invitation, reset, calendar
                    # and unsubscribe tokens, which must not end up in log files.
                    "route": request.url_rule.rule if request.url_rule else None,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    # From the session and the URL, not the ORM: after a commit the rows
                    # are expired and reading them would cost a query per request.
                    "user_id": _session_user_id(),
                    "practice": g.get("practice_slug"),
                },
            )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response


def _session_user_id() -> int | None:
    """The signed-in user's id as Flask-Login keeps it in the session ("<id>:<version>")."""
    user_id = str(session.get("_user_id") or "").partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    # Before the CSRF check and the double-submit key, which read the form.
    app.before_request(allow_large_uploads)
    csrf.init_app(app)
    login_manager.init_app(app)
    idempotency.init_app(app)
    headers.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    # Imported for its user loader.
    from coachhub.auth import session  # noqa: F401

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        os.makedirs(app.instance_path, exist_ok=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys and let SQLAlchemy drive transactions (savepoints work).

    WAL lets pages read while a write is under way; the busy timeout makes a write wait
    for the one before it instead of failing with "database is locked".
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] if has_app_context() else 15000
        cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    # A write request takes the write lock up front: a deferred transaction that reads and
    # then writes can only fail ("database is locked") when another write came between.
    if conn.dialect.name == "sqlite":
        write = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def register_blueprints(app: Flask) -> None:
    from coachhub import api, client, coach
    from coachhub.auth import account_security, api_tokens  # noqa: F401 -- pages join auth bp
    from coachhub.auth.routes import bp as auth_bp
    from coachhub.billing.routes import bp as billing_bp
    from coachhub.billing.routes import webhook_bp
    from coachhub.notifications import load_providers
    from coachhub.notifications.routes import bp as notifications_bp
    from coachhub.public.routes import bp as public_bp

    for bp in (public_bp, auth_bp, billing_bp, webhook_bp, notifications_bp):
        app.register_blueprint(bp)
    coach.init_app(app)
    client.init_app(app)
    api.init_app(app)
    # Reminder, digest and calendar providers of every feature register themselves on import.
    load_providers()
    if app.config["DEV_OUTBOX"] and app.config["ENV_NAME"] != "production":
        from coachhub.dev.routes import bp as dev_bp

        app.register_blueprint(dev_bp)


def register_errorhandlers(app: Flask) -> None:
    from coachhub.api.problems import from_http_exception, is_api_request, problem

    def render_error(error, message: str | None = None):
        code = getattr(error, "code", 500)
        if is_api_request():
            # Under /api/ every error is problem+json (RFC 9457), never a page.
            return problem(code, message or "") if message else from_http_exception(error)
        return render_template("errors/error.html", code=code, error=error, message=message), code

    for code in (400, 403, 404, 405, 410, 413, 500):
        app.register_error_handler(code, render_error)

    @app.errorhandler(DataError)
    def refuse_unstorable_value(error):
        # The last line of defence: a value the database cannot hold (forms refuse them first).
        db.session.rollback()
        logging.getLogger("coachhub.request").warning("refused a value the database cannot store")
        return render_error(BadRequest(), "A value in the request cannot be stored; check it.")


def register_template_helpers(app: Flask) -> None:
    from coachhub import formatting

    app.jinja_env.filters["localtime"] = formatting.localtime
    app.jinja_env.filters["localdate"] = formatting.localdate
    app.jinja_env.filters["humandelta"] = formatting.humandelta
    app.jinja_env.filters["money"] = formatting.money
    app.jinja_env.filters["member_time"] = formatting.member_time

    def inbox_unread() -> int:
        """The bell's count: read by the practice guard's own query (tenancy.load_membership);
        elsewhere one query, only on pages that show the bell."""
        if "inbox_unread" not in g:
            from coachhub.services import inbox

            g.inbox_unread = inbox.unread_count(g.practice, g.membership)
        return g.inbox_unread

    @app.context_processor
    def inject_tenant():
        return {
            "practice": g.get("practice"),
            "membership": g.get("membership"),
            "access": g.get("access"),
            "inbox_unread": inbox_unread,
        }


def register_commands(app: Flask) -> None:
    from coachhub.cli import register

    register(app)
