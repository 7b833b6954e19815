"""The OpenAPI 3.1 document, built from the operations the resource modules declare.

apispec's marshmallow plugin turns the same schemas that validate requests into the
document's components, so the document cannot drift from what the API accepts.
"""

import re
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from coachhub.api import OPERATIONS, Operation
from coachhub.api import schemas as s

PROBLEM = {"application/problem+json": {"schema": s.Problem}}
ERRORS = {
    401: "No token, or the token is unknown, expired or revoked",
    402: "The practice is read-only (billing); writes are refused",
    403: "The token's scope or the member's role does not allow this",
    404: "No such row among those this member may see",
    422: "Invalid parameters or body; `errors` names the fields",
    429: "Too many requests for this token; see Retry-After",
}


def _path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _errors(op: Operation) -> list[int]:
    codes = [401, 403, 429]
    if "<" in op.rule or op.writes:
        codes.append(404)
    if op.query is not None or op.body is not None:
        codes.append(422)
    if op.writes:
        codes.append(402)
    return sorted(codes)


def _operation(op: Operation) -> dict:
    doc: dict = {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary,
        "tags": [op.tag],
        "security": [{"token": ["write" if op.writes else "read"]}],
        "responses": {
            str(op.status): {
                "description": "OK" if op.status == 200 else "Created",
                "content": {"application/json": {"schema": type(op.response)}},
            },
            **{
                str(code): {"description": ERRORS[code], "content": PROBLEM} for code in _errors(op)
            },
        },
    }
    if op.roles:
        doc["description"] = f"Needs a write token of a {op.roles}."
    params = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
        }
        for name in re.findall(r"<(?:\w+:)?(\w+)>", op.rule)
    ]
    if op.query is not None:
        params.append({"in": "query", "schema": type(op.query)})
    if params:
        doc["parameters"] = params
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": type(op.body)}},
        }
    return doc


@cache
def openapi_document() -> dict:
    spec = APISpec(
        title="CoachHub API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "A practice's data for its own tools. Authenticate with a "
            "personal access token: `Authorization: Bearer chp_…`. See docs/api.md."
        },
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "bearerFormat": "chp_…"}
    )
    spec.components.schema("Problem", schema=s.Problem)
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(_path("/api/v1" + op.rule), {})[op.method.lower()] = _operation(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
