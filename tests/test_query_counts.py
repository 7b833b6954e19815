"""Every portal list and dashboard page runs the same few queries with 1× and 10× the data."""

from datetime import timedelta

import pytest

from coachhub.models import IntroductionStatus, KeepInTouch, utcnow
from tests import factories

# Every page: at most 12 queries, the same at any data size.
BUDGET = 12
# An export reads each kind of data once (goals, contacts, logs with reviews, comments,
# touches, ledger, check-ins, stages, messages, sessions, introductions …) and records
# itself in the audit log: one query per kind, never per row.
EXPORT_BUDGET = 15


class Data:
    """Rows that grow with `add(n)`: client_a1's goals, contacts, logs, reviews, comments,
    and coach_a1's clients (each with a goal, a contact and a log)."""

    def __init__(self, world):
        self.w = world
        self.goal = factories.GoalFactory(client=world.client_a1, target_meetings=50)
        self.contact = factories.ContactFactory(client=world.client_a1, cadence_days=5)
        self.log = factories.MeetingLogFactory(client=world.client_a1, contact=self.contact)
        factories.ReviewFactory(log_row=self.log)
        factories.availability(world.coach_a1)
        self.session = factories.CoachingSessionFactory(client=world.client_a1)
        self.n_sessions = 0
        self.intro = factories.IntroductionFactory(client=world.client_a1, introducer=self.contact)
        self.pending = factories.PendingImportFactory(client=world.client_a1)

    def add_sessions(self, n: int) -> None:
        """client_a1's sessions (past and ahead) with agenda points and action items."""
        from coachhub.models import ActionItem, AgendaItem

        w, now = self.w, utcnow().replace(minute=0, second=0, microsecond=0)
        for i in range(n):
            self.n_sessions += 1
            k = self.n_sessions
            starts = now + timedelta(days=(k % 20) - 10, hours=k % 5 + 1, minutes=15 * (k % 3))
            factories.CoachingSessionFactory(
                client=w.client_a1 if i % 2 else factories.client(w.a, w.coach_a1),
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
            )
            for model, fields in (
                (AgendaItem, {"body": f"Point {k}", "author_membership_id": w.coach_a1.id}),
                (
                    ActionItem,
                    {"title": f"Action {k}", "due_on": now.date() + timedelta(days=k % 9 - 4)},
                ),
            ):
                row = model(
                    practice_id=w.a.id,
                    client_membership_id=w.client_a1.id,
                    **fields,
                )
                (self.session.agenda if model is AgendaItem else self.session.action_items).append(
                    row
                )
                factories.db.session.add(row)
            factories.db.session.commit()

    def add(self, n: int) -> None:
        w, today = self.w, utcnow().date()
        previous = self.contact
        for i in range(n):
            factories.GoalFactory(client=w.client_a1)
            contact = factories.ContactFactory(
                client=w.client_a1,
                introduced_by_contact_id=previous.id,
                cadence_days=7,
                touch_due_on=today - timedelta(days=i + 1),
            )
            previous = contact
            log = factories.MeetingLogFactory(
                client=w.client_a1,
                contact=self.contact if i % 2 else contact,
                goal_id=self.goal.id,
                met_on=today - timedelta(days=i),
                keep_in_touch=KeepInTouch.YES if i % 3 else KeepInTouch.NO,
                follow_up_action="Send a note",
                follow_up_due_on=today + timedelta(days=i - n // 2),
                follow_up_done_on=today if i % 4 == 0 else None,
                archived_at=utcnow() if i % 5 == 4 else None,
            )
            if i % 2:
                factories.ReviewFactory(log_row=log)
            factories.LogCommentFactory(log_row=self.log)
            factories.TouchFactory(client=w.client_a1, contact=self.contact, note=f"Touch {i}")
            # Introductions at every step, asked of this contact and of the new one; promises.
            status = list(IntroductionStatus)[i % 4]
            factories.IntroductionFactory(
                client=w.client_a1,
                introducer=self.contact if i % 2 else contact,
                status=status,
                made_on=today
                if status in (IntroductionStatus.MADE, IntroductionStatus.MET)
                else None,
                introduced_contact_id=previous.id
                if status != IntroductionStatus.REQUESTED
                else None,
            )
            factories.PromiseFactory(client=w.client_a1, contact=self.contact if i % 2 else contact)
            other = factories.client(w.a, w.coach_a1 if i % 2 else w.coach_a2)
            other_log = factories.MeetingLogFactory(
                client=other,
                follow_up_action="Call",
                follow_up_due_on=today - timedelta(days=1),
            )
            factories.GoalFactory(client=other)
            factories.LogCommentFactory(log_row=other_log)
            # the inbox and the conversation grow too (items about other clients included)
            factories.inbox_item(w.client_a1, w.client_a1)
            factories.inbox_item(w.coach_a1, w.client_a1 if i % 2 else other)
            factories.inbox_item(w.owner_a, other)
            factories.message(w.client_a1, w.coach_a1 if i % 2 else w.client_a1, f"Note {i}")
        self.add_sessions(n)


CLIENT_PAGES = [
    "/",
    "/goals",
    "/goals/{goal}",
    "/contacts",
    "/contacts?status=archived",
    "/contacts/{contact}",
    "/contacts/{contact}/edit",
    "/contacts/{contact}/touch",
    "/contacts/new",
    "/contacts/stale",
    "/introductions",
    "/introductions/new",
    "/introductions/{intro}/made",
    "/network",
    "/network.json",
    "/contacts/import",
    "/contacts/import/{pending}",
    "/meetings",
    "/meetings?status=archived",
    "/meetings/new",
    "/meetings/{log}",
    "/meetings/{log}/edit",
    "/follow-ups",
    "/follow-ups?show=done",
    "/export.json",
    "/export.zip",
    "/inbox",
    "/inbox?show=unread",
    "/inbox/unread.json",
    "/messages",
    "/sessions",
    "/sessions/book",
    "/sessions/book?minutes=30",
    "/sessions/{session}",
    "/sessions/{session}/reschedule",
    "/sessions/{session}/cancel",
]
COACH_PAGES = [
    "/",
    "/?sort=overdue&dir=desc",
    "/?sort=ask_offer_share",
    "/clients",
    "/clients/{client}",
    "/clients/{client}/meetings",
    "/clients/{client}/contacts",
    "/clients/{client}/export.json",
    "/reviews",
    "/reviews?show=weak",
    "/meetings/{log}",
    "/goals/{goal}/edit",
    "/inbox",
    "/clients/{client}/messages",
    "/sessions",
    "/sessions?week=2026-03-30",
    "/sessions/new",
    "/sessions/{session}",
    "/sessions/{session}/reschedule",
    "/sessions/{session}/cancel",
    "/availability",
    "/analytics",
    "/analytics.csv?chart=turnaround",
]
OWNER_PAGES = [
    "/",
    "/clients",
    "/clients/{client}",
    "/clients/{client}/reassign",
    "/reviews",
    "/audit",
    "/audit?action=member.signed_in",
    "/audit.csv",
    "/inbox",
    "/clients/{client}/messages",
    "/sessions",
    "/sessions/{session}",
    "/analytics",
    "/analytics?start=2026-01-01&end=2026-06-30",
    "/analytics.csv?chart=stages",
]

MEASURED: dict[str, tuple[int, int]] = {}


def _measure(c, url, count_queries) -> int:
    with count_queries() as counter:
        response = c.get(url)
    assert response.status_code == 200, url
    # The bell: its count rides on the guard's query, so no page pays a query for it.
    bell = [s for s in counter.statements if "inbox_item" in s and "FROM practice" in s]
    assert len(bell) == 1, f"{url}: the guard's query should carry the bell's count"
    return counter.count


@pytest.mark.parametrize(
    ("who", "area", "path"),
    [("client_a1", "client", p) for p in CLIENT_PAGES]
    + [("coach_a1", "coach", p) for p in COACH_PAGES]
    + [("owner_a", "coach", p) for p in OWNER_PAGES],
)
def test_query_count_does_not_grow(world, login, count_queries, who, area, path):
    data = Data(world)
    c = login(getattr(world, who).user)
    url = f"/p/alpha/{area}" + path.format(
        goal=data.goal.id,
        contact=data.contact.id,
        log=data.log.id,
        client=world.client_a1.id,
        session=data.session.id,
        intro=data.intro.id,
        pending=data.pending.id,
    )
    data.add(3)
    small = _measure(c, url, count_queries)
    data.add(27)  # 10× the rows of every kind
    large = _measure(c, url, count_queries)
    print(f"QUERIES {who:9} {url:45} small={small} large={large}")
    assert small == large, f"{url}: {small} queries with 1× data, {large} with 10×"
    budget = EXPORT_BUDGET if "/export." in url else BUDGET
    assert large <= budget, f"{url}: {large} queries, budget {budget}"


def test_the_bell_adds_no_query_of_its_own(world, login, count_queries, app):
    """The same page with the bell's count folded into the guard and without any bell."""
    c = login(world.client_a1.user)
    factories.inbox_item(world.client_a1, world.client_a1)
    with count_queries() as with_bell:
        page = c.get("/p/alpha/client/goals").get_data(as_text=True)
    assert 'data-testid="bell-count"' in page and ">1<" in page
    guard = [s for s in with_bell.statements if "FROM practice" in s and "inbox_item" in s]
    assert len(guard) == 1
    print(f"QUERIES client goals page with the bell: {with_bell.count}")


def test_a_conversation_of_1000_messages_and_an_inbox_of_1000_items(
    world, login, count_queries, db
):
    from coachhub.models import InboxItem, Message, utcnow

    now = utcnow()
    db.session.execute(
        Message.__table__.insert(),
        [
            dict(
                practice_id=world.a.id,
                client_membership_id=world.client_a1.id,
                author_membership_id=(world.client_a1 if n % 2 else world.coach_a1).id,
                body=f"Message {n}",
                ref_label="",
                created_at=now,
            )
            for n in range(1000)
        ],
    )
    db.session.execute(
        InboxItem.__table__.insert(),
        [
            dict(
                practice_id=world.a.id,
                recipient_membership_id=who.id,
                client_membership_id=world.client_a1.id,
                event="message_posted",
                event_key=f"bulk:{who.id}:{n}",
                object_type="conversation",
                object_id=world.client_a1.id,
                summary=f"Item {n}",
                created_at=now,
                email_state="none",
            )
            for n in range(1000)
            for who in (world.client_a1, world.coach_a1)
        ],
    )
    db.session.commit()
    pages = [
        (world.client_a1, "/p/alpha/client/messages"),
        (world.client_a1, "/p/alpha/client/messages?before=500"),
        (world.client_a1, "/p/alpha/client/inbox"),
        (world.client_a1, "/p/alpha/client/inbox?page=20"),
        (world.coach_a1, f"/p/alpha/coach/clients/{world.client_a1.id}/messages"),
        (world.coach_a1, "/p/alpha/coach/inbox"),
    ]
    for who, url in pages:
        c = login(who.user)
        with count_queries() as counter:
            response = c.get(url)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('data-testid="message"') in (0, 50)
        print(f"QUERIES 1000 rows {url:45} {counter.count}")
        assert counter.count <= 12, f"{url}: {counter.count} queries"
