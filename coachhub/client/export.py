"""The client's export: everything they own, as one JSON document or as CSV files in a zip."""

import json

from flask import Response, g
from flask_login import current_user
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.extensions import db
from coachhub.models import Membership
from coachhub.services import audit, exports
from coachhub.tenancy import get_scoped_or_404


def _own_export() -> dict:
    client = get_scoped_or_404(
        Membership,
        g.membership.id,
        options=[
            joinedload(Membership.user),
            joinedload(Membership.coach).joinedload(Membership.user),
        ],
    )
    return exports.client_export(client)


def _audited(fmt: str) -> None:
    """An export is in the owner's audit log: who took their data out, and when."""
    audit.record(g.practice, current_user, "export.downloaded", g.membership, format=fmt)
    db.session.commit()


@bp.get("/export.json")
def export_json():
    """Everything the client owns, as one JSON document."""
    body = json.dumps(_own_export(), indent=2, ensure_ascii=False)
    _audited("json")
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="coachhub-export.json"'},
    )


@bp.get("/export.zip")
def export_zip():
    """The same data as CSV files in a zip."""
    body = exports.client_export_zip(_own_export())
    _audited("zip")
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="coachhub-export.zip"'},
    )
