"""The app as `make bench` serves it: the real app plus a few response headers for the bench.

X-Bench-Queries: statements the request ran. X-Bench-RSS-Before / X-Bench-RSS: the worker's
resident memory (kB) before and after it. With `X-Bench-Explain: 1` on the request, the
response's X-Bench-Seq-Scans lists the large tables its queries would read whole
(EXPLAIN on PostgreSQL: a sequential scan of a tenant table reads every practice's rows).
Never part of the product: only tools/bench.py serves it (gunicorn tools.bench_app:app).
"""

import json
import threading

from flask import Flask, g, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from coachhub import create_app

# Tables this small are read whole by any sensible plan; not a tenancy leak worth a line.
SMALL_TABLE_ROWS = 1_000

_local = threading.local()


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):
    statements = getattr(_local, "statements", None)
    if statements is not None:
        statements.append((statement, parameters))


def _seq_scans(app: Flask, statements: list) -> list[str]:
    """Large tables that a sequential scan in any of these SELECTs' plans would read."""
    from coachhub.extensions import db

    found: set[str] = set()
    engine = db.engine
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        sizes = dict(
            connection.execute(
                text("select relname, reltuples from pg_class where relkind = 'r'")
            ).all()
        )
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
                plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            for node in _nodes(plan[0]["Plan"]):
                table = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and sizes.get(table, 0) > SMALL_TABLE_ROWS:
                    found.add(f"{table}({int(sizes[table])})")
        raw.rollback()
    return sorted(found)


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def make_app() -> Flask:
    app = create_app()

    @app.before_request
    def _start() -> None:
        _local.statements = []
        g.bench_rss_before = _rss_kb()

    @app.after_request
    def _headers(response):
        statements = getattr(_local, "statements", None) or []
        _local.statements = None
        response.headers["X-Bench-Queries"] = str(len(statements))
        response.headers["X-Bench-RSS-Before"] = str(g.get("bench_rss_before", 0))
        response.headers["X-Bench-RSS"] = str(_rss_kb())
        if request.headers.get("X-Bench-Explain") == "1":
            response.headers["X-Bench-Seq-Scans"] = " ".join(_seq_scans(app, statements)) or "-"
        return response

    return app


app = make_app()
