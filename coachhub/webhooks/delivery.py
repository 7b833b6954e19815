"""The webhook worker pass (part of `flask send-outbox`): claim a due delivery, re-check
its address, sign and POST it, then record the outcome with exponential back-off.

Claims work like the email outbox's (coachhub/claims.py), so two workers never send the
same delivery. After WEBHOOK_DISABLE_AFTER
failures in a row the endpoint is switched off and the owners are emailed.
"""

import logging
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from coachhub import claims
from coachhub.extensions import db
from coachhub.models import (
    DeliveryStatus,
    Membership,
    MemberStatus,
    Practice,
    Role,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from coachhub.services.webhooks import allow_private, signing_secrets
from coachhub.webhooks import gateway

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=5)


class WebhookRun(NamedTuple):
    delivered: int
    failed: int


def deliver_pending(limit: int = 100) -> WebhookRun:
    """Send up to `limit` due deliveries, each at most once. Commits as it goes."""
    delivered = failed = 0
    for _ in range(limit):
        delivery = claim_next(utcnow())
        if delivery is None:
            break
        if send(delivery):
            delivered += 1
        else:
            failed += 1
        db.session.commit()
    return WebhookRun(delivered, failed)


def claim_next(now: datetime) -> WebhookDelivery | None:
    return claims.claim_next(
        WebhookDelivery, DeliveryStatus.PENDING, DeliveryStatus.SENDING, now, now - CLAIM_TIMEOUT
    )


def send(delivery: WebhookDelivery) -> bool:
    """One attempt; True when the receiver answered 2xx."""
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        _finish(delivery, DeliveryStatus.FAILED, None, "the endpoint is switched off")
        return False
    body = delivery.payload.encode()
    try:
        # Again at delivery time: the name may resolve elsewhere than when it was saved.
        gateway.check_url(endpoint.url, allow_private=allow_private())
    except gateway.AddressRefused as error:
        outcome = gateway.Outcome(False, None, str(error))
    else:
        outcome = gateway.post(
            endpoint.url,
            body,
            gateway.sign(body, signing_secrets(endpoint)),
            timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"],
        )
    if outcome.ok:
        _finish(delivery, DeliveryStatus.DELIVERED, outcome.status, None)
        delivery.delivered_at = utcnow()
        endpoint.consecutive_failures = 0
        return True
    endpoint.consecutive_failures += 1
    if delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        _finish(delivery, DeliveryStatus.FAILED, outcome.status, outcome.error)
    else:
        _finish(delivery, DeliveryStatus.PENDING, outcome.status, outcome.error)
        delivery.next_attempt_at = utcnow() + retry_delay(delivery.attempts)
    if (
        endpoint.enabled
        and endpoint.consecutive_failures >= current_app.config["WEBHOOK_DISABLE_AFTER"]
    ):
        _disable(endpoint)
    return False


def retry_delay(attempts: int) -> timedelta:
    """base, 2×base, 4×base, … capped (WEBHOOK_RETRY_SECONDS, WEBHOOK_RETRY_MAX_SECONDS)."""
    config = current_app.config
    return claims.backoff(
        attempts, config["WEBHOOK_RETRY_SECONDS"], config["WEBHOOK_RETRY_MAX_SECONDS"]
    )


def _finish(delivery, status, response_status, error) -> None:
    delivery.status = status
    delivery.claimed_at = None
    delivery.response_status = response_status
    delivery.last_error = (error or None) and error[:500]


def _disable(endpoint: WebhookEndpoint) -> None:
    """Switch the endpoint off and tell the practice's owners (through the outbox)."""
    from coachhub.notifications.outbox import queue_email
    from coachhub.urls import external_url

    endpoint.enabled = False
    endpoint.disabled_at = utcnow()
    practice = db.session.get(Practice, endpoint.practice_id)
    owners = db.session.scalars(
        select(Membership).where(
            Membership.practice_id == practice.id,
            Membership.role == Role.OWNER,
            Membership.status == MemberStatus.ACTIVE,
        )
    ).all()
    link = external_url("coach.webhook", practice_slug=practice.slug, endpoint_id=endpoint.id)
    for owner in owners:
        queue_email(
            "webhook_disabled",
            owner.user.email,
            "webhook_disabled",
            practice=practice,
            dedupe_key=f"webhook-disabled:{endpoint.id}:{endpoint.disabled_at.isoformat()}",
            owner=owner.user,
            endpoint=endpoint,
            failures=endpoint.consecutive_failures,
            link=link,
        )
    log.warning("webhook endpoint %s disabled after repeated failures", endpoint.id)
