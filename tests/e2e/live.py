"""A real server and a real browser, shared by the browser tests and `make screenshots`.

The app is served by Werkzeug's server in a thread on 127.0.0.1 (a free port),
on a throwaway SQLite file migrated with `flask db upgrade`, with CSRF on as in
production. The browser is Debian's Chromium driven by Playwright: Playwright's
own browser downloads cannot be fetched here.
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

from flask import Flask, got_request_exception
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from coachhub import create_app
from coachhub.extensions import db
from config import BASE_DIR, TestingConfig

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Nothing but the app under test: no update checks, sync or component downloads.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Copied from node_modules by `make assets`; read by the tests, never served by the app.
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def missing_requirement(*, axe: bool = True) -> str | None:
    """Why the browser tests (or, without `axe`, the screenshots) cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make setup)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if axe and not AXE_JS.exists():
        return f"axe-core is missing at {AXE_JS} (make assets)"
    return None


def launch_chromium(playwright):
    """Debian's Chromium, headless, with nothing that talks to the outside."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def prepare_database(database_url: str, *, seed_demo: bool = False) -> None:
    """Migrate (and optionally seed) the database with the same commands a developer runs.

    A subprocess, because Alembic's env.py reconfigures logging for the whole process.
    """
    env = {
        **os.environ,
        "COACHHUB_ENV": "development",
        "DATABASE_URL": database_url,
        "FLASK_APP": "wsgi.py",
        "LOG_JSON": "0",
    }
    commands = [["db", "upgrade"]] + ([["seed-demo"]] if seed_demo else [])
    for command in commands:
        subprocess.run(  # noqa: S603 -- fixed arguments, our own interpreter
            [sys.executable, "-m", "flask", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )


def server_config(database_url: str) -> type[TestingConfig]:
    """Testing settings, but served like production: real CSRF tokens, error pages."""

    class ServerConfig(TestingConfig):
        ENV_NAME = "e2e"
        TESTING = False
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        DEV_OUTBOX = True
        # Every journey signs up its own practice from 127.0.0.1: more than a person would.
        RATELIMIT_SIGNUP_IP = "1000 per hour"
        # The bell asks for its count every second, so a journey sees it change.
        INBOX_POLL_MS = 1000

    return ServerConfig


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: failures are reported by the tests themselves."""

    def log_request(self, code="-", size="-"):
        pass


class LiveServer:
    """The app on 127.0.0.1 in a background thread; records exceptions raised by requests."""

    def __init__(self, app: Flask):
        self.app = app
        self.errors: list[BaseException] = []
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # Emailed links (invitations) must point at this server.
        app.config["APP_BASE_URL"] = self.url
        got_request_exception.connect(self._record_error, app)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="e2e-server", daemon=True
        )

    def _record_error(self, sender, exception, **extra):
        self.errors.append(exception)

    def take_errors(self) -> list[BaseException]:
        """Exceptions raised while serving since the last call."""
        errors, self.errors = self.errors, []
        return errors

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        got_request_exception.disconnect(self._record_error, self.app)
        with self.app.app_context():
            db.engine.dispose()


def serve(database_path: Path, *, seed_demo: bool = False) -> LiveServer:
    """A migrated database at `database_path` and a server for it (use it as a context manager)."""
    url = f"sqlite:///{database_path}"
    prepare_database(url, seed_demo=seed_demo)
    return LiveServer(create_app(server_config(url)))
