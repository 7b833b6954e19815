"""With CSRF on (as in production), every state-changing route refuses a POST without the token."""

import re

import pytest

from tests.test_isolation import PRACTICE_RULES, RULES, _url, _values

# The Stripe webhook is signed by Stripe instead. RFC 8058 one-click unsubscribe is POSTed
# by mail providers, which cannot hold a CSRF token; its signed link is checked instead
# (tests/notifications/test_unsubscribe.py). No other exemption is allowed.
CSRF_EXEMPT = {"stripe_webhook.receive", "notifications.one_click_unsubscribe"}

POST_RULES = sorted({endpoint for endpoint, method, _ in RULES if method == "POST"})


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("endpoint", POST_RULES)
def test_post_without_token_is_refused(app, world, login, monkeypatch, endpoint):
    if endpoint in CSRF_EXEMPT:
        pytest.skip("signed by its sender (Stripe, the unsubscribe link), not by a CSRF token")
    if endpoint.startswith("api."):
        # The API takes no CSRF token: it reads no cookie, so a signed-in browser's session
        # (what a forged cross-site request would carry) is not enough to write.
        url = _url(app, endpoint, "alpha", {k: 1 for k in _values(world, endpoint)})
        owner = login(world.owner_a.user)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        for c in (owner, app.test_client()):
            assert c.post(url, json={}).status_code == 401, f"POST {url}"
        return
    values = _values(world, endpoint) if (endpoint, "POST") in PRACTICE_RULES else {}
    if endpoint in ("auth.accept_invitation", "auth.reset_password", "notifications.unsubscribe"):
        values = {"token": "any"}
    if endpoint == "auth.revoke_api_token":
        values = {"token_id": 1}
    url = _url(app, endpoint, "alpha", values)
    # logged in as the owner (before CSRF is switched on), and anonymous
    owner = login(world.owner_a.user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for c in (owner, app.test_client()):
        response = c.post(url, data={})
        assert response.status_code == 400, f"POST {url}"
        assert "could not be handled" in response.get_data(as_text=True)


def test_login_with_token_works_and_without_is_refused(app, world, csrf_on):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": world.owner_a.user.email, "password": "correct-horse-battery"}
    assert c.post("/login", data=data).status_code == 400
    assert c.post("/login", data={**data, "csrf_token": token}).status_code == 302
    # a logged-in POST without the token is refused too
    assert c.post("/logout").status_code == 400
    assert c.get("/p/alpha/coach/").status_code == 200


def test_only_the_listed_routes_are_exempt(app):
    exempt = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in app.extensions["csrf"]._exempt_views
    }
    assert exempt <= CSRF_EXEMPT, exempt - CSRF_EXEMPT
    # Whole blueprints: only the token-authorised API.
    assert {bp.name for bp in app.extensions["csrf"]._exempt_blueprints} == {"api"}
