"""Check-ins of placed clients, each with its pulse score and the breakdown behind it."""

from coachhub.api import json_response, operation, page
from coachhub.api import schemas as s
from coachhub.models import Checkin
from coachhub.services.checkins import pulse_of
from coachhub.tenancy import get_scoped_or_404, scoped_select


def checkin_dict(checkin: Checkin) -> dict:
    pulse = pulse_of(checkin)
    return {
        "id": checkin.id,
        "client_id": checkin.client_membership_id,
        "due_on": checkin.due_on,
        "period_start": checkin.period_start,
        "period_end": checkin.period_end,
        "status": checkin.status.value,
        "contacts_kept": checkin.contacts_kept,
        "new_contacts": checkin.new_contacts,
        "events_attended": checkin.events_attended,
        "concerns": checkin.concerns,
        "rating_pulse": checkin.rating_pulse,
        "rating_realism": checkin.rating_realism,
        "rating_security": checkin.rating_security,
        "submitted_at": checkin.submitted_at,
        "coach_comment": checkin.coach_comment,
        "pulse": None
        if pulse is None
        else {
            "score": pulse.score,
            "parts": [
                {
                    "label": p.label,
                    "detail": p.detail,
                    "points": p.points,
                    "max_points": p.max_points,
                }
                for p in pulse.parts
            ],
        },
        "updated_at": checkin.updated_at,
    }


def dump(rows) -> list[dict]:
    return s.Checkin(many=True).dump([checkin_dict(x) for x in rows])


@operation(
    "/checkins",
    summary="List check-ins with their pulse breakdown",
    tag="Check-ins",
    response=s.page_of(s.Checkin)(),
    query=s.ClientListQuery(),
    paginated=True,
)
def list_checkins(args):
    query = scoped_select(Checkin)
    if args.get("client_id"):
        query = query.where(Checkin.client_membership_id == args["client_id"])
    return json_response(page(query, Checkin, args, dump))


@operation(
    "/checkins/<int:checkin_id>",
    summary="One check-in with its pulse breakdown",
    tag="Check-ins",
    response=s.Checkin(),
)
def get_checkin(checkin_id: int):
    return json_response(dump([get_scoped_or_404(Checkin, checkin_id)])[0])
