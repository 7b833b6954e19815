"""Client portal."""

from flask import render_template

from coachhub.models import Role
from coachhub.tenancy import practice_blueprint

bp = practice_blueprint("client", __name__, "client", [Role.CLIENT])


@bp.get("/")
def dashboard():
    return render_template("client/dashboard.html")
