"""Contact import: upload a LinkedIn, Google Contacts or vCard file, check the preview
(problems per row, duplicates), then import it in one go."""

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from coachhub.client import bp
from coachhub.client.network_forms import ImportForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, attach_error
from coachhub.models import PendingImport
from coachhub.services import ServiceError, contact_import
from coachhub.tenancy import get_scoped_or_404

# The preview lists every row with a problem or a duplicate, and the first of the new ones.
PREVIEW_NEW = 50
PREVIEW_FLAGGED = 500
ALLOWED_ENDINGS = {"linkedin": (".csv",), "google": (".csv",), "vcard": (".vcf", ".vcard")}


@bp.route("/contacts/import", methods=["GET", "POST"])
def import_contacts():
    # The body may be larger than an ordinary form's (UPLOAD_LIMITS in the config).
    try:
        form = ImportForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = ImportForm(formdata=None)
        form.file.errors = [f"The file is over {contact_import.MAX_BYTES // (1024 * 1024)} MB."]
        valid = False
    if valid:
        upload = form.file.data
        filename = upload.filename or ""
        try:
            if not filename.lower().endswith(ALLOWED_ENDINGS[form.source.data]):
                raise contact_import.ImportFileError(
                    "That is not a {} file: pick the {} you exported.".format(
                        " or ".join(ALLOWED_ENDINGS[form.source.data]),
                        "vCard (.vcf)" if form.source.data == "vcard" else "CSV file",
                    ),
                    "file",
                )
            data = upload.read(contact_import.MAX_BYTES + 1)
            upload.close()
            rows = contact_import.parse(form.source.data, data)
            pending = contact_import.stage(
                g.practice, g.membership, form.source.data, filename, rows
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "file")
        else:
            db.session.commit()
            return redirect(url_for("client.import_preview", import_id=pending.id))
    return render_template("client/imports/upload.html", form=form), (400 if form.errors else 200)


@bp.get("/contacts/import/<int:import_id>")
def import_preview(import_id: int, error: str | None = None):
    pending = get_scoped_or_404(PendingImport, import_id)
    flagged = [r for r in pending.rows if r["problems"] or r["duplicate"]]
    new = [r for r in pending.rows if not (r["problems"] or r["duplicate"])]
    return render_template(
        "client/imports/preview.html",
        pending=pending,
        summary=contact_import.summarise(pending),
        flagged=flagged[:PREVIEW_FLAGGED],
        more_flagged=max(0, len(flagged) - PREVIEW_FLAGGED),
        new=new[:PREVIEW_NEW],
        more_new=max(0, len(new) - PREVIEW_NEW),
        action_form=ConfirmForm(),
        error=error,
    ), (400 if error else 200)


@bp.post("/contacts/import/<int:import_id>/confirm")
def confirm_import(import_id: int):
    pending = get_scoped_or_404(PendingImport, import_id)
    if not ConfirmForm().validate():
        return import_preview(import_id, error="The form expired; try again.")
    try:
        added = contact_import.confirm(
            g.practice, g.membership, pending, skip_problems=bool(request.form.get("skip_problems"))
        )
    except ServiceError as error:
        db.session.rollback()
        return import_preview(import_id, error=error.message)
    db.session.commit()
    flash(f"{added} contact(s) imported.", "success")
    return redirect(url_for("client.contact_list"))


@bp.post("/contacts/import/<int:import_id>/cancel")
def cancel_import(import_id: int):
    pending = get_scoped_or_404(PendingImport, import_id)
    if ConfirmForm().validate():
        db.session.delete(pending)
        db.session.commit()
        flash("Import cancelled; nothing was added.", "info")
    return redirect(url_for("client.import_contacts"))
