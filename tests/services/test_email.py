"""The outbox sender against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from coachhub.services.email import deliver_pending, queue_email


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER="", MAIL_PORT=587, MAIL_USE_TLS=True)


def _queue(world, dedupe_key=None):
    return queue_email(
        "invitation",
        "someone@example.test",
        "invitation",
        practice=world.a,
        dedupe_key=dedupe_key,
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
    kinds = {part.get_content_type() for part in received.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert message.sent_at is not None and message.attempts == 1


def test_server_down_keeps_the_message_with_its_error(app, db, world):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    try:
        message = _queue(world)
        assert deliver_pending() == (0, 1)
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=587, MAIL_USE_TLS=True)
    assert message.sent_at is None
    assert message.attempts == 1
    assert "ConnectionRefused" in message.last_error


def test_without_mail_server_messages_are_logged_and_marked_sent(app, db, world, caplog):
    message = _queue(world)
    with caplog.at_level("INFO", logger="coachhub"):
        assert deliver_pending() == (1, 0)
    assert message.sent_at is not None


def test_dedupe_key_queues_once(app, db, world):
    assert _queue(world, dedupe_key="k1") is not None
    assert _queue(world, dedupe_key="k1") is None


def test_dev_outbox_page_lists_messages(client, world):
    _queue(world)
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "invited you to Alpha Coaching" in page
    assert 'href="http://localhost/invitations/abc"' in page
