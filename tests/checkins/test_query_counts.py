"""Every check-in page runs the same few queries with 1× and 10× the data (budget 12)."""

from datetime import timedelta

import pytest

from coachhub.extensions import db
from coachhub.models import (
    CareerStage,
    CheckinStatus,
    ClientCareer,
    StageChange,
    utcnow,
)
from tests import factories
from tests.test_query_counts import BUDGET, Data


class CheckinData(Data):
    """The portals' growing rows, plus check-ins, careers and stage history of many clients."""

    def __init__(self, world):
        super().__init__(world)
        self.checkin = factories.CheckinFactory(client=world.client_a1)
        self._career(world.client_a1, CareerStage.PLACED)

    def _career(self, client, stage):
        today = utcnow().date()
        db.session.add(
            ClientCareer(
                practice_id=client.practice_id,
                client_membership_id=client.id,
                stage=stage,
                employer="Acme",
                role_title="PM",
                next_due_on=today - timedelta(days=20),
                flag_reason="",
            )
        )
        db.session.add(
            StageChange(practice_id=client.practice_id, client_membership_id=client.id, stage=stage)
        )
        db.session.commit()

    def add(self, n: int) -> None:
        super().add(n)
        w, today = self.w, utcnow().date()
        for i in range(n):
            factories.CheckinFactory(
                client=w.client_a1, due_on=today - timedelta(days=40 + i), pulse=40 + i % 50
            )
            factories.CheckinFactory(
                client=w.client_a1,
                status=CheckinStatus.DRAFT,
                pulse=None,
                due_on=today + timedelta(days=i),
            )
            db.session.add(
                StageChange(
                    practice_id=w.a.id,
                    client_membership_id=w.client_a1.id,
                    stage=CareerStage.PLACED,
                )
            )
            other = factories.client(w.a, w.coach_a1 if i % 2 else w.coach_a2)
            self._career(other, CareerStage.PLACED if i % 3 else CareerStage.SEARCHING)
            factories.CheckinFactory(client=other, pulse=30 + i)
            factories.CheckinFactory(client=other, due_on=today - timedelta(days=60), pulse=90)


CLIENT_PAGES = ["/", "/checkins", "/checkins/{checkin}", "/landing"]
COACH_PAGES = [
    "/",
    "/clients/{client}/career",
    "/clients/{client}/landing",
    "/clients/{client}/searching",
    "/checkins/{checkin}",
]
OWNER_PAGES = ["/", "/checkins", "/clients/{client}/career", "/checkins/{checkin}"]


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
def test_check_in_pages_query_count_does_not_grow(world, login, count_queries, who, area, path):
    data = CheckinData(world)
    c = login(getattr(world, who).user)
    url = f"/p/alpha/{area}" + path.format(checkin=data.checkin.id, client=world.client_a1.id)
    data.add(3)
    small = _measure(c, url, count_queries)
    data.add(27)  # 10× the rows of every kind
    large = _measure(c, url, count_queries)
    print(f"QUERIES {who:9} {url:45} small={small} large={large}")
    assert small == large, f"{url}: {small} queries with 1× data, {large} with 10×"
    assert large <= BUDGET, f"{url}: {large} queries, budget {BUDGET}"
