"""An email whose header holds a CR/LF fails at once (nothing sent), never stays pending."""

from coachhub.models import EmailStatus, OutboundEmail
from coachhub.notifications.delivery import deliver_pending
from tests.notifications.test_delivery import _queue, smtp_server  # noqa: F401 -- fixture


def test_a_crlf_in_a_header_fails_once_and_sends_nothing(app, db, world, smtp_server):  # noqa: F811
    bad = _queue(world, to="first@example.test")
    bad.subject = "Hello\r\nBcc: victim@evil.example"
    good = _queue(world, to="second@example.test")
    db.session.commit()
    assert deliver_pending() == (1, 1)
    db.session.refresh(bad)
    assert bad.status == EmailStatus.FAILED and bad.attempts == 1
    assert "linefeed" in bad.last_error
    assert [m["To"] for m in smtp_server.messages] == [good.to_email]
    assert deliver_pending() == (0, 0)


def test_a_crlf_in_an_extra_header_fails_too(app, db, world, smtp_server):  # noqa: F811
    message = _queue(world, headers={"X-Note": "a\nb"})
    assert deliver_pending() == (0, 1)
    assert db.session.get(OutboundEmail, message.id).status == EmailStatus.FAILED


def test_a_carriage_return_from_a_name_never_reaches_the_subject(app, db, world):
    world.owner_a.user.name = "Olivia\rBcc: x@evil.example"
    message = _queue(world)
    assert "\r" not in message.subject and "\n" not in message.subject
