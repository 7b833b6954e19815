"""Introductions as a pipeline: requested → made → met (or declined), through the pages."""

from datetime import date, timedelta

import time_machine
from sqlalchemy import func, select

from coachhub.models import (
    Contact,
    Introduction,
    IntroductionStatus,
    LedgerDirection,
    LedgerEntry,
    LedgerKind,
)
from coachhub.services import ServiceError, introductions
from tests import factories

BASE = "/p/alpha/client"


def _count(model) -> int:
    from coachhub.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_request_made_met_through_the_pages(world, login, db):
    c = login(world.client_a1.user)
    kim = factories.ContactFactory(client=world.client_a1, name="Kim Park", company="Initech")
    form = c.get(f"{BASE}/introductions/new?introducer={kim.id}").get_data(as_text=True)
    assert f'<option selected value="{kim.id}">' in form

    response = c.post(
        f"{BASE}/introductions/new",
        data={
            "introducer_contact_id": kim.id,
            "target": "someone in the data team",
            "target_company": "Globex",
            "note": "To learn how they run experiments",
        },
    )
    assert response.status_code == 302
    intro = db.session.scalar(select(Introduction))
    assert intro.status == IntroductionStatus.REQUESTED
    assert intro.requested_on == world.a.today()

    page = c.get(f"{BASE}/introductions").get_data(as_text=True)
    assert 'data-testid="open-introductions"' in page
    assert "Kim Park</a> → someone in the data team at Globex" in page
    assert "requested" in page

    made = c.get(f"{BASE}/introductions/{intro.id}/made").get_data(as_text=True)
    assert 'value="Globex"' in made
    response = c.post(
        f"{BASE}/introductions/{intro.id}/made",
        data={"name": "Lou Ortiz", "company": "Globex", "email": "lou@globex.test"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    lou = db.session.scalar(select(Contact).where(Contact.name == "Lou Ortiz"))
    assert lou.introduced_by_contact_id == kim.id
    assert lou.how_met == "Introduced by Kim Park"
    assert response.location.endswith(f"/contacts/{lou.id}")
    intro = db.session.get(Introduction, intro.id)
    assert intro.status == IntroductionStatus.MADE and intro.introduced_contact_id == lou.id
    received = db.session.scalar(select(LedgerEntry).where(LedgerEntry.contact_id == kim.id))
    assert received.direction == LedgerDirection.RECEIVED
    assert received.kind == LedgerKind.INTRODUCTION

    # The chains show the introduction; the open list keeps it until the meeting.
    page = c.get(f"{BASE}/introductions").get_data(as_text=True)
    assert 'data-testid="longest-chain"' in page and "We met" in page

    assert c.post(f"{BASE}/introductions/{intro.id}/met", data={}).status_code == 302
    db.session.expire_all()
    intro = db.session.get(Introduction, intro.id)
    assert intro.status == IntroductionStatus.MET and intro.met_on == world.a.today()
    page = c.get(f"{BASE}/introductions").get_data(as_text=True)
    assert "Done and declined" in page and 'data-testid="open-introductions"' not in page

    # The introducer's timeline has the ask and the meeting; the new contact's says how.
    timeline = c.get(f"{BASE}/contacts/{kim.id}").get_data(as_text=True)
    assert "Asked for an introduction" in timeline and "Met through the introduction" in timeline
    assert "Introduced you to Lou Ortiz" in timeline
    assert "Introduced to you" in c.get(f"{BASE}/contacts/{lou.id}").get_data(as_text=True)


def test_the_coach_sees_the_pipeline_read_only(world, login, db):
    intro = factories.IntroductionFactory(client=world.client_a1, target="a product lead")
    coach = login(world.coach_a1.user)
    page = coach.get(f"/p/alpha/coach/clients/{world.client_a1.id}").get_data(as_text=True)
    assert 'data-testid="client-introductions"' in page
    assert f"{intro.introducer.name} → a product lead at Globex" in page
    assert f"/introductions/{intro.id}/" not in page  # no buttons to change it
    other = login(world.coach_a2.user)
    assert other.get(f"/p/alpha/coach/clients/{world.client_a1.id}").status_code == 404


def test_the_introducer_must_be_the_clients_own_active_contact(world, login, db):
    c = login(world.client_a1.user)
    theirs = factories.ContactFactory(client=world.client_a2)
    gone = factories.ContactFactory(client=world.client_a1)
    from coachhub.models import utcnow

    gone.archived_at = utcnow()
    db.session.commit()
    for contact_id in (theirs.id, gone.id, 999_999, "abc"):
        response = c.post(
            f"{BASE}/introductions/new",
            data={"introducer_contact_id": contact_id, "target": "someone"},
        )
        assert response.status_code == 400, contact_id
        assert "Pick one of your own contacts." in response.get_data(as_text=True)
    response = c.post(
        f"{BASE}/introductions/new",
        data={"introducer_contact_id": gone.id + 0, "target": ""},
    )
    assert response.status_code == 400
    assert _count(Introduction) == 0


def test_steps_in_the_wrong_order_are_refused(world, login, db):
    intro = factories.IntroductionFactory(client=world.client_a1)
    c = login(world.client_a1.user)
    response = c.post(f"{BASE}/introductions/{intro.id}/met", data={}, follow_redirects=True)
    assert "Record the introduction as made first." in response.get_data(as_text=True)
    future = (world.a.today() + timedelta(days=3)).isoformat()
    response = c.post(
        f"{BASE}/introductions/{intro.id}/decline", data={"on": future}, follow_redirects=True
    )
    assert "It cannot be in the future." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Introduction, intro.id).status == IntroductionStatus.REQUESTED

    assert c.post(f"{BASE}/introductions/{intro.id}/decline", data={}).status_code == 302
    db.session.expire_all()
    intro = db.session.get(Introduction, intro.id)
    assert intro.status == IntroductionStatus.DECLINED and intro.declined_on == world.a.today()
    # Declined is closed: it cannot be made afterwards.
    response = c.post(f"{BASE}/introductions/{intro.id}/made", data={"name": "Late Larry"})
    assert response.status_code == 400
    assert "no longer waiting" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Contact).where(Contact.name == "Late Larry")
        )
        == 0
    )


def test_made_cannot_be_dated_before_the_ask(world, db):
    kim = factories.ContactFactory(client=world.client_a1)
    intro = introductions.request_introduction(
        world.a, world.client_a1, kim, "someone", requested_on=world.a.today()
    )
    try:
        introductions.mark_made(
            world.a,
            world.client_a1,
            intro,
            "Early Eve",
            made_on=world.a.today() - timedelta(days=1),
        )
    except ServiceError as error:
        assert error.field == "made_on"
    else:
        raise AssertionError("made before it was asked")


def test_only_the_client_writes_their_introductions(world, db):
    kim = factories.ContactFactory(client=world.client_a1)
    try:
        introductions.request_introduction(world.a, world.coach_a1, kim, "someone")
    except ServiceError:
        pass
    else:
        raise AssertionError("a coach asked for an introduction on the client's behalf")


def test_dates_are_the_practices_own(world, login, db):
    """Late evening in Los Angeles is already tomorrow in UTC: the ask is dated locally."""
    world.a.timezone = "America/Los_Angeles"
    db.session.commit()
    kim = factories.ContactFactory(client=world.client_a1)
    with time_machine.travel("2026-03-08T07:30:00Z", tick=False):  # 23:30 on the 7th in LA
        intro = introductions.request_introduction(world.a, world.client_a1, kim, "someone")
    assert intro.requested_on == date(2026, 3, 7)


def test_meeting_the_introduced_person_is_a_touch(world, db):
    kim = factories.ContactFactory(client=world.client_a1, name="Kim")
    intro = introductions.request_introduction(world.a, world.client_a1, kim, "someone")
    lou = introductions.mark_made(world.a, world.client_a1, intro, "Lou")
    assert lou.last_touched_on is None
    introductions.mark_met(world.a, world.client_a1, intro)
    assert lou.last_touched_on == world.a.today()
