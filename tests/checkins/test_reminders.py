"""Check-ins in the client daily reminder, the coach digest and the calendar feed."""

from datetime import date

from coachhub.models import Cadence
from coachhub.notifications.providers.checkins import at_risk_clients, checkin_due, checkin_events
from coachhub.services import careers


def test_reminder_from_the_day_before_and_digest_per_coach(app, world):
    careers.set_cadence(world.a, world.coach_a1, world.client_a1, Cadence.MONTHLY)
    career = careers.career_of(world.client_a1)
    career.next_due_on = date(2027, 4, 10)
    members = [world.client_a1, world.client_a2]
    with app.test_request_context():
        assert checkin_due(world.a, members, date(2027, 4, 8)) == {}
        items = checkin_due(world.a, members, date(2027, 4, 9))
        assert items[world.client_a1.id][0].title == "Your career check-in is due"
        items = checkin_due(world.a, members, date(2027, 4, 11))
        assert items[world.client_a1.id][0].title == "Your career check-in is overdue"
        coaches = [world.owner_a, world.coach_a1, world.coach_a2]
        digest = at_risk_clients(world.a, coaches, date(2027, 4, 30))
        assert digest[world.coach_a2.id] == []
        assert [i.detail for i in digest[world.coach_a1.id]] == [
            "check-in overdue by more than 14 days"
        ]
        assert len(digest[world.owner_a.id]) == 1
        events = checkin_events(world.a, world.client_a1)
        assert [(e.summary, e.start) for e in events] == [
            ("Career check-in due", date(2027, 4, 10))
        ]
        assert checkin_events(world.a, world.coach_a2) == []
        assert checkin_events(world.a, world.coach_a1)[0].summary.startswith("Check-in due: ")
