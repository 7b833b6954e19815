"""Dates shown in the practice's timezone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import g

from coachhub.models import utcnow


def _tz() -> ZoneInfo:
    practice = g.get("practice")
    return practice.tz if practice is not None else ZoneInfo("UTC")


def localtime(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    """A UTC timestamp as the practice's local time."""
    if value is None:
        return ""
    return value.astimezone(_tz()).strftime(fmt)


def localdate(value: datetime | date | None, fmt: str = "%d %b %Y") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_tz())
    return value.strftime(fmt)


def humandelta(value: datetime | None) -> str:
    """'in 3 days', '2 days ago', 'today'."""
    if value is None:
        return ""
    days = (value.astimezone(_tz()).date() - utcnow().astimezone(_tz()).date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


# Stripe amounts are in the currency's smallest unit; these have none below the unit.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"}
    | {"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)


def money(amount: int | None, currency: str = "") -> str:
    """A Stripe amount (smallest currency unit) as '29.00 NZD'."""
    if amount is None:
        return ""
    code = (currency or "").lower()
    text = f"{amount:,}" if code in ZERO_DECIMAL_CURRENCIES else f"{amount / 100:,.2f}"
    return f"{text} {code.upper()}".strip()


def member_time(value: datetime | None, tz: ZoneInfo, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A UTC instant in one member's own timezone, with the zone's abbreviation (BST, EDT)."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    return f"{local.strftime(fmt)} {local.tzname()}"
