"""The request log names the URL rule, never a path that carries a secret token."""

import logging

import pytest

SECRET = "s3cr3t-token-value-that-must-not-be-logged"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(f"{r.getMessage()} {r.__dict__}" for r in self.records)


@pytest.fixture
def request_log():
    logger = logging.getLogger("coachhub.request")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        (f"/invitations/{SECRET}", "/invitations/<token>"),
        (f"/password/reset/{SECRET}", "/password/reset/<token>"),
        (f"/unsubscribe/{SECRET}", "/unsubscribe/<token>"),
        (f"/calendar/{SECRET}.ics", "/calendar/<token>.ics"),
    ],
)
def test_tokens_stay_out_of_the_request_log(client, request_log, path, rule):
    client.get(path)
    assert request_log.records, "the request was logged"
    assert SECRET not in request_log.text()
    assert request_log.records[-1].route == rule
