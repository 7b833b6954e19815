"""Due dates on the cadence: months clamp to short months, weeks count days."""

from datetime import date

from coachhub.models import Cadence
from coachhub.services.careers import add_months, next_due_after, previous_due


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_monthly_series_keeps_the_anchor_day():
    anchor = date(2027, 1, 31)
    assert next_due_after(Cadence.MONTHLY, anchor, date(2027, 1, 1)) == anchor
    assert next_due_after(Cadence.MONTHLY, anchor, date(2027, 1, 31)) == date(2027, 2, 28)
    assert next_due_after(Cadence.MONTHLY, anchor, date(2027, 3, 1)) == date(2027, 3, 31)
    assert previous_due(Cadence.MONTHLY, anchor, date(2027, 3, 31)) == date(2027, 2, 28)


def test_weekly_fortnightly_and_quarterly():
    anchor = date(2027, 3, 1)
    assert next_due_after(Cadence.WEEKLY, anchor, date(2027, 3, 9)) == date(2027, 3, 15)
    assert next_due_after(Cadence.FORTNIGHTLY, anchor, date(2027, 3, 15)) == date(2027, 3, 29)
    assert next_due_after(Cadence.QUARTERLY, anchor, date(2027, 5, 1)) == date(2027, 6, 1)
    assert previous_due(Cadence.WEEKLY, anchor, date(2027, 3, 15)) == date(2027, 3, 8)
    assert previous_due(Cadence.QUARTERLY, anchor, anchor) == date(2026, 12, 1)
