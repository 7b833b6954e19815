"""`flask billing …`: repair and support commands for Stripe billing."""

from pathlib import Path

import click
from sqlalchemy import select

from coachhub.billing import services, webhooks
from coachhub.billing.gateway import GatewayError, event_from_json, get_gateway
from coachhub.extensions import db
from coachhub.models import Practice


@click.group("billing")
def billing_cli() -> None:
    """Stripe billing: sync subscriptions, replay events, trial reminders."""


def _gateway():
    gateway = get_gateway()
    if gateway is None:
        raise click.ClickException("STRIPE_SECRET_KEY is not set.")
    return gateway


@billing_cli.command("sync")
@click.option("--slug", help="Only this practice.")
def sync(slug: str | None) -> None:
    """Re-fetch every practice's subscription from Stripe (repair after missed webhooks)."""
    gateway = _gateway()
    query = select(Practice.id).where(Practice.stripe_customer_id.is_not(None))
    if slug:
        query = query.where(Practice.slug == slug)
    failed = 0
    for practice_id in db.session.scalars(query.order_by(Practice.id)).all():
        practice = db.session.get(Practice, practice_id)
        assert practice is not None
        try:
            services.lock_practice(practice)
            current = services.sync_practice(practice, gateway)
        except GatewayError as error:
            db.session.rollback()
            failed += 1
            click.echo(f"{practice.slug}: failed: {error.message}", err=True)
            continue
        db.session.commit()
        status = current.status if current else "no subscription"
        click.echo(f"{practice.slug}: {status}, {practice.paid_seats} paid seats")
    if failed:
        raise click.ClickException(f"{failed} practice(s) could not be synced.")


@billing_cli.command("replay")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def replay(file: Path) -> None:
    """Feed a stored Stripe event (JSON, as in the dashboard) through the webhook handler."""
    gateway = _gateway()
    try:
        event = event_from_json(file.read_bytes())
    except ValueError as error:
        raise click.ClickException(f"{file} is not a Stripe event: {error}") from error
    outcome = webhooks.receive(event, gateway, replay=True)
    click.echo(f"{event.id} ({event.type}): {outcome.value}")
    if outcome == webhooks.Outcome.FAILED:
        raise click.ClickException("the handler failed; the error is on the stripe_event row.")


@billing_cli.command("remind-trials")
def remind_trials() -> None:
    """Email owners whose free trial ends within 3 days (run daily; repeats are deduplicated)."""
    queued = services.queue_trial_reminders()
    db.session.commit()
    click.echo(f"{queued} reminder(s) queued")
