"""Every inbox event raised through the service where it happens, for the tests to enumerate.

`TRIGGERS[event]` takes the world, does the action as the right member and returns the
member who must hear of it. A new event type without a trigger here fails
`test_every_event_has_a_trigger`.
"""

from datetime import timedelta

from coachhub.extensions import db
from coachhub.models import CheckinStatus, GoalFocus, GoalStatus, MeetingFormat, utcnow
from coachhub.services import (
    careers,
    checkins,
    goals,
    invitations,
    meetings,
    messages,
    reviews,
    sessions,
)
from coachhub.services.accounts import create_user
from tests import factories


def _log_submitted(w):
    meetings.log_meeting(
        w.a,
        w.client_a1,
        meetings.MeetingData(
            met_on=w.a.today(), format=MeetingFormat.COFFEE, new_contact_name="Ana Lee"
        ),
    )
    return w.coach_a1


def _review_posted(w):
    log = factories.MeetingLogFactory(client=w.client_a1)
    reviews.review_meeting(w.a, w.coach_a1, log, intent_clarity=4, reciprocity=4, follow_up=3)
    return w.client_a1


def _thread_reply(w):
    log = factories.MeetingLogFactory(client=w.client_a1)
    reviews.comment_on_meeting(w.a, w.client_a1, log, "Thanks for the review!")
    return w.coach_a1


def _message_posted(w):
    messages.post_message(w.a, w.coach_a1, w.client_a1, "How did the coffee go?")
    return w.client_a1


GOAL = {"title": "Meet product people", "focus": GoalFocus.COMPANY, "target_meetings": 3}


def _goal_assigned(w):
    goals.assign_goal(w.a, w.coach_a1, w.client_a1, **GOAL)
    return w.client_a1


def _goal_proposed(w):
    goals.propose_goal(w.a, w.client_a1, **GOAL)
    return w.coach_a1


def _goal_accepted(w):
    goal = factories.GoalFactory(client=w.client_a1, status=GoalStatus.PROPOSED)
    goals.accept_goal(w.a, w.coach_a1, goal)
    return w.client_a1


def _goal_closed(w):
    goal = factories.GoalFactory(client=w.client_a1)
    goals.close_goal(w.a, w.coach_a1, goal, GoalStatus.ACHIEVED)
    return w.client_a1


def _checkin_submitted(w):
    checkin = factories.CheckinFactory(
        client=w.client_a1, status=CheckinStatus.DRAFT, submitted_at=None, pulse=None
    )
    data = checkins.CheckinData(rating_pulse=4, rating_realism=4, rating_security=4)
    checkins.save_checkin(w.a, w.client_a1, checkin, data, submit=True)
    return w.coach_a1


def _checkin_reviewed(w):
    checkin = factories.CheckinFactory(client=w.client_a1)
    checkins.review_checkin(w.a, w.coach_a1, checkin, "Good month.")
    return w.client_a1


def _at_risk_flagged(w):
    careers.set_flag(w.a, w.coach_a1, w.client_a1, "Went quiet after the offer fell through")
    return w.owner_a


def _session_changed(w):
    factories.availability(w.coach_a1)
    starts = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    sessions.book_session(w.a, w.coach_a1, w.client_a1, starts, 30)
    return w.client_a1


def _invitation_accepted(w):
    user = create_user("Ivy Invitee", "invitee-a1@example.test", "long-enough-password")
    invitations.accept(w.invitation_a1, user)
    return w.coach_a1


TRIGGERS = {
    "log_submitted": _log_submitted,
    "review_posted": _review_posted,
    "thread_reply": _thread_reply,
    "message_posted": _message_posted,
    "goal_assigned": _goal_assigned,
    "goal_proposed": _goal_proposed,
    "goal_accepted": _goal_accepted,
    "goal_closed": _goal_closed,
    "checkin_submitted": _checkin_submitted,
    "checkin_reviewed": _checkin_reviewed,
    "at_risk_flagged": _at_risk_flagged,
    "invitation_accepted": _invitation_accepted,
    "session_changed": _session_changed,
}


def trigger(world, event: str):
    """Raise `event` and commit; the member who must hear of it."""
    recipient = TRIGGERS[event](world)
    db.session.commit()
    return recipient
