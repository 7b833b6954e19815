"""RFC 9457 problem details: every error under /api/ is a JSON body of this shape."""

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"
# The `type` of each problem: a stable URI per kind, documented in docs/api.md.
TYPES = {
    400: "bad-request",
    401: "unauthenticated",
    402: "read-only-practice",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    422: "validation",
    429: "rate-limited",
    500: "server-error",
}
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    402: "The practice is read-only",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(
    status: int, detail: str = "", *, errors: dict | None = None, headers: dict | None = None
) -> Response:
    """A problem+json response for `status`."""
    body: dict = {
        "type": f"/api/v1/problems/{TYPES.get(status, 'error')}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or TITLES.get(status, "Error"),
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="CoachHub API"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(error: HTTPException) -> Response:
    """The problem for an HTTP error raised anywhere under /api/ (404s of unknown paths too)."""
    code = error.code or 500
    detail = error.description if code not in (404, 500) else ""
    response = problem(code, detail if isinstance(detail, str) else "")
    if code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
