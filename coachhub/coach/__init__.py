"""Coach portal (owners and coaches): the blueprint, its guard, and what every page shares.

One module per feature; each attaches its pages to `bp`:

    dashboard     networking health of every client, and who needs attention
    analytics     the practice (owner) or own clients (coach) week by week: stages, placements,
                  meetings, review turnaround, approach, pulse, at risk; each chart as CSV
    clients       the client list, a client's page, logs and contacts, reassign, archive, export
    goals         assign, edit, close, reopen and accept networking goals
    reviews       the review queue; a meeting log with its review and reply thread
    careers       a client's career (landing, cadence, at-risk flag), check-in review, the
                  owner's check-ins overview
    availability  the coach's own weekly hours, session lengths, buffer, notice, days off
    sessions      the week view, scheduling, reschedule, cancel; the owner's counts of
                  cancellations and no-shows
    session_page  a session's page: agenda, notes, action items, outcome, recap
    invitations   invite coaches and clients, resend, revoke
    messages      a client's conversation with their coach and the owner
    team          the owner's coaches: list, archive, restore
    settings      the owner's practice settings
    webhooks      the owner's outgoing webhooks and their delivery log
    forms.py      the forms of these pages

Email preferences and the calendar page come from `coachhub.notifications.member_pages`.
"""

from collections.abc import Callable

from flask import Flask, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.models import COACHING_ROLES, Membership, Role
from coachhub.notifications.inbox_pages import add_inbox_routes
from coachhub.notifications.member_pages import add_member_routes
from coachhub.services import ServiceError
from coachhub.tenancy import get_scoped_or_404, practice_blueprint

bp = practice_blueprint("coach", __name__, "coach", COACHING_ROLES)
# /notifications (email preferences) and /calendar (private feed), shared with the client portal.
add_member_routes(bp)
# /inbox (the bell's list), its unread count and marking read, shared likewise.
add_inbox_routes(bp)


def init_app(app: Flask) -> None:
    """Attach every feature's pages to the blueprint, then register it."""
    from coachhub.coach import (  # noqa: F401 -- each module adds its routes to bp
        analytics,
        audit,
        availability,
        careers,
        clients,
        dashboard,
        goals,
        invitations,
        messages,
        reviews,
        session_page,
        sessions,
        settings,
        team,
        webhooks,
    )

    app.register_blueprint(bp)


def load_client(client_id: int) -> Membership:
    """A client this member may see (owner: any, coach: their own), with user and coach, or 404."""
    return get_scoped_or_404(
        Membership,
        client_id,
        Membership.role == Role.CLIENT,
        options=[
            joinedload(Membership.user),
            joinedload(Membership.coach).joinedload(Membership.user),
        ],
    )


def change_member_status(member: Membership, action: Callable, verb: str, back: str):
    """GET asks for confirmation; POST archives or restores `member` and goes back to `back`."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            action(g.practice, g.membership, member)
        except ServiceError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"{member.user.name}: {verb}d.", "success")
        return redirect(url_for(back))
    return render_template(
        "coach/confirm_status.html", member=member, verb=verb, form=form, back=back
    )
