"""The isolation suite's table of POST bodies: one entry per POST route in the app.

`tests/test_isolation.py` posts each practice route's VALID body (from here) as the
rightful user, who must succeed, and as everyone who must be refused, so a refusal is
never an accident of an empty form. Where the body itself carries object ids (a contact,
a goal, a coach, ...), it then swaps each for ids of another practice, another client or
another coach's client and expects the one specified answer, with no row changed.

A route without an entry here fails `test_every_post_route_has_a_body`. To add one:

    "client.new_thing": Post(
        # A valid body; `w` is the World (tests/factories.py), `v` the URL's ids
        # (from PARAMS in test_isolation.py, e.g. v["contact_id"]).
        body=lambda w, v: {"name": "A thing", "contact_id": v["contact_id"]},
        ok=302,  # what the rightful user gets back (302 after a write, 200 for a page)
        # Every body field holding an id: how to pick a foreign one, and the answer.
        ids={
            "contact_id": [
                Foreign(OTHER_PRACTICE, contact_of("client_b"), FIELD_ERROR),
                Foreign(OTHER_CLIENT, contact_of("client_a2"), FIELD_ERROR),
            ],
        },
    ),

`FIELD_ERROR` means the form comes back (status `field_status`, default 200) with the
error next to that field; `FORM_REFUSED` the same where the field is hidden from that
user; `404` means the request is answered 404. `Foreign(..., who="owner_a")` posts as
someone else than the route's rightful user. Routes outside a
practice (sign-up, log-in, ...) carry no practice ids and are listed with `outside=`:
the reason they are not probed here and where they are tested.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from coachhub.extensions import db
from coachhub.models import MeetingLog
from tests import factories

FIELD_ERROR = "field error"
# The form comes back refused ("nothing was saved yet") where the field is not shown to
# this user (a coach's invitation form carries their own id in a hidden field).
FORM_REFUSED = "form refused"
OTHER_PRACTICE = "another practice's"
OTHER_CLIENT = "another client's"
OTHER_COACH = "another coach's"

Ids = Callable[..., int]


@dataclass(frozen=True)
class Foreign:
    """A foreign id for one body field: whose it is, how to make it, the one answer, and
    who posts it (default: the route's rightful user)."""

    whose: str
    make: Ids
    expected: object
    who: str | None = None


@dataclass(frozen=True)
class Post:
    body: Callable[..., dict] = lambda w, v: {}
    ok: int = 302
    ids: dict[str, list[Foreign]] = field(default_factory=dict)
    field_status: int = 200
    # Not a practice route: why it is not probed here, and where it is tested.
    outside: str = ""


def contact_of(who: str) -> Ids:
    return lambda w: factories.ContactFactory(client=getattr(w, who)).id


def goal_of(who: str) -> Ids:
    return lambda w: factories.GoalFactory(client=getattr(w, who)).id


def member(who: str) -> Ids:
    return lambda w: getattr(w, who).id


def _log_contact(v) -> int:
    return db.session.get(MeetingLog, v["log_id"]).contact_id


MEETING = {
    "met_on": "2026-01-05",
    "format": "coffee",
    "ask": "How do product teams hire?",
    "offer": "An intro to a designer",
    "keep_in_touch": "not-asked",
}
MEETING_IDS = {
    "contact_id": [
        Foreign(OTHER_PRACTICE, contact_of("client_b"), FIELD_ERROR),
        Foreign(OTHER_CLIENT, contact_of("client_a2"), FIELD_ERROR),
    ],
    "goal_id": [
        Foreign(OTHER_PRACTICE, goal_of("client_b"), FIELD_ERROR),
        Foreign(OTHER_CLIENT, goal_of("client_a2"), FIELD_ERROR),
    ],
}
CONTACT = {"name": "Robin Park", "company": "Acme", "cadence_days": ""}
CONTACT_IDS = {
    "introduced_by_contact_id": [
        Foreign(OTHER_PRACTICE, contact_of("client_b"), FIELD_ERROR),
        Foreign(OTHER_CLIENT, contact_of("client_a2"), FIELD_ERROR),
    ]
}
GOAL = {"title": "Meet fintech PMs", "focus": "company", "target": "PMs", "target_meetings": "3"}
LANDING = {"employer": "Kiwibank", "role_title": "Analyst", "started_on": "2026-01-05"}
CHECKIN = {
    "contacts_kept": "1",
    "new_contacts": "0",
    "events_attended": "1",
    "rating_pulse": "4",
    "rating_realism": "3",
    "rating_security": "4",
    "submit": "1",
}


def _webhook(w, v):
    return {"url": "http://127.0.0.1:9/hook", "events": ["log_submitted"]}


# --- sessions: weekly hours for the coach, and open times that fit them ---
def _hours(coach_name: str):
    """Give the coach round-the-clock weekly hours unless they have some."""
    from coachhub.models import CoachAvailability

    def ensure(w):
        coach = getattr(w, coach_name)
        if not db.session.query(CoachAvailability).filter_by(coach_membership_id=coach.id).count():
            factories.availability(coach, days=range(7), hours=(0, 23))

    return ensure


def _day(offset: int):
    from datetime import timedelta

    from coachhub.models import utcnow

    return (utcnow().date() + timedelta(days=offset)).isoformat()


def _book(w, v):
    _hours("coach_a1")(w)
    return {"slot": f"{_day(5)}T10:00:00+00:00", "minutes": "30"}


def _client_move(w, v):
    _hours("coach_a1")(w)
    return {"slot": f"{_day(6)}T10:00:00+00:00", "minutes": "30", "reason": "An interview"}


def _coach_move(w, v):
    return {"day": _day(6), "start": "11:00", "minutes": "60", "reason": "Travelling"}


def _schedule(w, v):
    return {"client": w.client_a1.id, "day": _day(7), "start": "12:00", "minutes": "60"}


def _availability(w, v):
    return {
        "timezone": "UTC",
        "lengths": ["30", "60"],
        **{f"day{d}_start": "09:00" for d in range(5)},
        **{f"day{d}_end": "17:00" for d in range(5)},
        "buffer_minutes": "0",
        "min_notice_hours": "0",
        "horizon_days": "28",
    }


def _introducer(who: str) -> Ids:
    return lambda w: factories.ContactFactory(client=getattr(w, who)).id


def _outside(where: str) -> Post:
    return Post(outside=where)


POSTS: dict[str, Post] = {
    # --- outside any practice: no practice ids to probe ---
    "auth.accept_invitation": _outside("token in the URL; tests/coach/test_invitations.py"),
    "auth.api_tokens_page": _outside("the signed-in user's own tokens; tests/api/test_api.py"),
    "auth.revoke_api_token": _outside("the signed-in user's own tokens; tests/api/test_api.py"),
    # The API is scoped by its token, not by a signed-in member: every operation is probed
    # with other practices', coaches' and clients' rows in test_api_operation_is_isolated.
    **{
        f"api.{name}": _outside("token-scoped API; test_isolation.test_api_operation_is_isolated")
        for name in (
            "complete_follow_up",
            "create_contact",
            "create_goal",
            "create_meeting",
            "create_touch",
            "review_meeting",
        )
    },
    "auth.change_email": _outside("the signed-in user's own account; tests/security"),
    "auth.change_password": _outside("the signed-in user's own account; tests/auth"),
    "auth.disable_two_factor": _outside("the signed-in user's own account; tests/security"),
    "auth.forgot_password": _outside("public; tests/auth/test_password_reset.py"),
    "auth.login": _outside("public; tests/auth/test_signup_login.py"),
    "auth.logout": _outside("the signed-in user's own session; tests/auth"),
    "auth.renew_recovery_codes": _outside("the signed-in user's own account; tests/security"),
    "auth.reset_password": _outside("signed token in the URL; tests/auth"),
    "auth.security": _outside("the signed-in user's own account; tests/security"),
    "auth.signup": _outside("public; tests/auth/test_signup_login.py"),
    "auth.two_factor_code": _outside("the half-signed-in user only; tests/security"),
    "notifications.one_click_unsubscribe": _outside("signed token; tests/notifications"),
    "notifications.unsubscribe": _outside("signed token; tests/notifications"),
    "stripe_webhook.receive": _outside("Stripe's signature; tests/billing/test_webhooks.py"),
    # --- billing (owner) ---
    # Without Stripe keys configured the billing writes go back to the billing page.
    "billing.change_seats": Post(lambda w, v: {"quantity": "3"}, ok=200),
    "billing.portal": Post(),
    "billing.subscribe": Post(lambda w, v: {"plan": "monthly"}),
    # --- client portal ---
    "client.add_ledger_entry": Post(
        lambda w, v: {
            "direction": "gave",
            "kind": "information",
            "description": "Shared my CV tips",
        }
    ),
    "client.archive_contact": Post(),
    "client.archive_meeting": Post(),
    "client.checkin": Post(lambda w, v: CHECKIN),
    "client.comment_meeting": Post(lambda w, v: {"body": "Thanks for the notes"}),
    "client.complete_follow_up": Post(lambda w, v: {"kind": "email"}),
    "client.edit_contact": Post(lambda w, v: CONTACT, ids=CONTACT_IDS),
    "client.edit_meeting": Post(
        lambda w, v: {**MEETING, "contact_id": _log_contact(v)}, ids=MEETING_IDS
    ),
    "client.new_calendar_feed": Post(),
    "client.new_contact": Post(lambda w, v: CONTACT, ids=CONTACT_IDS),
    "client.new_meeting": Post(
        lambda w, v: {**MEETING, "contact_id": contact_of("client_a1")(w)}, ids=MEETING_IDS
    ),
    "client.notifications": Post(lambda w, v: {"client_daily_reminder": "y"}),
    "client.propose_goal": Post(lambda w, v: GOAL),
    "client.record_landing": Post(lambda w, v: LANDING),
    "client.restore_contact": Post(),
    "client.restore_meeting": Post(),
    "client.revoke_calendar_feed": Post(),
    "client.start_checkin": Post(),
    "client.touch_contact": Post(lambda w, v: {"kind": "email", "note": "Sent the article"}),
    # --- coach portal ---
    "coach.accept_goal": Post(),
    "coach.archive_client": Post(),
    "coach.archive_coach": Post(),
    "coach.close_goal": Post(lambda w, v: {"status": "achieved"}),
    "coach.comment_meeting": Post(lambda w, v: {"body": "Good ask"}),
    "coach.edit_goal": Post(lambda w, v: GOAL),
    "coach.flag_client": Post(lambda w, v: {"reason": "Team restructured"}),
    "coach.invitations_page": Post(
        lambda w, v: {"email": "new-client@example.test", "role": "client", "coach": w.coach_a1.id},
        ids={
            "coach": [
                Foreign(OTHER_PRACTICE, member("coach_b"), FIELD_ERROR, who="owner_a"),
                Foreign(OTHER_PRACTICE, member("owner_b"), FIELD_ERROR, who="owner_a"),
                Foreign(OTHER_PRACTICE, member("coach_b"), FORM_REFUSED),
                Foreign(OTHER_COACH, member("coach_a2"), FORM_REFUSED),
            ]
        },
    ),
    "coach.new_calendar_feed": Post(),
    "coach.new_goal": Post(lambda w, v: GOAL),
    "coach.notifications": Post(lambda w, v: {"coach_weekly_digest": "y"}),
    "coach.reassign_client": Post(
        lambda w, v: {"coach": w.coach_a2.id},
        ids={
            "coach": [
                Foreign(OTHER_PRACTICE, member("coach_b"), FIELD_ERROR),
                Foreign(OTHER_PRACTICE, member("owner_b"), FIELD_ERROR),
                Foreign(OTHER_CLIENT, member("client_a2"), FIELD_ERROR),
            ]
        },
    ),
    "coach.record_landing": Post(lambda w, v: LANDING),
    "coach.reopen_goal": Post(),
    "coach.resend_invitation": Post(),
    "coach.restore_client": Post(),
    "coach.restore_coach": Post(),
    "coach.return_to_searching": Post(lambda w, v: {"note": "Contract ended"}),
    "coach.review_checkin": Post(lambda w, v: {"comment": "Well done"}),
    "coach.review_meeting": Post(
        lambda w, v: {"intent_clarity": "4", "reciprocity": "3", "follow_up": "3", "comment": "ok"}
    ),
    "coach.revoke_calendar_feed": Post(),
    "coach.revoke_invitation": Post(),
    "coach.set_cadence": Post(lambda w, v: {"cadence": "monthly"}),
    "coach.settings": Post(lambda w, v: {"name": "Alpha Coaching Ltd", "timezone": "UTC"}),
    "coach.branding_settings": Post(lambda w, v: {"accent_colour": "#1f4fa8"}),
    "coach.unflag_client": Post(),
    # --- coaching sessions ---
    "client.set_timezone": Post(lambda w, v: {"timezone": "Europe/London"}),
    "client.book_session": Post(_book),
    "client.add_agenda": Post(lambda w, v: {"body": "My CV"}),
    "client.reschedule_session": Post(_client_move),
    "client.cancel_session": Post(lambda w, v: {"reason": "I got the job"}),
    "client.complete_action_item": Post(lambda w, v: {"done_on": _day(0)}),
    "coach.availability": Post(_availability),
    "coach.block_date": Post(lambda w, v: {"blocked_on": _day(12)}),
    "coach.unblock_date": Post(),
    "coach.schedule_session": Post(
        _schedule,
        ids={
            "client": [
                Foreign(OTHER_PRACTICE, member("client_b"), FIELD_ERROR),
                Foreign(OTHER_COACH, member("client_a2"), FIELD_ERROR),
            ],
        },
    ),
    "coach.save_session_notes": Post(lambda w, v: {"shared_notes": "Pitch", "private_notes": "x"}),
    "coach.add_session_agenda": Post(lambda w, v: {"body": "Your pitch"}),
    "coach.add_session_action": Post(
        lambda w, v: {"title": "Email Sam", "due_on": _day(3), "goal": ""}
    ),
    "coach.session_outcome": Post(lambda w, v: {"status": "no-show"}),
    "coach.send_session_recap": Post(),
    "coach.reschedule_session": Post(_coach_move),
    "coach.cancel_session": Post(lambda w, v: {"reason": "I am ill"}),
    # --- inbox and messages ---
    "client.inbox_mark_read": Post(),
    "client.inbox_mark_all_read": Post(),
    "coach.inbox_mark_read": Post(),
    "coach.inbox_mark_all_read": Post(),
    "client.post_message": Post(lambda w, v: {"body": "How did it go?"}),
    "coach.post_message": Post(lambda w, v: {"body": "How did it go?"}),
    # --- the client's network: promises, introductions, contact import ---
    "client.keep_promise": Post(lambda w, v: {"on": _day(0)}),
    "client.request_introduction": Post(
        lambda w, v: {
            "introducer_contact_id": factories.ContactFactory(client=w.client_a1).id,
            "target": "someone in the data team",
        },
        ids={
            "introducer_contact_id": [
                Foreign(OTHER_PRACTICE, _introducer("client_b"), FIELD_ERROR),
                Foreign(OTHER_CLIENT, _introducer("client_a2"), FIELD_ERROR),
            ],
        },
        field_status=400,
    ),
    "client.introduction_made": Post(lambda w, v: {"name": "Hana Sato", "made_on": _day(0)}),
    "client.introduction_met": Post(lambda w, v: {"on": _day(0)}),
    "client.decline_introduction": Post(lambda w, v: {"on": _day(0)}),
    # Without a file the form comes back with its reason; uploads are probed in
    # tests/network/test_contact_import.py.
    "client.import_contacts": Post(lambda w, v: {"source": "vcard"}, ok=400),
    "client.confirm_import": Post(),
    "client.cancel_import": Post(),
    # The owner's webhooks (127.0.0.1 is allowed outside production).
    "coach.webhooks_page": Post(_webhook),
    "coach.webhook": Post(_webhook),
    "coach.rotate_webhook_secret": Post(),
    "coach.switch_webhook": Post(),
    "coach.resend_webhook_delivery": Post(),
}
