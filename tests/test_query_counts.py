"""Every portal list and dashboard page runs the same few queries with 1× and 10× the data."""

from datetime import timedelta

import pytest

from coachhub.models import IntroductionStatus, KeepInTouch, utcnow
from tests import factories

# The client export is the most: 12 reads and the audit row that records it.
BUDGET = 13


class Data:
    """Rows that grow with `add(n)`: client_a1's goals, contacts, logs, reviews, comments,
    and coach_a1's clients (each with a goal, a contact and a log)."""

    def __init__(self, world):
        self.w = world
        self.goal = factories.GoalFactory(client=world.client_a1, target_meetings=50)
        self.contact = factories.ContactFactory(client=world.client_a1, cadence_days=5)
        self.log = factories.MeetingLogFactory(client=world.client_a1, contact=self.contact)
        factories.ReviewFactory(log_row=self.log)
        self.intro = factories.IntroductionFactory(client=world.client_a1, introducer=self.contact)
        self.pending = factories.PendingImportFactory(client=world.client_a1)

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
]

MEASURED: dict[str, tuple[int, int]] = {}


def _measure(c, url, count_queries) -> int:
    with count_queries() as counter:
        response = c.get(url)
    assert response.status_code == 200, url
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
        intro=data.intro.id,
        pending=data.pending.id,
    )
    data.add(3)
    small = _measure(c, url, count_queries)
    data.add(27)  # 10× the rows of every kind
    large = _measure(c, url, count_queries)
    print(f"QUERIES {who:9} {url:45} small={small} large={large}")
    assert small == large, f"{url}: {small} queries with 1× data, {large} with 10×"
    assert large <= BUDGET, f"{url}: {large} queries, budget {BUDGET}"
