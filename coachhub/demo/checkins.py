"""Demo check-ins: placed clients with a history of monthly check-ins, one of them slipping."""

from datetime import timedelta

from coachhub.extensions import db
from coachhub.models import Cadence, Checkin, CheckinStatus, Membership, Practice, utcnow
from coachhub.services import careers, checkins
from coachhub.services.careers import LandingData, add_months
from coachhub.services.checkins import period_activity

FIELD_NOTES = [
    "Open banking APIs are changing what product teams build.",
    "Everyone is trialling AI assistants for research synthesis.",
    "Two competitors merged; fewer senior roles around.",
    "Hybrid work is settling at three days in the office.",
]
SKILLS = ["Ran my first pricing experiment", "Took a course on SQL", "", "Mentored a junior"]


def seed_checkins(
    practice: Practice,
    client: Membership,
    coach: Membership,
    *,
    employer: str,
    role_title: str,
    ratings: list[tuple[int, int, int]],
    late_days: int = 0,
) -> None:
    """Placed len(ratings) months ago (+ `late_days`), one check-in a month with these ratings.

    The last due date is `late_days` ago, so a positive value leaves a check-in overdue.
    """
    today = practice.today()
    months = len(ratings)
    started = add_months(today - timedelta(days=late_days), -months)
    careers.record_landing(
        practice,
        coach,
        client,
        LandingData(employer, role_title, started, close_goals=False),
    )
    career = careers.career_of(client)
    career.cadence = Cadence.MONTHLY
    career.cadence_anchor_on = add_months(started, 1)
    for k, (pulse_rating, realism, security) in enumerate(ratings):
        due = add_months(started, k + 1)
        first = add_months(started, k) + timedelta(days=1)
        activity = period_activity(practice, client, first, due)
        checkin = Checkin(
            practice_id=practice.id,
            client_membership_id=client.id,
            due_on=due,
            period_start=first,
            period_end=due,
            status=CheckinStatus.REVIEWED if k < months - 1 else CheckinStatus.SUBMITTED,
            contacts_kept=activity.contacts_kept,
            new_contacts=activity.new_contacts,
            events_attended=activity.meetings,
            field_changes=FIELD_NOTES[k % len(FIELD_NOTES)],
            skills=SKILLS[k % len(SKILLS)],
            concerns="Restructure rumours at work." if security <= 2 else "",
            rating_pulse=pulse_rating,
            rating_realism=realism,
            rating_security=security,
            logged_meetings=activity.meetings,
            logged_contacts_kept=activity.contacts_kept,
            follow_ups_due=activity.follow_ups_due,
            follow_ups_on_time=activity.follow_ups_on_time,
            submitted_at=utcnow(),
            coach_comment="Good to see you keeping in touch." if k < months - 1 else "",
        )
        checkin.pulse = checkins.pulse_of(checkin).score
        if checkin.status == CheckinStatus.REVIEWED:
            checkin.reviewed_at = utcnow()
            checkin.reviewer_membership_id = coach.id
        db.session.add(checkin)
    career.next_due_on = add_months(started, months + 1)
    if late_days:
        # The latest check-in was never filled in: it is `late_days` overdue.
        career.next_due_on = today - timedelta(days=late_days)
    db.session.flush()
