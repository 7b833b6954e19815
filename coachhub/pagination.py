"""Pagination for list pages: two queries (rows, count) whatever the page."""

from flask import current_app, request
from flask_sqlalchemy.pagination import SelectPagination

from coachhub.extensions import db


def page_number() -> int:
    """?page=, bounded: a huge number would overflow the OFFSET."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), 100_000)


def paginate(query, per_page: int | None = None):
    """Flask-SQLAlchemy's pagination, page number from ?page=, size from config."""
    return db.paginate(
        query,
        page=page_number(),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )


class RowPagination(SelectPagination):
    """Like SelectPagination, but items are whole rows (entity plus computed columns)."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(query, per_page: int | None = None) -> RowPagination:
    """Pagination for a SELECT of several columns (e.g. a client with its metrics)."""
    return RowPagination(
        select=query,
        session=db.session(),
        page=page_number(),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
