"""The accessibility audit itself: axe is really injected and really finds problems."""

import pytest

from tests.e2e.browser import CSP_LISTENER, csp_violations, run_axe
from tests.e2e.live import AXE_JS

pytestmark = pytest.mark.e2e


def test_axe_reports_an_unlabelled_field(e2e_browser):
    """A page with a known problem is caught, so "no violations" on our pages means something."""
    context = e2e_browser.new_context()
    try:
        context.add_init_script(path=str(AXE_JS))
        page = context.new_page()
        page.set_content(
            '<!doctype html><html lang="en"><title>t</title>'
            '<main><h1>Form</h1><input type="text" name="nameless"></main></html>'
        )
        rules = {v["id"]: v["impact"] for v in run_axe(page)}
    finally:
        context.close()
    assert rules.get("label") == "critical", rules


def test_the_csp_listener_reports_an_inline_style(e2e_browser):
    """A page whose policy refuses something is caught, so "no CSP violation" means something."""
    from coachhub.headers import content_security_policy

    context = e2e_browser.new_context()
    try:
        context.add_init_script(script=CSP_LISTENER)
        page = context.new_page()
        page.route(
            "http://csp.test/",
            lambda route: route.fulfill(
                body='<!doctype html><title>t</title><p style="color: red">inline</p>',
                headers={
                    "Content-Type": "text/html",
                    "Content-Security-Policy": content_security_policy(""),
                },
            ),
        )
        page.goto("http://csp.test/")
        page.wait_for_timeout(200)
        refused = csp_violations(page)
    finally:
        context.close()
    assert any("style-src" in line for line in refused), refused
