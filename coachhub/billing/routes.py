"""Billing pages (owner only). Stripe itself arrives with the billing issue."""

from flask import current_app, render_template

from coachhub.models import Role
from coachhub.tenancy import practice_blueprint

bp = practice_blueprint("billing", __name__, "billing", [Role.OWNER])


@bp.get("/")
def overview():
    return render_template(
        "billing/overview.html", stripe_configured=bool(current_app.config["STRIPE_SECRET_KEY"])
    )
