"""Links: absolute URLs for emails and feeds, and the one check of a form's `next` page."""

from flask import current_app, has_request_context, request, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for emails, also outside a request (CLI, workers): APP_BASE_URL's host."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["APP_BASE_URL"]
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (no open redirect), else None."""
    target = target or ""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def local_next() -> str | None:
    """The form's `next` page, only if it is a path on this site."""
    return local_path(request.form.get("next"))
