"""`flask send-reminders` at fixed moments: local dates, midnight, daylight saving, dedupe.

These tests register fake providers through the same registry the features use.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from coachhub.models import MemberStatus, OutboundEmail
from coachhub.notifications import kinds, preferences
from coachhub.notifications.due import (
    PROVIDERS,
    ReminderItem,
    ReminderProvider,
    send_reminders_for_practice,
)
from tests.conftest import link_path


class FakeProvider:
    """Items for chosen members; records every call (practice, member ids, local date)."""

    def __init__(self, kind="client_daily_reminder", key="fake", heading="Follow-ups", due=None):
        self.calls = []
        self.due = due  # member ids with something due; None: everyone
        self.provider = ReminderProvider(key, kind, heading, self.collect)

    def collect(self, practice, members, today):
        self.calls.append((practice.slug, [m.id for m in members], today))
        return {
            m.id: [ReminderItem(f"Follow up with Ana for member {m.id}", due=today, key="f:1")]
            for m in members
            if self.due is None or m.id in self.due
        }


@pytest.fixture
def provider():
    fake = FakeProvider()
    with PROVIDERS.temporarily(fake.provider):
        yield fake


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _keys(db, kind: str = "client_daily_reminder") -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboundEmail.dedupe_key)
            .where(OutboundEmail.kind == kind)
            .order_by(OutboundEmail.id)
        )
    )


def _set_tz(db, practice, tz: str) -> None:
    practice.timezone = tz
    db.session.commit()


def test_without_reminder_providers_clients_get_nothing(db, world):
    run = send_reminders_for_practice(world.a, _utc(2026, 11, 26, 20))
    assert run.queued == 0
    assert _keys(db) == []


def test_one_email_per_client_from_the_local_reminder_hour_and_never_twice(
    app, db, world, provider
):
    _set_tz(db, world.a, "Pacific/Auckland")  # UTC+13 in November
    a1, a2 = world.client_a1.id, world.client_a2.id
    # 07:59 on Thursday 26 November in Auckland: too early
    assert send_reminders_for_practice(world.a, _utc(2026, 11, 25, 18, 59)).queued == 0
    # 08:00: one email each, keyed by the local date
    run = send_reminders_for_practice(world.a, _utc(2026, 11, 25, 19, 0))
    assert run.queued == 2
    assert provider.calls == [("alpha", [a1, a2], date(2026, 11, 26))]
    expected = [f"client_daily_reminder:{a1}:2026-11-26", f"client_daily_reminder:{a2}:2026-11-26"]
    assert _keys(db) == expected
    # every few minutes for the rest of the local day: nothing more, providers not even asked
    for minutes in range(5, 16 * 60, 5):
        run = send_reminders_for_practice(
            world.a, _utc(2026, 11, 25, 19) + timedelta(minutes=minutes)
        )
        assert run.queued == 0
        assert run.already_queued == 2
    assert len(provider.calls) == 1
    assert _keys(db) == expected
    # 00:01 on the 27th (11:01 UTC): a new local day, but before the reminder hour
    assert send_reminders_for_practice(world.a, _utc(2026, 11, 26, 11, 1)).queued == 0
    # 08:00 on the 27th
    assert send_reminders_for_practice(world.a, _utc(2026, 11, 26, 19, 0)).queued == 2
    assert _keys(db)[2:] == [
        f"client_daily_reminder:{a1}:2026-11-27",
        f"client_daily_reminder:{a2}:2026-11-27",
    ]


def test_the_local_date_turns_at_local_midnight_not_utc(app, db, world, provider, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_HOUR", 0)
    _set_tz(db, world.a, "Pacific/Auckland")
    a1 = world.client_a1.id
    provider.due = {a1}
    # 23:59 on the 26th in Auckland is 10:59 UTC on the 26th
    send_reminders_for_practice(world.a, _utc(2026, 11, 26, 10, 59))
    # 00:00 on the 27th in Auckland is 11:00 UTC on the 26th (still the 26th in UTC)
    send_reminders_for_practice(world.a, _utc(2026, 11, 26, 11, 0))
    assert _keys(db) == [
        f"client_daily_reminder:{a1}:2026-11-26",
        f"client_daily_reminder:{a1}:2026-11-27",
    ]
    assert [call[2] for call in provider.calls] == [date(2026, 11, 26), date(2026, 11, 27)]


@pytest.mark.parametrize(
    ("tz", "start", "expected"),
    [
        # Auckland: clocks go forward at 02:00 on Sunday 27 September 2026 (UTC+12 -> +13)
        (
            "Pacific/Auckland",
            _utc(2026, 9, 25, 12),
            {
                "2026-09-26": _utc(2026, 9, 25, 20),
                "2026-09-27": _utc(2026, 9, 26, 19),
                "2026-09-28": _utc(2026, 9, 27, 19),
            },
        ),
        # New York: clocks go back at 02:00 on Sunday 1 November 2026 (UTC-4 -> -5)
        (
            "America/New_York",
            _utc(2026, 10, 31, 4),
            {
                "2026-10-31": _utc(2026, 10, 31, 12),
                "2026-11-01": _utc(2026, 11, 1, 13),
                "2026-11-02": _utc(2026, 11, 2, 13),
            },
        ),
    ],
)
def test_across_a_daylight_saving_change_each_local_day_gets_one_email_at_8(
    db, world, provider, tz, start, expected
):
    _set_tz(db, world.a, tz)
    provider.due = {world.client_a1.id}
    first_sent = {}
    now = start
    while now < start + timedelta(hours=72):  # every 10 minutes for three days
        run = send_reminders_for_practice(world.a, now)
        for key in run.keys:
            if key.startswith("client_daily_reminder:"):
                first_sent[key.rsplit(":", 1)[1]] = now
        now += timedelta(minutes=10)
    assert first_sent == expected
    assert len(_keys(db)) == 3


def test_preferences_and_membership_status_are_respected(db, world, provider):
    preferences.set_preference(world.client_a2, kinds.CLIENT_DAILY_REMINDER, False)
    db.session.commit()
    run = send_reminders_for_practice(world.a, _utc(2026, 11, 26, 9))
    assert run.queued == 1 and run.opted_out == 1
    assert _keys(db) == [f"client_daily_reminder:{world.client_a1.id}:2026-11-26"]

    world.client_a1.status = MemberStatus.ARCHIVED
    db.session.commit()
    assert send_reminders_for_practice(world.a, _utc(2026, 11, 27, 9)).queued == 0


def test_nothing_due_means_no_email(db, world, provider):
    provider.due = set()
    run = send_reminders_for_practice(world.a, _utc(2026, 11, 26, 9))
    # Two clients for the daily reminder, and all five members for session reminders.
    assert run.queued == 0 and run.nothing_due == 2 + 5
    assert _keys(db) == []


def test_providers_only_see_their_practices_members(db, world, provider):
    send_reminders_for_practice(world.a, _utc(2026, 11, 26, 9))
    send_reminders_for_practice(world.b, _utc(2026, 11, 26, 9))
    assert provider.calls == [
        ("alpha", [world.client_a1.id, world.client_a2.id], date(2026, 11, 26)),
        ("beta", [world.client_b.id], date(2026, 11, 26)),
    ]


def test_sections_of_several_providers_make_one_email(app, db, world, provider, client):
    second = FakeProvider(key="checkins", heading="Check-ins")
    with PROVIDERS.temporarily(second.provider):
        send_reminders_for_practice(world.a, _utc(2026, 11, 26, 9))
    emails = [
        m
        for m in db.session.scalars(select(OutboundEmail))
        if m.to_email == world.client_a1.user.email
    ]
    assert len(emails) == 1
    email = emails[0]
    assert email.subject == "Your networking reminders for Thursday 26 November"
    assert "Follow-ups" in email.body_text and "Check-ins" in email.body_text
    assert f"Follow up with Ana for member {world.client_a1.id} (due Thu 26 Nov)" in email.body_text
    assert "Check-ins" in email.body_html
    # optional email: unsubscribe link in the body and RFC 8058 headers
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    assert email.headers["List-Unsubscribe"].endswith("/one-click>")
    path = link_path(email.body_text, "unsubscribe")
    assert "Unsubscribe" in client.get(path).get_data(as_text=True)


def test_weekly_digest_goes_out_once_on_the_coachs_day(db, world):
    digest = FakeProvider(kind="coach_weekly_digest", key="digest-fake", heading="Your clients")
    preferences.set_preference(world.coach_a1, kinds.COACH_WEEKLY_DIGEST, True, 2)
    db.session.commit()
    with PROVIDERS.temporarily(digest.provider):
        # Monday 23 to Sunday 29 November 2026, 09:00 UTC (the practice is on UTC)
        for day in range(23, 30):
            send_reminders_for_practice(world.a, _utc(2026, 11, day, 9))
            send_reminders_for_practice(world.a, _utc(2026, 11, day, 15))
        keys = _keys(db, "coach_weekly_digest")
        # coach_a1 on Wednesday; owner_a and coach_a2 keep the default, Monday
        assert sorted(keys) == sorted(
            [
                f"coach_weekly_digest:{world.owner_a.id}:2026-W48",
                f"coach_weekly_digest:{world.coach_a1.id}:2026-W48",
                f"coach_weekly_digest:{world.coach_a2.id}:2026-W48",
            ]
        )
        wednesday = [call for call in digest.calls if call[2] == date(2026, 11, 25)]
        assert wednesday == [("alpha", [world.coach_a1.id], date(2026, 11, 25))]
        # moving the day later in the same week does not send a second digest
        preferences.set_preference(world.coach_a1, kinds.COACH_WEEKLY_DIGEST, True, 4)
        db.session.commit()
        send_reminders_for_practice(world.a, _utc(2026, 11, 27, 9))
        assert len(_keys(db, "coach_weekly_digest")) == 3


def test_queries_do_not_grow_with_the_number_of_clients(db, world, provider, count_queries):
    from tests import factories

    with count_queries() as few:
        send_reminders_for_practice(world.a, _utc(2026, 11, 26, 9))
    for _ in range(5):
        factories.client(world.a, world.coach_a1)
    with count_queries() as many:
        send_reminders_for_practice(world.a, _utc(2026, 11, 27, 9))
    # members, preferences, dedupe keys, providers, then the emails in one INSERT per batch
    # (ON CONFLICT DO NOTHING) and their lines in one more: the same statements for 2 or 7
    # clients
    assert many.count == few.count, many.statements
    assert sum(s.lstrip().startswith("INSERT INTO outbound_email") for s in many.statements) == 1


def test_send_reminders_command_is_idempotent(app, db, world, runner, provider):
    with time_machine.travel(_utc(2026, 11, 26, 9), tick=False):
        first = runner.invoke(args=["send-reminders"])
        second = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "queued 3, already queued 0" in first.output  # alpha's two clients and beta's one
    assert "queued 0, already queued 3" in second.output
    third = runner.invoke(args=["send-reminders", "--now", "2026-11-27T09:00:00+00:00"])
    assert "queued 3," in third.output
    assert runner.invoke(args=["send-reminders", "--now", "2026-11-27T09:00"]).exit_code == 2


def test_a_failing_provider_in_one_practice_does_not_stop_the_others(app, db, world, runner):
    def collect(practice, members, today):
        if practice.slug == "alpha":
            raise RuntimeError("boom")
        return {m.id: [ReminderItem("Something")] for m in members}

    with PROVIDERS.temporarily(ReminderProvider("flaky", "client_daily_reminder", "X", collect)):
        result = runner.invoke(args=["send-reminders", "--now", "2026-11-26T09:00:00+00:00"])
    assert result.exit_code == 1
    assert "queued 1," in result.output and "failed practices 1" in result.output
    assert _keys(db) == [f"client_daily_reminder:{world.client_b.id}:2026-11-26"]


def test_weekly_digest_lists_invitations_not_accepted_yet(app, db, world, outbox):
    """The one real provider so far: open invitations, in the owner's and the coach's digest."""
    from tests import factories

    factories.invitation(
        world.a, world.coach_a2, "late@example.test", expires_at=_utc(2026, 11, 20)
    )
    # Monday 23 November 2026, 09:00 in the practice (UTC): the default digest day
    run = send_reminders_for_practice(world.a, _utc(2026, 11, 23, 9))
    assert run.queued == 3
    digests = {m.to_email: m for m in outbox() if m.kind == "coach_weekly_digest"}
    owner = digests[world.owner_a.user.email]
    assert "invitee-a1@example.test" in owner.body_text and "late@example.test" in owner.body_text
    assert "The link expired on 20 Nov; resend it" in owner.body_text
    assert "http://localhost/p/alpha/coach/invitations" in owner.body_text
    coach1 = digests[world.coach_a1.user.email]
    assert "invitee-a1@example.test" in coach1.body_text
    assert "late@example.test" not in coach1.body_text
    assert "late@example.test" in digests[world.coach_a2.user.email].body_text
    assert owner.subject == "Your weekly CoachHub digest for Alpha Coaching"
    # beta has no open invitations: no digest there
    assert send_reminders_for_practice(world.b, _utc(2026, 11, 23, 9)).queued == 0
