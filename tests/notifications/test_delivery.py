"""The outbox sender against a real SMTP server on 127.0.0.1 (aiosmtpd).

Covers delivery, a server that refuses (5xx: failed at once; 4xx: retried),
a server that is down, exponential back-off at fixed times, the maximum
number of attempts, claims (no double delivery, also with two workers at
once on PostgreSQL) and the `flask send-outbox` command.
"""

import os
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from coachhub.extensions import db as _db
from coachhub.models import EmailStatus, OutboundEmail
from coachhub.notifications.delivery import deliver_pending, retry_delay
from coachhub.notifications.outbox import queue_email

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Inbox:
    """An SMTP handler that keeps what it accepts and can be told to refuse."""

    def __init__(self):
        self.messages = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    yield inbox
    controller.stop()


@pytest.fixture
def server_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)


@pytest.fixture
def retries(app, monkeypatch):
    """Back-off of 60 s, 120 s, 240 s, …; five attempts."""
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 60)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_MAX_SECONDS", 3600)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 5)


def _queue(world, dedupe_key=None, to="someone@example.test", headers=None):
    return queue_email(
        "invitation",
        to,
        "invitation",
        practice=world.a,
        dedupe_key=dedupe_key,
        headers=headers,
        inviter=world.owner_a.user,
        invitation=world.invitation_a1,
        link="http://localhost/invitations/abc",
        days=7,
    )


def test_delivers_text_and_html_once(app, db, world, smtp_server):
    message = _queue(world)
    assert deliver_pending() == (1, 0)
    assert deliver_pending() == (0, 0)  # sending twice never delivers twice
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["To"] == "someone@example.test"
    assert received["Subject"] == message.subject
    assert received["Message-ID"] == f"<outbox-{message.id}@coachhub.test>"
    kinds = {part.get_content_type() for part in received.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert message.sent_at is not None and message.attempts == 1
    assert message.status == EmailStatus.SENT


def test_extra_headers_are_sent(app, db, world, smtp_server):
    _queue(world, headers={"List-Unsubscribe": "<https://x.test/u/1>", "X-Test": "yes"})
    assert deliver_pending() == (1, 0)
    received = smtp_server.messages[0]
    assert received["List-Unsubscribe"] == "<https://x.test/u/1>"
    assert received["X-Test"] == "yes"


def test_server_down_keeps_the_message_with_its_error(app, db, world, server_down):
    message = _queue(world)
    assert deliver_pending() == (0, 1)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.status == EmailStatus.PENDING
    assert "ConnectionRefused" in message.last_error


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_a_permanent_refusal_fails_at_once_with_the_servers_answer(
    app, db, world, smtp_server, retries, where
):
    setattr(smtp_server, f"{where}_reply", "550 5.1.1 No such user here")
    message = _queue(world)
    assert deliver_pending() == (0, 1)
    assert message.status == EmailStatus.FAILED
    assert message.attempts == 1
    assert "No such user here" in message.last_error
    assert smtp_server.messages == []
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1), tick=False):
        assert deliver_pending() == (0, 0)  # failed rows are never tried again


def test_a_temporary_refusal_is_retried_and_then_delivered(app, db, world, smtp_server, retries):
    smtp_server.rcpt_reply = "451 4.3.0 Try again later"
    with time_machine.travel(T0, tick=False):
        message = _queue(world)
        assert deliver_pending() == (0, 1)
    assert message.status == EmailStatus.PENDING
    assert message.next_attempt_at == T0 + timedelta(seconds=60)
    assert "Try again later" in message.last_error
    smtp_server.rcpt_reply = None
    with time_machine.travel(T0 + timedelta(seconds=60), tick=False):
        assert deliver_pending() == (1, 0)
    assert message.status == EmailStatus.SENT
    assert message.attempts == 2
    assert message.last_error is None
    assert len(smtp_server.messages) == 1


def test_back_off_doubles_and_gives_up_after_the_last_attempt(app, db, world, server_down, retries):
    with time_machine.travel(T0, tick=False):
        message = _queue(world)
    due = T0
    expected_gaps = [60, 120, 240, 480]
    for attempt, gap in enumerate(expected_gaps, start=1):
        # one second early: nothing happens
        with time_machine.travel(due - timedelta(seconds=1), tick=False):
            assert deliver_pending() == (0, 0)
        with time_machine.travel(due, tick=False):
            assert deliver_pending() == (0, 1)
        assert message.attempts == attempt
        assert message.status == EmailStatus.PENDING
        assert message.next_attempt_at == due + timedelta(seconds=gap)
        due = message.next_attempt_at
    with time_machine.travel(due, tick=False):
        assert deliver_pending() == (0, 1)
    assert message.attempts == 5
    assert message.status == EmailStatus.FAILED
    assert "ConnectionRefused" in message.last_error
    with time_machine.travel(due + timedelta(days=30), tick=False):
        assert deliver_pending() == (0, 0)
    assert message.attempts == 5


def test_retry_delay_is_capped(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 60)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_MAX_SECONDS", 600)
    with app.app_context():
        assert [retry_delay(n).total_seconds() for n in range(1, 7)] == [
            60,
            120,
            240,
            480,
            600,
            600,
        ]


def test_a_message_claimed_by_another_worker_is_left_alone(app, db, world, smtp_server):
    message = _queue(world)
    message.status = EmailStatus.SENDING
    message.claimed_at = datetime.now(UTC)
    message.attempts = 1
    db.session.commit()
    assert deliver_pending() == (0, 0)
    assert smtp_server.messages == []


def test_a_claim_left_by_a_dead_worker_is_taken_over_later(app, db, world, smtp_server):
    with time_machine.travel(T0, tick=False):
        message = _queue(world)
        message.status = EmailStatus.SENDING
        message.claimed_at = T0
        message.attempts = 1
        db.session.commit()
    timeout = app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"]
    with time_machine.travel(T0 + timedelta(seconds=timeout - 1), tick=False):
        assert deliver_pending() == (0, 0)
    with time_machine.travel(T0 + timedelta(seconds=timeout + 1), tick=False):
        assert deliver_pending() == (1, 0)
    assert message.attempts == 2
    assert len(smtp_server.messages) == 1


def test_without_mail_server_messages_are_logged_and_marked_sent(app, db, world, caplog):
    message = _queue(world)
    with caplog.at_level("INFO", logger="coachhub"):
        assert deliver_pending() == (1, 0)
    assert message.sent_at is not None


def test_dedupe_key_queues_once(app, db, world):
    assert _queue(world, dedupe_key="k1") is not None
    assert _queue(world, dedupe_key="k1") is None


def test_a_dedupe_race_lost_at_insert_time_returns_none_and_keeps_the_transaction(
    app, db, world, monkeypatch
):
    """Another process queued the same key between our check and our insert."""
    from coachhub.notifications import outbox

    assert _queue(world, dedupe_key="race") is not None
    monkeypatch.setattr(outbox, "_exists", lambda key: False)
    assert _queue(world, dedupe_key="race") is None
    assert _queue(world, dedupe_key="other") is not None  # the session still works
    keys = db.session.scalars(select(OutboundEmail.dedupe_key)).all()
    assert sorted(keys) == ["other", "race"]


def test_send_outbox_command_once(app, db, world, runner, smtp_server):
    _queue(world)
    result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert len(smtp_server.messages) == 1


def test_send_outbox_loop_runs_until_stopped(app, db, world, runner, smtp_server, monkeypatch):
    import coachhub.cli

    passes = []

    def sleep(seconds):
        passes.append(seconds)
        if len(passes) == 2:
            raise KeyboardInterrupt
        _queue(world, to="second@example.test")  # arrives while the worker waits

    monkeypatch.setattr(coachhub.cli.time, "sleep", sleep)
    _queue(world)
    result = runner.invoke(args=["send-outbox", "--loop", "--interval", "3"])
    assert result.exit_code == 0, result.output
    assert passes == [3, 3]
    assert [m["To"] for m in smtp_server.messages] == [
        "someone@example.test",
        "second@example.test",
    ]
    assert "outbox worker stopped" in result.output


def test_dev_outbox_page_lists_messages_with_status_and_errors(client, world, server_down):
    _queue(world)
    deliver_pending()
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "invited you to Alpha Coaching" in page
    assert 'href="http://localhost/invitations/abc"' in page
    assert 'data-testid="outbox-status">pending' in page
    assert "1 attempt" in page
    assert "ConnectionRefused" in page


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL: the SQLite test database is one in-memory connection",
)
def test_two_workers_at_once_deliver_every_message_exactly_once(app, smtp_server):
    """Two threads, two connections, real commits: FOR UPDATE SKIP LOCKED plus the claim."""
    prefix = f"concurrency-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        for n in range(40):
            _db.session.add(
                OutboundEmail(
                    kind="test",
                    to_email=f"reader{n}@example.test",
                    subject=f"{prefix} {n}",
                    body_text="hello",
                    dedupe_key=f"{prefix}-{n}",
                )
            )
        _db.session.commit()
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                start.wait()
                results.append(deliver_pending(limit=100))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert sum(r.sent for r in results) == 40
        assert sum(r.failed for r in results) == 0
        subjects = [m["Subject"] for m in smtp_server.messages]
        assert len(subjects) == 40 and len(set(subjects)) == 40
        with app.app_context():
            rows = _db.session.scalars(
                select(OutboundEmail).where(OutboundEmail.dedupe_key.like(f"{prefix}-%"))
            ).all()
            assert {(r.status, r.attempts) for r in rows} == {(EmailStatus.SENT, 1)}
    finally:
        with app.app_context():
            _db.session.execute(
                delete(OutboundEmail).where(OutboundEmail.dedupe_key.like(f"{prefix}-%"))
            )
            _db.session.commit()
