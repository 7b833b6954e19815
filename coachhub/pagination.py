"""Pagination for list pages: two queries (rows, count) whatever the page."""

from flask import current_app, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from coachhub.extensions import db


def page_number() -> int:
    """?page=, bounded: a huge number would overflow the OFFSET."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), 100_000)


def _pages(query, per_page: int | None) -> dict:
    """The arguments every pagination here shares: page from ?page=, size from config."""
    return dict(
        select=query,
        session=db.session(),
        page=page_number(),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )


def paginate(query, per_page: int | None = None, count_bound: int | None = None):
    """Flask-SQLAlchemy's pagination, page number from ?page=, size from config.

    With `count_bound`, the total stops at that many rows (past the page being shown):
    a long list costs the same to count as a short one; `page.total_bounded` says so.
    """
    if count_bound is not None:
        return BoundedPagination(count_bound=count_bound, **_pages(query, per_page))
    return SelectPagination(**_pages(query, per_page))


class BoundedPagination(SelectPagination):
    """SelectPagination whose count reads no more than `count_bound` rows beyond the page."""

    def __init__(self, *, count_bound: int, **kwargs):
        self.count_bound = count_bound
        super().__init__(**kwargs)

    def _query_count(self) -> int:
        # Always past the page shown, so "next" stays right on every page.
        bound = max(self.count_bound, self._query_offset + self.per_page + 1)
        sub = (
            self._query_args["select"].options(lazyload("*")).order_by(None).limit(bound).subquery()
        )
        total = self._query_args["session"].execute(select(func.count()).select_from(sub))
        total = total.scalar()
        self.total_bounded = total >= bound
        return total


class RowPagination(SelectPagination):
    """Like SelectPagination, but items are whole rows (entity plus computed columns)."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(query, per_page: int | None = None) -> RowPagination:
    """Pagination for a SELECT of several columns (e.g. a client with its metrics)."""
    return RowPagination(**_pages(query, per_page))
