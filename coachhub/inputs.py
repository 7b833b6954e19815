"""Bounds on what a request may carry: ids, dates, text without NUL, same-site `next` pages.

Every form of the app derives from `BaseForm`, every `<int:...>` in a URL is a
`BoundedIntConverter`, and every `next` goes through `safe_next`: bad input is
a field error or a 404, never a database error.
"""

import re
from datetime import date
from urllib.parse import urlsplit

from flask import current_app, request
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import DateField
from wtforms.validators import StopValidation

# The largest id an INTEGER column holds (PostgreSQL refuses more: "integer out of range").
MAX_ID = 2**31 - 1
# Dates any field accepts; a field may narrow them (`date_bounds`).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


def bounded_id(value) -> int | None:
    """A positive id that fits the database, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a URL: an id too large for the database is a 404, like any unknown id."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
    `/\\t/evil.example` would become `//evil.example`: any control character, space or
    backslash refuses the value (and keeps CR/LF out of the Location header).
    """
    if not target or not target.startswith("/") or _CONTROL.search(target):
        return None
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return None
    return target


def date_range_message(earliest: date, latest: date) -> str:
    return f"Pick a date between {earliest:%d %b %Y} and {latest:%d %b %Y}."


class DateWithin:
    """A date no more than `years_back` before and `years_ahead` after today."""

    def __init__(self, years_back: int, years_ahead: int):
        self.years_back, self.years_ahead = years_back, years_ahead

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        today = date.today()  # noqa: DTZ011 -- a coarse bound; the practice's day differs by hours
        earliest = today.replace(year=today.year - self.years_back, day=min(today.day, 28))
        latest = today.replace(year=today.year + self.years_ahead, day=min(today.day, 28))
        if not earliest <= field.data <= latest:
            raise StopValidation(date_range_message(earliest, latest))


class BaseForm(FlaskForm):
    """Flask-WTF's form with the app's input bounds: no NUL characters, dates in range."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if any("\x00" in value for value in field.raw_data or () if isinstance(value, str)):
                field.errors = [*field.errors, "Remove the invisible NUL character."]
                valid = False
            elif self._date_out_of_range(field):
                field.errors = [*field.errors, date_range_message(EARLIEST_DATE, LATEST_DATE)]
                valid = False
        return valid

    @staticmethod
    def _date_out_of_range(field) -> bool:
        if not isinstance(field, DateField) or field.data is None or field.errors:
            return False
        return not EARLIEST_DATE <= field.data <= LATEST_DATE


def allow_large_uploads() -> None:
    """A page listed in UPLOAD_LIMITS may receive a larger body than MAX_CONTENT_LENGTH.

    Runs before anything reads the form (the CSRF check, the double-submit key)."""
    limit = current_app.config["UPLOAD_LIMITS"].get(request.endpoint)
    if limit:
        request.max_content_length = limit
