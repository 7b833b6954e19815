"""A promise in the ledger ("I'll send the article") is a follow-up until it is kept."""

from datetime import date, timedelta

import time_machine
from sqlalchemy import select

from coachhub.models import LedgerDirection, LedgerEntry, MeetingLog, Touch, TouchKind, utcnow
from coachhub.services import ServiceError, ledger, meetings
from tests import factories

BASE = "/p/alpha/client"


def test_a_promise_from_the_ledger_form_becomes_a_follow_up(world, login, db):
    c = login(world.client_a1.user)
    ana = factories.ContactFactory(client=world.client_a1, name="Ana Lee")
    response = c.post(
        f"{BASE}/contacts/{ana.id}/ledger",
        data={
            "direction": "gave",
            "kind": "article",
            "description": "Email her the article on hiring panels",
            "is_promise": "y",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(LedgerEntry))
    today = world.a.today()
    assert entry.promise_due_on == today + timedelta(days=7) and entry.promise_done_on is None

    page = c.get(f"{BASE}/follow-ups").get_data(as_text=True)
    assert "Promises to keep" in page and "Email her the article" in page
    assert f"/contacts/{ana.id}#entry-{entry.id}" in page  # the follow-up links back
    detail = c.get(f"{BASE}/contacts/{ana.id}").get_data(as_text=True)
    assert "promise due" in detail and f'id="entry-{entry.id}"' in detail

    assert c.post(f"{BASE}/promises/{entry.id}/kept", data={}).status_code == 302
    db.session.expire_all()
    entry = db.session.get(LedgerEntry, entry.id)
    assert entry.promise_done_on == today
    touch = db.session.scalar(select(Touch).where(Touch.contact_id == ana.id))
    assert touch.kind == TouchKind.EMAIL and "Kept my promise" in touch.note
    assert entry.contact.last_touched_on == today
    assert "Promises to keep" not in c.get(f"{BASE}/follow-ups").get_data(as_text=True)
    assert "promise kept" in c.get(f"{BASE}/contacts/{ana.id}").get_data(as_text=True)


def test_a_promise_takes_its_own_reminder_day_and_must_be_given(world, login, db):
    c = login(world.client_a1.user)
    ana = factories.ContactFactory(client=world.client_a1)
    today = world.a.today()
    bad = c.post(
        f"{BASE}/contacts/{ana.id}/ledger",
        data={"direction": "received", "kind": "help", "description": "x", "is_promise": "y"},
    )
    assert bad.status_code == 400
    assert "A promise is something you will give." in bad.get_data(as_text=True)
    early = c.post(
        f"{BASE}/contacts/{ana.id}/ledger",
        data={
            "direction": "gave",
            "kind": "help",
            "description": "Review her CV",
            "is_promise": "y",
            "happened_on": today.isoformat(),
            "remind_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert early.status_code == 400
    assert db.session.scalar(select(LedgerEntry)) is None
    c.post(
        f"{BASE}/contacts/{ana.id}/ledger",
        data={
            "direction": "gave",
            "kind": "help",
            "description": "Review her CV",
            "is_promise": "y",
            "remind_on": (today + timedelta(days=2)).isoformat(),
        },
    )
    assert db.session.scalar(select(LedgerEntry)).promise_due_on == today + timedelta(days=2)


def _data(contact, **kw) -> meetings.MeetingData:
    from coachhub.models import MeetingFormat

    defaults = dict(
        met_on=utcnow().date() - timedelta(days=1),
        format=MeetingFormat.COFFEE,
        contact=contact,
        ask="How does your team plan a quarter?",
        offer="I'll send the article on OKRs",
        offer_is_promise=True,
    )
    defaults.update(kw)
    return meetings.MeetingData(**defaults)


def test_a_logs_offer_can_be_a_promise_and_keeps_its_kept_date(world, db):
    ana = factories.ContactFactory(client=world.client_a1)
    log = meetings.log_meeting(world.a, world.client_a1, _data(ana))
    db.session.commit()
    gave = db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.meeting_log_id == log.id, LedgerEntry.direction == LedgerDirection.GAVE
        )
    )
    assert gave.promise_due_on == log.met_on + timedelta(days=7)
    assert [e.id for e in ledger.open_promises(world.a, world.client_a1)] == [gave.id]
    ledger.keep_promise(world.a, world.client_a1, gave)
    db.session.commit()

    # Editing the log re-syncs its entries; the kept promise stays kept.
    meetings.update_meeting(world.a, world.client_a1, log, _data(ana, learned="A lot"))
    db.session.commit()
    gave = db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.meeting_log_id == log.id, LedgerEntry.direction == LedgerDirection.GAVE
        )
    )
    assert gave.promise_done_on == world.a.today()
    assert ledger.open_promises(world.a, world.client_a1) == []


def test_a_promise_needs_an_offer(world, db):
    ana = factories.ContactFactory(client=world.client_a1)
    try:
        meetings.log_meeting(world.a, world.client_a1, _data(ana, offer=""))
    except ServiceError as error:
        assert error.field == "offer"
    else:
        raise AssertionError("a promise without an offer")
    assert db.session.scalar(select(MeetingLog)) is None


def test_the_meeting_form_has_the_promise_box(world, login, db):
    c = login(world.client_a1.user)
    ana = factories.ContactFactory(client=world.client_a1)
    page = c.get(f"{BASE}/meetings/new").get_data(as_text=True)
    assert "This offer is a promise — remind me" in page
    response = c.post(
        f"{BASE}/meetings/new",
        data={
            "contact_id": ana.id,
            "met_on": world.a.today().isoformat(),
            "format": "coffee",
            "ask": "What is changing in your field?",
            "offer": "Send the podcast episode",
            "offer_is_promise": "y",
            "keep_in_touch": "not-asked",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(MeetingLog)).offer_is_promise
    assert "Send the podcast episode" in c.get(f"{BASE}/follow-ups").get_data(as_text=True)


def test_a_promise_is_overdue_by_the_practices_calendar_across_dst(world, db):
    """Due on the Sunday clocks go forward in London: overdue from Monday, local time."""
    world.a.timezone = "Europe/London"
    db.session.commit()
    ana = factories.ContactFactory(client=world.client_a1)
    with time_machine.travel("2026-03-22T12:00:00Z", tick=False):
        entry = ledger.add_entry(
            world.a,
            world.client_a1,
            ana,
            "gave",
            "article",
            "Send it",
            promise_due_on=date(2026, 3, 29),
        )
    with time_machine.travel("2026-03-29T23:30:00Z", tick=False):  # 00:30 BST on the 30th
        assert entry.promise_state(world.a.today()) == "overdue"
    with time_machine.travel("2026-03-29T22:30:00Z", tick=False):  # 23:30 BST on the 29th
        assert entry.promise_state(world.a.today()) == "due"


def test_promises_due_this_week_are_on_the_dashboard(world, login, db):
    soon = factories.PromiseFactory(client=world.client_a1, description="Send the deck")
    later = factories.PromiseFactory(
        client=world.client_a1,
        description="Send the book",
        promise_due_on=world.a.today() + timedelta(days=20),
    )
    c = login(world.client_a1.user)
    page = c.get(f"{BASE}/").get_data(as_text=True)
    assert "promised Send the deck" in page and "Send the book" not in page
    assert f"/promises/{soon.id}/kept" in page and f"/promises/{later.id}/kept" not in page
