"""Member pages shared by the coach and client portals: email preferences, calendar feed.

`add_member_routes(bp)` adds them to a practice blueprint, which has already
resolved g.practice and g.membership and checked the role; every page acts
on the member's own membership only.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from coachhub.extensions import db
from coachhub.forms import ConfirmForm
from coachhub.notifications import calendar as calendar_service
from coachhub.notifications.events import MODE_LABELS, MODES
from coachhub.notifications.forms import preferences_form
from coachhub.notifications.kinds import TRANSACTIONAL
from coachhub.notifications.preferences import (
    event_preferences_for,
    preferences_for,
    set_mode,
    update_preferences,
)
from coachhub.services import ServiceError
from coachhub.urls import external_url

# The new feed URL waits here for the one page view that shows it (only its hash is stored).
_NEW_FEED_URL = "calendar_feed_url"


def add_member_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/notifications", "notifications", preferences_page, methods=["GET", "POST"])
    bp.add_url_rule("/calendar", "calendar", calendar_page)
    bp.add_url_rule("/calendar/new", "new_calendar_feed", new_calendar_feed, methods=["POST"])
    bp.add_url_rule(
        "/calendar/revoke", "revoke_calendar_feed", revoke_calendar_feed, methods=["POST"]
    )


def _layout() -> str:
    return f"{request.blueprint}/_layout.html"


def _here(name: str) -> str:
    return url_for(f"{request.blueprint}.{name}")


def preferences_page():
    preferences = preferences_for(g.membership)
    event_preferences = event_preferences_for(g.membership)
    event_errors = set()
    form = preferences_form(preferences, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        choices = {}
        for preference in preferences:
            key = preference.kind.key
            weekday_field = form._fields.get(f"{key}_weekday")
            choices[key] = (form[key].data, weekday_field.data if weekday_field else None)
        try:
            update_preferences(g.practice, g.membership, choices)
            for preference in event_preferences:
                # A select left out of the POST keeps its choice; an unknown value is refused.
                mode = request.form.get(preference.kind.key)
                if mode is not None and mode != preference.mode:
                    set_mode(g.membership, preference.kind, mode)
        except ServiceError as error:
            db.session.rollback()  # nothing half saved
            if error.field in form:
                form[error.field].errors.append(error.message)
            elif error.field:
                event_errors.add(error.field)
                flash(error.message, "danger")
            else:
                flash(error.message, "danger")
        else:
            db.session.commit()
            flash("Email preferences saved.", "success")
            return redirect(_here("notifications"))
    return render_template(
        "notifications/preferences.html",
        layout=_layout(),
        form=form,
        preferences=preferences,
        event_preferences=event_preferences,
        event_errors=event_errors,
        modes=MODES,
        mode_labels=MODE_LABELS,
        transactional=TRANSACTIONAL,
        calendar_url=_here("calendar"),
    )


def calendar_page():
    return render_template(
        "notifications/calendar.html",
        layout=_layout(),
        token=calendar_service.feed_token(g.membership),
        new_url=session.pop(_NEW_FEED_URL, None),
        form=ConfirmForm(),
        new_action=_here("new_calendar_feed"),
        revoke_action=_here("revoke_calendar_feed"),
    )


def new_calendar_feed():
    if not ConfirmForm().validate():
        abort(400)
    token = calendar_service.issue_feed_token(g.practice, g.membership)
    db.session.commit()
    session[_NEW_FEED_URL] = external_url("notifications.calendar_feed", token=token)
    flash("Your calendar address is ready. Any earlier address has stopped working.", "success")
    return redirect(_here("calendar"))


def revoke_calendar_feed():
    if not ConfirmForm().validate():
        abort(400)
    if calendar_service.revoke_feed_token(g.practice, g.membership):
        db.session.commit()
        flash("Calendar address turned off. Calendars using it stop updating.", "success")
    return redirect(_here("calendar"))
