"""Pagination for list pages: two queries (rows, count) whatever the page."""

from flask import current_app, request

from coachhub.extensions import db


def paginate(query, per_page: int | None = None):
    """Flask-SQLAlchemy's pagination, page number from ?page=, size from config."""
    return db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
