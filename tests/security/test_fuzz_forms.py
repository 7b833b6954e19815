"""Hypothesis drives the forms of both portals, billing and auth with generated values
(long, unicode, NUL, huge numbers, bad dates, unknown choices).

The forms are found the way a person finds them: by opening the pages and reading their
<form method="post"> elements. The property: never a 5xx, and a refused form (the form
shown again, or a 4xx) changes no row. Examples per form: HYPOTHESIS_EXAMPLES (default 8).
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachhub.models import utcnow
from tests import factories
from tests.test_isolation import _fingerprint

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "8"))
# Actions that would end the test's own session or hide its objects: not fuzzed.
SKIPPED_ACTIONS = ("/logout", "/archive", "/revoke", "/two-factor/off", "/account/security/email")


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> known choices


class FormFinder(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = Form(urljoin(self.page_url, attrs.get("action") or self.page_url))
        elif self._current is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if name and name != "csrf_token" and attrs.get("type") != "submit":
                choices = self._current.fields.setdefault(name, [])
                if attrs.get("value") and attrs.get("type") in ("radio", "checkbox", "hidden"):
                    choices.append(attrs["value"])
        elif self._current is not None and tag == "option" and self._current.fields:
            last = list(self._current.fields)[-1]
            if attrs.get("value"):
                self._current.fields[last].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def forms_on(client, path: str) -> list[Form]:
    response = client.get(path)
    assert response.status_code == 200, path
    finder = FormFinder(path)
    finder.feed(response.get_data(as_text=True))
    return [f for f in finder.forms if not f.action.endswith(SKIPPED_ACTIONS)]


NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "9" * 20,
        "-1",
        "0",
        "2147483648",
        "1e309",
        "NaN",
        "9999-12-31",
        "0000-00-00",
        "2024-02-30",
        "0001-01-01",
        "x" * 5000,
        "ü🙂漢字\u202e",
        '=HYPERLINK("http://evil.example")',
        "/\t/evil.example",
        "<script>alert(1)</script>",
        "a\r\nBcc: x@evil.example",
    ]
)
VALUE = st.one_of(
    NASTY,
    st.text(max_size=300),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def field_values(choices: list[str]):
    return st.one_of(st.sampled_from(choices), VALUE) if choices else VALUE


def form_data(form: Form):
    return st.fixed_dictionaries({name: field_values(c) for name, c in form.fields.items()})


def fuzz(client, db, form: Form) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(form))
    def run(data):
        before = _fingerprint()
        response = client.post(form.action, data=data)
        status = response.status_code
        assert status < 500, f"{form.action} answered {status} to {data!r}"
        if status == 200 or 400 <= status < 500:
            db.session.expire_all()
            assert _fingerprint() == before, f"{form.action} refused {data!r} but changed rows"

    run()


def _world_with_objects(world):
    contact = factories.ContactFactory(client=world.client_a1, name="Dana Lee")
    goal = factories.GoalFactory(client=world.client_a1, title="Fintech goal")
    log = factories.MeetingLogFactory(
        client=world.client_a1,
        contact=contact,
        met_on=utcnow().date() - timedelta(days=2),
        follow_up_action="Send notes",
        follow_up_due_on=utcnow().date() + timedelta(days=3),
    )
    # Something unread in both inboxes, so their "Mark read" forms are on the page.
    factories.inbox_item(world.client_a1, world.client_a1)
    factories.inbox_item(world.owner_a, world.client_a1)
    return contact, goal, log


CLIENT_PAGES = [
    "/meetings/new",
    "/contacts/new",
    "/contacts/{contact}/edit",
    "/meetings/{log}",
    "/meetings/{log}/edit",
    "/goals/propose",
    "/follow-ups",
    "/landing",
    "/checkins",
    "/notifications",
    "/calendar",
    "/messages",
    "/messages?about_type=log&about_id={log}",
    "/inbox",
]
COACH_PAGES = [
    "/invitations",
    "/settings",
    "/clients/{client}/goals/new",
    "/clients/{client}/landing",
    "/clients/{client}/reassign",
    "/clients/{client}/career",
    "/meetings/{log}",
    "/goals/{goal}/edit",
    "/clients/{client}/messages",
    "/inbox",
]


@pytest.mark.parametrize(
    ("who", "area", "page"),
    [("client_a1", "client", p) for p in CLIENT_PAGES]
    + [("owner_a", "coach", p) for p in COACH_PAGES],
)
def test_practice_forms_never_fail(db, world, login, who, area, page):
    contact, goal, log = _world_with_objects(world)
    client = login(getattr(world, who).user)
    path = f"/p/alpha/{area}" + page.format(
        contact=contact.id, goal=goal.id, log=log.id, client=world.client_a1.id
    )
    forms = forms_on(client, path)
    assert forms, f"no form found on {path}"
    for form in forms:
        fuzz(client, db, form)


def test_billing_forms_never_fail(db, world, login):
    """Without Stripe keys the billing pages show no forms; their actions still get posted."""
    client = login(world.owner_a.user)
    for form in (
        Form("/p/alpha/billing/subscribe", {"plan": ["monthly", "yearly"]}),
        Form("/p/alpha/billing/seats", {"quantity": ["3"], "proration_token": []}),
    ):
        fuzz(client, db, form)


@pytest.mark.parametrize("page", ["/signup", "/login", "/password/forgot"])
def test_public_auth_forms_never_fail(db, world, app, page):
    client = app.test_client()
    for form in forms_on(client, page):
        fuzz(client, db, form)


@pytest.mark.parametrize("page", ["/account/password", "/account/security"])
def test_account_forms_never_fail(db, world, login, page):
    client = login(world.coach_a1.user)
    for form in forms_on(client, page):
        fuzz(client, db, form)


def test_invitation_and_reset_forms_never_fail(db, world, app, outbox):
    from tests.conftest import link_path

    _, token = factories.invitation(world.a, world.owner_a, "fuzzed@example.test")
    client = app.test_client()
    for form in forms_on(client, f"/invitations/{token}"):
        fuzz(client, db, form)
    client.post("/password/forgot", data={"email": world.coach_a1.user.email})
    reset = link_path(outbox(world.coach_a1.user.email)[-1].body_text, "password/reset")
    for form in forms_on(client, reset):
        fuzz(client, db, form)
