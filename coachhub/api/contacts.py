"""Contacts and touches: read by whoever may see the client; written by the client."""

from flask import g

from coachhub.api import json_response, operation, page, require_role, service_call
from coachhub.api import schemas as s
from coachhub.extensions import db
from coachhub.models import Contact
from coachhub.services import contacts
from coachhub.tenancy import get_scoped_or_404, scoped_select


def contact_dict(contact: Contact) -> dict:
    return {
        "id": contact.id,
        "client_id": contact.client_membership_id,
        "name": contact.name,
        "company": contact.company,
        "title": contact.title,
        "industry": contact.industry,
        "email": contact.email,
        "profile_url": contact.profile_url,
        "how_met": contact.how_met,
        "introduced_by_id": contact.introduced_by_contact_id,
        "cadence_days": contact.cadence_days,
        "notes": contact.notes,
        "last_touched_on": contact.last_touched_on,
        "touch_due_on": contact.touch_due_on,
        "archived": contact.is_archived,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def dump(rows) -> list[dict]:
    return s.Contact(many=True).dump([contact_dict(x) for x in rows])


@operation(
    "/contacts",
    summary="List contacts",
    tag="Contacts",
    response=s.page_of(s.Contact)(),
    query=s.ClientListQuery(),
    paginated=True,
)
def list_contacts(args):
    query = scoped_select(Contact)
    if args.get("client_id"):
        query = query.where(Contact.client_membership_id == args["client_id"])
    return json_response(page(query, Contact, args, dump))


@operation(
    "/contacts/<int:contact_id>", summary="One contact", tag="Contacts", response=s.Contact()
)
def get_contact(contact_id: int):
    return json_response(dump([get_scoped_or_404(Contact, contact_id)])[0])


@operation(
    "/contacts",
    "POST",
    summary="Add a contact (the client)",
    tag="Contacts",
    response=s.Contact(),
    status=201,
    body=s.ContactIn(),
    roles="client",
)
def create_contact(data):
    require_role(client=True)
    introducer = data.pop("introduced_by_id")
    # The service accepts only one of the client's own contacts (else 422).
    contact = service_call(
        contacts.add_contact, g.practice, g.membership, introduced_by_contact_id=introducer, **data
    )
    db.session.commit()
    return json_response(dump([contact])[0], 201)


@operation(
    "/contacts/<int:contact_id>/touches",
    "POST",
    summary="Record a touch with a contact (the client)",
    tag="Contacts",
    response=s.Touch(),
    status=201,
    body=s.TouchIn(),
    roles="client",
)
def create_touch(contact_id: int, data):
    require_role(client=True)
    contact = get_scoped_or_404(Contact, contact_id)
    touch = service_call(
        contacts.log_touch,
        g.practice,
        g.membership,
        contact,
        data["kind"],
        data["on"],
        note=data["note"],
    )
    db.session.commit()
    body = {
        "id": touch.id,
        "contact_id": contact.id,
        "kind": touch.kind.value,
        "touched_on": touch.touched_on,
        "note": touch.note,
    }
    return json_response(s.Touch().dump(body), 201)
