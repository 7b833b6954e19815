"""The client's conversation with their coach (and the practice's owner)."""

from flask import g

from coachhub.client import bp
from coachhub.shared_views import conversation as show_conversation
from coachhub.shared_views import post_message as save_message


@bp.get("/messages")
def conversation():
    return show_conversation(g.membership, {})


@bp.post("/messages")
def post_message():
    return save_message(g.membership, {})
