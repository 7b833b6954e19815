"""A client's conversation as their coach (or the owner) sees it, beside their other pages."""

from coachhub.coach import bp, load_client
from coachhub.shared_views import conversation as show_conversation
from coachhub.shared_views import post_message as save_message


@bp.get("/clients/<int:client_id>/messages")
def conversation(client_id: int):
    client = load_client(client_id)
    return show_conversation(client, {"client_id": client.id})


@bp.post("/clients/<int:client_id>/messages")
def post_message(client_id: int):
    client = load_client(client_id)
    return save_message(client, {"client_id": client.id})
