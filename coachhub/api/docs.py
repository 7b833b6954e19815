"""The OpenAPI document and its browsable reference page (Swagger UI from our static files)."""

from flask import jsonify, render_template

from coachhub.api import bp
from coachhub.api.spec import openapi_document


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/reference")
def reference():
    return render_template("api/reference.html")
