"""Each event: exactly one inbox item per recipient, never for the actor, and its email
as the recipient chose (instant, digest, off) — enumerated over every event type."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import InboxItem, OutboundEmail, utcnow
from coachhub.notifications.events import EVENTS, event_kind
from coachhub.notifications.instant import queue_instant_emails
from coachhub.notifications.preferences import set_mode
from coachhub.services import inbox
from tests import factories
from tests.inbox.triggers import TRIGGERS, trigger

EVENT_KEYS = sorted(e.key for e in EVENTS)


def _items(event=None):
    query = select(InboxItem).order_by(InboxItem.id)
    if event:
        query = query.where(InboxItem.event == event)
    return list(db.session.scalars(query))


def _inbox_emails():
    return list(db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind.like("inbox_%"))))


def test_every_event_has_a_trigger():
    assert set(TRIGGERS) == set(EVENT_KEYS)


@pytest.mark.parametrize("event", EVENT_KEYS)
def test_event_gives_its_recipient_exactly_one_item(world, event):
    recipient = trigger(world, event)
    items = _items(event)
    assert [i.recipient_membership_id for i in items if i.recipient_membership_id == recipient.id]
    assert len([i for i in items if i.recipient_membership_id == recipient.id]) == 1
    # never the actor, and every item is in the practice of the event
    assert all(i.recipient_membership_id != i.actor_membership_id for i in items)
    assert {i.practice_id for i in items} == {world.a.id}
    # the link is a page of the recipient's portal
    endpoint, _ = inbox.item_link(items[0], recipient)
    assert endpoint.startswith("client." if recipient.is_client else "coach.")


@pytest.mark.parametrize("event", EVENT_KEYS)
def test_event_respects_off(world, event):
    """Off: the inbox still has it, no email ever, neither instant nor in the digest."""
    kind = event_kind(EVENTS.get(event))
    for member in (world.client_a1, world.coach_a1, world.owner_a):
        if kind.applies_to(member):
            set_mode(member, kind, "off")
    recipient = trigger(world, event)
    (item,) = [i for i in _items(event) if i.recipient_membership_id == recipient.id]
    assert item.email_state == "none"
    with time_machine.travel(utcnow() + timedelta(hours=1)):
        assert queue_instant_emails() == 0
    assert _inbox_emails() == []


@pytest.mark.parametrize("event", EVENT_KEYS)
def test_event_instant_is_emailed_once_after_the_window(world, event):
    kind = event_kind(EVENTS.get(event))
    for member in (world.client_a1, world.coach_a1, world.owner_a):
        if kind.applies_to(member):
            set_mode(member, kind, "instant")
    recipient = trigger(world, event)
    assert queue_instant_emails() == 0  # the window is still open
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        assert queue_instant_emails() >= 1
        assert queue_instant_emails() == 0
    emails = [e for e in _inbox_emails() if e.to_email == recipient.user.email]
    assert len(emails) == 1
    assert "List-Unsubscribe" in emails[0].headers


def test_calling_notify_twice_adds_nothing(world):
    log = factories.MeetingLogFactory(client=world.client_a1)
    for _ in range(2):
        inbox.notify(
            world.a,
            "review_posted",
            actor=world.coach_a1,
            client=world.client_a1,
            obj=log,
            summary="Reviewed",
        )
    assert len(_items("review_posted")) == 1


def test_defaults_log_submitted_goes_to_the_digest_the_rest_at_once(world):
    trigger(world, "log_submitted")
    trigger(world, "review_posted")
    states = {i.event: i.email_state for i in _items()}
    assert states == {"log_submitted": "digest", "review_posted": "pending"}


def test_digest_mode_lists_the_event_in_the_next_digest(world):
    from coachhub.notifications.providers.inbox import client_updates

    set_mode(world.client_a1, event_kind(EVENTS.get("review_posted")), "digest")
    trigger(world, "review_posted")
    found = client_updates(world.a, [world.client_a1], world.a.today())
    (line,) = found[world.client_a1.id]
    assert "reviewed your meeting" in line.title
    assert "/p/alpha/client/meetings/" in line.url


def test_the_owner_hears_of_a_flag_the_coach_raises_and_the_coach_of_the_owners(world):
    from coachhub.services import careers

    careers.set_flag(world.a, world.owner_a, world.client_a1, "No news for weeks")
    db.session.commit()
    assert [i.recipient_membership_id for i in _items("at_risk_flagged")] == [world.coach_a1.id]
