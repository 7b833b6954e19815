"""Pages anyone can see, and the health check."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coachhub.billing.gateway import get_gateway
from coachhub.billing.services import display_prices
from coachhub.extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
def landing():
    """What CoachHub does, the method, the price per coach seat, and the way in."""
    return render_template("public/landing.html", prices=display_prices(get_gateway()))


@bp.get("/pricing")
def pricing():
    """The plan and its per-seat price (Stripe's, cached; or the configured one)."""
    return render_template("public/pricing.html", prices=display_prices(get_gateway()))


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the app can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
