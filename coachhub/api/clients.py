"""Clients: the ones the token's member may see (owner: all; coach: own; client: self)."""

from sqlalchemy.orm import joinedload

from coachhub.api import json_response, operation, page
from coachhub.api import schemas as s
from coachhub.models import Membership, Role
from coachhub.tenancy import get_scoped_or_404, scoped_select


def client_dict(member: Membership) -> dict:
    return {
        "id": member.id,
        "name": member.user.name,
        "email": member.user.email,
        "status": member.status.value,
        "coach_id": member.coach_membership_id,
        "created_at": member.created_at,
        "updated_at": member.updated_at,
    }


def dump(rows: list[Membership]) -> list[dict]:
    return s.Client(many=True).dump([client_dict(m) for m in rows])


@operation(
    "/clients",
    summary="List clients",
    tag="Clients",
    response=s.page_of(s.Client)(),
    query=s.ListQuery(),
    paginated=True,
)
def list_clients(args):
    query = scoped_select(Membership).where(Membership.role == Role.CLIENT)
    return json_response(page(query.options(joinedload(Membership.user)), Membership, args, dump))


@operation("/clients/<int:client_id>", summary="One client", tag="Clients", response=s.Client())
def get_client(client_id: int):
    member = get_scoped_or_404(
        Membership,
        client_id,
        Membership.role == Role.CLIENT,
        options=(joinedload(Membership.user),),
    )
    return json_response(dump([member])[0])
