"""The demo's inbox: a short conversation between Kim and her coach, and a few unread items.

The rest of the demo is seeded with the inbox muted (months of history would be months of
notifications); these rows are what a member finds on the day they first log in. They are
marked as already handled by email, so the demo's documented emails do not change.
"""

from datetime import timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import InboxItem, MeetingLog, Membership, Practice, Review, utcnow
from coachhub.services import inbox, messages

CONVERSATION = [
    ("client", "Hi Carlos, I have coffee with a hiring manager at Kiwibank on Friday. Any tips?"),
    ("coach", "Go in curious: ask how their team decides what to build. And offer something."),
    ("client", "Good idea, I can share the research summary I wrote last month."),
]


def seed_inbox(practice: Practice, client: Membership, coach: Membership) -> None:
    """Kim's conversation with Carlos (pointing at her latest log) and a few inbox items."""
    latest = db.session.scalar(
        select(MeetingLog)
        .where(MeetingLog.client_membership_id == client.id, MeetingLog.met_on <= practice.today())
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
        .limit(1)
    )
    reviewed = db.session.scalar(
        select(MeetingLog)
        .join(Review, Review.log_id == MeetingLog.id)
        .where(MeetingLog.client_membership_id == client.id)
        .order_by(Review.updated_at.desc(), MeetingLog.id.desc())
        .limit(1)
    )
    now = utcnow()
    for n, (who, body) in enumerate(CONVERSATION):
        author = client if who == "client" else coach
        ref = {"ref_type": "log", "ref_id": latest.id} if n == 0 and latest else {}
        with inbox.muted():  # the items below stand for it, already handled by email
            message = messages.post_message(practice, author, client, body, **ref)
        message.created_at = now - timedelta(hours=3 - n)

    def item(recipient, actor, event, object_type, object_id, summary, hours_ago):
        db.session.add(
            InboxItem(
                practice_id=practice.id,
                recipient_membership_id=recipient.id,
                client_membership_id=client.id,
                actor_membership_id=actor.id,
                event=event,
                event_key=f"demo:{event}:{object_type}:{object_id}",
                object_type=object_type,
                object_id=object_id,
                summary=summary,
                created_at=now - timedelta(hours=hours_ago),
                email_state="none",
            )
        )

    coach_name, client_name = coach.user.name, client.user.name
    if reviewed is not None:
        item(
            client,
            coach,
            "review_posted",
            "log",
            reviewed.id,
            f"{coach_name} reviewed your meeting with {reviewed.contact.name}",
            5,
        )
    if latest is not None:
        item(
            coach,
            client,
            "log_submitted",
            "log",
            latest.id,
            f"{client_name} logged a meeting with {latest.contact.name}",
            4,
        )
    item(
        client,
        coach,
        "message_posted",
        "conversation",
        client.id,
        f"{coach_name}: {CONVERSATION[1][1][:100]}",
        2,
    )
    item(
        coach,
        client,
        "message_posted",
        "conversation",
        client.id,
        f"{client_name}: {CONVERSATION[2][1][:100]}",
        1,
    )
    db.session.flush()
