"""The owner's outgoing webhooks: endpoints (URL, events, signing secret) and their
delivery log with "resend". Sending is the worker's (`coachhub/webhooks/delivery.py`)."""

from flask import flash, g, redirect, render_template, request, url_for
from wtforms import SelectChoice

from coachhub.coach import bp
from coachhub.coach.forms import WebhookForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, attach_error
from coachhub.models import WebhookDelivery, WebhookEndpoint
from coachhub.pagination import paginate
from coachhub.services import ServiceError, webhooks
from coachhub.tenancy import get_scoped_or_404, owner_required, scoped_select


def _form(**kw) -> WebhookForm:
    form = WebhookForm(**kw)
    form.events.choices = [SelectChoice(key, label) for key, label in webhooks.event_choices()]
    return form


@bp.route("/webhooks", methods=["GET", "POST"])
@owner_required
def webhooks_page():
    form = _form()
    if form.validate_on_submit():
        try:
            endpoint = webhooks.add_endpoint(
                g.practice, g.membership, form.url.data, form.events.data
            )
        except ServiceError as error:
            attach_error(form, error, "url")
        else:
            db.session.commit()
            flash("Webhook added. Copy its signing secret into the receiver.", "success")
            return redirect(url_for("coach.webhook", endpoint_id=endpoint.id))
    endpoints = db.session.scalars(
        scoped_select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    ).all()
    return render_template("coach/webhooks/webhooks.html", form=form, endpoints=endpoints)


@bp.route("/webhooks/<int:endpoint_id>", methods=["GET", "POST"])
@owner_required
def webhook(endpoint_id: int):
    endpoint = get_scoped_or_404(WebhookEndpoint, endpoint_id)
    form = _form(obj=endpoint) if request.method == "GET" else _form()
    if form.validate_on_submit():
        try:
            webhooks.update_endpoint(
                g.practice, g.membership, endpoint, form.url.data, form.events.data
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "url")
        else:
            db.session.commit()
            flash("Webhook saved.", "success")
            return redirect(url_for("coach.webhook", endpoint_id=endpoint.id))
    deliveries = paginate(webhooks.deliveries_query(g.practice, endpoint), per_page=50)
    return render_template(
        "coach/webhooks/webhook.html",
        endpoint=endpoint,
        form=form,
        deliveries=deliveries,
        confirm=ConfirmForm(),
        signing=webhooks.signing_secrets(endpoint),
    )


@bp.post("/webhooks/<int:endpoint_id>/rotate")
@owner_required
def rotate_webhook_secret(endpoint_id: int):
    endpoint = get_scoped_or_404(WebhookEndpoint, endpoint_id)
    if ConfirmForm().validate():
        webhooks.rotate_secret(g.practice, g.membership, endpoint)
        db.session.commit()
        flash("New secret made; the old one also signs for 24 hours.", "success")
    return redirect(url_for("coach.webhook", endpoint_id=endpoint.id))


@bp.post("/webhooks/<int:endpoint_id>/switch")
@owner_required
def switch_webhook(endpoint_id: int):
    endpoint = get_scoped_or_404(WebhookEndpoint, endpoint_id)
    if ConfirmForm().validate():
        on = not endpoint.enabled
        webhooks.set_enabled(g.practice, g.membership, endpoint, on)
        db.session.commit()
        flash("Webhook switched on." if on else "Webhook switched off.", "info")
    return redirect(url_for("coach.webhook", endpoint_id=endpoint.id))


@bp.post("/webhooks/deliveries/<int:delivery_id>/resend")
@owner_required
def resend_webhook_delivery(delivery_id: int):
    delivery = get_scoped_or_404(WebhookDelivery, delivery_id)
    if ConfirmForm().validate():
        webhooks.resend(g.practice, g.membership, delivery)
        db.session.commit()
        flash("Queued to be sent again.", "info")
    return redirect(url_for("coach.webhook", endpoint_id=delivery.endpoint_id))
