"""The client's export: everything they own, as one JSON document or as CSV files in a zip."""

from flask import g
from flask_login import current_user
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.extensions import db
from coachhub.models import Membership
from coachhub.services import audit, exports
from coachhub.shared_views import send_export
from coachhub.tenancy import get_scoped_or_404


def _own_client() -> Membership:
    return get_scoped_or_404(
        Membership,
        g.membership.id,
        options=[
            joinedload(Membership.user),
            joinedload(Membership.coach).joinedload(Membership.user),
        ],
    )


def _audited(fmt: str) -> None:
    """An export is in the owner's audit log: who took their data out, and when."""
    audit.record(g.practice, current_user, "export.downloaded", g.membership, format=fmt)
    db.session.commit()


@bp.get("/export.json")
def export_json():
    """Everything the client owns, as one JSON document."""
    client = _own_client()
    response = send_export(
        lambda out: exports.write_client_json(client, out),
        "coachhub-export.json",
        "application/json",
        text=True,
    )
    _audited("json")
    return response


@bp.get("/export.zip")
def export_zip():
    """The same data as CSV files in a zip."""
    client = _own_client()
    response = send_export(
        lambda out: exports.write_client_zip(client, out),
        "coachhub-export.zip",
        "application/zip",
        text=False,
    )
    _audited("zip")
    return response
