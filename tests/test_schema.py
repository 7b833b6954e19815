"""Schema checks: foreign keys and page filters are indexed.

That the migrations build exactly this schema is checked in test_migrations.py.
"""

import pytest
from sqlalchemy import inspect

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
reflection_warnings = pytest.mark.filterwarnings("ignore:.*expression-based index.*")


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


@reflection_warnings
@pytest.mark.parametrize("table", sorted(PAGE_INDEXES))
def test_tenant_tables_have_practice_index(db, table):
    inspector = inspect(db.session.connection())
    assert _covered(["practice_id"], _index_prefixes(inspector, table))
