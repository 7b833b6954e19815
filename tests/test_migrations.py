"""Models and migrations agree, and `flask db upgrade` builds the schema from nothing."""

import os
import uuid
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import IntegrityError

from coachhub import create_app
from coachhub.extensions import db
from coachhub.models.base import compared_by_autogenerate
from config import TestingConfig

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the kind the suite runs on."""
    if not PG_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"coachhub_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migrated_app(empty_database_url):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(Config)
    with app.app_context():
        upgrade()
        yield app
        db.engine.dispose()


def _diff(app):
    with db.engine.connect() as conn, warnings.catch_warnings():
        # Expression indexes (lower(email)) cannot be reflected by autogenerate; the
        # migration creates them by hand and test_expression_index_exists checks them.
        warnings.filterwarnings("ignore", message=".*expression-based index")
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": compared_by_autogenerate}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_models(migrated_app):
    assert _diff(migrated_app) == []


def test_expression_index_exists(migrated_app):
    """The migrated schema refuses the same email in another case."""
    insert = text(
        'INSERT INTO "user" (email, name, password_hash, session_version, created_at, updated_at)'
        " VALUES (:email, 'x', 'x', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with db.engine.connect() as conn:
        conn.execute(insert, {"email": "same@example.test"})
        with pytest.raises(IntegrityError):
            conn.execute(insert, {"email": "SAME@example.test"})


def test_downgrade_to_base_and_back(migrated_app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _diff(migrated_app) == []


def test_review_queue_index_exists(migrated_app):
    """The review queue's index (compared by hand): the queue's order, live logs only."""
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    with db.engine.connect() as conn:
        definition = conn.scalar(text(sql), {"name": "ix_meeting_log_review_queue"})
    assert definition is not None
    assert "CASE" in definition
    assert "'job-asking'" in definition
    assert "archived_at IS NULL" in definition
