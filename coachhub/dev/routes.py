"""Development-only pages: registered only when DEV_OUTBOX is on (never in production),
and answered only to a browser on this machine."""

import ipaddress

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import OutboundEmail

bp = Blueprint("dev", __name__, url_prefix="/dev")


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1: the request comes from this machine."""
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


@bp.before_request
def loopback_only():
    # The outbox lists password-reset links: a dev server on 0.0.0.0 must not show them around.
    if not is_loopback(request.remote_addr):
        abort(404)


@bp.get("/outbox")
def outbox():
    """The last queued emails with their links, so invitations work without a mail server."""
    messages = db.session.scalars(
        select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(50)
    ).all()
    return render_template("dev/outbox.html", messages=messages)
