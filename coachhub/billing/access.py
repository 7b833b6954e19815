"""The access policy: what a practice may do given its billing state. One function decides.

- trial running, trialing, active            -> full
- past_due, within 7 days of the first failure -> grace (full, with a banner)
- anything else (trial over without a subscription, past_due beyond the grace,
  canceled, unpaid, incomplete, incomplete_expired, paused, unknown)
                                              -> read_only: pages and exports
  work, every write in a practice area is refused with 402 Payment Required.

Nothing is ever deleted because of billing.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, make_response, render_template

from coachhub.models import Practice, utcnow

GRACE_PERIOD = timedelta(days=7)
# HTTP status for a write refused in read-only mode (documented in docs/billing.md).
READ_ONLY_STATUS = 402

READ_ONLY_REASONS = {
    "trial_over": "The free trial has ended and there is no subscription yet.",
    "past_due": "A payment failed and the 7-day grace period is over.",
    "canceled": "The subscription was canceled.",
    "unpaid": "Invoices are unpaid.",
    "incomplete": "The first payment has not gone through yet.",
    "incomplete_expired": "The first payment did not go through.",
    "paused": "The subscription is paused.",
    "unknown": "The subscription is not in good standing.",
}


class Level(enum.StrEnum):
    FULL = "full"
    GRACE = "grace"
    READ_ONLY = "read_only"


@dataclass(frozen=True)
class Access:
    level: Level
    reason: str
    # Grace: when it ends; trial: when the trial ends.
    until: datetime | None = None

    @property
    def can_write(self) -> bool:
        return self.level != Level.READ_ONLY

    @property
    def message(self) -> str:
        """Why the practice is read-only, in plain words ('' when it is not)."""
        if self.level != Level.READ_ONLY:
            return ""
        return READ_ONLY_REASONS.get(self.reason, READ_ONLY_REASONS["unknown"])


def access_for(practice: Practice, now: datetime | None = None) -> Access:
    """The practice's access level at `now` (default: the current time)."""
    now = now or utcnow()
    status = practice.subscription_status
    trial_running = practice.trial_ends_at is not None and now < practice.trial_ends_at
    if status in ("active", "trialing"):
        return Access(Level.FULL, status)
    if status == "past_due":
        grace_ends = (practice.past_due_since or now) + GRACE_PERIOD
        if now < grace_ends:
            return Access(Level.GRACE, "past_due", until=grace_ends)
    # A subscription that is not (yet) in good standing never shortens the free trial.
    if trial_running:
        return Access(Level.FULL, "trial", until=practice.trial_ends_at)
    if status is None:
        return Access(Level.READ_ONLY, "trial_over")
    if status in READ_ONLY_REASONS:
        return Access(Level.READ_ONLY, status)
    return Access(Level.READ_ONLY, "unknown")


def refuse_if_read_only(practice: Practice, access: Access) -> None:
    """Abort a write with the read-only page (402) when the practice is read-only."""
    if access.can_write:
        return
    page = render_template("errors/read_only.html", access=access, practice=practice)
    abort(make_response(page, READ_ONLY_STATUS))
