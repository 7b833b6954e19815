"""Claiming the next due row of a work queue: the email outbox and webhook deliveries.

Several workers may run `flask send-outbox` at once, so a row is claimed before it is
sent. PostgreSQL skips rows another worker has locked (FOR UPDATE SKIP LOCKED);
everywhere the claiming UPDATE only succeeds while the row is still claimable, so of
two workers racing for a row exactly one wins. A row claimed by a worker that died
is claimable again once its claim is older than the queue's timeout.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from coachhub.extensions import db


def claim_next(model, pending, sending, now: datetime, stale: datetime):
    """Mark one due row of `model` as being sent (status `sending`), committed; None if none.

    The model has id, status, next_attempt_at, claimed_at and attempts; `pending` and
    `sending` are its statuses for "waiting" and "being sent".
    """
    claimable = or_(
        and_(model.status == pending, model.next_attempt_at <= now),
        and_(model.status == sending, model.claimed_at < stale),
    )
    for _ in range(10):  # a lost race moves on to the next row
        query = select(model.id).where(claimable).order_by(model.next_attempt_at, model.id).limit(1)
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row_id = db.session.scalar(query)
        if row_id is None:
            db.session.commit()
            return None
        won = db.session.execute(
            update(model)
            .where(model.id == row_id, claimable)
            .values(status=sending, claimed_at=now, attempts=model.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if won:
            return db.session.get(model, row_id, populate_existing=True)
    return None


def backoff(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """Exponential back-off after `attempts` failed attempts: base, 2×base, 4×base, … capped."""
    return timedelta(seconds=min(base_seconds * 2 ** (attempts - 1), cap_seconds))
