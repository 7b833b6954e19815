"""Pages anyone can see, and the health check."""

from flask import Blueprint, Response, abort, jsonify, render_template, request
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from coachhub.billing.gateway import get_gateway
from coachhub.billing.services import display_prices
from coachhub.extensions import db
from coachhub.models import Practice
from coachhub.services.branding import accent_stylesheet
from coachhub.storage import file_store

# Logo and accent URLs carry their content (a hash, the colour), so they never go stale.
IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("public", __name__)


@bp.get("/")
def landing():
    """What CoachHub does, the method, the price per coach seat, and the way in."""
    return render_template("public/landing.html", prices=display_prices(get_gateway()))


@bp.get("/pricing")
def pricing():
    """The plan and its per-seat price (Stripe's, cached; or the configured one)."""
    return render_template("public/pricing.html", prices=display_prices(get_gateway()))


def _practice_or_404(slug: str) -> Practice:
    practice = db.session.scalar(select(Practice).where(Practice.slug == slug))
    if practice is None:
        abort(404)
    return practice


# Branding is public on purpose: the invitation page (before the invitee has an account) and
# emails (read in a mail client) show it. Each URL is the practice's current logo or colour
# only: another practice's key, an old key or a colour it does not use is 404.
@bp.get("/brand/<practice_slug>/logo/<key>")
def practice_logo(practice_slug: str, key: str):
    """The practice's logo, cached for a year (the key is the content's hash)."""
    practice = _practice_or_404(practice_slug)
    stored = file_store().get(practice, key) if practice.logo_key == key else None
    if stored is None:
        abort(404)
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(key)
    return response.make_conditional(request)


@bp.get("/brand/<practice_slug>/accent-<colour>.css")
def practice_accent(practice_slug: str, colour: str):
    """The practice's accent colour as Bootstrap's primary colour (a stylesheet: no inline CSS)."""
    practice = _practice_or_404(practice_slug)
    if not practice.accent_colour or practice.accent_colour != f"#{colour}":
        abort(404)
    response = Response(accent_stylesheet(practice.accent_colour), mimetype="text/css")
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the app can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
