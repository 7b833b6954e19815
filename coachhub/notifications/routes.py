"""Links that work without logging in: unsubscribe (signed) and the calendar feed (secret).

CSRF: the confirmation page's form carries Flask-WTF's token like every other
form. RFC 8058 one-click unsubscribe is a POST that mail providers send
without cookies or page, so it cannot carry a CSRF token; its own endpoint is
exempt and authorised by the signed link alone (see docs/notifications.md).
"""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from coachhub.extensions import csrf, db
from coachhub.forms import ConfirmForm
from coachhub.notifications import calendar as calendar_service
from coachhub.notifications import preferences
from coachhub.notifications.preferences import InvalidLink

bp = Blueprint("notifications", __name__)


def _invalid(error: InvalidLink):
    return render_template("notifications/link_invalid.html", expired=error.expired), (
        410 if error.expired else 400
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET asks (mail scanners follow links; a GET never changes anything); POST unsubscribes."""
    try:
        membership, kind = preferences.read_unsubscribe_token(token)
    except InvalidLink as error:
        return _invalid(error)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        preferences.unsubscribe(membership, kind)
        db.session.commit()
        return redirect(url_for("notifications.unsubscribe", token=token))
    return render_template(
        "notifications/unsubscribe.html",
        membership=membership,
        kind=kind,
        subscribed=preferences.wants(membership, kind),
        form=form,
    )


@bp.route("/unsubscribe/<token>/one-click", methods=["GET", "POST"])
@csrf.exempt
def one_click_unsubscribe(token: str):
    """RFC 8058: the mail provider POSTs `List-Unsubscribe=One-Click`; the signature is the proof.

    A GET (a mail client that opens the List-Unsubscribe URL in a browser) gets the
    confirmation page instead.
    """
    if request.method == "GET":
        return redirect(url_for("notifications.unsubscribe", token=token))
    if request.form.get("List-Unsubscribe") != "One-Click":
        abort(400)
    try:
        membership, kind = preferences.read_unsubscribe_token(token)
    except InvalidLink as error:
        return _invalid(error)
    preferences.unsubscribe(membership, kind)
    db.session.commit()
    return Response("Unsubscribed.\n", mimetype="text/plain")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The member's private iCalendar feed; an unknown or revoked token is a plain 404."""
    membership = calendar_service.membership_for_feed(token)
    if membership is None:
        abort(404)
    body = calendar_service.build_feed(membership)
    db.session.commit()  # last_used_at
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="coachhub.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
