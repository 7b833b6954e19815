"""People in a browser: each `Visitor` is one person with their own cookies.

Every page a visitor lands on is audited: axe-core (injected into every document
by an init script) must find nothing at all, in the light and in the dark colour
mode; the page must not scroll sideways on a 360 × 740 phone or a 1366 × 768
laptop; and the Content Security Policy must have refused nothing. Script errors,
console errors and failed requests fail the test too (see `new_visitor`). Each
page is added to the suite's accessibility summary.
"""

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.live import AXE_JS

THEMES = ("light", "dark")
# The widths every page must fit without scrolling sideways: a small phone and a laptop.
VIEWPORTS = ({"width": 360, "height": 740}, {"width": 1366, "height": 768})

_RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


# Injected before any page script: records what the Content Security Policy refused.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  const what = e.blockedURI || "inline";
  window.__cspViolations.push(`${e.violatedDirective} refused ${what} at ${where}`);
});
"""


def csp_violations(page: Page) -> list[str]:
    """What the page's Content Security Policy refused since it loaded."""
    return page.evaluate("() => window.__cspViolations || []")


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page (axe is injected by the context's init script)."""
    return page.evaluate(_RUN_AXE)


def set_theme(page: Page, theme: str) -> None:
    """Switch Bootstrap's colour mode on the page (what the switch in the top bar does)."""
    page.evaluate("(theme) => document.documentElement.setAttribute('data-bs-theme', theme)", theme)


def resize(page: Page, size: dict) -> None:
    """Change the viewport and let the page settle: charts redraw on the frame after a resize."""
    page.set_viewport_size(size)
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame("
        "() => requestAnimationFrame(done))))"
    )


def overflow(page: Page) -> tuple[int, int]:
    """The document's width and the viewport's once the layout has settled (a chart redraws
    for the new width a frame or two after a resize, later on a busy machine): more than the
    viewport means a sideways scroll."""
    # Still too wide after 3 s: the caller reports the widths.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "() => document.documentElement.scrollWidth <= window.innerWidth", timeout=3000
        )
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def page_label(url: str) -> str:
    """The page's kind, not its instance: practice slugs and tokens become placeholders."""
    path = re.sub(r"^https?://[^/]+", "", url).split("#")[0].split("?")[0]
    path = re.sub(r"^/p/[^/]+/", "/p/<practice>/", path)
    path = re.sub(r"/(invitations|password/reset)/[^/]+$", r"/\1/<token>", path)
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


@dataclass
class AxeReport:
    """Every audit of the run, for the summary printed at the end and written to a file."""

    pages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    audits: int = 0

    def add(self, label: str, violations: list[dict[str, Any]]) -> None:
        self.audits += 1
        known = self.pages.setdefault(label, [])
        seen = {v["id"] for v in known}
        known.extend(v for v in violations if v["id"] not in seen)

    def impacts(self) -> Counter:
        """Distinct (page, rule) violations by impact."""
        return Counter(v["impact"] for violations in self.pages.values() for v in violations)

    def lines(self) -> list[str]:
        impacts = self.impacts()
        counts = ", ".join(
            f"{impacts.get(i, 0)} {i}" for i in ("critical", "serious", "moderate", "minor")
        )
        out = [f"axe-core: {self.audits} audits of {len(self.pages)} distinct pages; {counts}"]
        for label in sorted(self.pages):
            rules = ", ".join(f"{v['id']} ({v['impact']})" for v in self.pages[label])
            out.append(f"  {label}: {rules or 'no violations'}")
        return out


class Visitor:
    """One person in their own browser context."""

    def __init__(self, browser: Browser, base_url: str, report: AxeReport, **context_options):
        self.base_url = base_url
        self.report = report
        # Reduced motion turns Bootstrap's transitions off, so a colour is final when axe reads it.
        context_options.setdefault("reduced_motion", "reduce")
        self.context: BrowserContext = browser.new_context(base_url=base_url, **context_options)
        self.context.add_init_script(path=str(AXE_JS))
        self.context.add_init_script(script=CSP_LISTENER)
        self.page: Page = self.context.new_page()
        self.loaded: list[str] = []  # every document loaded in the page, in order
        self.audited: list[str] = []
        self.problems: list[str] = []  # script errors and failed requests
        self.page.on("load", lambda page: self.loaded.append(page.url))
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # The browser asks for /favicon.ico on its own; the app has none (yet).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")

    def goto(self, path: str) -> Page:
        """Open `path` on the server and audit the page."""
        self.page.goto(path)
        self.audit()
        return self.page

    def follow(self, target: Locator) -> Page:
        """Click (or press Enter on) something that loads a new page, then audit that page."""
        with self.page.expect_navigation():
            target.click()
        self.audit()
        return self.page

    def press(self, key: str) -> Page:
        """Press a key that submits a form or follows a link, then audit the new page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.audit()
        return self.page

    def audit(self) -> list[dict[str, Any]]:
        """Audit the current page: axe finds nothing in either colour mode, the page fits a
        phone and a laptop, and the Content Security Policy refused nothing."""
        page = self.page
        label = page_label(page.url)
        refused = csp_violations(page)
        assert not refused, f"CSP on {label}:\n  " + "\n  ".join(refused)
        self.audited.append(page.url)
        theme = page.evaluate("() => document.documentElement.getAttribute('data-bs-theme')")
        found = []
        for mode in THEMES:
            set_theme(page, mode)
            found += [dict(v, theme=mode) for v in run_axe(page)]
        set_theme(page, theme or "light")
        self.report.add(label, found)
        assert not found, f"axe on {label}:\n" + "\n".join(
            f"  {v['theme']}: {v['impact']} {v['id']}: {v['help']} at {v['nodes'][:3]}"
            for v in found
        )
        viewport = page.viewport_size
        try:
            for size in VIEWPORTS:
                resize(page, size)
                width, inner = overflow(page)
                assert width <= inner, f"{label} is {width}px wide in {inner}px"
        finally:
            if viewport:
                resize(page, viewport)
        return found

    def assert_fits_width(self) -> None:
        """The page does not scroll sideways (what a phone user would have to do)."""
        width, viewport = overflow(self.page)
        assert width <= viewport, f"{page_label(self.page.url)} is {width}px wide in {viewport}px"

    def close(self) -> None:
        self.context.close()
