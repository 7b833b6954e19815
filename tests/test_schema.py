"""Schema checks: migrations match the models; foreign keys and page filters are indexed."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from coachhub import create_app
from coachhub.extensions import db as _db
from config import TestingConfig

# Filter/sort columns the portal pages use: each must be the leading columns of an index.
PAGE_INDEXES = {
    "networking_goal": [["practice_id"], ["client_membership_id", "status"]],
    "contact": [
        ["client_membership_id", "archived_at", "name"],
        ["client_membership_id", "touch_due_on"],
        ["introduced_by_contact_id"],
    ],
    "meeting_log": [
        ["client_membership_id", "met_on"],
        ["client_membership_id", "follow_up_due_on"],
        ["client_membership_id", "follow_up_done_on"],
        ["goal_id", "archived_at"],
        ["contact_id"],
        ["archived_at"],
    ],
    "review": [["log_id"], ["client_membership_id", "updated_at"]],
    "log_comment": [["log_id", "created_at"]],
    "coach_assignment": [["client_membership_id", "changed_at"]],
    "membership": [["practice_id", "role", "status"], ["coach_membership_id"]],
    "checkin": [["client_membership_id", "due_on"], ["client_membership_id", "status"]],
    "client_career": [["client_membership_id"], ["next_due_on"]],
    "stage_change": [["client_membership_id", "changed_at"]],
}


def _index_prefixes(inspector, table: str) -> list[list[str]]:
    prefixes = [ix["column_names"] for ix in inspector.get_indexes(table)]
    prefixes += [uq["column_names"] for uq in inspector.get_unique_constraints(table)]
    prefixes.append(inspector.get_pk_constraint(table)["constrained_columns"])
    return [p for p in prefixes if p and None not in p]


def _covered(columns: list[str], prefixes: list[list[str]]) -> bool:
    return any(p[: len(columns)] == columns for p in prefixes)


# SQLite cannot reflect expression indexes (uq_user_email_lower) and says so; that is expected.
reflection_warnings = pytest.mark.filterwarnings(
    "ignore:.*expression-based index.*", "ignore:'get_engine' is deprecated:DeprecationWarning"
)


@reflection_warnings
def test_every_foreign_key_and_page_filter_is_indexed(db):
    """Checked on the database under test (SQLite or PostgreSQL)."""
    inspector = inspect(db.session.connection())
    missing = []
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        prefixes = _index_prefixes(inspector, table)
        for fk in inspector.get_foreign_keys(table):
            if not _covered(fk["constrained_columns"], prefixes):
                missing.append(f"{table}.{fk['constrained_columns']} (foreign key)")
        for columns in PAGE_INDEXES.get(table, []):
            if not _covered(columns, prefixes):
                missing.append(f"{table}.{columns} (page filter/sort)")
    assert not missing, "not indexed:\n" + "\n".join(missing)


def _migration_url(tmp_path) -> tuple[str, object]:
    """An empty database to migrate: a SQLite file, or a fresh schema in the test PostgreSQL."""
    base = make_url(TestingConfig.SQLALCHEMY_DATABASE_URI)
    if base.get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}", None
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    url = base.update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"})
    return url.render_as_string(hide_password=False), admin


PG_SCHEMA = "migration_check"


@reflection_warnings
def test_migrations_build_the_models_schema(tmp_path):
    """`flask db upgrade` on an empty database gives exactly what the models declare.

    On PostgreSQL this runs in its own schema of the test database.
    """
    from flask_migrate import upgrade

    url, admin = _migration_url(tmp_path)

    class MigrationConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), _db.metadata)
            inspector = inspect(conn)
            for table, wanted in PAGE_INDEXES.items():
                prefixes = _index_prefixes(inspector, table)
                for columns in wanted:
                    assert _covered(columns, prefixes), f"migration lacks index {table}{columns}"
    finally:
        engine.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            admin.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


@reflection_warnings
@pytest.mark.parametrize("table", sorted(PAGE_INDEXES))
def test_tenant_tables_have_practice_index(db, table):
    inspector = inspect(db.session.connection())
    assert _covered(["practice_id"], _index_prefixes(inspector, table))
