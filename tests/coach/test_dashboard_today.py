"""The coach's "Today": one line per client who needs attention, every reason behind a count,
the most urgent client first."""

from datetime import date, timedelta
from types import SimpleNamespace

from coachhub.coach.dashboard import attention_lines
from coachhub.models import utcnow
from tests import factories


def _health(id, name, overdue=0, unreviewed=0, quiet=0):
    return SimpleNamespace(id=id, name=name, overdue=overdue, unreviewed=unreviewed, quiet=quiet)


def _career(id, name, **flags):
    rules = dict(low_pulse=0, pulse_drop=0, long_overdue=0, not_kept_up=0, flagged=0)
    rules.update(flags)
    return SimpleNamespace(
        id=id,
        name=name,
        flag_reason=rules.pop("flag_reason", ""),
        checkin_overdue=rules.pop("checkin_overdue", 0),
        to_review=rules.pop("to_review", 0),
        next_due_on=date(2026, 3, 1),
        **rules,
    )


def test_several_flags_of_one_client_are_one_line_most_urgent_first():
    lines = attention_lines(
        [_health(1, "Quinn Quiet", quiet=1), _health(2, "Ada Atrisk", overdue=2, unreviewed=1)],
        [_career(2, "Ada Atrisk", low_pulse=1, to_review=1)],
    )
    assert [line.name for line in lines] == ["Ada Atrisk", "Quinn Quiet"]
    ada = lines[0]
    assert ada.career
    assert ada.reasons == [
        "pulse under 50",
        "1 check-in to review",
        "2 overdue follow-ups",
        "1 log to review",
    ]
    assert lines[1].reasons == ["no meeting in 30 days"]


def test_overdue_follow_ups_outrank_logs_to_review():
    lines = attention_lines(
        [_health(1, "Rae Review", unreviewed=3), _health(2, "Otto Overdue", overdue=1)], []
    )
    assert [line.name for line in lines] == ["Otto Overdue", "Rae Review"]


def test_the_dashboard_leads_with_today(world, login):
    today = utcnow().date()
    factories.MeetingLogFactory(
        client=world.client_a1,
        met_on=today - timedelta(days=3),
        follow_up_action="Call",
        follow_up_due_on=today - timedelta(days=1),
    )
    page = login(world.coach_a1.user).get("/p/alpha/coach/").get_data(as_text=True)
    assert page.index('data-testid="today"') < page.index('data-testid="health-table"')
    assert 'data-testid="logs-to-review">1<' in page
    assert 'data-testid="attention-count">1<' in page
    # One line for the client: the overdue follow-up first, both reasons behind a count.
    assert page.count('data-testid="attention-line"') == 1
    assert "1 overdue follow-up" in page and "2 reasons" in page and "1 log to review" in page
