"""The portals' reminder lines, digest sections, escalation and calendar events, at fixed dates.

World: practice alpha (owner, coach_a1 with client_a1, coach_a2 with client_a2) and
beta. Dates: Thursday 26 November 2026 unless a test says otherwise.
"""

from datetime import UTC, date, datetime, timedelta

import time_machine
from icalendar import Calendar
from sqlalchemy import select

from coachhub.models import Approach, MemberStatus, SentReminderItem, utcnow
from coachhub.notifications import kinds, preferences
from coachhub.notifications.calendar import issue_feed_token
from coachhub.notifications.due import send_reminders_for_practice
from coachhub.notifications.providers.follow_ups import (
    follow_up_events,
    ignored_follow_ups,
    overdue_follow_ups,
)
from coachhub.notifications.providers.meetings import (
    job_asking_clients,
    logs_to_review,
    quiet_clients,
)
from coachhub.services import meetings as meetings_service
from tests import factories

THU = date(2026, 11, 26)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _nine(day: date) -> datetime:
    """09:00 UTC on `day`: past the reminder hour in a UTC practice."""
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _follow_up(client, due: date, *, contact_name="Ana Lee", action="Send thanks", **kw):
    contact = factories.ContactFactory(client=client, name=contact_name)
    return factories.MeetingLogFactory(
        client=client,
        contact=contact,
        met_on=kw.pop("met_on", due - timedelta(days=5)),
        follow_up_action=action,
        follow_up_due_on=due,
        **kw,
    )


def _client_emails_queued(run) -> int:
    return sum(1 for key in run.keys if key.startswith("client_daily_reminder:"))


def _emails(outbox, kind="client_daily_reminder"):
    return [m for m in outbox() if m.kind == kind]


def _sent_rows(db, kind="client_daily_reminder"):
    db.session.expire_all()
    return db.session.execute(
        select(SentReminderItem.membership_id, SentReminderItem.item_key, SentReminderItem.sent_on)
        .where(SentReminderItem.kind == kind)
        .order_by(SentReminderItem.sent_on, SentReminderItem.id)
    ).all()


# Client daily reminder -------------------------------------------------------------------


def test_due_tomorrow_turns_at_local_midnight_in_auckland(
    app, db, world, outbox, runner, monkeypatch
):
    monkeypatch.setitem(app.config, "REMINDER_HOUR", 0)  # look at midnight itself
    world.a.timezone = "Pacific/Auckland"  # UTC+13 in November
    db.session.commit()
    log = _follow_up(world.client_a1, date(2026, 11, 27), met_on=date(2026, 11, 20))
    # 23:59 on Wednesday 25 November in Auckland (10:59 UTC): tomorrow is only the 26th
    with time_machine.travel(_utc(2026, 11, 25, 10, 59), tick=False):
        assert "queued 0," in runner.invoke(args=["send-reminders"]).output
    # 00:00 on Thursday 26 November in Auckland, still the 25th in UTC: due tomorrow
    with time_machine.travel(_utc(2026, 11, 25, 11, 0), tick=False):
        assert "queued 1," in runner.invoke(args=["send-reminders"]).output
        assert "queued 0, already queued 1" in runner.invoke(args=["send-reminders"]).output
    [email] = _emails(outbox)
    assert email.dedupe_key == f"client_daily_reminder:{world.client_a1.id}:2026-11-26"
    assert email.to_email == world.client_a1.user.email
    assert email.subject == "Your networking reminders for Thursday 26 November"
    assert "Follow-ups due tomorrow" in email.body_text
    assert "- Ana Lee: Send thanks (due Fri 27 Nov)" in email.body_text
    assert "http://localhost/p/alpha/client/follow-ups" in email.body_text
    assert 'href="http://localhost/p/alpha/client/follow-ups"' in email.body_html
    assert _sent_rows(db) == [(world.client_a1.id, f"followup:{log.id}", date(2026, 11, 26))]


def test_due_tomorrow_goes_out_from_8_local_time(db, world, outbox, runner):
    world.a.timezone = "Pacific/Auckland"
    db.session.commit()
    _follow_up(world.client_a1, date(2026, 11, 27), met_on=date(2026, 11, 20))
    # 07:59 and 08:00 on Thursday 26 November in Auckland (18:59 and 19:00 UTC on the 25th)
    with time_machine.travel(_utc(2026, 11, 25, 18, 59), tick=False):
        assert "queued 0," in runner.invoke(args=["send-reminders"]).output
    with time_machine.travel(_utc(2026, 11, 25, 19, 0), tick=False):
        assert "queued 1," in runner.invoke(args=["send-reminders"]).output
    # on Friday (the due date) it is neither due tomorrow nor overdue: no email
    with time_machine.travel(_utc(2026, 11, 26, 19, 0), tick=False):
        assert "queued 0, already queued 0," in runner.invoke(args=["send-reminders"]).output
    assert len(_emails(outbox)) == 1


def test_overdue_follow_ups_come_back_on_days_1_3_7_not_every_day(db, world, outbox):
    due = date(2026, 11, 20)
    log = _follow_up(world.client_a1, due)
    reminded = []
    for offset in range(0, 10):
        day = due + timedelta(days=offset)
        if _client_emails_queued(send_reminders_for_practice(world.a, _nine(day))):
            reminded.append(offset)
    assert reminded == [1, 3, 7]
    email = _emails(outbox)[-1]
    assert "Overdue follow-ups" in email.body_text
    assert "- Ana Lee: Send thanks (due Fri 20 Nov): 7 days overdue." in email.body_text
    assert [row.item_key for row in _sent_rows(db)] == [f"followup:{log.id}"] * 3


def test_done_archived_and_other_clients_follow_ups_are_left_out(db, world, outbox):
    due = THU - timedelta(days=1)
    _follow_up(world.client_a1, due, contact_name="Done Dana", follow_up_done_on=due)
    _follow_up(
        world.client_a1, due, contact_name="Archived Arlo", archived_at=utcnow() - timedelta(days=1)
    )
    gone = _follow_up(world.client_a1, due, contact_name="Gone Gus")
    gone.contact.archived_at = utcnow()
    _follow_up(world.client_a2, due, contact_name="Other Olga")
    _follow_up(world.client_b, due, contact_name="Beta Bea")
    db.session.commit()
    send_reminders_for_practice(world.a, _nine(THU))
    bodies = {m.to_email: m.body_text for m in _emails(outbox)}
    assert set(bodies) == {world.client_a2.user.email}
    assert "Other Olga" in bodies[world.client_a2.user.email]


def test_archived_clients_get_nothing(db, world, outbox):
    _follow_up(world.client_a1, THU + timedelta(days=1))
    world.client_a1.status = MemberStatus.ARCHIVED
    db.session.commit()
    run = send_reminders_for_practice(world.a, _nine(THU))
    assert run.queued == 0
    assert _emails(outbox) == []


def test_stale_contacts_on_the_first_day_then_a_week_and_a_month_later(db, world, outbox):
    touch_due = THU - timedelta(days=1)
    fresh = factories.ContactFactory(
        client=world.client_a1,
        name="Ben Carter",
        company="Kiwibank",
        cadence_days=30,
        last_touched_on=touch_due - timedelta(days=30),
        touch_due_on=touch_due,
    )
    # not stale yet; archived; no cadence
    factories.ContactFactory(
        client=world.client_a1, name="Soon", cadence_days=30, touch_due_on=THU + timedelta(days=40)
    )
    factories.ContactFactory(
        client=world.client_a1,
        name="Archived",
        cadence_days=30,
        touch_due_on=touch_due,
        archived_at=utcnow(),
    )
    factories.ContactFactory(client=world.client_a1, name="No cadence")
    reminded = []
    for offset in range(0, 32):
        day = THU + timedelta(days=offset)
        if _client_emails_queued(send_reminders_for_practice(world.a, _nine(day))):
            reminded.append(offset)
    assert reminded == [0, 7, 29]  # stale for 1, 8 and 30 days
    first = _emails(outbox)[0]
    assert "Contacts to get back to" in first.body_text
    assert "- Ben Carter (Kiwibank) (due Wed 25 Nov): Last in touch on Mon 26 Oct;" in (
        first.body_text
    )
    assert "http://localhost/p/alpha/client/contacts/stale" in first.body_text
    for name in ("Soon", "Archived", "No cadence"):
        assert name not in first.body_text
    assert {row.item_key for row in _sent_rows(db)} == {f"contact:{fresh.id}"}


def test_one_email_bundles_every_section_and_repeated_runs_add_nothing(db, world, outbox):
    _follow_up(world.client_a1, THU + timedelta(days=1), contact_name="Tomorrow Tia")
    _follow_up(world.client_a1, THU - timedelta(days=3), contact_name="Late Leo")
    factories.ContactFactory(
        client=world.client_a1, name="Stale Sam", cadence_days=14, touch_due_on=THU - timedelta(1)
    )
    for minutes in range(0, 120, 10):
        send_reminders_for_practice(world.a, _nine(THU) + timedelta(minutes=minutes))
    [email] = _emails(outbox)
    text = email.body_text
    assert text.index("Follow-ups due tomorrow") < text.index("Overdue follow-ups")
    assert text.index("Overdue follow-ups") < text.index("Contacts to get back to")
    assert "Tomorrow Tia" in text and "Late Leo" in text and "Stale Sam" in text
    assert len(_sent_rows(db)) == 3


def test_an_unsubscribed_client_gets_nothing_and_nothing_is_recorded(db, world, outbox):
    _follow_up(world.client_a1, THU + timedelta(days=1))
    preferences.set_preference(world.client_a1, kinds.CLIENT_DAILY_REMINDER, False)
    db.session.commit()
    run = send_reminders_for_practice(world.a, _nine(THU))
    assert run.opted_out == 1 and run.queued == 0
    assert _emails(outbox) == []
    assert _sent_rows(db) == []


def _read_only(db, practice):
    practice.trial_ends_at = utcnow() - timedelta(days=1)
    practice.subscription_status = "canceled"
    db.session.commit()


def test_read_only_practices_send_no_reminders_or_digests(db, world, outbox, runner):
    _follow_up(world.client_a1, THU + timedelta(days=1))
    _follow_up(world.client_b, THU + timedelta(days=1))
    _read_only(db, world.a)
    result = runner.invoke(args=["send-reminders", "--now", "2026-11-26T09:00:00+00:00"])
    assert result.exit_code == 0
    assert "queued 1," in result.output and "read-only practices 1" in result.output
    assert [m.to_email for m in _emails(outbox)] == [world.client_b.user.email]
    # reactivated: the next run sends the day's reminder
    world.a.subscription_status = "active"
    db.session.commit()
    assert send_reminders_for_practice(world.a, _nine(THU)).queued == 1


def test_a_practice_in_its_payment_grace_period_still_gets_reminders(db, world, outbox):
    _follow_up(world.client_a1, THU + timedelta(days=1))
    world.a.trial_ends_at = utcnow() - timedelta(days=30)
    world.a.subscription_status = "past_due"
    world.a.past_due_since = utcnow() - timedelta(days=2)
    db.session.commit()
    assert send_reminders_for_practice(world.a, _nine(THU)).queued == 1


# Escalation --------------------------------------------------------------------------------


def test_escalation_after_exactly_three_reminded_days(app, db, world):
    due = date(2026, 11, 20)  # reminded on the 19th (tomorrow), 21st and 23rd (overdue)
    log = _follow_up(world.client_a1, due, contact_name="Ana Lee", action="Send the article")
    coaches = [world.owner_a, world.coach_a1, world.coach_a2]
    seen = {}
    for offset in range(-2, 5):
        day = due + timedelta(days=offset)
        send_reminders_for_practice(world.a, _nine(day))
        found = ignored_follow_ups(world.a, coaches, day)
        seen[offset] = {m_id: [i.title for i in items] for m_id, items in found.items() if items}
    assert seen[2] == {}  # reminded on two days so far
    line = "Kim has not followed up with Ana Lee".replace("Kim", world.client_a1.user.name)
    assert seen[3] == {world.owner_a.id: [line], world.coach_a1.id: [line]}
    item = ignored_follow_ups(world.a, coaches, due + timedelta(days=4))[world.coach_a1.id][0]
    assert item.detail == (
        "“Send the article”, due Fri 20 Nov: "
        "reminded on 3 days (last Mon 23 Nov) and still not done."
    )
    assert item.url == f"http://localhost/p/alpha/coach/meetings/{log.id}"
    assert item.group == ""
    owner_item = ignored_follow_ups(world.a, coaches, due + timedelta(days=4))[world.owner_a.id][0]
    assert owner_item.group == f"{world.coach_a1.user.name}'s clients"

    # done: no longer escalated
    with time_machine.travel(_nine(due + timedelta(days=4)), tick=False):
        meetings_service.complete_follow_up(world.a, world.client_a1, log, due)
    db.session.commit()
    assert not any(ignored_follow_ups(world.a, coaches, due + timedelta(days=5)).values())


def test_the_escalation_reaches_the_coachs_digest_email(db, world, outbox):
    due = date(2026, 11, 13)  # Friday; reminded 12, 14, 16 November; digest Monday 16th
    _follow_up(world.client_a1, due, contact_name="Ana Lee")
    for offset in range(-1, 4):
        send_reminders_for_practice(world.a, _nine(due + timedelta(days=offset)))
    digests = {m.to_email: m for m in _emails(outbox, "coach_weekly_digest")}
    coach = digests[world.coach_a1.user.email].body_text
    assert "Follow-ups ignored after three reminders" in coach
    assert "has not followed up with Ana Lee" in coach
    assert "Ana Lee" in digests[world.owner_a.user.email].body_text
    assert world.coach_a2.user.email not in digests  # nothing to tell them


# Coach weekly digest -----------------------------------------------------------------------


def test_digest_sections_per_coach_and_for_the_owner_grouped_by_coach(db, world):
    a1, a2 = world.client_a1, world.client_a2
    # a1: two logs to review (the oldest on 2 Nov), one overdue follow-up
    factories.MeetingLogFactory(client=a1, met_on=date(2026, 11, 2))
    _follow_up(a1, date(2026, 11, 20), met_on=date(2026, 11, 10))
    reviewed = factories.MeetingLogFactory(client=a1, met_on=date(2026, 11, 1))
    factories.ReviewFactory(log_row=reviewed)
    factories.MeetingLogFactory(client=a1, met_on=THU + timedelta(days=3))  # a plan: not yet
    factories.MeetingLogFactory(client=a1, met_on=date(2026, 11, 3), archived_at=utcnow())
    # a2: joined in September, quiet since 1 October
    a2.created_at = _utc(2026, 9, 1)
    factories.MeetingLogFactory(client=a2, met_on=date(2026, 10, 1))
    factories.ReviewFactory(log_row=factories.MeetingLogFactory(client=a2, met_on=date(2026, 9, 1)))
    # beta's client never shows up in alpha
    factories.MeetingLogFactory(client=world.client_b, met_on=date(2026, 11, 2))
    members = [world.owner_a, world.coach_a1, world.coach_a2]

    review = logs_to_review(world.a, members, THU)
    [line] = review[world.coach_a1.id]
    assert line.title == "2 meeting logs waiting for review"
    assert line.detail.startswith(f"The oldest is {a1.user.name}'s meeting of Mon 2 Nov")
    assert line.url == "http://localhost/p/alpha/coach/reviews"
    assert [i.title for i in review[world.coach_a2.id]] == ["1 meeting log waiting for review"]
    assert [i.group for i in review[world.owner_a.id]] == [
        f"{world.coach_a1.user.name}'s clients",
        f"{world.coach_a2.user.name}'s clients",
    ]

    overdue = overdue_follow_ups(world.a, members, THU)
    assert [(i.title, i.detail) for i in overdue[world.coach_a1.id]] == [
        (a1.user.name, "1 overdue follow-up, the oldest due Fri 20 Nov.")
    ]
    assert overdue[world.coach_a2.id] == []
    assert overdue[world.coach_a1.id][0].url == f"http://localhost/p/alpha/coach/clients/{a1.id}"

    quiet = quiet_clients(world.a, members, THU)
    assert quiet[world.coach_a1.id] == []
    assert [(i.title, i.detail) for i in quiet[world.coach_a2.id]] == [
        (a2.user.name, "Last meeting Thu 1 Oct (56 days ago).")
    ]
    assert [i.title for i in quiet[world.owner_a.id]] == [a2.user.name]


def test_the_owners_own_clients_come_first_and_new_clients_are_not_quiet(db, world):
    mine = factories.client(world.a, world.owner_a, created_at=_utc(2026, 9, 1))
    recent = factories.client(world.a, world.coach_a1, created_at=_utc(2026, 11, 20))
    # Joined recently, with a meeting from before they joined logged on their first day.
    factories.MeetingLogFactory(client=recent, met_on=date(2026, 8, 1))
    archived = factories.client(world.a, world.coach_a1, created_at=_utc(2026, 9, 1))
    archived.status = MemberStatus.ARCHIVED
    db.session.commit()
    quiet = quiet_clients(world.a, [world.owner_a, world.coach_a1], THU)
    assert [(i.title, i.group) for i in quiet[world.owner_a.id]] == [
        (mine.user.name, "Your clients")
    ]
    assert quiet[world.owner_a.id][0].detail == "No meeting logged since they joined on Tue 1 Sep."
    assert quiet[world.coach_a1.id] == []


def test_clients_whose_latest_log_was_job_asking(db, world):
    a1, a2 = world.client_a1, world.client_a2
    job = Approach.JOB_ASKING
    # a1: 2 of the last 3 logs job-asking, the latest among them; an older one is not counted
    for met_on, approach in (
        (date(2026, 10, 1), job),
        (date(2026, 11, 10), job),
        (date(2026, 11, 12), Approach.INFORMATION),
        (date(2026, 11, 20), job),
    ):
        factories.MeetingLogFactory(client=a1, met_on=met_on, approach=approach)
    factories.MeetingLogFactory(client=a1, met_on=THU + timedelta(days=2), approach=None)  # plan
    # a2: asked for a job once, then a good information-seeking meeting: not listed
    factories.MeetingLogFactory(client=a2, met_on=date(2026, 11, 1), approach=job)
    factories.MeetingLogFactory(client=a2, met_on=date(2026, 11, 5), approach=None)
    factories.MeetingLogFactory(client=world.client_b, met_on=THU, approach=job)
    db.session.commit()
    found = job_asking_clients(world.a, [world.owner_a, world.coach_a1, world.coach_a2], THU)
    assert [(i.title, i.detail) for i in found[world.coach_a1.id]] == [
        (
            a1.user.name,
            "2 of their last 3 logs came across as asking for a job (the latest on Fri 20 Nov)."
            " Help them turn the ask into a question.",
        )
    ]
    assert found[world.coach_a2.id] == []
    assert [i.title for i in found[world.owner_a.id]] == [a1.user.name]


def test_a_coach_with_nothing_to_report_gets_no_digest(db, world, outbox):
    world.invitation_a1.revoked_at = utcnow()
    db.session.commit()
    run = send_reminders_for_practice(world.a, _nine(date(2026, 11, 23)))  # Monday
    assert run.queued == 0
    assert _emails(outbox, "coach_weekly_digest") == []


# Query counts ------------------------------------------------------------------------------


def _client_with_everything(practice, coach, day: date):
    client = factories.client(practice, coach, created_at=_utc(2026, 8, 1))
    _follow_up(client, day + timedelta(days=1))
    _follow_up(client, day - timedelta(days=1))
    factories.ContactFactory(client=client, cadence_days=7, touch_due_on=day - timedelta(days=1))
    factories.MeetingLogFactory(client=client, met_on=day - timedelta(days=40))
    return client


def test_send_reminders_queries_do_not_grow_with_clients(db, world, count_queries):
    monday = date(2026, 11, 23)  # every coach's digest day, and a client reminder day
    _client_with_everything(world.a, world.coach_a1, monday)

    def run(day):
        with count_queries() as counter:
            result = send_reminders_for_practice(world.a, _nine(day))
        per_email = ("INSERT INTO outbound_email", "SELECT outbound_email.id")
        lookups = [s for s in counter.statements if not s.lstrip().startswith(per_email)]
        return result.queued, lookups, counter.count

    few_queued, few, few_count = run(monday)
    for _ in range(9):
        _client_with_everything(world.a, world.coach_a2, monday + timedelta(days=7))
    _client_with_everything(world.a, world.coach_a1, monday + timedelta(days=7))
    many_queued, many, many_count = run(monday + timedelta(days=7))
    assert few_queued == 1 + 2  # the client, the owner and their coach
    assert many_queued == 11 + 3  # now both coaches have clients
    assert len(many) == len(few), "\n".join(many)
    # the emails go in one INSERT per batch (ON CONFLICT DO NOTHING): 3 or 14 emails, the
    # same statements
    assert many_count == few_count
    # 25, one more per kind for the inbox section ("What happened"), and four for session
    # reminders, a kind of their own: members, preferences, dedupe, sessions.
    assert len(few) <= 27 + 4, len(few)


# Calendar ----------------------------------------------------------------------------------


def _feed(db, client, practice, membership):
    token = issue_feed_token(practice, membership)
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_calendar_feeds_list_open_follow_ups_of_the_token_owner_only(db, world, client):
    mine = _follow_up(world.client_a1, date(2026, 12, 1), contact_name="Ana Lee")
    _follow_up(world.client_a1, date(2026, 12, 2), contact_name="Done Dan", follow_up_done_on=THU)
    _follow_up(world.client_a1, date(2026, 12, 3), contact_name="Archived Al", archived_at=utcnow())
    _follow_up(world.client_a2, date(2026, 12, 4), contact_name="Other Olga")
    _follow_up(world.client_b, date(2026, 12, 5), contact_name="Beta Bea")
    db.session.commit()

    events = _feed(db, client, world.a, world.client_a1)
    assert set(events) == {"Follow up with Ana Lee: Send thanks"}
    event = events["Follow up with Ana Lee: Send thanks"]
    assert event["DTSTART"].dt == date(2026, 12, 1)
    assert event["DTEND"].dt == date(2026, 12, 2)
    assert str(event["UID"]) == f"followup-{mine.id}.alpha@localhost"
    assert str(event["URL"]) == "http://localhost/p/alpha/client/follow-ups"

    name = world.client_a1.user.name
    assert set(_feed(db, client, world.a, world.coach_a1)) == {
        f"{name}: follow up with Ana Lee (Send thanks)"
    }
    assert set(_feed(db, client, world.a, world.coach_a2)) == {
        f"{world.client_a2.user.name}: follow up with Other Olga (Send thanks)"
    }
    # the owner's feed holds their own clients' follow-ups (none here), not the practice's
    assert _feed(db, client, world.a, world.owner_a) == {}
    assert set(_feed(db, client, world.b, world.client_b)) == {
        "Follow up with Beta Bea: Send thanks"
    }


def test_calendar_provider_costs_one_query(db, world, count_queries):
    for n in range(5):
        _follow_up(world.client_a1, date(2026, 12, 1 + n), contact_name=f"C{n}")
    assert world.a.slug and world.coach_a1.role  # loaded before counting
    with count_queries() as counter:
        events = follow_up_events(world.a, world.coach_a1)
    assert len(events) == 5
    assert counter.count == 1


# The demo practice -------------------------------------------------------------------------


def test_demo_data_produces_the_documented_emails(app, db, outbox, runner):
    """docs/notifications.md lists these: seeded on Thursday 26 November 2026 in Auckland."""
    from coachhub.demo import build_demo

    with time_machine.travel(_utc(2026, 11, 25, 19, 0), tick=False):  # 08:00 in Auckland
        build_demo()
        db.session.commit()
        assert runner.invoke(args=["send-reminders"]).exit_code == 0
        # Monday 30 November, 08:00 in Auckland: the digests (Monday is the default day)
        result = runner.invoke(args=["send-reminders", "--now", "2026-11-30T08:00+13:00"])
        assert result.exit_code == 0
    # The demo's upcoming sessions were booked through the service: their invitations.
    booked = {m.to_email for m in outbox() if m.kind == "session_booked"}
    assert booked == {"coach@demo.test", "client@demo.test", "owner@demo.test", "client4@demo.test"}
    sent = [
        (m.to_email, m.subject, [line for line in m.body_text.splitlines() if _heading(line)])
        for m in outbox()
        if not m.kind.startswith("session_")
    ]
    daily = "Your networking reminders for "
    digest = "Your weekly CoachHub digest for Demo Coaching"
    with_checkins = [
        "Meeting logs to review",
        "Check-ins: overdue and at-risk clients",
        "Overdue follow-ups",
        "No activity in 30 days",
    ]
    assert sent == [
        ("client@demo.test", daily + "Thursday 26 November", ["Overdue follow-ups"]),
        ("client3@demo.test", daily + "Thursday 26 November", ["Career check-in"]),
        ("client4@demo.test", daily + "Thursday 26 November", ["Contacts to get back to"]),
        ("client3@demo.test", daily + "Monday 30 November", ["Career check-in"]),
        ("client4@demo.test", daily + "Monday 30 November", ["Overdue follow-ups"]),
        ("owner@demo.test", digest, [with_checkins[0], "Asking for a job", *with_checkins[1:]]),
        ("coach@demo.test", digest, with_checkins),
        (
            "coach2@demo.test",
            digest,
            ["Meeting logs to review", "Asking for a job", "Overdue follow-ups"],
        ),
    ]


def _heading(line: str) -> bool:
    return line in {
        "Follow-ups due tomorrow",
        "Overdue follow-ups",
        "Contacts to get back to",
        "Meeting logs to review",
        "Asking for a job",
        "Follow-ups ignored after three reminders",
        "No activity in 30 days",
        "Invitations not accepted yet",
        "Career check-in",
        "Check-ins: overdue and at-risk clients",
    }


def test_the_owners_digest_shows_a_sub_heading_per_coach(db, world, outbox):
    factories.MeetingLogFactory(client=world.client_a1, met_on=date(2026, 11, 2))
    factories.MeetingLogFactory(client=world.client_a2, met_on=date(2026, 11, 3))
    send_reminders_for_practice(world.a, _nine(date(2026, 11, 23)))
    [owner] = [m for m in outbox() if m.to_email == world.owner_a.user.email]
    c1, c2 = world.coach_a1.user.name, world.coach_a2.user.name
    assert owner.body_text.index(f"{c1}'s clients:") < owner.body_text.index(f"{c2}'s clients:")
    html = owner.body_html
    assert html.count("<ul") == html.count("</ul>")
    assert '<ul style="padding-left: 20px; margin: 0;">\n\n</ul>' not in html
    assert html.index(f"{c1}&#39;s clients</h3>") < html.index(f"{c2}&#39;s clients</h3>")
    [coach] = [m for m in outbox() if m.to_email == world.coach_a1.user.email]
    assert "<h3" not in coach.body_html and "clients:" not in coach.body_text
