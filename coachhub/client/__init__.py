"""Client portal: the blueprint, its guard, and what several of its pages share.

One module per feature; each attaches its pages to `bp`:

    dashboard     goal progress, follow-ups due, stale contacts, feedback, career status
    goals         my goals with progress, proposing one, a goal's meetings
    contacts      contacts, who introduced whom, stale contacts, "I was in touch"
    contact_page  a contact's timeline and reciprocity ledger
    introductions asking for, making and following up introductions
    imports       contacts from LinkedIn, Google or vCard files
    meetings      meeting logs: plan, log, edit, archive, the coach's review and thread
    follow_ups    open and done follow-ups, marking one done
    checkins      my career check-ins and recording a landing
    sessions      coaching sessions: book, move, cancel, the agenda, notes, action items
    export        everything I own, as JSON or CSV files in a zip
    messages      my conversation with my coach (and the owner)
    forms.py      the forms of these pages (network_forms.py: contacts to imports)

Email preferences and the calendar page come from `coachhub.notifications.member_pages`.
"""

from collections.abc import Callable

from flask import Flask, abort, flash, redirect, render_template, request

from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.models import Role
from coachhub.notifications.inbox_pages import add_inbox_routes
from coachhub.notifications.member_pages import add_member_routes
from coachhub.tenancy import practice_blueprint

bp = practice_blueprint("client", __name__, "client", [Role.CLIENT])
# /notifications (email preferences) and /calendar (private feed), shared with the coach portal.
add_member_routes(bp)
# /inbox (the bell's list), its unread count and marking read, shared likewise.
add_inbox_routes(bp)


def init_app(app: Flask) -> None:
    """Attach every feature's pages to the blueprint, then register it."""
    from coachhub.client import (  # noqa: F401 -- each module adds its routes to bp
        checkins,
        contact_page,
        contacts,
        dashboard,
        export,
        follow_ups,
        goals,
        imports,
        introductions,
        meetings,
        messages,
        sessions,
    )

    app.register_blueprint(bp)


def confirm_archive(
    archive: Callable[[], None], *, what: str, explain: str, back: str, done: str, message: str
):
    """GET asks "Archive <what>?"; POST runs `archive`, commits, says `message`, goes to `done`."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        archive()
        db.session.commit()
        flash(message, "success")
        return redirect(done)
    return render_template(
        "client/confirm_archive.html", form=form, what=what, explain=explain, back=back
    )
