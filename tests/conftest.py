"""Fixtures: one app per run, every test inside a transaction that is rolled back.

The suite runs on SQLite in memory by default and on PostgreSQL when
TEST_DATABASE_URL is set. Requests made through `client` run in a fresh
context (their own app context, `g` and session), as under a real server, but
on the test's database connection, so they see the test's data and the final
rollback removes theirs.

Under pytest-xdist (`-n 2`) on PostgreSQL each worker gets a database of its own,
`<base>_gw0`, `<base>_gw1`, ... next to TEST_DATABASE_URL's (created at the start,
dropped at the end); the base database stays the one that tests making databases of
their own connect to. On SQLite every worker has its own in-memory database anyway.
"""

import contextvars
import os
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.orm import scoped_session, sessionmaker

from coachhub import create_app
from coachhub.extensions import db as _db
from config import TestingConfig
from tests import factories

PASSWORD = factories.PASSWORD

# `committing_app`: a database of the test's own where requests really commit.
pytest_plugins = ["tests.concurrency"]


def _worker_database() -> tuple[str, str] | None:
    """(base URL, this worker's database name) under xdist on PostgreSQL, else None."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url.startswith("postgresql") or not worker:
        return None
    return url, f"{make_url(url).database}_{worker}"


def _admin(sql: str) -> None:
    base, _ = _worker_database()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


def pytest_configure(config):
    worker = _worker_database()
    if worker is None:
        return
    base, name = worker
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    # Every app the tests build from TestingConfig (and its subclasses) uses it.
    TestingConfig.SQLALCHEMY_DATABASE_URI = (
        make_url(base).set(database=name).render_as_string(hide_password=False)
    )


def pytest_unconfigure(config):
    worker = _worker_database()
    if worker is not None:
        _admin(f'DROP DATABASE IF EXISTS "{worker[1]}" WITH (FORCE)')


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share the test's app context or `g`."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestingConfig)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _reset_schema() -> None:
    if _db.engine.dialect.name == "postgresql":
        with _db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    _db.create_all()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Each test starts with no attempts counted (the limiter's memory outlives requests)."""
    from coachhub.rate_limits import limiter_for

    with app.app_context():
        limiter_for(app).reset()


@pytest.fixture
def db(app):
    """The database, with everything the test (and its requests) did rolled back after."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        # A plain Session: Flask-SQLAlchemy's own would pick the engine over this connection.
        scoped = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        original, _db.session = _db.session, scoped
        try:
            yield _db
        finally:
            scoped.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def login(app, db) -> Callable:
    """`login(user)` returns a new test client logged in as `user`."""

    def _login(user, password: str = PASSWORD) -> FlaskClient:
        c = app.test_client()
        response = c.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return _login


@pytest.fixture
def outbox(db):
    """Emails queued so far, newest last."""
    from sqlalchemy import select

    from coachhub.models import OutboundEmail

    def _outbox(to: str | None = None):
        query = select(OutboundEmail).order_by(OutboundEmail.id)
        if to:
            query = query.where(OutboundEmail.to_email == to)
        return list(db.session.scalars(query))

    return _outbox


def link_path(body: str, kind: str) -> str:
    """The path of the first link to /<kind>/... in an email body."""
    match = re.search(rf"https?://[^/\s]+(/{kind}/\S+)", body)
    assert match, f"no /{kind}/ link in: {body}"
    return match.group(1)


@pytest.fixture
def world(db):
    """Two practices side by side, the shape every tenancy test needs."""
    return factories.build_world()


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counter:` counts the SQL statements run inside."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        counter = QueryCounter()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture
def api_token(db) -> Callable:
    """`api_token(member, scope="write")` makes a token and returns its request headers."""
    from coachhub.services import api_tokens

    def _token(member, scope: str = "write", **kw) -> dict:
        _row, secret = api_tokens.create_token(member.practice, member, "test", scope, **kw)
        _db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return _token
