from datetime import UTC, datetime

from flask import g

from coachhub.formatting import humandelta, localdate, localtime
from coachhub.models import Practice


def test_dates_are_shown_in_the_practice_timezone(app):
    moment = datetime(2026, 3, 31, 20, 30, tzinfo=UTC)
    with app.test_request_context():
        g.practice = Practice(timezone="Pacific/Auckland")
        assert localtime(moment) == "01 Apr 2026, 09:30"
        assert localdate(moment) == "01 Apr 2026"
        g.practice = Practice(timezone="America/Los_Angeles")
        assert localdate(moment) == "31 Mar 2026"


def test_humandelta(app):
    import time_machine

    with (
        time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False),
        app.test_request_context(),
    ):
        g.practice = Practice(timezone="UTC")
        assert humandelta(datetime(2026, 6, 1, 23, tzinfo=UTC)) == "today"
        assert humandelta(datetime(2026, 6, 2, 1, tzinfo=UTC)) == "tomorrow"
        assert humandelta(datetime(2026, 5, 29, 1, tzinfo=UTC)) == "3 days ago"
