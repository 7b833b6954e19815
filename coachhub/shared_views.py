"""View steps the coach and client portals share, so each rule is written once.

Each runs inside a portal's guard (g.practice and g.membership are set) and
redirects within the portal that called it (`request.blueprint`).
"""

import io
import tempfile
from collections.abc import Callable

from flask import Response, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.forms import CommentForm, MessageForm, ReasonForm, attach_error
from coachhub.inputs import bounded_id
from coachhub.models import CoachingSession, MeetingLog, Membership, Review
from coachhub.services import ServiceError, inbox, messages, reviews, sessions
from coachhub.tenancy import get_scoped_or_404


def load_log(log_id: int) -> MeetingLog:
    """A meeting log this member may see, with what its pages show (one query), or 404."""
    return get_scoped_or_404(
        MeetingLog,
        log_id,
        options=[
            joinedload(MeetingLog.contact),
            joinedload(MeetingLog.goal),
            joinedload(MeetingLog.client).joinedload(Membership.user),
            joinedload(MeetingLog.review).joinedload(Review.reviewer).joinedload(Membership.user),
        ],
    )


def post_comment(log: MeetingLog, render_again: Callable[[CommentForm], object]):
    """A reply on a log's thread: saved and back to the thread, or the page again with why."""
    form = CommentForm()
    if form.validate():
        try:
            reviews.comment_on_meeting(g.practice, g.membership, log, form.body.data)
        except ServiceError as error:
            attach_error(form, error, "body")
        else:
            db.session.commit()
            flash("Reply posted.", "success")
            target = url_for(f"{request.blueprint}.meeting_detail", log_id=log.id)
            return redirect(target + "#thread")
    return render_again(form)


def conversation(client: Membership, url_values: dict, form: MessageForm | None = None, status=200):
    """A client's conversation, a page at a time (?before=<id> for older), with the messages
    new since the viewer's last visit marked; viewing it marks them read."""
    before = bounded_id(request.args.get("before"))
    page, older = messages.conversation_page(g.practice, client, before)
    seen = messages.last_read(g.membership, client)
    if form is None:
        form = MessageForm(formdata=None)
        ref_type, ref_id = request.args.get("about_type"), bounded_id(request.args.get("about_id"))
        if ref_type in messages.REF_TYPES and ref_id:
            form.ref_type.data, form.ref_id.data = ref_type, ref_id
    ref = None
    if form.ref_type.data and form.ref_id.data:
        try:
            ref = messages.find_ref(g.practice, client, form.ref_type.data, form.ref_id.data)
        except ServiceError:
            form.ref_type.data = form.ref_id.data = None
    portal = request.blueprint
    links = {m.id: _link(m.ref_type, m.ref_id) for m in page if m.ref_type and m.ref_id}
    html = render_template(
        f"{portal}/messages/conversation.html",
        client=client,
        messages=page,
        older=older,
        before=before,
        seen=seen,
        form=form,
        ref_label=messages.ref_label(ref) if ref is not None else "",
        links=links,
        action=url_for(f"{portal}.post_message", **url_values),
        here=url_for(f"{portal}.conversation", **url_values),
    )
    if page and before is None and status == 200:
        # Read once shown (after rendering: the commit would expire what the page shows).
        messages.mark_conversation_read(g.practice, g.membership, client, page[-1].id, known=seen)
        db.session.commit()
    return html, status


def _link(kind: str, oid: int) -> str:
    endpoint, values = inbox.object_link(kind, oid, g.membership)
    return url_for(endpoint, **values)


def post_message(client: Membership, url_values: dict):
    """A new message: saved and back to the conversation, or the page again with why."""
    form = MessageForm()
    if form.validate():
        try:
            messages.post_message(
                g.practice,
                g.membership,
                client,
                form.body.data,
                ref_type=form.ref_type.data or None,
                ref_id=form.ref_id.data,
            )
        except ServiceError as error:
            attach_error(form, error, "body")
        else:
            db.session.commit()
            flash("Message sent.", "success")
            return redirect(url_for(f"{request.blueprint}.conversation", **url_values) + "#latest")
    return conversation(client, url_values, form=form, status=400)


def cancel_session(session: CoachingSession, done: str, done_url: str):
    """The cancel page of a session (a reason asked for), then the cancellation sent to both."""
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            sessions.cancel_session(g.practice, g.membership, session, form.reason.data)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "reason")
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(done_url)
    template = f"{request.blueprint}/sessions/cancel.html"
    return render_template(template, form=form, session=session, tz=g.membership.tz)


# Downloads are sent from their temporary file in pieces of this size.
CHUNK = 64 * 1024


def send_export(write: Callable, name: str, mimetype: str, *, text: bool) -> Response:
    """Write an export to a temporary file with `write(file)` and send it as a download.

    The file is read back in pieces and deleted once sent (or once the client goes away);
    `text` gives `write` a UTF-8 text file, else a binary one.
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by _pieces when sent
    try:
        if text:
            wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="")
            write(wrapper)
            wrapper.flush()
            wrapper.detach()
        else:
            write(out)
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return Response(
        _pieces(out),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
        },
    )


def _pieces(out):
    try:
        while piece := out.read(CHUNK):
            yield piece
    finally:
        out.close()
