"""Development-only pages: registered only when DEV_OUTBOX is on (never in production)."""

from flask import Blueprint, render_template
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import OutboundEmail

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/outbox")
def outbox():
    """The last queued emails with their links, so invitations work without a mail server."""
    messages = db.session.scalars(
        select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(50)
    ).all()
    return render_template("dev/outbox.html", messages=messages)
