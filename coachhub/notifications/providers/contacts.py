"""Contacts to get back to: the client's daily reminder lines for stale contacts.

A contact turns stale when its keep-in-touch cadence runs out (touch due date
passed); the reminder names it on the first day, a week and a month later
(`STALE_REMIND_DAYS`), not every morning.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import Contact, Membership, Practice
from coachhub.notifications.due import Items, ReminderItem, reminder_provider
from coachhub.notifications.providers.clients import day
from coachhub.urls import external_url

# Days after a contact turned stale (touch due date passed) on which it is in the reminder.
STALE_REMIND_DAYS = (1, 8, 30)


@reminder_provider(
    kind="client_daily_reminder",
    key="stale_contacts",
    heading="Contacts to get back to",
    order=40,
)
def stale_contacts(practice: Practice, members: Sequence[Membership], today: date) -> Items:
    """Contacts whose keep-in-touch cadence ran out (docs/portals.md: touch due < today)."""
    url = external_url("client.stale_contacts", practice_slug=practice.slug)
    due_dates = [today - timedelta(days=n) for n in STALE_REMIND_DAYS]
    rows = db.session.scalars(
        select(Contact)
        .where(
            Contact.practice_id == practice.id,
            Contact.client_membership_id.in_([m.id for m in members]),
            Contact.archived_at.is_(None),
            Contact.touch_due_on.in_(due_dates),
        )
        .order_by(Contact.touch_due_on, Contact.name, Contact.id)
    )
    items: Items = defaultdict(list)
    for contact in rows:
        name = f"{contact.name} ({contact.company})" if contact.company else contact.name
        if contact.last_touched_on:
            since = f"Last in touch on {day(contact.last_touched_on)}"
        else:
            since = "Not in touch since you added them"
        items[contact.client_membership_id].append(
            ReminderItem(
                title=name,
                detail=f"{since}; you wanted to keep in touch every {contact.cadence_days} days.",
                url=url,
                due=contact.touch_due_on,
                key=f"contact:{contact.id}",
            )
        )
    return items
