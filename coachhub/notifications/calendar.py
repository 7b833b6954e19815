"""Private calendar feeds: a revocable secret URL per membership, events from providers.

The URL carries a random token; only its SHA-256 is stored, so the address
can be shown once (right after it is made) and never again. Regenerating
replaces the hash (the old URL then gets 404), revoking deletes it.

How a feature plugs in (follow-up due dates, check-in due dates): write
`collect(practice, membership)` returning the `CalendarEvent`s that this
member may see (a client: their own; a coach: their clients'; an owner:
everyone's, as `visible_to` rules say) and register it:

    CALENDAR_PROVIDERS.register(CalendarProvider("followups", collect))

and list its module in `coachhub.notifications.PROVIDER_MODULES`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import CalendarToken, Membership, MemberStatus, Practice, utcnow
from coachhub.notifications.registry import Registry
from coachhub.security import hash_token, new_token
from coachhub.services.audit import record

# Calendar apps poll often; remember the last fetch at most this often (one write).
_TOUCH_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEvent:
    """One entry in a feed. A `date` start is an all-day event (a due date)."""

    uid: str  # stable across fetches, unique in the practice ("followup-42")
    summary: str
    start: date | datetime
    end: date | datetime | None = None
    description: str = ""
    url: str | None = None


@dataclass(frozen=True)
class CalendarProvider:
    key: str
    collect: Callable[[Practice, Membership], Iterable[CalendarEvent]]
    order: int = 100


CALENDAR_PROVIDERS: Registry[CalendarProvider] = Registry("calendar provider")


def feed_token(membership: Membership) -> CalendarToken | None:
    return db.session.scalar(
        select(CalendarToken).where(CalendarToken.membership_id == membership.id)
    )


def issue_feed_token(practice: Practice, membership: Membership) -> str:
    """A new secret for `membership`'s feed (any previous URL stops working); flushes."""
    token, token_hash = new_token()
    row = feed_token(membership)
    if row is None:
        row = CalendarToken(practice_id=practice.id, membership_id=membership.id)
        db.session.add(row)
    row.token_hash = token_hash
    row.created_at = utcnow()
    row.last_used_at = None
    db.session.flush()
    record(practice, membership.user, "calendar_feed.issued", membership)
    return token


def revoke_feed_token(practice: Practice, membership: Membership) -> bool:
    """Turn the feed off; False when there was none."""
    row = feed_token(membership)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    record(practice, membership.user, "calendar_feed.revoked", membership)
    return True


def membership_for_feed(token: str) -> Membership | None:
    """The active membership a feed URL belongs to, or None (unknown, revoked, archived)."""
    row = db.session.scalar(
        select(CalendarToken)
        .where(CalendarToken.token_hash == hash_token(token))
        .options(db.joinedload(CalendarToken.membership).joinedload(Membership.practice))
    )
    if row is None or row.membership.status != MemberStatus.ACTIVE:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        row.last_used_at = now
    return row.membership


def build_feed(membership: Membership) -> bytes:
    """The iCalendar document for `membership`, from every registered provider."""
    practice = membership.practice
    host = urlsplit(current_app.config["APP_BASE_URL"]).hostname or "coachhub"
    calendar = Calendar()
    calendar.add("prodid", "-//CoachHub//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"CoachHub · {practice.name}")
    calendar.add("x-wr-timezone", practice.timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = utcnow()
    for provider in CALENDAR_PROVIDERS:
        for item in provider.collect(practice, membership):
            event = Event()
            event.add("uid", f"{item.uid}.{practice.slug}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", item.summary)
            event.add("dtstart", item.start)
            end = item.end
            if end is None and not isinstance(item.start, datetime):
                end = item.start + timedelta(days=1)
            if end is not None:
                event.add("dtend", end)
            if item.description:
                event.add("description", item.description)
            if item.url:
                event.add("url", item.url)
            calendar.add_component(event)
    return calendar.to_ical()
