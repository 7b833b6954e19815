"""The reciprocity ledger: fed by meeting logs and by hand; balances and one-sided contacts."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coachhub.models import LedgerDirection, LedgerEntry, MeetingFormat, utcnow
from coachhub.services import ServiceError, contacts, ledger, meetings
from coachhub.services.meetings import MeetingData
from tests import factories


def _log(world, contact, **kw) -> MeetingData:
    fields = {
        "met_on": world.a.today() - timedelta(days=1),
        "format": MeetingFormat.COFFEE,
        "contact": contact,
        "ask": "What is changing in payments?",
        "offer": "My conference notes",
        "learned": "Open banking is coming",
        "introductions": "",
    }
    fields.update(kw)
    return MeetingData(**fields)


def _entries(db, contact):
    query = select(LedgerEntry.direction, LedgerEntry.kind, LedgerEntry.description)
    rows = db.session.execute(query.where(LedgerEntry.contact_id == contact.id)).all()
    return sorted((d.value, k.value, text) for d, k, text in rows)


def test_a_meeting_log_feeds_the_ledger_and_stays_in_step(world, db):
    ana = contacts.add_contact(world.a, world.client_a1, name="Ana")
    log = meetings.log_meeting(world.a, world.client_a1, _log(world, ana, introductions="Bo, Xero"))
    assert _entries(db, ana) == [
        ("gave", "help", "My conference notes"),
        ("received", "information", "Open banking is coming"),
        ("received", "introduction", "Bo, Xero"),
    ]
    # Edited: the log's own entries follow, nothing is duplicated.
    meetings.update_meeting(world.a, world.client_a1, log, _log(world, ana, offer="", learned=""))
    assert _entries(db, ana) == []
    meetings.update_meeting(world.a, world.client_a1, log, _log(world, ana))
    assert len(_entries(db, ana)) == 2
    meetings.archive_meeting(world.a, world.client_a1, log)
    assert _entries(db, ana) == []
    meetings.restore_meeting(world.a, world.client_a1, log)
    assert len(_entries(db, ana)) == 2


def test_balances_count_what_happened_and_find_contacts_the_client_only_takes_from(world, db):
    today = world.a.today()
    giver = contacts.add_contact(world.a, world.client_a1, name="Giver")
    taker = contacts.add_contact(world.a, world.client_a1, name="Only Taken From")
    meetings.log_meeting(world.a, world.client_a1, _log(world, giver))
    meetings.log_meeting(world.a, world.client_a1, _log(world, taker, offer=""))
    ledger.add_entry(world.a, world.client_a1, taker, "received", "referral", "Referred me")
    # A planned meeting counts once its day has come.
    meetings.log_meeting(
        world.a, world.client_a1, _log(world, taker, met_on=today + timedelta(days=5))
    )
    found = ledger.balances(world.a, [giver.id, taker.id])
    assert (found[giver.id].gave, found[giver.id].received) == (1, 1)
    assert (found[taker.id].gave, found[taker.id].received, found[taker.id].balance) == (0, 2, -2)
    assert found[taker.id].only_takes and not found[giver.id].only_takes
    assert [c.name for c in ledger.only_taking(world.a, world.client_a1)] == ["Only Taken From"]
    totals = ledger.client_totals(world.a, world.client_a1)
    assert (totals.gave, totals.received) == (1, 3)
    # Another client's ledger is theirs alone.
    other = factories.ContactFactory(client=world.client_a2)
    ledger.add_entry(world.a, world.client_a2, other, "received", "help", "Advice")
    assert ledger.only_taking(world.a, world.client_a1)[0].id == taker.id
    assert ledger.client_totals(world.a, world.client_a1).received == 3


def test_a_hand_entry_is_checked(world):
    ana = contacts.add_contact(world.a, world.client_a1, name="Ana")
    entry = ledger.add_entry(world.a, world.client_a1, ana, "gave", "article", " HBR piece ")
    assert (entry.direction, entry.description) == (LedgerDirection.GAVE, "HBR piece")
    assert entry.happened_on == world.a.today()
    for args, field in (
        (("took", "article", "x"), "direction"),
        (("gave", "cake", "x"), "kind"),
        (("gave", "article", "  "), "description"),
        (("gave", "article", "x" * 501), "description"),
    ):
        with pytest.raises(ServiceError) as error:
            ledger.add_entry(world.a, world.client_a1, ana, *args)
        assert error.value.field == field
    with pytest.raises(ServiceError):
        ledger.add_entry(
            world.a, world.client_a1, ana, "gave", "help", "x", utcnow().date() + timedelta(3)
        )
    with pytest.raises(ServiceError):
        ledger.add_entry(world.a, world.coach_a1, ana, "gave", "help", "not theirs")
