"""Test data builders (factory_boy), committed through the test's rolled-back session."""

from dataclasses import dataclass
from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from coachhub.extensions import db
from coachhub.models import (
    AvailabilityWindow,
    Checkin,
    CheckinStatus,
    CoachAvailability,
    CoachingSession,
    Contact,
    GoalFocus,
    GoalStatus,
    InboxItem,
    Introduction,
    Invitation,
    KeepInTouch,
    LedgerDirection,
    LedgerEntry,
    LedgerKind,
    LogComment,
    MeetingFormat,
    MeetingLog,
    Membership,
    Message,
    NetworkingGoal,
    PendingImport,
    Practice,
    Review,
    Role,
    SessionStatus,
    Touch,
    TouchKind,
    User,
    utcnow,
)
from coachhub.security import hash_password, new_token

PASSWORD = "correct-horse-battery"
# Hashing is deliberately slow; one hash serves every test user.
_PASSWORD_HASH = hash_password(PASSWORD)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class PracticeFactory(Base):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    timezone = "UTC"
    trial_ends_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=14))


class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    password_hash = _PASSWORD_HASH


class MembershipFactory(Base):
    class Meta:
        model = Membership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CLIENT


class GoalFactory(Base):
    """A goal of `client` (a client Membership): pass client=..."""

    class Meta:
        model = NetworkingGoal
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    title = factory.Sequence(lambda n: f"Goal {n}")
    focus = GoalFocus.COMPANY
    target = "product teams at fintechs"
    target_meetings = 4
    status = GoalStatus.OPEN


class ContactFactory(Base):
    class Meta:
        model = Contact
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    name = factory.Sequence(lambda n: f"Contact {n}")
    company = "Acme"


class TouchFactory(Base):
    """A touch (an email by default, today) with a contact; creates the contact if none given."""

    class Meta:
        model = Touch
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    contact = factory.LazyAttribute(lambda o: ContactFactory(client=o.client))
    kind = TouchKind.EMAIL
    touched_on = factory.LazyFunction(lambda: utcnow().date())
    note = ""


class IntroductionFactory(Base):
    """An introduction asked of a contact (created if none given), today, still requested."""

    class Meta:
        model = Introduction
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    introducer = factory.LazyAttribute(lambda o: ContactFactory(client=o.client))
    target = "someone in the data team"
    target_company = "Globex"
    requested_on = factory.LazyFunction(lambda: utcnow().date())


class PromiseFactory(Base):
    """A ledger entry that is a promise (given today, due in a week), not kept yet."""

    class Meta:
        model = LedgerEntry
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    contact = factory.LazyAttribute(lambda o: ContactFactory(client=o.client))
    direction = LedgerDirection.GAVE
    kind = LedgerKind.ARTICLE
    description = "Send the article on hiring panels"
    happened_on = factory.LazyFunction(lambda: utcnow().date())
    promise_due_on = factory.LazyFunction(lambda: utcnow().date() + timedelta(days=7))


class PendingImportFactory(Base):
    """A parsed contact file waiting for confirmation: one new row, one with a problem."""

    class Meta:
        model = PendingImport
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    source = "vcard"
    filename = "contacts.vcf"
    rows = factory.LazyFunction(
        lambda: [
            {
                "line": 1,
                "name": "Ada Import",
                "company": "Initech",
                "title": "",
                "email": "ada@import.test",
                "profile_url": "",
                "notes": "",
                "problems": [],
                "duplicate": "",
            }
        ]
    )


class MeetingLogFactory(Base):
    """A meeting log with an ask and an offer (not weak); creates its contact if none given."""

    class Meta:
        model = MeetingLog
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    contact = factory.LazyAttribute(lambda o: ContactFactory(client=o.client))
    met_on = factory.LazyFunction(lambda: utcnow().date() - timedelta(days=3))
    format = MeetingFormat.COFFEE
    ask = "How do product teams hire?"
    offer = "An intro to a designer I know"
    keep_in_touch = KeepInTouch.YES
    is_weak = False


class ReviewFactory(Base):
    class Meta:
        model = Review
        exclude = ("log_row",)

    log_row = None
    practice_id = factory.LazyAttribute(lambda o: o.log_row.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.log_row.client_membership_id)
    log_id = factory.LazyAttribute(lambda o: o.log_row.id)
    intent_clarity = 4
    reciprocity = 3
    follow_up = 2
    comment = "Good ask."


class LogCommentFactory(Base):
    class Meta:
        model = LogComment
        exclude = ("log_row",)

    log_row = None
    practice_id = factory.LazyAttribute(lambda o: o.log_row.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.log_row.client_membership_id)
    log_id = factory.LazyAttribute(lambda o: o.log_row.id)
    author_membership_id = factory.LazyAttribute(lambda o: o.log_row.client_membership_id)
    body = "Thanks!"


class CheckinFactory(Base):
    """A submitted check-in of `client` (pass client=...): due a week ago, pulse 66."""

    class Meta:
        model = Checkin
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    due_on = factory.LazyFunction(lambda: utcnow().date() - timedelta(days=7))
    period_start = factory.LazyAttribute(lambda o: o.due_on - timedelta(days=29))
    period_end = factory.LazyAttribute(lambda o: o.due_on)
    status = CheckinStatus.SUBMITTED
    rating_pulse = 4
    rating_realism = 3
    rating_security = 4
    logged_meetings = 1
    logged_contacts_kept = 2
    follow_ups_due = 2
    follow_ups_on_time = 1
    pulse = 66
    submitted_at = factory.LazyFunction(utcnow)


def inbox_item(
    recipient: Membership, client: Membership | None, event: str = "message_posted", **kw
) -> InboxItem:
    """An unread inbox item of `recipient` about `client` (a conversation by default)."""
    item = InboxItem(
        practice_id=recipient.practice_id,
        recipient_membership_id=recipient.id,
        client_membership_id=client.id if client else None,
        event=event,
        event_key=kw.pop("event_key", f"test:{utcnow().timestamp()}:{new_token()[0][:8]}"),
        object_type=kw.pop("object_type", "conversation"),
        object_id=kw.pop("object_id", client.id if client else recipient.id),
        summary=kw.pop("summary", "Something happened"),
        created_at=kw.pop("created_at", utcnow()),
        **kw,
    )
    db.session.add(item)
    db.session.commit()
    return item


def message(client: Membership, author: Membership, body: str = "Hello", **kw) -> Message:
    row = Message(
        practice_id=client.practice_id,
        client_membership_id=client.id,
        author_membership_id=author.id,
        body=body,
        **kw,
    )
    db.session.add(row)
    db.session.commit()
    return row


def owner(practice: Practice, **kw) -> Membership:
    return MembershipFactory(practice=practice, role=Role.OWNER, **kw)


def coach(practice: Practice, **kw) -> Membership:
    return MembershipFactory(practice=practice, role=Role.COACH, **kw)


def client(practice: Practice, coach_membership: Membership, **kw) -> Membership:
    return MembershipFactory(
        practice=practice, role=Role.CLIENT, coach_membership_id=coach_membership.id, **kw
    )


def invitation(
    practice: Practice, inviter: Membership, email: str, role: Role = Role.CLIENT, **kw
) -> tuple[Invitation, str]:
    """An invitation row and its (unhashed) token."""
    token, token_hash = new_token()
    inv = Invitation(
        practice_id=practice.id,
        email=email,
        role=role,
        invited_by_membership_id=inviter.id,
        coach_membership_id=inviter.id if role == Role.CLIENT else None,
        token_hash=token_hash,
        expires_at=kw.pop("expires_at", utcnow() + timedelta(days=7)),
        **kw,
    )
    db.session.add(inv)
    db.session.commit()
    return inv, token


@dataclass
class World:
    """Practice A (owner, two coaches, a client each) and practice B (owner, coach, client)."""

    a: Practice
    owner_a: Membership
    coach_a1: Membership
    coach_a2: Membership
    client_a1: Membership
    client_a2: Membership
    invitation_a1: Invitation
    b: Practice
    owner_b: Membership
    coach_b: Membership
    client_b: Membership


def build_world() -> World:
    a = PracticeFactory(name="Alpha Coaching", slug="alpha")
    owner_a = owner(a)
    coach_a1 = coach(a)
    coach_a2 = coach(a)
    client_a1 = client(a, coach_a1)
    client_a2 = client(a, coach_a2)
    invitation_a1, _ = invitation(a, coach_a1, "invitee-a1@example.test")
    b = PracticeFactory(name="Beta Coaching", slug="beta")
    owner_b = owner(b)
    coach_b = coach(b)
    client_b = client(b, coach_b)
    return World(
        a,
        owner_a,
        coach_a1,
        coach_a2,
        client_a1,
        client_a2,
        invitation_a1,
        b,
        owner_b,
        coach_b,
        client_b,
    )


class CoachingSessionFactory(Base):
    """A booked 60-minute session of `client` (pass client=...) with their coach, in 3 days."""

    class Meta:
        model = CoachingSession
        exclude = ("client",)

    client = None
    practice_id = factory.LazyAttribute(lambda o: o.client.practice_id)
    client_membership_id = factory.LazyAttribute(lambda o: o.client.id)
    coach_membership_id = factory.LazyAttribute(lambda o: o.client.coach_membership_id)
    starts_at = factory.LazyFunction(
        lambda: (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=60))
    status = SessionStatus.BOOKED
    ical_uid = factory.Sequence(lambda n: f"session-test-{n}")
    shared_notes = "We talked about fintech product teams."
    private_notes = "PRIVATE-COACH-NOTE: seems anxious about money."


def availability(coach: Membership, days=range(5), hours=(9, 17), **kw) -> CoachAvailability:
    """Weekly hours for `coach` (Mon-Fri 09:00-17:00 by default), no notice, no buffer."""
    from datetime import time

    row = CoachAvailability(
        practice_id=coach.practice_id,
        coach_membership_id=coach.id,
        session_lengths=kw.pop("session_lengths", "30,45,60"),
        buffer_minutes=kw.pop("buffer_minutes", 0),
        min_notice_hours=kw.pop("min_notice_hours", 0),
        horizon_days=kw.pop("horizon_days", 28),
        **kw,
    )
    for day in days:
        row.windows.append(
            AvailabilityWindow(
                practice_id=coach.practice_id,
                weekday=day,
                starts_at=time(hours[0]),
                ends_at=time(hours[1]),
            )
        )
    db.session.add(row)
    db.session.commit()
    return row


def webhook_endpoint(practice: Practice, url: str = "http://127.0.0.1:9/hook", **kw):
    from coachhub.models import WebhookEndpoint

    endpoint = WebhookEndpoint(
        practice_id=practice.id,
        url=url,
        events=kw.pop("events", ["log_submitted", "review_posted"]),
        secret=kw.pop("secret", "whsec_test"),
        **kw,
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def webhook_delivery(practice: Practice, endpoint=None, **kw):
    from coachhub.models import WebhookDelivery

    endpoint = endpoint or webhook_endpoint(practice)
    delivery = WebhookDelivery(
        practice_id=practice.id,
        endpoint_id=endpoint.id,
        event="log_submitted",
        event_key=kw.pop("event_key", f"log_submitted:MeetingLog:{endpoint.id}"),
        payload=kw.pop("payload", '{"type": "log_submitted"}'),
        **kw,
    )
    db.session.add(delivery)
    db.session.commit()
    return delivery
