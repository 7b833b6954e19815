"""Billing pages (owner only) and the Stripe webhook endpoint.

The owner's area stays writable in read-only mode: subscribing and the
Customer Portal are how a practice reactivates.
"""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from coachhub.billing import services, webhooks
from coachhub.billing.forms import SeatsForm, SubscribeForm
from coachhub.billing.gateway import (
    GatewayError,
    InvalidSignature,
    construct_event,
    get_gateway,
)
from coachhub.extensions import csrf, db
from coachhub.forms import ConfirmForm
from coachhub.models import Role, utcnow
from coachhub.services import ServiceError
from coachhub.tenancy import practice_blueprint

log = logging.getLogger(__name__)

bp = practice_blueprint("billing", __name__, "billing", [Role.OWNER], writable_when_read_only=True)
# Not under /p/<slug>/: Stripe calls it, and the practice comes from the event's customer.
webhook_bp = Blueprint("stripe_webhook", __name__)


def _configured_gateway():
    """The gateway when every Stripe setting is present; otherwise None and a flash."""
    gateway = get_gateway()
    if gateway is None or services.missing_settings():
        flash("Payments are not configured on this server yet.", "warning")
        return None
    return gateway


@bp.get("/")
def overview():
    """Status, seats, price, renewal, invoices and what the owner can do next."""
    gateway = get_gateway()
    invoices, stripe_error = [], None
    if gateway is not None and g.practice.stripe_customer_id:
        try:
            invoices = gateway.list_invoices(g.practice.stripe_customer_id)
        except GatewayError as error:
            stripe_error = error.message
    prices = services.display_prices(gateway)
    subscribe_form = SubscribeForm()
    if not current_app.config["STRIPE_YEARLY_PRICE_ID"]:
        subscribe_form.plan.choices = subscribe_form.plan.choices[:1]
    return render_template(
        "billing/overview.html",
        missing=services.missing_settings(),
        seats=services.seats(g.practice),
        invoices=invoices,
        price=prices.monthly,
        yearly_price=prices.yearly,
        stripe_error=stripe_error,
        subscribe_form=subscribe_form,
        action_form=ConfirmForm(),
        can_subscribe=g.practice.subscription_status not in services.PORTAL_STATUSES,
    )


@bp.post("/subscribe")
def subscribe():
    """Create the customer (once) and send the owner to Stripe Checkout."""
    form = SubscribeForm()
    if not form.validate():
        abort(400)
    gateway = _configured_gateway()
    if gateway is None:
        return redirect(url_for("billing.overview"))
    config = current_app.config
    price_id = config["STRIPE_PRICE_ID"]
    if form.plan.data == "yearly" and config["STRIPE_YEARLY_PRICE_ID"]:
        price_id = config["STRIPE_YEARLY_PRICE_ID"]
    return_url = url_for("billing.checkout_return", _external=True)
    try:
        checkout_url = services.start_checkout(
            g.practice,
            g.membership,
            gateway,
            price_id=price_id,
            success_url=return_url + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=url_for("billing.overview", checkout="canceled", _external=True),
        )
    except (ServiceError, GatewayError) as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("billing.overview"))
    # The customer id is saved even if the owner never finishes Checkout.
    db.session.commit()
    return redirect(checkout_url, code=303)


@bp.get("/return")
def checkout_return():
    """Where Checkout sends the owner back: sync now, so the page need not wait for the webhook."""
    session_id = request.args.get("session_id", "")
    gateway = get_gateway()
    synced, error = False, None
    if session_id and gateway is not None:
        try:
            synced = services.sync_checkout_return(g.practice, gateway, session_id)
        except GatewayError as exc:
            error = exc.message
        if synced:
            db.session.commit()
    return render_template("billing/checkout_return.html", synced=synced, error=error)


@bp.post("/portal")
def portal():
    """Send the owner to the Stripe Customer Portal."""
    if not ConfirmForm().validate():
        abort(400)
    gateway = _configured_gateway()
    if gateway is None:
        return redirect(url_for("billing.overview"))
    try:
        url = services.portal_url(
            g.practice, g.membership, gateway, url_for("billing.overview", _external=True)
        )
    except services.CustomerForgotten as error:
        db.session.commit()  # keep the unlinking: the next Subscribe starts afresh
        flash(error.message, "warning")
        return redirect(url_for("billing.overview"))
    except (ServiceError, GatewayError) as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("billing.overview"))
    return redirect(url, code=303)


@bp.route("/seats", methods=["GET", "POST"])
def change_seats():
    """GET previews the prorated charge for a new quantity; POST applies the previewed one."""
    gateway = get_gateway()
    seats = services.seats(g.practice)
    if gateway is None or not seats.subscribed:
        return render_template("billing/seats.html", form=None, seats=seats, preview=None)
    form = SeatsForm(quantity=request.args.get("quantity", type=int) or seats.in_use)
    preview, error, notice = None, None, None
    if request.method == "POST" and form.validate():
        quantity = form.quantity.data
        try:
            proration_date = services.proration_date_from(
                g.practice, quantity, form.proration_token.data
            )
            services.change_seats(g.practice, g.membership, gateway, quantity, proration_date)
        except services.StalePreview as exc:
            db.session.rollback()
            notice = exc.message  # nothing was charged: price it again below
        except ServiceError as exc:
            db.session.rollback()
            form[exc.field or "quantity"].errors.append(exc.message)
        except GatewayError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            _flash_seat_change(quantity)
            return redirect(url_for("billing.overview"))
    quantity = form.quantity.data
    if quantity and not form.quantity.errors and error is None and quantity != seats.paid:
        proration_date = int(utcnow().timestamp())
        form.proration_token.data = services.proration_token(g.practice, quantity, proration_date)
        try:
            preview = services.preview_seat_change(g.practice, gateway, quantity, proration_date)
        except ServiceError as exc:
            # Unvalidated (GET) fields hold their errors in a tuple.
            form.quantity.errors = [exc.message]
        except GatewayError as exc:
            error = exc.message
    return render_template(
        "billing/seats.html", form=form, seats=seats, preview=preview, error=error, notice=notice
    )


def _flash_seat_change(quantity: int) -> None:
    practice = g.practice
    if practice.pending_paid_seats is None:
        flash(f"Paid seats set to {quantity}.", "success")
        return
    flash(
        f"The payment for {quantity} seats did not go through, so the practice keeps "
        f"{practice.paid_seats} paid seats for now. Pay the invoice below to add the seats.",
        "warning",
    )


@webhook_bp.post("/billing/stripe/webhook")
@csrf.exempt
def receive():
    """Stripe's events: logged as received, verified on the raw body, handled once."""
    body = request.get_data()
    delivery = webhooks.log_delivery(body, dict(request.headers), remote_addr=request.remote_addr)
    secrets = current_app.config["STRIPE_WEBHOOK_SECRETS"]
    gateway = get_gateway()
    if not secrets or gateway is None:
        log.error("stripe webhook refused: STRIPE_WEBHOOK_SECRETS or STRIPE_SECRET_KEY not set")
        refused = webhooks.Receipt(webhooks.Outcome.REFUSED, error="webhook not configured")
        webhooks.finish_delivery(delivery, refused, http_status=503)
        return {"error": "webhook not configured"}, 503
    try:
        event = construct_event(body, request.headers.get("Stripe-Signature"), secrets)
    except InvalidSignature as exc:
        log.warning("stripe webhook with a bad signature: %s", exc)
        refused = webhooks.Receipt(webhooks.Outcome.REFUSED)
        webhooks.finish_delivery(delivery, refused, verification_error=str(exc))
        return {"error": "invalid signature"}, 400
    webhooks.verified(delivery, event)
    receipt = webhooks.receive(event, gateway)
    webhooks.finish_delivery(delivery, receipt)
    if receipt.outcome == webhooks.Outcome.FAILED:
        return {"error": "processing failed", "event": event.id}, 500
    if receipt.outcome == webhooks.Outcome.REFUSED:
        return {"error": receipt.error, "event": event.id}, 400
    return {"status": receipt.outcome.value, "event": event.id}
