"""Simultaneous writes with real threads, connections and commits: the shared harness.

The suite's usual database is one rolled-back connection, so these tests build their own:
a SQLite file (WAL, busy timeout, writes one at a time) or a fresh PostgreSQL database.
`committing_app` is a fixture for every test module (tests/conftest.py loads this one as a
plugin); `all_at_once` releases n requests together.
"""

import os
import threading
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text

from coachhub import create_app
from coachhub.extensions import db
from config import TestingConfig

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def committing_app(tmp_path):
    """An app on a database of its own where requests really commit."""
    if PG_URL.startswith("postgresql"):
        name = f"coachhub_race_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        admin, name, url = None, None, f"sqlite:///{tmp_path / 'race.sqlite'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 25, "max_overflow": 5}
        RATELIMIT_ENABLED = False  # twenty sign-ins for one account in a second, on purpose

    if url.startswith("sqlite"):
        Config.SQLALCHEMY_ENGINE_OPTIONS = {}
    app = create_app(Config)
    with app.app_context():
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def all_at_once(n: int, request) -> list:
    """Run `request(i)` in n threads released together; their responses' status codes."""
    start = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            start.wait()
            results[i] = request(i)
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results
