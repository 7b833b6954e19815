"""Practice analytics: the owner's whole practice, a coach's own clients, medians, CSV, bad
ranges, and a query count that does not grow with the data."""

from datetime import timedelta

from coachhub.models import Approach, CareerStage, StageChange, utcnow
from coachhub.services import analytics
from tests import factories


def _chart(charts, key):
    return next(chart for chart in charts if chart.key == key)


def _log(client, days_ago=3, approach=Approach.INFORMATION, **kw):
    return factories.MeetingLogFactory(
        client=client, met_on=utcnow().date() - timedelta(days=days_ago), approach=approach, **kw
    )


def test_owner_sees_the_practice_and_a_coach_only_their_clients(world, login):
    _log(world.client_a1)
    _log(world.client_a1, approach=Approach.JOB_ASKING)
    _log(world.client_a2)
    _log(world.client_b)
    span = analytics.date_range(world.a.today(), None, None)

    owner = analytics.all_charts(world.a, world.owner_a, span, world.a.today())
    meetings = _chart(owner, "meetings")
    assert sum(sum(row[1:]) for row in meetings.rows) == 3  # practice B's log is not here
    assert len(meetings.header) == 3  # week, coach_a1, coach_a2

    coach = analytics.all_charts(world.a, world.coach_a1, span, world.a.today())
    meetings = _chart(coach, "meetings")
    assert meetings.header == ["Week of", world.coach_a1.user.name]
    assert sum(row[1] for row in meetings.rows) == 2
    assert (
        "50% seeking information, 50% asking for a job (2 logs)"
        in _chart(coach, "approach").summary
    )

    page = login(world.coach_a1.user).get("/p/alpha/coach/analytics").get_data(as_text=True)
    assert world.coach_a2.user.name not in page
    assert "How your clients are doing" in page


def test_stages_placements_and_median_time_to_placement(world, db):
    today = world.a.today()
    joined = utcnow() - timedelta(days=40)
    clients = [factories.client(world.a, world.coach_a1, created_at=joined) for _ in range(3)]
    for client, days in zip(clients[:2], (10, 20), strict=True):
        db.session.add(
            StageChange(
                practice_id=world.a.id,
                client_membership_id=client.id,
                stage=CareerStage.PLACED,
                changed_at=joined + timedelta(days=days),
            )
        )
    db.session.commit()
    span = analytics.date_range(today, None, None)
    charts = analytics.all_charts(world.a, world.owner_a, span, today)
    placements = _chart(charts, "placements")
    assert sum(row[1] for row in placements.rows) == 2
    assert placements.summary == "2 placements; median time to placement 15 days"
    stages = _chart(charts, "stages")
    assert stages.rows[-1][1:] == [2 + 1, 2]  # client_a1, client_a2 and one new client searching


def test_review_turnaround_is_the_median_of_hours(world, db):
    now = utcnow().replace(microsecond=0)
    for hours in (2, 4, 30):
        log = _log(world.client_a1, created_at=now - timedelta(hours=hours + 1))
        factories.ReviewFactory(log_row=log, created_at=now - timedelta(hours=1))
    span = analytics.date_range(world.a.today(), None, None)
    turnaround = analytics.review_turnaround(world.a, world.owner_a, span)
    assert turnaround.summary == "Median 4 hours over 3 reviews"


def test_pulse_bands_and_at_risk(world):
    for pulse in (10, 45, 66, 90):
        factories.CheckinFactory(client=factories.client(world.a, world.coach_a1), pulse=pulse)
    today = world.a.today()
    span = analytics.date_range(today, None, None)
    pulse = analytics.pulse_distribution(world.a, world.owner_a, span)
    assert [row[1] for row in pulse.rows] == [1, 0, 1, 1, 1]
    risk = analytics.at_risk_over_time(world.a, world.owner_a, span, today)
    assert sum(row[1] for row in risk.rows) == 2
    assert risk.summary.startswith("2 clients at risk today")


def test_a_bad_range_is_explained_and_the_default_shown(world, login):
    c = login(world.owner_a.user)
    page = c.get("/p/alpha/coach/analytics?start=2026-05-01&end=2026-04-01")
    assert page.status_code == 200
    assert "The start date must be on or before the end date." in page.get_data(as_text=True)
    assert c.get("/p/alpha/coach/analytics?start=yesterday").status_code == 200
    assert c.get("/p/alpha/coach/analytics.csv?chart=pulse&start=nope").status_code == 400
    assert c.get("/p/alpha/coach/analytics.csv?chart=nothing").status_code == 404
    too_long = c.get("/p/alpha/coach/analytics?start=2020-01-01&end=2026-01-01")
    assert "at most two years" in too_long.get_data(as_text=True)


def test_each_chart_downloads_as_csv(world, login):
    _log(world.client_a1)
    c = login(world.owner_a.user)
    for key in [*analytics.CHARTS, "at_risk"]:
        response = c.get(f"/p/alpha/coach/analytics.csv?chart={key}")
        assert response.status_code == 200, key
        assert response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
    body = c.get("/p/alpha/coach/analytics.csv?chart=meetings").get_data(as_text=True)
    lines = body.strip().splitlines()
    assert lines[0].startswith("Week of,")
    assert len(lines) == 1 + 13  # twelve weeks and the partial one they start in, or 13 Mondays


def _grow(world, n):
    """n more clients of each coach, each with logs, a review, a check-in and a placement."""
    now = utcnow()
    for i in range(n):
        for coach in (world.coach_a1, world.coach_a2):
            client = factories.client(world.a, coach)
            log = _log(client, days_ago=i % 60, approach=list(Approach)[i % 3])
            factories.ReviewFactory(log_row=log)
            factories.CheckinFactory(client=client, pulse=(i * 17) % 100)
            factories.db.session.add(
                StageChange(
                    practice_id=world.a.id,
                    client_membership_id=client.id,
                    stage=CareerStage.PLACED,
                    changed_at=now - timedelta(days=i % 50),
                )
            )
    factories.db.session.commit()


def test_the_page_costs_the_same_few_queries_at_any_size(world, login, count_queries):
    counts = {}
    for who in ("owner_a", "coach_a1"):
        c = login(getattr(world, who).user)
        for size, grow in (("1x", 2), ("10x", 18), ("100x", 180)):
            _grow(world, grow)
            with count_queries() as counter:
                response = c.get("/p/alpha/coach/analytics")
            assert response.status_code == 200
            counts[(who, size)] = counter.count
        print(
            f"QUERIES analytics {who}: "
            + ", ".join(f"{k[1]}={v}" for k, v in counts.items() if k[0] == who)
        )
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= 12, counts
