"""A placed client's monthly check-in, the coach's review and the at-risk alert, via pages."""

import re
from datetime import UTC, datetime

import time_machine

from coachhub.extensions import db
from coachhub.models import Checkin, CheckinStatus
from tests import factories


def _at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 12, tzinfo=UTC), tick=False)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_monthly_check_in_review_and_at_risk_alert(app, world, login):
    cid = world.client_a1.id
    world.a.subscription_status = "active"  # months after the trial: a paying practice
    db.session.commit()
    factories.GoalFactory(client=world.client_a1, title="Fintech product teams")
    base = "/p/alpha"
    with _at(2027, 3, 10):
        # Log in inside each day: a session does not last a month.
        coach, client = login(world.coach_a1.user), login(world.client_a1.user)
        page = coach.get(f"{base}/coach/clients/{cid}/career").get_data(as_text=True)
        assert "Record a landing" in page
        response = coach.post(
            f"{base}/coach/clients/{cid}/landing",
            data={
                "employer": "Kiwibank",
                "role_title": "Product manager",
                "started_on": "2027-03-01",
                "close_goals": "y",
            },
        )
        assert response.status_code == 302
        page = coach.get(f"{base}/coach/clients/{cid}/career").get_data(as_text=True)
        assert "Kiwibank" in page and "placed" in page and "10 Apr 2027" in page
        dashboard = coach.get(f"{base}/coach/").get_data(as_text=True)
        assert 'data-testid="stage"' in dashboard and "placed" in dashboard
        # Not due yet: nothing on the client's dashboard, and the check-in opens a week ahead.
        assert 'data-testid="checkin-due"' not in client.get(f"{base}/client/").get_data(
            as_text=True
        )
        listing = client.get(f"{base}/client/checkins").get_data(as_text=True)
        assert "Your next check-in opens on 03 Apr 2027" in listing
        assert 'data-testid="start-checkin"' not in listing
        early = client.post(f"{base}/client/checkins/start", data={"csrf_token": _csrf(listing)})
        assert early.status_code == 302
        assert "fill it in from 03 Apr 2027" in client.get(early.location).get_data(as_text=True)
        assert db.session.query(Checkin).count() == 0

    with _at(2027, 4, 9):
        client = login(world.client_a1.user)
        home = client.get(f"{base}/client/").get_data(as_text=True)
        assert 'data-testid="checkin-due"' in home
        listing = client.get(f"{base}/client/checkins").get_data(as_text=True)
        response = client.post(f"{base}/client/checkins/start", data={"csrf_token": _csrf(listing)})
        assert response.status_code == 302
        url = response.location
        form = client.get(url).get_data(as_text=True)
        assert "My finger on the pulse of my field" in form
        fields = {
            "csrf_token": _csrf(form),
            "contacts_kept": "0",
            "new_contacts": "0",
            "events_attended": "0",
            "concerns": "Restructure rumours",
        }
        # Save a draft without ratings, then submitting without them is refused.
        assert client.post(url, data={**fields, "draft": "1"}).status_code == 302
        response = client.post(url, data={**fields, "submit": "1"})
        assert response.status_code == 400
        assert "Rate from 1 to 5 before you submit." in response.get_data(as_text=True)
        ratings = {"rating_pulse": "2", "rating_realism": "3", "rating_security": "2"}
        response = client.post(url, data={**fields, **ratings, "submit": "1"})
        assert response.status_code == 302
        page = client.get(url).get_data(as_text=True)
        # (7/3 - 1)/4*50 = 16.7, no activity: pulse 17, with its breakdown.
        assert 'data-testid="pulse-score">17<' in page
        assert "Why this score" in page and "Save correction" in page

    checkin = db.session.scalars(db.select(Checkin)).one()
    assert checkin.status == CheckinStatus.SUBMITTED
    with _at(2027, 4, 10):
        coach, client = login(world.coach_a1.user), login(world.client_a1.user)
        dashboard = coach.get(f"{base}/coach/").get_data(as_text=True)
        assert 'data-testid="needs-attention"' in dashboard
        assert "pulse under 50" in dashboard and "1 check-in to review" in dashboard
        detail = coach.get(f"{base}/coach/checkins/{checkin.id}").get_data(as_text=True)
        assert "Restructure rumours" in detail and "Self-ratings" in detail
        response = coach.post(
            f"{base}/coach/checkins/{checkin.id}/review",
            data={"csrf_token": _csrf(detail), "comment": "Let's talk about the rumours."},
        )
        assert response.status_code == 302
        career = coach.get(f"{base}/coach/clients/{cid}/career").get_data(as_text=True)
        assert "pulse under 50" in career and 'data-testid="pulse-chart"' in career
        response = coach.post(
            f"{base}/coach/clients/{cid}/flag",
            data={"csrf_token": _csrf(career), "reason": "Team restructure"},
        )
        assert response.status_code == 302
        # Reviewed: the client sees the comment and can no longer correct it.
        page = client.get(f"{base}/client/checkins/{checkin.id}").get_data(as_text=True)
        assert "Let&#39;s talk about the rumours." in page and "Save correction" not in page
        response = client.post(
            f"{base}/client/checkins/{checkin.id}", data={**fields, **ratings, "submit": "1"}
        )
        assert response.status_code == 409

    with _at(2027, 4, 10):
        owner = login(world.owner_a.user)
        overview = owner.get(f"{base}/coach/checkins").get_data(as_text=True)
        assert 'data-testid="at-risk-count">1<' in overview
        assert 'data-testid="placed-count">1<' in overview
        assert "flagged by the coach: Team restructure" in overview
        assert coach.get(f"{base}/coach/checkins").status_code == 403


def test_client_records_their_own_landing(world, login):
    client = login(world.client_a1.user)
    form = client.get("/p/alpha/client/landing").get_data(as_text=True)
    response = client.post(
        "/p/alpha/client/landing",
        data={
            "csrf_token": _csrf(form),
            "employer": "",
            "role_title": "PM",
            "started_on": "2027-01-01",
        },
    )
    assert response.status_code == 200 and "This field is required." in response.get_data(
        as_text=True
    )
    response = client.post(
        "/p/alpha/client/landing",
        data={
            "csrf_token": _csrf(form),
            "employer": "ANZ",
            "role_title": "PM",
            "started_on": "2027-01-01",
        },
    )
    assert response.status_code == 302
    assert "ANZ" in client.get("/p/alpha/client/checkins").get_data(as_text=True)


def test_exports_include_check_ins_and_stage_history(world, login):
    factories.CheckinFactory(client=world.client_a1)
    client = login(world.client_a1.user)
    data = client.get("/p/alpha/client/export.json").get_json()
    assert data["checkins"][0]["pulse"] == 66
    assert "stage_changes" in data
