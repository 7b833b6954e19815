"""Regenerate docs/screenshots/*.png from the demo data: `make screenshots`.

A throwaway SQLite database gets `flask db upgrade` and `flask seed-demo`, a
real server serves it, and Chromium logs in as the demo people (password
`demo-password`) and photographs each page in SHOTS. A new page is one more
line in SHOTS.
"""

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coachhub.demo import DEMO_LOGINS, DEMO_PASSWORD
from config import BASE_DIR
from tests.e2e import live

OUT = BASE_DIR / "docs" / "screenshots"
# The landing page's product picture: the coach's dashboard as the first screen shows it.
LANDING_SHOT = BASE_DIR / "static" / "img" / "product-coach-dashboard.png"
DESKTOP = {"width": 1280, "height": 800}
# The meetings-per-week, pulse-trend and analytics charts.
CHARTS = "canvas[data-weeks], canvas[data-pulse], canvas[data-analytics-chart]"
CHARTS_READY = """() => [...document.querySelectorAll("CHARTS")].every(
  canvas => typeof Chart !== "undefined" && Chart.getChart(canvas))""".replace("CHARTS", CHARTS)
# No grow-in animation (nor on the resize a full-page shot may cause): the final bars at once.
CHARTS_FINISH = """() => document.querySelectorAll("CHARTS").forEach(canvas => {
  const chart = Chart.getChart(canvas);
  chart.stop();
  chart.options.animation = false;
  chart.update("none");
})""".replace("CHARTS", CHARTS)


@dataclass(frozen=True)
class Shot:
    name: str  # docs/screenshots/<name>.png
    login: str  # a demo email from DEMO_LOGINS
    path: str
    viewport: tuple[int, int] = (DESKTOP["width"], DESKTOP["height"])
    follow: str | None = None  # a link (CSS selector, first match) to click on `path` first
    ready: str | None = None  # a CSS selector to wait for before the photograph
    dark: bool = False  # the system asks for the dark colour mode


SHOTS = [
    Shot("coach-dashboard", "coach@demo.test", "/p/demo/coach/"),
    Shot("client-dashboard", "client@demo.test", "/p/demo/client/"),
    Shot("meeting-log-form", "client@demo.test", "/p/demo/client/meetings/new"),
    # The coach opens the oldest log in the review queue: the log, the scores, the thread.
    Shot("review", "coach@demo.test", "/p/demo/coach/reviews", follow="td a:text-is('Review')"),
    # The client's side of a reviewed log: the review card and the conversation.
    Shot(
        "client-meeting-reviewed",
        "client@demo.test",
        "/p/demo/client/",
        follow="section:has(h2:text-is('Latest coach feedback')) a",
    ),
    Shot("invitations", "owner@demo.test", "/p/demo/coach/invitations"),
    Shot("billing", "owner@demo.test", "/p/demo/billing/"),
    Shot("client-dashboard-phone", "client@demo.test", "/p/demo/client/", viewport=(390, 844)),
    Shot("coach-dashboard-phone", "coach@demo.test", "/p/demo/coach/", viewport=(390, 844)),
    # The two dashboards in the dark colour mode, on a laptop and on a phone.
    Shot("coach-dashboard-dark", "coach@demo.test", "/p/demo/coach/", dark=True),
    Shot("client-dashboard-dark", "client@demo.test", "/p/demo/client/", dark=True),
    Shot(
        "coach-dashboard-phone-dark",
        "coach@demo.test",
        "/p/demo/coach/",
        viewport=(390, 844),
        dark=True,
    ),
    Shot(
        "client-dashboard-phone-dark",
        "client@demo.test",
        "/p/demo/client/",
        viewport=(390, 844),
        dark=True,
    ),
    # The owner's practice analytics, the last 12 weeks.
    Shot("analytics", "owner@demo.test", "/p/demo/coach/analytics"),
    # Tom Nguyen's career page (placed, four monthly check-ins): the pulse trend chart.
    Shot(
        "check-in-trend",
        "owner@demo.test",
        "/p/demo/coach/",
        follow="tr:has-text('Tom Nguyen') a[href$='/career']",
    ),
    # Coaching sessions: booking an open slot, the coach's week, a session's page.
    Shot("session-booking", "client@demo.test", "/p/demo/client/sessions/book"),
    Shot("session-week", "coach@demo.test", "/p/demo/coach/sessions"),
    Shot(
        "session-page",
        "coach@demo.test",
        "/p/demo/coach/",
        follow="[data-testid=upcoming-sessions] a[href*='/sessions/']",
    ),
    # Give and take with a contact Kim has only taken from: the ledger and its nudge.
    Shot(
        "ledger",
        "client@demo.test",
        "/p/demo/client/contacts",
        follow="a:text-is('Mere Tawhiri')",
    ),
    # Kim's contacts and introductions, drawn by Cytoscape, with the chains as text below.
    Shot(
        "network-map",
        "client@demo.test",
        "/p/demo/client/network",
        ready="#network-map[data-ready]",
    ),
    # Tom is placed: his dashboard leads with the next check-in and the keep-in-touch roster.
    Shot("maintenance-dashboard", "client4@demo.test", "/p/demo/client/"),
]


def log_in(browser, base_url: str, email: str, viewport: tuple[int, int], dark: bool = False):
    """A new browser context logged in through the login page."""
    width, height = viewport
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": height},
        color_scheme="dark" if dark else "light",
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if "/login" in page.url:
        raise SystemExit(f"could not log in as {email}")
    return context, page


def take(shots: list[Shot], out: Path = OUT) -> list[Path]:
    """Photograph every shot into `out`; returns the files written."""
    from playwright.sync_api import sync_playwright

    known = {email for email, _, _ in DEMO_LOGINS}
    unknown = [shot.login for shot in shots if shot.login not in known]
    if unknown:
        raise SystemExit(f"not demo logins: {unknown}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with (
        tempfile.TemporaryDirectory(prefix="coachhub-shots-") as tmp,
        live.serve(Path(tmp) / "demo.sqlite", seed_demo=True) as server,
        sync_playwright() as playwright,
    ):
        browser = live.launch_chromium(playwright)
        for shot in shots:
            context, page = log_in(browser, server.url, shot.login, shot.viewport, shot.dark)
            response = page.goto(shot.path)
            if response is None or response.status != 200:
                raise SystemExit(f"{shot.path}: HTTP {response.status if response else '?'}")
            if shot.follow:
                with page.expect_navigation():
                    page.locator(shot.follow).first.click()
            # The meetings chart animates in; photograph it drawn, not half-way.
            if shot.ready:
                page.wait_for_selector(shot.ready, state="attached")
                page.wait_for_timeout(500)  # the layout settles
            page.wait_for_function(CHARTS_READY)
            page.evaluate(CHARTS_FINISH)
            target = out / f"{shot.name}.png"
            page.screenshot(path=str(target), full_page=True, animations="disabled")
            written.append(target)
            if shot.name == "coach-dashboard":
                page.screenshot(path=str(LANDING_SHOT), animations="disabled")
                written.append(LANDING_SHOT)
            context.close()
        browser.close()
        if server.errors:
            raise SystemExit(f"server errors: {server.errors!r}")
    return written


def main() -> int:
    reason = live.missing_requirement(axe=False)
    if reason:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    for path in take(SHOTS):
        print(f"wrote {path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
