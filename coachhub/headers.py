"""Security headers on every response: a strict Content Security Policy (no inline script
or style anywhere), no framing, no MIME sniffing, a tight Referrer-Policy, HSTS in
production, and a Server header without versions."""

from flask import Flask


def content_security_policy(form_targets: str) -> str:
    """Only our own files run or style pages; forms post here (and on to Stripe's pages)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        # A form's redirect is checked against form-action too: Checkout and the portal.
        "form-action": f"'self' {form_targets}".strip(),
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config["CSP_FORM_ACTION"])
    hsts = app.config["HSTS_SECONDS"]

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Paths carry reset and invitation tokens: other sites never see them.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if hsts:
            headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
        headers["Server"] = "CoachHub"
        return response
