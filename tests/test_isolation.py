"""Tenancy: every route, probed with another practice, the wrong role and other people's ids.

Routes come from `app.url_map`, so a new route is probed automatically; a
route whose blueprint or URL parameter this file does not know fails
`test_every_route_is_classified` until it is added below, and a POST route
without a valid body in `tests/isolation_bodies.py` fails
`test_every_post_route_has_a_body` (that file's top says how to add one).

Every refusal is one specified answer: anonymous -> 302 to the login page,
another practice (its slug or ours, its ids or ours) -> 404, the wrong role ->
403, the same role with someone else's ids -> 404 (403 on owner-only pages,
whose role check comes first). POSTs carry the route's valid body, so a refusal
is never an empty form's; the rightful user's GET and POST then succeed.
"""

import hashlib
import re

import pytest
from sqlalchemy import func, select, text

from coachhub import create_app
from coachhub.extensions import db
from config import TestingConfig
from tests import factories
from tests.factories import World
from tests.isolation_bodies import FIELD_ERROR, FORM_REFUSED, POSTS

# Reachable without logging in.
PUBLIC = {
    "static",
    "public.landing",
    "public.pricing",
    "public.healthz",
    "auth.signup",
    "auth.login",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept_invitation",
    # The code step of sign-in: only for whoever just passed the password step.
    "auth.two_factor_code",
    "dev.outbox",
    # Stripe calls it; the signature, not a login, proves who is calling.
    "stripe_webhook.receive",
    # Authorised by what is in the URL: a signed unsubscribe link, a secret calendar token.
    "notifications.unsubscribe",
    "notifications.one_click_unsubscribe",
    "notifications.calendar_feed",
    # The API's document and reference page; every other API operation needs a token
    # (probed by test_api_operation_is_isolated below).
    "api.openapi",
    "api.reference",
    # A practice's logo and accent stylesheet: shown on invitation pages and in emails, so
    # public; each answers only for its own practice (tests/coach/test_branding.py).
    "public.practice_logo",
    "public.practice_accent",
}
# Need a login but belong to no practice.
LOGIN_ONLY = {
    "auth.logout",
    "auth.practices",
    "auth.change_password",
    "auth.security",
    "auth.disable_two_factor",
    "auth.renew_recovery_codes",
    "auth.change_email",
    "auth.api_tokens_page",
    "auth.revoke_api_token",
}

# Practice areas: blueprint -> (who may use it, who may not).
AREAS = {
    "coach": ("coach_a1", ["client_a1"]),
    "client": ("client_a1", ["coach_a1", "owner_a"]),
    "billing": ("owner_a", ["coach_a1", "client_a1"]),
}
# Coach-area pages only the owner may use.
OWNER_ONLY = {
    "coach.team",
    "coach.archive_coach",
    "coach.restore_coach",
    "coach.settings",
    "coach.branding_settings",
    "coach.restore_client",
    "coach.reassign_client",
    "coach.checkins_overview",
    "coach.audit_log",
    "coach.audit_log_csv",
    "coach.export_practice_zip",
    "coach.webhooks_page",
    "coach.webhook",
    "coach.rotate_webhook_secret",
    "coach.switch_webhook",
    "coach.resend_webhook_delivery",
}
# Practice B's member who may use the area there: probes practice A's ids on B's own slug.
AREA_USERS_B = {"coach": "owner_b", "client": "client_b", "billing": "owner_b"}
# Within an area, who sees the ids of the rightful user's objects but must get 404.
SAME_PRACTICE_OUTSIDERS = {"coach": "coach_a2", "client": "client_a2", "billing": None}

# URL parameter -> an object of practice A that belongs to coach_a1 / client_a1.
PARAMS = {
    "client_id": lambda w: w.client_a1.id,
    "invitation_id": lambda w: w.invitation_a1.id,
    "member_id": lambda w: w.coach_a1.id,
    "goal_id": lambda w: factories.GoalFactory(client=w.client_a1).id,
    "contact_id": lambda w: factories.ContactFactory(client=w.client_a1).id,
    "log_id": lambda w: _log(w.client_a1).id,
    "checkin_id": lambda w: factories.CheckinFactory(client=w.client_a1).id,
    # An inbox item of coach_a1 about client_a1: other coaches, clients and practices get 404.
    "item_id": lambda w: factories.inbox_item(w.coach_a1, w.client_a1).id,
    "session_id": lambda w: factories.CoachingSessionFactory(client=w.client_a1).id,
    "action_id": lambda w: _action_item(w.client_a1).id,
    "blocked_id": lambda w: _blocked(w.coach_a1).id,
    "introduction_id": lambda w: factories.IntroductionFactory(client=w.client_a1).id,
    "import_id": lambda w: factories.PendingImportFactory(client=w.client_a1).id,
    "entry_id": lambda w: factories.PromiseFactory(client=w.client_a1).id,
    # The owner's webhook endpoint and one delivery of it.
    "endpoint_id": lambda w: factories.webhook_endpoint(w.a).id,
    "delivery_id": lambda w: factories.webhook_delivery(w.a).id,
}
# ... and the same kind of object in practice B (other practice, own slug).
PARAMS_B = {
    "client_id": lambda w: w.client_b.id,
    "invitation_id": lambda w: factories.invitation(w.b, w.owner_b, "invitee-b@example.test")[0].id,
    "member_id": lambda w: w.coach_b.id,
    "goal_id": lambda w: factories.GoalFactory(client=w.client_b).id,
    "contact_id": lambda w: factories.ContactFactory(client=w.client_b).id,
    "log_id": lambda w: _log(w.client_b).id,
    "checkin_id": lambda w: factories.CheckinFactory(client=w.client_b).id,
    "item_id": lambda w: factories.inbox_item(w.owner_b, w.client_b).id,
    "session_id": lambda w: factories.CoachingSessionFactory(client=w.client_b).id,
    "action_id": lambda w: _action_item(w.client_b).id,
    "blocked_id": lambda w: _blocked(w.coach_b).id,
    "introduction_id": lambda w: factories.IntroductionFactory(client=w.client_b).id,
    "import_id": lambda w: factories.PendingImportFactory(client=w.client_b).id,
    "entry_id": lambda w: factories.PromiseFactory(client=w.client_b).id,
    "endpoint_id": lambda w: factories.webhook_endpoint(w.b).id,
    "delivery_id": lambda w: factories.webhook_delivery(w.b).id,
}


def _log(client):
    """A meeting log with an open follow-up, so every follow-up route has something to act on."""
    from datetime import timedelta

    from coachhub.models import utcnow

    return factories.MeetingLogFactory(
        client=client,
        follow_up_action="Send thank-you note",
        follow_up_due_on=utcnow().date() + timedelta(days=2),
    )


def _action_item(client):
    """An open action item from a session of `client`."""
    from datetime import timedelta

    from coachhub.models import ActionItem, utcnow

    session = factories.CoachingSessionFactory(client=client)
    item = ActionItem(
        practice_id=client.practice_id,
        client_membership_id=client.id,
        session_id=session.id,
        title="Email two people from the alumni list",
        due_on=utcnow().date() + timedelta(days=5),
    )
    db.session.add(item)
    db.session.commit()
    return item


def _blocked(coach):
    """A day off in `coach`'s availability."""
    from datetime import timedelta

    from coachhub.models import BlockedDate, utcnow

    availability = factories.availability(coach)
    row = BlockedDate(
        practice_id=coach.practice_id,
        availability_id=availability.id,
        blocked_on=utcnow().date() + timedelta(days=9),
    )
    db.session.add(row)
    db.session.commit()
    return row


_app = create_app(TestingConfig)
RULES = sorted(
    (
        (rule.endpoint, method, rule)
        for rule in _app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ),
    key=lambda item: (item[0], item[1]),
)
PRACTICE_RULES = [
    (endpoint, method)
    for endpoint, method, rule in RULES
    if endpoint not in PUBLIC and endpoint not in LOGIN_ONLY and not endpoint.startswith("api.")
]
API_RULES = [
    (endpoint, method)
    for endpoint, method, rule in RULES
    if endpoint.startswith("api.") and endpoint not in PUBLIC
]


def _rule(endpoint: str):
    return next(rule for e, _, rule in RULES if e == endpoint)


def _area(endpoint: str) -> str:
    return endpoint.split(".", 1)[0]


def _url(app, endpoint: str, slug: str, values: dict) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, practice_slug=slug, **values)


# Where one endpoint needs its own kind of object behind a URL parameter: a client marks
# their own inbox item read, not their coach's.
ENDPOINT_PARAMS = {
    ("client.inbox_mark_read", "item_id"): (
        lambda w: factories.inbox_item(w.client_a1, w.client_a1).id,
        lambda w: factories.inbox_item(w.client_b, w.client_b).id,
    ),
}


def _values(world: World, endpoint: str, params=PARAMS) -> dict:
    rule = _rule(endpoint)
    values = {}
    for arg in rule.arguments - {"practice_slug"}:
        special = ENDPOINT_PARAMS.get((endpoint, arg))
        make = special[0 if params is PARAMS else 1] if special else params[arg]
        values[arg] = make(world)
    return values


def _fingerprint(skip: frozenset[str] = frozenset()) -> str:
    """A digest of every row in every table: a refused request must not change it."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


def _request(client, method: str, url: str, body: dict | None = None):
    return client.open(url, method=method, data=body or {})


WRONG_ROLE_STATUS = 403
OUTSIDER_STATUS = 404


def test_every_route_is_classified():
    unknown = []
    for endpoint, _, rule in RULES:
        if endpoint in PUBLIC or endpoint in LOGIN_ONLY:
            continue
        if endpoint.startswith("api."):
            for arg in rule.arguments:
                if arg not in PARAMS or arg not in PARAMS_B:
                    unknown.append(f"{endpoint}: URL parameter {arg!r} not in PARAMS/PARAMS_B")
            continue
        if _area(endpoint) not in AREAS:
            unknown.append(f"{endpoint}: blueprint not in AREAS, PUBLIC or LOGIN_ONLY")
        for arg in rule.arguments - {"practice_slug"}:
            if arg not in PARAMS or arg not in PARAMS_B:
                unknown.append(f"{endpoint}: URL parameter {arg!r} not in PARAMS/PARAMS_B")
        if "practice_slug" not in rule.arguments:
            unknown.append(f"{endpoint}: practice route without /p/<practice_slug>/")
    assert not unknown, "\n".join(unknown)


def test_every_post_route_has_a_body():
    """A POST route added without its entry in tests/isolation_bodies.py fails here."""
    posts = {endpoint for endpoint, method, _ in RULES if method == "POST"}
    missing = sorted(posts - POSTS.keys())
    assert not missing, "add to tests/isolation_bodies.py POSTS: " + ", ".join(missing)
    stale = sorted(POSTS.keys() - posts)
    assert not stale, "no such POST route any more: " + ", ".join(stale)
    for endpoint in posts:
        outside = endpoint in PUBLIC or endpoint in LOGIN_ONLY or endpoint.startswith("api.")
        assert bool(POSTS[endpoint].outside) == outside, f"{endpoint}: outside= is wrong"


@pytest.mark.parametrize(("endpoint", "method"), PRACTICE_RULES)
def test_practice_route_is_isolated(app, world, login, endpoint, method):
    area = _area(endpoint)
    rightful, wrong_roles = AREAS[area]
    owner_only = endpoint in OWNER_ONLY
    if owner_only:
        rightful, wrong_roles = "owner_a", [*wrong_roles, "coach_a1"]
    values = _values(world, endpoint)
    values_b = _values(world, endpoint, PARAMS_B) if values else {}
    url_a = _url(app, endpoint, "alpha", values)
    body = POSTS[endpoint].body(world, values) if method == "POST" else None

    clients = {
        name: login(getattr(world, name).user)
        for name in {rightful, *wrong_roles, "owner_b", "client_b", "coach_a2", "client_a2"}
    }
    anonymous = app.test_client()
    before = _fingerprint()

    def refused(name, url, status, who):
        c = anonymous if name is None else clients[name]
        response = _request(c, method, url, body)
        assert response.status_code == status, f"{who} {method} {url}: {response.status_code}"
        return response

    # (a) anonymous: sent to the login page
    assert "/login" in refused(None, url_a, 302, "anonymous").location

    # (b) a member of another practice, on this practice's URL and on their own slug
    refused("owner_b", url_a, 404, "other practice")
    if values:
        url_b = _url(app, endpoint, "beta", values)
        refused(AREA_USERS_B[area], url_b, 404, "other practice, own slug")
        # ... and the other practice's ids on this practice's slug, as the rightful user
        url_ab = _url(app, endpoint, "alpha", values_b)
        refused(rightful, url_ab, 404, f"{rightful} with practice B's ids")

    # (c) the wrong role in this practice
    for name in wrong_roles:
        refused(name, url_a, WRONG_ROLE_STATUS, f"wrong role {name}")

    # (d) same practice, same role, someone else's ids
    outsider = SAME_PRACTICE_OUTSIDERS[area]
    if values and outsider:
        status = WRONG_ROLE_STATUS if owner_only else OUTSIDER_STATUS
        refused(outsider, url_a, status, f"outsider {outsider}")

    db.session.expire_all()
    assert _fingerprint() == before, f"a refused {method} {url_a} changed data"

    # and the rightful user succeeds, so the refusals above are not an accident
    response = _request(clients[rightful], method, url_a, body)
    expected = 200 if method == "GET" else POSTS[endpoint].ok
    assert response.status_code == expected, f"{rightful} {method} {url_a}"


BODY_ID_CASES = [
    pytest.param(endpoint, name, n, id=f"{endpoint}-{name}-{n}")
    for endpoint, post in sorted(POSTS.items())
    for name, cases in post.ids.items()
    for n in range(len(cases))
]


@pytest.mark.parametrize(("endpoint", "name", "n"), BODY_ID_CASES)
def test_ids_inside_a_post_body_are_isolated(app, world, login, endpoint, name, n):
    """The route's valid body with one id swapped for another practice's, client's or
    coach's: one specified answer, and no row changed."""
    post = POSTS[endpoint]
    case = post.ids[name][n]
    whose, expected = f"{case.whose} {name}", case.expected
    area = _area(endpoint)
    rightful = case.who or ("owner_a" if endpoint in OWNER_ONLY else AREAS[area][0])
    values = _values(world, endpoint)
    url = _url(app, endpoint, "alpha", values)
    body = {**post.body(world, values), name: case.make(world)}
    c = login(getattr(world, rightful).user)
    before = _fingerprint()

    response = c.post(url, data=body)

    if expected in (FIELD_ERROR, FORM_REFUSED):
        assert response.status_code == post.field_status, f"{whose}: {response.status_code}"
        page = response.get_data(as_text=True)
        assert "nothing was saved yet" in page, f"{whose}: the form did not come back refused"
        if expected == FIELD_ERROR:
            errors = re.findall(r'id="([\w-]+)-error"', page)
            assert f'id="{name}-error"' in page, f"{whose}: errors on {errors}, not the field"
    else:
        assert response.status_code == expected, f"{whose}: {response.status_code}"
    db.session.expire_all()
    assert _fingerprint() == before, f"{whose} in {endpoint}'s body changed data"


@pytest.mark.parametrize("endpoint", sorted(LOGIN_ONLY))
def test_login_only_routes_need_login(app, db, endpoint):
    rule = _rule(endpoint)
    method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **dict.fromkeys(rule.arguments, 1))
    response = app.test_client().open(url, method=method)
    assert response.status_code == 302
    assert "/login" in response.location


def test_two_practices_signed_up_side_by_side_see_nothing_of_each_other(app, db, login):
    """Two real sign-ups through the pages; each owner's pages show nothing of the other."""
    owners = {}
    for n, name in enumerate(("North Star Careers", "South Coast Coaching")):
        c = app.test_client()
        response = c.post(
            "/signup",
            data={
                "name": f"Owner {n}",
                "email": f"owner{n}@signup.test",
                "password": "long-enough-password",
                "practice_name": name,
                "timezone": "Europe/London",
            },
        )
        assert response.status_code == 302
        invitations_url = response.location.replace("/coach/", "/coach/invitations")
        form_page = c.get(invitations_url).get_data(as_text=True)
        coach_id = re.search(r'<option selected value="(\d+)"', form_page).group(1)
        response = c.post(
            invitations_url,
            data={"email": f"client{n}@signup.test", "role": "client", "coach": coach_id},
        )
        assert response.status_code == 302
        owners[name] = (c, invitations_url.split("/")[2])
    (c1, slug1), (c2, slug2) = owners.values()
    assert slug1 != slug2
    for c, own, other in ((c1, slug1, slug2), (c2, slug2, slug1)):
        for path in ("coach/", "coach/clients", "coach/invitations", "coach/team", "billing/"):
            assert c.get(f"/p/{own}/{path}").status_code == 200
            assert c.get(f"/p/{other}/{path}").status_code == 404
        page = c.get(f"/p/{own}/coach/invitations").get_data(as_text=True)
        own_n, other_n = ("0", "1") if own == slug1 else ("1", "0")
        assert f"client{own_n}@signup.test" in page
        assert f"client{other_n}@signup.test" not in page
    rows = db.session.execute(text("SELECT count(*) FROM practice")).scalar()
    assert rows == 2


def test_unread_counts_and_conversations_show_only_what_the_member_may_see(world, login):
    """The bell's count, the inbox and a conversation, for every member of both practices."""
    factories.inbox_item(world.coach_a1, world.client_a1, summary="For coach one")
    factories.inbox_item(world.client_a1, world.client_a1, summary="For client one")
    factories.inbox_item(world.owner_b, world.client_b, summary="For owner B")
    # an item of coach_a1 about a client now coached by coach_a2 is hidden even from coach_a1
    factories.inbox_item(world.coach_a1, world.client_a2, summary="Not theirs any more")
    factories.message(world.client_a1, world.coach_a1, "Private to client one")
    expected = {
        "coach_a1": ("coach", 1),
        "coach_a2": ("coach", 0),
        "owner_a": ("coach", 0),
        "client_a1": ("client", 1),
        "client_a2": ("client", 0),
        "owner_b": ("coach", 1),
        "client_b": ("client", 0),
    }
    for name, (area, count) in expected.items():
        member = getattr(world, name)
        slug = "alpha" if member.practice_id == world.a.id else "beta"
        c = login(member.user)
        assert c.get(f"/p/{slug}/{area}/inbox/unread.json").get_json() == {"unread": count}, name
        page = c.get(f"/p/{slug}/{area}/inbox").get_data(as_text=True)
        assert page.count('data-testid="inbox-item"') == count, name
        assert "Not theirs any more" not in page
    for name in ("client_a2", "client_b"):
        member = getattr(world, name)
        slug = "alpha" if member.practice_id == world.a.id else "beta"
        page = login(member.user).get(f"/p/{slug}/client/messages").get_data(as_text=True)
        assert "Private to client one" not in page, name


# --- the API: the token decides practice and member; ids of others are 404 -----------------
def _api_bodies(w: World, values: dict) -> dict:
    """A valid body for each write, pointing at practice A's rows of client_a1."""
    from coachhub.models import utcnow

    today = utcnow().date().isoformat()
    contact_id = values.get("contact_id") or factories.ContactFactory(client=w.client_a1).id
    return {
        "api.create_goal": {"client_id": w.client_a1.id, "title": "Meet PMs", "focus": "company"},
        "api.create_contact": {"name": "Dana"},
        "api.create_touch": {"kind": "email"},
        "api.create_meeting": {"contact_id": contact_id, "met_on": today, "format": "coffee"},
        "api.review_meeting": {"intent_clarity": 4, "reciprocity": 4, "follow_up": 4},
        "api.complete_follow_up": {},
    }


def _api_roles(endpoint: str) -> tuple[str, str, str]:
    """(rightful member, same-role outsider in A, same-role member of B) for an operation."""
    from coachhub.api import OPERATIONS

    op = next(o for o in OPERATIONS if o.endpoint == endpoint)
    if op.roles == "client":
        return "client_a1", "client_a2", "client_b"
    return "coach_a1", "coach_a2", "owner_b"


@pytest.mark.parametrize(("endpoint", "method"), API_RULES)
def test_api_operation_is_isolated(app, world, api_token, endpoint, method):
    from flask import url_for

    values = _values(world, endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **values)
    body = _api_bodies(world, values).get(endpoint) if method != "GET" else None
    rightful, outsider, other_practice = _api_roles(endpoint)
    refers_to_a = bool(values) or (body and ({"client_id", "contact_id"} & set(body)))
    c = app.test_client()

    def call(headers):
        return c.open(url, method=method, json=body, headers=headers or {})

    tokens = {
        name: api_token(getattr(world, name))
        for name in {rightful, outsider, other_practice, "client_a2"}
    }
    read_only = api_token(getattr(world, rightful), "read")
    expired = api_token(getattr(world, rightful), expires_in_days=1)
    revoked_headers = api_token(getattr(world, rightful))
    from coachhub.models import ApiToken, utcnow

    db.session.execute(
        ApiToken.__table__.update()
        .where(ApiToken.id == db.session.scalar(select(func.max(ApiToken.id))))
        .values(revoked_at=utcnow())
    )
    db.session.execute(
        ApiToken.__table__.update()
        .where(ApiToken.id == db.session.scalar(select(func.max(ApiToken.id))) - 1)
        .values(expires_at=utcnow())
    )
    db.session.commit()
    # Tokens note their last use, even on refused requests: that table is left out.
    before = _fingerprint(skip=frozenset({"api_token"}))

    # no token, an expired one, a revoked one: 401 problem
    for headers in (None, expired, revoked_headers, {"Authorization": "Bearer chp_nope"}):
        response = call(headers)
        assert response.status_code == 401, f"{method} {url} {headers}"
        assert response.mimetype == "application/problem+json"

    if refers_to_a:
        # another practice's token, another coach / client of the same practice: 404
        for name in (other_practice, outsider, "client_a2"):
            response = call(tokens[name])
            assert response.status_code == (
                404 if method == "GET" or name != "client_a2" or rightful == "client_a1" else 403
            ), f"{name} {method} {url}: {response.status_code}"
    if method != "GET":
        response = call(read_only)
        assert response.status_code == 403, f"read token {method} {url}"
    db.session.expire_all()
    assert _fingerprint(skip=frozenset({"api_token"})) == before, f"refused {method} {url} wrote"

    response = call(tokens[rightful])
    assert response.status_code in (200, 201), (
        f"{rightful} {method} {url}: {response.get_data(as_text=True)[:300]}"
    )
    if method == "GET" and "data" in response.json:
        # Lists: the other practice's owner sees none of A's rows.
        mine = {row.get("id", row.get("meeting_id")) for row in response.json["data"]}
        theirs = call(tokens[other_practice]).json["data"]
        assert not mine & {row.get("id", row.get("meeting_id")) for row in theirs}
