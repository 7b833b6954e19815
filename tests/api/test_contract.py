"""The API's contract, checked by Schemathesis against a real server on 127.0.0.1.

The server runs its own app on a throwaway SQLite file with a small practice in it
(the suite's rolled-back transactions are invisible to another connection). Every
operation in the OpenAPI document gets generated parameters and bodies with a valid
token: no response may be a 5xx, and every status, content type and body must be the
ones the document declares. Examples per operation are few, so CI stays quick.
"""

import threading
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from coachhub import create_app
from coachhub.api import load_resources
from coachhub.extensions import db
from coachhub.models import utcnow
from coachhub.services import api_tokens
from config import TestingConfig
from tests import factories

MAX_EXAMPLES = 12
OPERATIONS = load_resources()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server with its own database: its URL and a token per role."""

    class ContractConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('api')}/api.sqlite"
        RATELIMIT_ENABLED = False

    app = create_app(ContractConfig)
    with app.app_context():
        db.create_all()
        w = factories.build_world()
        contact = factories.ContactFactory(client=w.client_a1)
        factories.GoalFactory(client=w.client_a1)
        log = factories.MeetingLogFactory(
            client=w.client_a1,
            contact=contact,
            follow_up_action="Send a thank-you email",
            follow_up_due_on=utcnow().date() + timedelta(days=3),
        )
        factories.ReviewFactory(log_row=log)
        factories.CheckinFactory(client=w.client_a1)
        tokens = {
            role: api_tokens.create_token(w.a, member, "contract", "write")[1]
            for role, member in (("coach", w.owner_a), ("client", w.client_a1))
        }
        db.session.commit()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", tokens
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def schema(server):
    url, _ = server
    return schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")


def _path(rule: str) -> str:
    import re

    return "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{o.method} {o.rule}" for o in OPERATIONS])
def test_every_operation_keeps_its_contract(server, schema, op):
    url, tokens = server
    # Client writes with the client's token; everything else as the owner.
    headers = {"Authorization": f"Bearer {tokens['client' if op.roles == 'client' else 'coach']}"}
    operation = schema[_path(op.rule)][op.method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)

    check()
