"""`flask billing …`: set-up, checks, repair and support commands for Stripe billing."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import click
from flask import current_app
from sqlalchemy import select

from coachhub.billing import doctor as billing_doctor
from coachhub.billing import services, webhooks
from coachhub.billing.gateway import (
    API_VERSION,
    Event,
    GatewayError,
    event_from_json,
    get_gateway,
)
from coachhub.extensions import db
from coachhub.models import Practice, StripeWebhookDelivery, utcnow


@click.group("billing")
def billing_cli() -> None:
    """Stripe billing: set up, check, sync, the webhook log, replays, trial reminders."""


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


@billing_cli.command("setup-webhook")
@click.argument("url")
@click.option(
    "--replace",
    is_flag=True,
    help="Delete an endpoint for URL that uses another API version and create a new one.",
)
def setup_webhook(url: str, replace: bool) -> None:
    """Create (or update) the webhook endpoint at URL with the events and API version needed.

    A new endpoint's signing secret is printed on the last line: put it in
    STRIPE_WEBHOOK_SECRETS. Stripe cannot change an existing endpoint's API version,
    so one with another version is only replaced when --replace is given.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise click.ClickException(
            f"{url!r} is not a URL Stripe can call; give the full address, e.g. "
            f"https://coachhub.example{billing_doctor.WEBHOOK_PATH}"
        )
    if not parts.path.endswith(billing_doctor.WEBHOOK_PATH):
        click.echo(f"Note: CoachHub receives webhooks at {billing_doctor.WEBHOOK_PATH}.")
    gateway = _gateway()
    events = sorted(webhooks.HANDLED_EVENTS)
    try:
        existing = [e for e in gateway.list_webhook_endpoints() if e.url == url]
        if existing and existing[0].api_version == API_VERSION:
            endpoint = gateway.update_webhook_endpoint(existing[0].id, events=events)
            click.echo(
                f"Updated {endpoint.id} for {url}: {len(events)} events, API version "
                f"{API_VERSION}, enabled. Its signing secret is unchanged (Developers → "
                "Webhooks in the dashboard shows it)."
            )
            return
        if existing and not replace:
            raise click.ClickException(
                f"The endpoint {existing[0].id} for {url} uses API version "
                f"{existing[0].api_version or 'the account default'}; CoachHub needs "
                f"{API_VERSION}, and Stripe cannot change an endpoint's version. Run again "
                "with --replace to delete it and create a new one (events that fail in between "
                "are retried by Stripe once the new secret is set)."
            )
        for old in existing:
            gateway.delete_webhook_endpoint(old.id)
            click.echo(f"Deleted {old.id} (API version {old.api_version}).")
        endpoint = gateway.create_webhook_endpoint(url=url, events=events)
    except GatewayError as error:
        raise click.ClickException(f"Stripe said: {error.message}") from error
    click.echo(f"Created {endpoint.id} for {url}: {len(events)} events, API version {API_VERSION}.")
    click.echo("Set this signing secret in STRIPE_WEBHOOK_SECRETS (it is shown only once):")
    click.echo(endpoint.secret or "")


@billing_cli.command("doctor")
@click.option("--url", help="The webhook URL to look for (default: APP_BASE_URL + the path).")
def doctor(url: str | None) -> None:
    """Check the key, the prices, the webhook endpoint and its events; say what is wrong."""
    config = current_app.config
    url = url or billing_doctor.webhook_url(config["APP_BASE_URL"])
    problems = 0
    for finding in billing_doctor.check(config, get_gateway(), url):
        click.echo(f"{'ok' if finding.ok else 'PROBLEM':8} {finding.text}")
        problems += not finding.ok
    if problems:
        click.echo(f"{problems} problem(s) found.")
        raise click.exceptions.Exit(1)
    click.echo("No problems found.")


@billing_cli.command("webhook-log")
@click.argument("delivery_id", type=int, required=False)
@click.option("--limit", default=20, show_default=True, help="How many of the latest to list.")
@click.option("--failed", is_flag=True, help="Only deliveries that were refused or failed.")
@click.option("--event", "event_id", help="Only deliveries of this event id.")
def webhook_log(delivery_id: int | None, limit: int, failed: bool, event_id: str | None) -> None:
    """List the latest webhook deliveries, or show one (DELIVERY_ID) in full."""
    if delivery_id is not None:
        row = db.session.get(StripeWebhookDelivery, delivery_id)
        if row is None:
            raise click.ClickException(f"No webhook delivery #{delivery_id}.")
        _show_delivery(row)
        return
    query = select(StripeWebhookDelivery).order_by(StripeWebhookDelivery.id.desc()).limit(limit)
    if failed:
        query = query.where(StripeWebhookDelivery.outcome.in_(("failed", "refused")))
    if event_id:
        query = query.where(StripeWebhookDelivery.event_id == event_id)
    rows = list(reversed(db.session.scalars(query).all()))
    if not rows:
        click.echo("No webhook deliveries logged.")
        return
    for row in rows:
        signature = "verified" if row.signature_verified else "bad signature"
        error = (row.error or row.verification_error or "").splitlines()[:1]
        click.echo(
            f"#{row.id:<6} {row.received_at:%Y-%m-%d %H:%M:%S}  {row.source:6}  "
            f"{row.event_id or '-':28}  {row.event_type or '-':44}  {signature:13}  "
            f"{row.outcome or 'in progress':11}  {row.http_status or '-'}"
            + (f"  {error[0][:80]}" if error else "")
        )


def _show_delivery(row: StripeWebhookDelivery) -> None:
    practice = db.session.get(Practice, row.practice_id) if row.practice_id else None
    mode = {True: "live mode", False: "test mode", None: "mode unknown"}[row.livemode]
    click.echo(
        f"Delivery #{row.id}, received {row.received_at:%Y-%m-%d %H:%M:%S} UTC "
        f"from {row.remote_addr or '-'} ({row.source})"
    )
    if row.event_id:
        click.echo(
            f"Event: {row.event_id} {row.event_type} ({mode}, API version {row.api_version})"
        )
    click.echo(
        "Signature: verified"
        if row.signature_verified
        else f"Signature: not verified: {row.verification_error or '-'}"
    )
    click.echo(f"Outcome: {row.outcome or 'in progress'}, answered {row.http_status or '-'}")
    if row.error:
        click.echo(f"Error: {row.error}")
    if practice is not None:
        click.echo(f"Practice: {practice.slug}")
    click.echo("Headers:")
    for name, value in row.headers.items():
        click.echo(f"  {name}: {value}")
    click.echo("Body" + (" (truncated):" if row.body_truncated else ":"))
    click.echo(row.body)


@billing_cli.command("replay")
@click.argument("event_id")
def replay(event_id: str) -> None:
    """Feed an event through the webhook handler again: from the log, else from Stripe."""
    gateway = _gateway()
    delivery = webhooks.latest_verified_delivery(event_id)
    event: Event
    if delivery is not None:
        event = _parse(delivery.body)
        source = f"from delivery #{delivery.id}"
        body = delivery.body
    else:
        try:
            event = gateway.retrieve_event(event_id)
        except GatewayError as error:
            if error.status == 404:
                raise click.ClickException(
                    f"{event_id} is not in the webhook log and Stripe does not know it "
                    "(Stripe keeps events for 30 days)."
                ) from error
            raise click.ClickException(f"Stripe said: {error.message}") from error
        source = "fetched from Stripe"
        body = json.dumps(
            {
                "id": event.id,
                "object": "event",
                "type": event.type,
                "created": int(event.created.timestamp()),
                "livemode": event.livemode,
                "api_version": event.api_version,
                "data": {"object": event.object},
            },
            indent=2,
            default=str,  # Stripe's decimal strings come back from the SDK as Decimal
        )
    logged = webhooks.log_delivery(body.encode(), {}, remote_addr=None, source="replay")
    webhooks.verified(logged, event)
    receipt = webhooks.receive(event, gateway, replay=True)
    webhooks.finish_delivery(logged, receipt)
    click.echo(f"{event.id} ({event.type}) {source}: {receipt.outcome.value}")
    if receipt.outcome in (webhooks.Outcome.FAILED, webhooks.Outcome.REFUSED):
        raise click.ClickException(f"the handler said: {receipt.error}")


def _parse(body: str) -> Event:
    try:
        return event_from_json(body)
    except ValueError as error:
        raise click.ClickException(f"the logged body is not a Stripe event: {error}") from error


@billing_cli.command("prune-webhook-log")
@click.option("--days", default=90, show_default=True, help="Keep this many days of deliveries.")
def prune_webhook_log(days: int) -> None:
    """Delete webhook deliveries older than DAYS days (run from cron)."""
    deleted = webhooks.prune_deliveries(utcnow() - timedelta(days=days))
    db.session.commit()
    click.echo(f"{deleted} delivery(ies) older than {days} days deleted")


@billing_cli.command("remind-trials")
def remind_trials() -> None:
    """Email owners whose free trial ends within 3 days (run daily; repeats are deduplicated)."""
    queued = services.queue_trial_reminders()
    db.session.commit()
    click.echo(f"{queued} reminder(s) queued")
