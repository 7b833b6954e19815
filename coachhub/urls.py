"""Links: absolute URLs for emails and feeds, and the one check of a form's `next` page."""

from contextlib import AbstractContextManager, nullcontext

from flask import current_app, has_request_context, request, url_for

from coachhub.inputs import safe_next


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for emails, also outside a request (CLI, workers): APP_BASE_URL's host."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["APP_BASE_URL"]
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def links_for_emails() -> AbstractContextManager:
    """Inside it, `external_url` builds every link of a batch of emails in one request
    context (APP_BASE_URL's) instead of one each; a no-op inside a request."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["APP_BASE_URL"])


def local_next() -> str | None:
    """The form's `next` page, only if it is a path on this site (no open redirect)."""
    return safe_next(request.form.get("next"))
