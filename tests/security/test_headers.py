"""Security headers on every response, and templates the strict CSP can serve as they are."""

import re
from pathlib import Path

import pytest

from coachhub import create_app
from coachhub.headers import content_security_policy
from config import BASE_DIR, ProductionConfig

TEMPLATES = BASE_DIR / "templates"
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Server": "CoachHub",
}


def _check(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.parametrize(
    "path",
    ["/", "/login", "/signup", "/pricing", "/healthz", "/no-such-page", "/static/css/app.css"],
)
def test_public_pages_errors_and_files_carry_the_headers(client, path):
    with client.get(path) as response:
        _check(response)


def test_member_pages_and_refusals_carry_them(world, login):
    owner = login(world.owner_a.user)
    for path in ("/p/alpha/coach/", "/p/alpha/coach/team", "/p/beta/coach/"):
        _check(owner.get(path))
    _check(owner.post("/login", data={}))


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_production_sends_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")

    class Prod(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite'}"

    response = create_app(Prod).test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    _check(response)


def test_forms_may_lead_only_here_and_to_stripe():
    policy = content_security_policy("https://checkout.stripe.com")
    assert "form-action 'self' https://checkout.stripe.com" in policy


def _pages():
    """Every template that renders a page (emails are not served to browsers)."""
    return [p for p in TEMPLATES.rglob("*.html") if "email" not in p.relative_to(TEMPLATES).parts]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…= event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("template", _pages(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_nothing_inline_the_csp_would_block(template: Path):
    text = template.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.relative_to(TEMPLATES)} has {', '.join(found)}"
