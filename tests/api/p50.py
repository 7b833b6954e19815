"""p50 of the API's main endpoints beside /healthz, in one run: `python -m tests.api.p50`.

A throwaway SQLite file with a practice of 30 clients (a goal, a contact, a reviewed
meeting and a check-in each); each path is requested N times through the WSGI app.
"""

import statistics
import sys
import tempfile
import time
from datetime import timedelta

from coachhub import create_app
from coachhub.extensions import db
from coachhub.models import utcnow
from coachhub.services import api_tokens
from config import TestingConfig
from tests import factories

PATHS = [
    "/healthz",
    "/api/v1/me",
    "/api/v1/clients",
    "/api/v1/goals",
    "/api/v1/contacts",
    "/api/v1/meetings",
    "/api/v1/follow-ups",
    "/api/v1/checkins",
]


def main(n: int = 200) -> None:
    folder = tempfile.mkdtemp()

    class P50Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/p50.sqlite"
        RATELIMIT_ENABLED = False

    app = create_app(P50Config)
    with app.app_context():
        db.create_all()
        w = factories.build_world()
        for _ in range(30):
            member = factories.client(w.a, w.coach_a1)
            contact = factories.ContactFactory(client=member)
            factories.GoalFactory(client=member)
            log = factories.MeetingLogFactory(
                client=member,
                contact=contact,
                follow_up_action="Call",
                follow_up_due_on=utcnow().date() + timedelta(days=2),
            )
            factories.ReviewFactory(log_row=log)
            factories.CheckinFactory(client=member)
        _, secret = api_tokens.create_token(w.a, w.owner_a, "p50", "read")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    print(f"{'path':<22} p50 ms  (n={n}, 25 rows a page)")
    for path in PATHS:
        times = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{path:<22} {statistics.median(times):6.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
