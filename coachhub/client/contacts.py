"""The client's contacts: the list, adding and editing, who introduced whom, the stale list
(not touched within their keep-in-touch cadence) and "I was in touch today". A contact's
own page (its timeline and reciprocity ledger) is in contact_page.py."""

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from coachhub.client import bp, confirm_archive
from coachhub.client.network_forms import ContactForm, TouchForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, attach_error
from coachhub.inputs import bounded_id, safe_next
from coachhub.models import (
    Contact,
)
from coachhub.pagination import paginate
from coachhub.services import ServiceError, contacts, ledger
from coachhub.tenancy import get_scoped_or_404, scoped_select
from coachhub.urls import local_next


def stale_contacts_query(today: date, until: date | None = None) -> Select:
    """Active contacts whose keep-in-touch cadence ran out before today (or, with `until`, runs
    out before that day: the keep-in-touch roster), most overdue first."""
    return (
        scoped_select(Contact)
        .where(Contact.archived_at.is_(None), Contact.touch_due_on < (until or today))
        .order_by(Contact.touch_due_on, Contact.id)
    )


def usable_contact(keep: int | None = None):
    """Active contacts, plus the one a log already points at even if archived since."""
    return Contact.archived_at.is_(None) | (Contact.id == (keep or -1))


def contact_choices(
    exclude: int | None = None, blank: str = "—", keep: int | None = None
) -> list[SelectChoice]:
    """The client's contacts for a select field, "Name (Company)", with a blank first choice."""
    rows = db.session.execute(
        scoped_select(Contact)
        .with_only_columns(Contact.id, Contact.name, Contact.company)
        .where(usable_contact(keep))
        .order_by(Contact.name, Contact.id)
    ).all()
    choices = [SelectChoice("", blank)]
    for id_, name, company in rows:
        if id_ != exclude:
            choices.append(SelectChoice(id_, f"{name} ({company})" if company else name))
    return choices


@bp.get("/contacts")
def contact_list():
    status = "archived" if request.args.get("status") == "archived" else "active"
    archived = (
        Contact.archived_at.is_not(None) if status == "archived" else Contact.archived_at.is_(None)
    )
    page = paginate(
        scoped_select(Contact)
        .where(archived)
        .options(joinedload(Contact.introduced_by))
        .order_by(Contact.name, Contact.id)
    )
    return render_template(
        "client/contacts/contact_list.html",
        page=page,
        status=status,
        today=g.practice.today(),
        balances=ledger.balances(g.practice, [c.id for c in page.items]),
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
def new_contact():
    form = ContactForm()
    form.introduced_by_contact_id.choices = contact_choices(blank="Nobody (met directly)")
    if request.method == "GET" and bounded_id(request.args.get("introduced_by")):
        form.introduced_by_contact_id.data = bounded_id(request.args.get("introduced_by"))
    if form.validate_on_submit():
        try:
            contact = contacts.add_contact(g.practice, g.membership, **form.contact_fields())
        except ServiceError as error:
            attach_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"{contact.name} added to your contacts.", "success")
            return redirect(url_for("client.contact_detail", contact_id=contact.id))
    return render_template("client/contacts/contact_form.html", form=form, contact=None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id)
    form = ContactForm(obj=contact)
    form.introduced_by_contact_id.choices = contact_choices(
        exclude=contact.id, blank="Nobody (met directly)"
    )
    if form.validate_on_submit():
        try:
            contacts.update_contact(g.practice, g.membership, contact, **form.contact_fields())
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "name")
        else:
            db.session.commit()
            flash("Contact saved.", "success")
            return redirect(url_for("client.contact_detail", contact_id=contact.id))
    return render_template("client/contacts/contact_form.html", form=form, contact=contact)


@bp.route("/contacts/<int:contact_id>/archive", methods=["GET", "POST"])
def archive_contact(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id)

    return confirm_archive(
        lambda: contacts.archive_contact(g.practice, g.membership, contact),
        what=contact.name,
        explain="They leave your contact list and the stale list; meetings with them are kept.",
        back=url_for("client.contact_detail", contact_id=contact.id),
        done=url_for("client.contact_list"),
        message=f"{contact.name} archived. You can restore them from archived contacts.",
    )


@bp.post("/contacts/<int:contact_id>/restore")
def restore_contact(contact_id: int):
    contact = get_scoped_or_404(Contact, contact_id)
    if not ConfirmForm().validate():
        abort(400)
    contacts.restore_contact(g.practice, g.membership, contact)
    db.session.commit()
    flash(f"{contact.name} restored.", "success")
    return redirect(url_for("client.contact_detail", contact_id=contact.id))


@bp.route("/contacts/<int:contact_id>/touch", methods=["GET", "POST"])
def touch_contact(contact_id: int):
    """Log a touch (kind, date, note) and go back to the page it was opened from."""
    contact = get_scoped_or_404(Contact, contact_id)
    form = TouchForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    back = url_for("client.contact_detail", contact_id=contact.id)
    if form.validate_on_submit():
        try:
            contacts.log_touch(
                g.practice, g.membership, contact, form.kind.data, form.on.data, form.note.data
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "note")
        else:
            db.session.commit()
            flash(f"Noted: you were in touch with {contact.name}.", "success")
            return redirect(local_next() or back)
    return render_template(
        "client/contacts/touch_form.html",
        form=form,
        contact=contact,
        back=safe_next(form.next.data) or back,
    ), (400 if form.errors else 200)


@bp.get("/contacts/stale")
def stale_contacts():
    today = g.practice.today()
    page = paginate(stale_contacts_query(today))
    return render_template(
        "client/contacts/stale_contacts.html", page=page, today=today, action_form=ConfirmForm()
    )
