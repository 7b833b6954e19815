"""Client portal."""

from flask import render_template

from coachhub.models import Role
from coachhub.notifications.views import add_member_routes
from coachhub.tenancy import practice_blueprint

bp = practice_blueprint("client", __name__, "client", [Role.CLIENT])
# /notifications (email preferences) and /calendar (private feed), shared with the coach portal.
add_member_routes(bp)


@bp.get("/")
def dashboard():
    return render_template("client/dashboard.html")
