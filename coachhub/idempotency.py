"""Double submits: the same write request from the same member, again within seconds, is
answered as already done instead of being done twice.

Each signed-in write (POST, PUT, PATCH, DELETE) gets a key: a hash of the member, the
URL and the form's values. The key row is added in the request's own transaction, so it
commits with the write it guards, and a request that was refused leaves no key behind.
Of twenty identical requests at once, PostgreSQL makes the others wait on the first one's
key and then refuses them (unique key); SQLite runs writes one at a time (BEGIN IMMEDIATE)
and they find it.
"""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from coachhub.extensions import db
from coachhub.inputs import safe_next
from coachhub.models import SubmissionKey, utcnow

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The CSRF token is the same for every form of a session: not part of what was submitted.
UNKEYED_FIELDS = frozenset({"csrf_token"})


def init_app(app: Flask) -> None:
    app.before_request(refuse_double_submit)


def submission_key(user_id: int) -> str:
    """The hash naming this request: member, method, URL and the form's values."""
    digest = hashlib.sha256()
    for part in (str(user_id), request.method, request.full_path):
        digest.update(part.encode() + b"\0")
    for name in sorted(set(request.form) - UNKEYED_FIELDS):
        for value in request.form.getlist(name):
            digest.update(name.encode() + b"=" + value.encode() + b"\0")
    # An uploaded file is part of what was sent: another file is another request.
    for name in sorted(request.files):
        for upload in request.files.getlist(name):
            digest.update(name.encode() + b"=" + (upload.filename or "").encode() + b"\0")
            digest.update(hashlib.sha256(upload.stream.read()).digest())
            upload.stream.seek(0)
    return digest.hexdigest()


def refuse_double_submit():
    """Claim this request's key; when it was claimed moments ago, say so and go back."""
    if request.blueprint == "api":
        return None  # token-authorised JSON: no session, no form to show again
    if request.method not in WRITE_METHODS or not current_user.is_authenticated:
        return None
    if request.endpoint in current_app.config["IDEMPOTENCY_EXEMPT_ENDPOINTS"]:
        return None
    now = utcnow()
    window = timedelta(seconds=current_app.config["IDEMPOTENCY_WINDOW_SECONDS"])
    key = submission_key(current_user.id)
    db.session.execute(
        delete(SubmissionKey).where(
            SubmissionKey.user_id == current_user.id, SubmissionKey.created_at < now - window
        )
    )
    if db.session.scalar(select(SubmissionKey.key).where(SubmissionKey.key == key)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(SubmissionKey(key=key, user_id=current_user.id, created_at=now))
            return None
        except IntegrityError:
            pass  # an identical request committed its key while we waited for it
    flash("That was already sent a moment ago; it is saved once.", "info")
    return redirect(_back(), 303)


def _back() -> str:
    """The page the form was on (the Referer, when it is this site), else the start page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if safe_next(path):
            return path
    return url_for("auth.practices")
