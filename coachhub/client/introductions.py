"""Introductions: the chains of who introduced whom, the pipeline of introductions asked for
(requested → made → met, or declined), and the network map."""

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.client.contacts import contact_choices
from coachhub.client.network_forms import DayForm, IntroductionMadeForm, IntroductionRequestForm
from coachhub.extensions import db
from coachhub.forms import attach_error
from coachhub.inputs import bounded_id
from coachhub.models import Contact, Introduction, IntroductionStatus
from coachhub.services import ServiceError, contacts
from coachhub.services import introductions as intro_service
from coachhub.tenancy import get_scoped_or_404, scoped_select

# The map draws at most this many contacts: everyone in a chain first, then the most recent.
MAP_LIMIT = 300


@bp.get("/introductions")
def introductions():
    """Open requests beside the chains: one query for the contacts, one for the requests."""
    rows = db.session.scalars(
        scoped_select(Contact).where(Contact.archived_at.is_(None)).order_by(Contact.name)
    ).all()
    trees, longest = contacts.introduction_chains(list(rows))
    open_intros, closed_intros = intro_service.for_client(g.practice, g.membership.id)
    return render_template(
        "client/introductions/introductions.html",
        trees=trees,
        longest=longest,
        open_intros=open_intros,
        closed_intros=closed_intros,
        today=g.practice.today(),
        day_form=DayForm(formdata=None),
    )


@bp.route("/introductions/new", methods=["GET", "POST"])
def request_introduction():
    """ "Ask X to introduce me to someone at Y"."""
    form = IntroductionRequestForm()
    form.introducer_contact_id.choices = contact_choices(blank="Pick a contact")
    if request.method == "GET" and bounded_id(request.args.get("introducer")):
        form.introducer_contact_id.data = bounded_id(request.args.get("introducer"))
    if form.validate_on_submit():
        # The introducer must be one of the client's own active contacts.
        introducer = db.session.scalar(
            scoped_select(Contact).where(
                Contact.id == form.introducer_contact_id.data, Contact.archived_at.is_(None)
            )
        )
        try:
            if introducer is None:
                raise ServiceError("Pick one of your own contacts.", "introducer_contact_id")
            intro_service.request_introduction(
                g.practice,
                g.membership,
                introducer,
                form.target.data,
                form.target_company.data,
                form.note.data,
                form.requested_on.data,
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "target")
        else:
            db.session.commit()
            flash(f"Introduction asked of {introducer.name}.", "success")
            return redirect(url_for("client.introductions"))
    return render_template("client/introductions/request.html", form=form), (
        400 if form.errors else 200
    )


def _load(introduction_id: int) -> Introduction:
    return get_scoped_or_404(
        Introduction,
        introduction_id,
        options=[joinedload(Introduction.introducer), joinedload(Introduction.introduced)],
    )


@bp.route("/introductions/<int:introduction_id>/made", methods=["GET", "POST"])
def introduction_made(introduction_id: int):
    """The introduction was made: who to, so they join the contacts, introduced by X."""
    intro = _load(introduction_id)
    form = IntroductionMadeForm()
    if request.method == "GET" and not form.company.data:
        form.company.data = intro.target_company
    if form.validate_on_submit():
        try:
            contact = intro_service.mark_made(
                g.practice,
                g.membership,
                intro,
                form.name.data,
                form.company.data,
                form.email.data,
                form.made_on.data,
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"{contact.name} added, introduced by {intro.introducer.name}.", "success")
            return redirect(url_for("client.contact_detail", contact_id=contact.id))
    return render_template("client/introductions/made.html", form=form, intro=intro), (
        400 if form.errors else 200
    )


def _step(introduction_id: int, action, done: str):
    intro = _load(introduction_id)
    form = DayForm()
    if not form.validate():
        flash("Give the date as a date.", "danger")
    else:
        try:
            action(g.practice, g.membership, intro, form.on.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(done.format(intro=intro), "success")
    return redirect(url_for("client.introductions"))


@bp.post("/introductions/<int:introduction_id>/met")
def introduction_met(introduction_id: int):
    return _step(introduction_id, intro_service.mark_met, "Noted: you met {intro.introduced.name}.")


@bp.post("/introductions/<int:introduction_id>/decline")
def decline_introduction(introduction_id: int):
    return _step(
        introduction_id, intro_service.decline, "Closed: {intro.introducer.name} declined."
    )


def network_graph() -> dict:
    """The map's nodes (contacts, with their recency) and edges (introductions); one query
    for the contacts, one for the introductions still open."""
    today = g.practice.today()
    rows = db.session.execute(
        scoped_select(Contact)
        .with_only_columns(
            Contact.id,
            Contact.name,
            Contact.company,
            Contact.introduced_by_contact_id,
            Contact.last_touched_on,
        )
        .where(Contact.archived_at.is_(None))
        .order_by(Contact.last_touched_on.desc().nulls_last(), Contact.id)
    ).all()
    ids = {row.id for row in rows}
    linked = {row.id for row in rows if row.introduced_by_contact_id in ids}
    linked |= {row.introduced_by_contact_id for row in rows if row.id in linked}
    pending = db.session.execute(
        select(Introduction.id, Introduction.introducer_contact_id, Introduction.target)
        .where(
            Introduction.practice_id == g.practice.id,
            Introduction.client_membership_id == g.membership.id,
            Introduction.status == IntroductionStatus.REQUESTED,
        )
        .order_by(Introduction.id)
        .limit(MAP_LIMIT)
    ).all()
    linked |= {row.introducer_contact_id for row in pending}
    chosen = [r for r in rows if r.id in linked] + [r for r in rows if r.id not in linked]
    chosen = chosen[:MAP_LIMIT]
    shown = {row.id for row in chosen}
    nodes = [
        {
            "id": f"c{row.id}",
            "label": row.name,
            "company": row.company,
            "recency": contacts.touch_recency(row.last_touched_on, today),
            "url": url_for("client.contact_detail", contact_id=row.id),
        }
        for row in chosen
    ]
    edges = [
        {"source": f"c{row.introduced_by_contact_id}", "target": f"c{row.id}", "kind": "made"}
        for row in chosen
        if row.introduced_by_contact_id in shown
    ]
    for row in pending:
        if row.introducer_contact_id in shown:
            nodes.append(
                {"id": f"r{row.id}", "label": row.target, "company": "", "recency": "asked"}
            )
            edges.append(
                {"source": f"c{row.introducer_contact_id}", "target": f"r{row.id}", "kind": "asked"}
            )
    return {"nodes": nodes, "edges": edges, "total": len(rows), "shown": len(chosen)}


@bp.get("/network")
def network_map():
    """The map (drawn by static/js/network_map.js from /network.json) and its text alternative."""
    rows = db.session.scalars(
        scoped_select(Contact).where(Contact.archived_at.is_(None)).order_by(Contact.name)
    ).all()
    trees, longest = contacts.introduction_chains(list(rows))
    today = g.practice.today()
    open_intros, _ = intro_service.for_client(g.practice, g.membership.id)
    return render_template(
        "client/introductions/network.html",
        trees=trees,
        longest=longest,
        asked=[i for i in open_intros if i.status == IntroductionStatus.REQUESTED],
        recency=lambda c: contacts.touch_recency(c.last_touched_on, today),
        labels=contacts.RECENCY_LABELS,
    )


@bp.get("/network.json")
def network_data():
    response = jsonify(network_graph())
    response.headers["Cache-Control"] = "no-store"
    return response
