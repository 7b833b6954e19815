"""Outgoing webhooks: the owner's endpoints, and a delivery per event for each one that
wants it. Events are the inbox's (`notifications/events.py`): `inbox.notify` hands every
event it raises to `enqueue`, so a webhook hears of exactly what the inbox does.
"""

import json
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coachhub.extensions import db
from coachhub.models import (
    DeliveryStatus,
    Membership,
    Practice,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.webhooks.gateway import AddressRefused, check_url

ROTATION_GRACE = timedelta(hours=24)
URL_MAX = 2048


def event_choices() -> list[tuple[str, str]]:
    """(key, label) of every event a webhook can subscribe to: the inbox's events."""
    from coachhub.notifications.events import EVENTS

    return [(event.key, event.label) for event in EVENTS]


def _require_owner(actor: Membership) -> None:
    if not actor.is_owner:
        raise ServiceError("Only the owner manages webhooks.")


def allow_private() -> bool:
    return bool(current_app.config["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"])


def _check(url: str, events: list[str]) -> str:
    url = (url or "").strip()
    if not url or len(url) > URL_MAX:
        raise ServiceError("Give the URL that should receive the events.", "url")
    try:
        check_url(url, allow_private=allow_private())
    except AddressRefused as error:
        raise ServiceError(str(error), "url") from error
    known = {key for key, _ in event_choices()}
    if not events or not set(events) <= known:
        raise ServiceError("Pick at least one event.", "events")
    return url


def add_endpoint(practice: Practice, actor: Membership, url: str, events: list[str]):
    _require_owner(actor)
    endpoint = WebhookEndpoint(
        practice_id=practice.id,
        url=_check(url, events),
        events=sorted(set(events)),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by_membership_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    record(practice, actor.user, "webhook.added", endpoint, url=endpoint.url)
    return endpoint


def update_endpoint(
    practice: Practice, actor: Membership, endpoint: WebhookEndpoint, url: str, events: list[str]
) -> None:
    _require_owner(actor)
    endpoint.url = _check(url, events)
    endpoint.events = sorted(set(events))
    record(practice, actor.user, "webhook.updated", endpoint, url=endpoint.url)


def rotate_secret(practice: Practice, actor: Membership, endpoint: WebhookEndpoint) -> None:
    """A new secret; the old one still signs (a second v1=) for ROTATION_GRACE."""
    _require_owner(actor)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = utcnow() + ROTATION_GRACE
    endpoint.secret = "whsec_" + secrets.token_urlsafe(32)
    record(practice, actor.user, "webhook.secret_rotated", endpoint)


def set_enabled(
    practice: Practice, actor: Membership, endpoint: WebhookEndpoint, enabled: bool
) -> None:
    _require_owner(actor)
    endpoint.enabled = enabled
    endpoint.disabled_at = None if enabled else utcnow()
    endpoint.consecutive_failures = 0
    record(practice, actor.user, "webhook.enabled" if enabled else "webhook.disabled", endpoint)


def signing_secrets(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign now: the current one, and the previous during its grace."""
    keys = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and utcnow() < expires:
        keys.append(endpoint.previous_secret)
    return keys


def enqueue(practice: Practice, event_key: str, key: str, payload_data: dict) -> int:
    """A pending delivery of this event for each enabled endpoint that wants it; the same
    event again adds nothing. Returns how many were added."""
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.practice_id == practice.id, WebhookEndpoint.enabled.is_(True)
        )
    ).all()
    added = 0
    for endpoint in endpoints:
        if event_key not in (endpoint.events or []):
            continue
        body = {
            "id": f"{key}:{endpoint.id}",
            "type": event_key,
            "created": utcnow().isoformat(),
            "practice": practice.slug,
            "data": payload_data,
        }
        delivery = WebhookDelivery(
            practice_id=practice.id,
            endpoint_id=endpoint.id,
            event=event_key,
            event_key=key[:160],
            payload=json.dumps(body, sort_keys=True, default=str),
        )
        try:
            with db.session.begin_nested():
                db.session.add(delivery)
        except IntegrityError:
            continue
        added += 1
    return added


def resend(practice: Practice, actor: Membership, delivery: WebhookDelivery) -> None:
    """Send the same body again, soon (the receiver's de-duplication sees the same id)."""
    _require_owner(actor)
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    delivery.claimed_at = None
    record(practice, actor.user, "webhook.resent", delivery)


def deliveries_query(practice: Practice, endpoint: WebhookEndpoint):
    return (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.practice_id == practice.id,
            WebhookDelivery.endpoint_id == endpoint.id,
        )
        .order_by(WebhookDelivery.id.desc())
    )
