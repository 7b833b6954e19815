"""Benchmark data: the demo practice and its neighbours with about N times the demo's data.

Written with bulk inserts (lists of rows, no services): `--scale 100` makes about 50 coaches,
2,000 clients, 200k meeting logs, 180k reviews and 20k check-ins in the demo practice, beside
200 small practices, in a couple of minutes on PostgreSQL. Derived columns (weak logs, touch
dates, next check-in due) are set as the services would set them.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from coachhub.demo import DEMO_PASSWORD, build_demo
from coachhub.demo.networking import ASKS, FOLLOW_UPS, LEARNED, OFFERS, PEOPLE
from coachhub.extensions import db
from coachhub.models import (
    Approach,
    Cadence,
    CareerStage,
    Checkin,
    CheckinStatus,
    ClientCareer,
    Contact,
    GoalFocus,
    GoalStatus,
    KeepInTouch,
    MeetingFormat,
    MeetingLog,
    Membership,
    NetworkingGoal,
    Practice,
    Review,
    Role,
    User,
    utcnow,
)
from coachhub.security import hash_password
from coachhub.services.pulse import PulseInputs, pulse_score

# Per unit of scale, in the demo practice.
COACHES_PER_SCALE = 0.5
CLIENTS_PER_SCALE = 20
LOGS_PER_CLIENT = 100
CONTACTS_PER_CLIENT = 10
REVIEWED_SHARE = 0.9
CHECKINS_PER_PLACED_CLIENT = 20
# Neighbouring practices per unit of scale, each small.
NEIGHBOURS_PER_SCALE = 2
NEIGHBOUR_CLIENTS = 3
NEIGHBOUR_LOGS_PER_CLIENT = 10
# One client of the demo practice keeps this many logs per unit of scale (the export case).
HEAVY_LOGS_PER_SCALE = 200
BATCH = 5_000


@dataclass
class ScaleReport:
    """What one `seed_scale` made, for the command to print."""

    scale: int
    created: bool = True
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def coach_email(scale: int, i: int) -> str:
    """The login of the i-th (from 1) benchmark coach at this scale."""
    return f"scale{scale}-coach{i}@demo.test"


def client_email(scale: int, i: int) -> str:
    """The login of the i-th (from 1) benchmark client at this scale."""
    return f"scale{scale}-client{i}@demo.test"


def heavy_client_email(scale: int) -> str:
    """The client with HEAVY_LOGS_PER_SCALE x scale logs (the big export)."""
    return f"scale{scale}-heavy@demo.test"


def seed_scale(scale: int) -> ScaleReport:
    """Seed `scale` times the benchmark data (once per scale); flushes, the caller commits."""
    if scale < 1:
        raise ValueError("the scale is a whole number from 1")
    report = ScaleReport(scale)
    if db.session.scalar(select(User.id).where(User.email == coach_email(scale, 1))):
        report.created = False
        return report
    demo = db.session.scalar(select(Practice).where(Practice.slug == "demo"))
    if demo is None:
        demo = build_demo()
        report.add("demo practice", 1)
    seeder = _Seeder(scale, hash_password(DEMO_PASSWORD), demo.today(), report)
    n_coaches = max(1, round(scale * COACHES_PER_SCALE))
    n_clients = scale * CLIENTS_PER_SCALE
    coach_ids = seeder.members(
        demo.id, [coach_email(scale, i + 1) for i in range(n_coaches)], Role.COACH, "Coach"
    )
    clients = [client_email(scale, i + 1) for i in range(n_clients)]
    client_ids = seeder.members(
        demo.id,
        clients,
        Role.CLIENT,
        "Client",
        coaches=[coach_ids[i % n_coaches] for i in range(n_clients)],
    )
    heavy_id = seeder.members(
        demo.id, [heavy_client_email(scale)], Role.CLIENT, "Heavy", coaches=[coach_ids[0]]
    )[0]
    coach_of = {c: coach_ids[i % n_coaches] for i, c in enumerate(client_ids)}
    coach_of[heavy_id] = coach_ids[0]
    logs = {c: LOGS_PER_CLIENT for c in client_ids}
    logs[heavy_id] = HEAVY_LOGS_PER_SCALE * scale
    seeder.networking(demo.id, logs, coach_of, CONTACTS_PER_CLIENT)
    seeder.careers(demo.id, client_ids[::2], coach_of, CHECKINS_PER_PLACED_CLIENT)
    for k in range(scale * NEIGHBOURS_PER_SCALE):
        practice_id = seeder.practice(f"scale{scale}-neighbour-{k + 1}", f"Neighbour {k + 1}")
        owner = seeder.members(
            practice_id, [f"scale{scale}-n{k + 1}-owner@demo.test"], Role.OWNER, "Owner"
        )[0]
        ids = seeder.members(
            practice_id,
            [f"scale{scale}-n{k + 1}-client{i + 1}@demo.test" for i in range(NEIGHBOUR_CLIENTS)],
            Role.CLIENT,
            "Client",
            coaches=[owner] * NEIGHBOUR_CLIENTS,
        )
        seeder.networking(
            practice_id, {c: NEIGHBOUR_LOGS_PER_CLIENT for c in ids}, dict.fromkeys(ids, owner), 3
        )
    seeder.flush_all()
    return report


class _Seeder:
    """Builds rows in memory and writes them in batches of BATCH."""

    def __init__(self, scale: int, password_hash: str, today: date, report: ScaleReport):
        self.scale = scale
        self.password_hash = password_hash
        self.today = today
        self.report = report
        self.rng = random.Random(scale)
        self.now = utcnow()
        self.pending: dict[type, list[dict]] = {}

    def _insert(self, model: type, rows: list[dict], *, ids: bool = False) -> list[int]:
        """Insert the rows; with `ids`, return their new ids in the rows' order."""
        table = model.__table__
        connection = db.session.connection()
        out: list[int] = []
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            if ids:
                stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
                out.extend(connection.execute(stmt, chunk).scalars().all())
            else:
                connection.execute(table.insert(), chunk)
        self.report.add(model.__tablename__, len(rows))
        return out

    def _queue(self, model: type, row: dict) -> None:
        rows = self.pending.setdefault(model, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self._insert(model, rows)
            rows.clear()

    def flush_all(self) -> None:
        for model, rows in self.pending.items():
            if rows:
                self._insert(model, rows)
                rows.clear()

    def practice(self, slug: str, name: str) -> int:
        row = {
            "name": name,
            "slug": slug,
            "timezone": "Pacific/Auckland",
            "trial_ends_at": self.now + timedelta(days=14),
        }
        return self._insert(Practice, [row], ids=True)[0]

    def members(
        self,
        practice_id: int,
        emails: list[str],
        role: Role,
        label: str,
        coaches: list[int] | None = None,
    ) -> list[int]:
        """Users and their memberships; returns the membership ids."""
        users = [
            {"email": e, "name": f"{label} {e.split('@')[0]}", "password_hash": self.password_hash}
            for e in emails
        ]
        user_ids = self._insert(User, users, ids=True)
        joined = self.now - timedelta(days=400)
        rows = [
            {
                "practice_id": practice_id,
                "user_id": uid,
                "role": role,
                "coach_membership_id": coaches[i] if coaches else None,
                "created_at": joined,
            }
            for i, uid in enumerate(user_ids)
        ]
        return self._insert(Membership, rows, ids=True)

    def networking(
        self,
        practice_id: int,
        logs_per_client: dict[int, int],
        coach_of: dict[int, int],
        contacts_per_client: int,
    ) -> None:
        """Goals, contacts, meeting logs over the past year and reviews of most of them."""
        rng = self.rng
        goal_rows, contact_rows = [], []
        # Which contact (row index) each client's log meets and when, drawn first so the
        # contacts go in with their touch dates.
        meetings: dict[int, list[tuple[int, date]]] = {}
        for client_id, n_logs in logs_per_client.items():
            for k, focus in enumerate((GoalFocus.COMPANY, GoalFocus.PEOPLE)):
                goal_rows.append(
                    {
                        "practice_id": practice_id,
                        "client_membership_id": client_id,
                        "title": f"Goal {k + 1}",
                        "focus": focus,
                        "target_meetings": 5 + k,
                        "due_on": self.today + timedelta(days=30 + 30 * k),
                        "status": GoalStatus.OPEN,
                        "created_by_membership_id": coach_of[client_id],
                    }
                )
            first = len(contact_rows)
            for k in range(contacts_per_client):
                name, company, title, industry = PEOPLE[k % len(PEOPLE)]
                contact_rows.append(
                    {
                        "practice_id": practice_id,
                        "client_membership_id": client_id,
                        "name": f"{name} {k // len(PEOPLE) + 1}" if k >= len(PEOPLE) else name,
                        "company": company,
                        "title": title,
                        "industry": industry,
                        "cadence_days": rng.choice((None, 30, 60, 90)),
                        "last_touched_on": None,
                    }
                )
            meetings[client_id] = [
                (
                    first + rng.randrange(contacts_per_client),
                    self.today - timedelta(days=rng.randrange(1, 365)),
                )
                for _ in range(n_logs)
            ]
            for index, met_on in meetings[client_id]:
                row = contact_rows[index]
                if row["last_touched_on"] is None or row["last_touched_on"] < met_on:
                    row["last_touched_on"] = met_on
        # Touch dates as services.contacts.refresh_touch leaves them.
        for row in contact_rows:
            start = row["last_touched_on"] or self.today - timedelta(days=400)
            cadence = row["cadence_days"]
            row["touch_due_on"] = start + timedelta(days=cadence) if cadence else None
        goal_ids = self._insert(NetworkingGoal, goal_rows, ids=True)
        contact_ids = self._insert(Contact, contact_rows, ids=True)
        goals_of: dict[int, list[int]] = {}
        for row, gid in zip(goal_rows, goal_ids, strict=True):
            goals_of.setdefault(row["client_membership_id"], []).append(gid)
        log_rows, reviewers = [], []
        for client_id, planned in meetings.items():
            for index, met_on in planned:
                has_ask, has_offer = rng.random() > 0.15, rng.random() > 0.15
                approach = rng.choices(list(Approach), weights=(8, 2, 1))[0]
                due = met_on + timedelta(days=rng.randrange(1, 14)) if rng.random() < 0.6 else None
                log_rows.append(
                    {
                        "practice_id": practice_id,
                        "client_membership_id": client_id,
                        "contact_id": contact_ids[index],
                        "goal_id": rng.choice(goals_of[client_id]) if rng.random() < 0.7 else None,
                        "met_on": met_on,
                        "format": rng.choice(list(MeetingFormat)),
                        "ask": rng.choice(ASKS) if has_ask else "",
                        "offer": rng.choice(OFFERS) if has_offer else "",
                        "learned": rng.choice(LEARNED),
                        "approach": approach,
                        "keep_in_touch": rng.choice(list(KeepInTouch)),
                        "follow_up_action": rng.choice(FOLLOW_UPS) if due else "",
                        "follow_up_due_on": due,
                        "follow_up_done_on": due if due and rng.random() < 0.8 else None,
                        "is_weak": not (has_ask and has_offer) or approach == Approach.JOB_ASKING,
                    }
                )
                reviewers.append(coach_of[client_id])
            if len(log_rows) >= BATCH:
                self._logs_and_reviews(log_rows, reviewers)
                log_rows, reviewers = [], []
        self._logs_and_reviews(log_rows, reviewers)

    def _logs_and_reviews(self, log_rows: list[dict], reviewers: list[int]) -> None:
        if not log_rows:
            return
        log_ids = self._insert(MeetingLog, log_rows, ids=True)
        rng = self.rng
        for row, log_id, reviewer in zip(log_rows, log_ids, reviewers, strict=True):
            if rng.random() < REVIEWED_SHARE:
                self._queue(
                    Review,
                    {
                        "practice_id": row["practice_id"],
                        "client_membership_id": row["client_membership_id"],
                        "log_id": log_id,
                        "reviewer_membership_id": reviewer,
                        "intent_clarity": rng.randint(1, 5),
                        "reciprocity": rng.randint(1, 5),
                        "follow_up": rng.randint(1, 5),
                        "comment": "Good ask." if rng.random() < 0.3 else "",
                    },
                )

    def careers(
        self, practice_id: int, placed: list[int], coach_of: dict[int, int], n_checkins: int
    ) -> None:
        """Placed clients with a monthly check-in series, most reviewed, the last submitted."""
        rng = self.rng
        career_rows = []
        for client_id in placed:
            started = self.today - timedelta(days=30 * n_checkins + 10)
            late = rng.random() < 0.2
            career_rows.append(
                {
                    "practice_id": practice_id,
                    "client_membership_id": client_id,
                    "stage": CareerStage.PLACED,
                    "employer": rng.choice(PEOPLE)[1],
                    "role_title": rng.choice(PEOPLE)[2],
                    "started_on": started,
                    "cadence": Cadence.MONTHLY,
                    "cadence_anchor_on": started + timedelta(days=30),
                    "next_due_on": self.today - timedelta(days=5)
                    if late
                    else self.today + timedelta(days=20),
                }
            )
            for k in range(n_checkins):
                due = started + timedelta(days=30 * (k + 1))
                last = k == n_checkins - 1
                ratings = [rng.randint(2 if late else 3, 5) for _ in range(3)]
                activity = {
                    "logged_meetings": rng.randint(0, 4),
                    "logged_contacts_kept": rng.randint(0, 4),
                    "follow_ups_due": 2,
                    "follow_ups_on_time": rng.randint(0, 2),
                }
                pulse = pulse_score(
                    PulseInputs(
                        *ratings,
                        period_days=30,
                        meetings=activity["logged_meetings"],
                        contacts_kept=activity["logged_contacts_kept"],
                        follow_ups_due=2,
                        follow_ups_on_time=activity["follow_ups_on_time"],
                    )
                ).score
                self._queue(
                    Checkin,
                    {
                        "practice_id": practice_id,
                        "client_membership_id": client_id,
                        "due_on": due,
                        "period_start": due - timedelta(days=29),
                        "period_end": due,
                        "status": CheckinStatus.SUBMITTED if last else CheckinStatus.REVIEWED,
                        "contacts_kept": rng.randint(0, 5),
                        "new_contacts": rng.randint(0, 3),
                        "events_attended": rng.randint(0, 2),
                        "rating_pulse": ratings[0],
                        "rating_realism": ratings[1],
                        "rating_security": ratings[2],
                        **activity,
                        "pulse": pulse,
                        "submitted_at": self.now - timedelta(days=30 * (n_checkins - k)),
                        "reviewed_at": None if last else self.now,
                        "reviewer_membership_id": None if last else coach_of[client_id],
                    },
                )
        self._insert(ClientCareer, career_rows)
