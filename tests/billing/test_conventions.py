"""House rules for billing that a future change could quietly break."""

import re
from pathlib import Path

import coachhub
from coachhub.extensions import csrf

PACKAGE = Path(coachhub.__file__).parent


def test_only_the_gateway_imports_stripe():
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(import stripe|from stripe\b)", path.read_text(), re.M)
    }
    assert importers == {"billing/gateway.py"}


def test_the_webhook_is_csrf_exempt_and_post_only(app):
    """The full list of exemptions (webhook, RFC 8058 one-click) is guarded in test_csrf.py."""
    # The one exempt blueprint is the token-authorised API (guarded in test_csrf.py).
    assert {bp.name for bp in csrf._exempt_blueprints} == {"api"}
    assert "coachhub.billing.routes.receive" in csrf._exempt_views
    [rule] = [r for r in app.url_map.iter_rules() if r.endpoint == "stripe_webhook.receive"]
    assert rule.rule == "/billing/stripe/webhook"
    assert rule.methods - {"OPTIONS"} == {"POST"}
