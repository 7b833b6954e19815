"""The inbox pages both portals mount: the list, marking read, and the bell's count.

`add_inbox_routes(bp)` adds them to a practice blueprint (g.practice and g.membership
are set and the role checked); every page acts on the member's own items only, and
only on those about what they may still see (`services.inbox.visible_items`).
"""

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for

from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.models import InboxItem
from coachhub.notifications.events import EVENTS
from coachhub.pagination import paginate
from coachhub.services import inbox


def add_inbox_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/inbox", "inbox", inbox_page)
    bp.add_url_rule("/inbox/unread.json", "inbox_unread", unread_json)
    bp.add_url_rule("/inbox/<int:item_id>/read", "inbox_mark_read", mark_read, methods=["POST"])
    bp.add_url_rule("/inbox/read-all", "inbox_mark_all_read", mark_all_read, methods=["POST"])


def _here(name: str, **values) -> str:
    return url_for(f"{request.blueprint}.{name}", **values)


def inbox_page():
    show = "unread" if request.args.get("show") == "unread" else "all"
    page = paginate(inbox.inbox_query(g.practice, g.membership, unread_only=show == "unread"))
    links = {}
    for item in page.items:
        endpoint, values = inbox.item_link(item, g.membership)
        links[item.id] = url_for(endpoint, **values)
    return render_template(
        "notifications/inbox.html",
        layout=f"{request.blueprint}/_layout.html",
        page=page,
        links=links,
        show=show,
        events=EVENTS,
        form=ConfirmForm(),
        endpoint=f"{request.blueprint}.inbox",
        mark_read_endpoint=f"{request.blueprint}.inbox_mark_read",
        mark_all_action=_here("inbox_mark_all_read"),
    )


def unread_json():
    """What the bell's poll reads (static/js/inbox_poll.js)."""
    response = jsonify(unread=inbox.unread_count(g.practice, g.membership))
    response.headers["Cache-Control"] = "no-store"
    return response


def _load_item(item_id: int) -> InboxItem:
    item = db.session.scalar(
        inbox.visible_items(g.practice, g.membership).where(InboxItem.id == item_id)
    )
    if item is None:
        abort(404)
    return item


def mark_read(item_id: int):
    item = _load_item(item_id)
    if not ConfirmForm().validate():
        abort(400)
    inbox.mark_read(g.practice, g.membership, item)
    db.session.commit()
    return redirect(_here("inbox"))


def mark_all_read():
    if not ConfirmForm().validate():
        abort(400)
    changed = inbox.mark_all_read(g.practice, g.membership)
    db.session.commit()
    flash("Everything is marked read." if changed else "Nothing was unread.", "success")
    return redirect(_here("inbox"))
