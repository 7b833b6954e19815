"""Fixtures for the browser journeys (marker `e2e`).

These tests do not use tests/conftest.py's `db`, `client` or `app`: a real
server in another thread answers the browser, on its own SQLite file, so
nothing can be rolled back; every journey starts from a practice of its own
and unique emails instead. The fixture names (`e2e_*`, `new_visitor`,
`unique_email`) differ from the unit-test fixtures, so both kinds of test run
in one pytest process.

The journeys are skipped, with the reason printed, when Chromium, Playwright
or axe-core is missing, and on the PostgreSQL run (their server database is
SQLite either way, so running them twice proves nothing). With E2E_REQUIRED=1
(CI) a missing browser is an error instead of a skip.
"""

import itertools
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e import live

_REPORT = pytest.StashKey["object"]()
_SKIP = pytest.StashKey["str | None"]()
_TIMING = pytest.StashKey["list[float]"]()
_SELECTED = pytest.StashKey[int]()
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


def _skip_reason() -> str | None:
    if os.environ.get("TEST_DATABASE_URL"):
        return (
            "TEST_DATABASE_URL is set: the browser journeys serve their own SQLite "
            "database, so they run in the SQLite run (make test) only"
        )
    return live.missing_requirement()


@pytest.hookimpl(trylast=True)  # after -m / -k have deselected what will not run
def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("e2e")]
    reason = _skip_reason() if browser_items else None
    config.stash[_SKIP] = reason
    if not reason:
        return
    if os.environ.get("E2E_REQUIRED") == "1" and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError(f"E2E_REQUIRED=1 but the browser tests cannot run: {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"e2e skipped: {reason}"))


def pytest_collection_finish(session):
    """Say at the start whether the browser journeys will run, and why not."""
    reason = session.config.stash.get(_SKIP, None)
    count = sum(1 for item in session.items if item.get_closest_marker("e2e"))
    session.config.stash[_SELECTED] = count
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not count or reporter is None:
        return
    if reason:
        reporter.write_line(f"e2e: SKIPPING {count} browser tests: {reason}")
    else:
        reporter.write_line(f"e2e: {count} browser tests in {live.CHROMIUM}")


def pytest_terminal_summary(terminalreporter, config):
    if not config.stash.get(_SELECTED, 0):
        return
    reason = config.stash.get(_SKIP, None)
    terminalreporter.section("end-to-end (browser)")
    if reason:
        terminalreporter.write_line(f"SKIPPED the browser journeys: {reason}")
        return
    report = config.stash.get(_REPORT, None)
    started = config.stash.get(_TIMING, None)
    if started and len(started) == 2:
        terminalreporter.write_line(f"browser journeys took {started[1] - started[0]:.1f}s")
    if report is not None:
        for line in report.lines():
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"details: {RESULTS_DIR / 'axe-summary.json'}")


@pytest.fixture(scope="package")
def e2e_report(pytestconfig):
    """The accessibility summary of every page the journeys visit."""
    from tests.e2e.browser import AxeReport

    report = AxeReport()
    pytestconfig.stash[_REPORT] = report
    yield report
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "axe-summary.json").write_text(json.dumps(report.pages, indent=2) + "\n")


@pytest.fixture(scope="package")
def e2e_server(tmp_path_factory, pytestconfig) -> Iterator[live.LiveServer]:
    """The app on a real server with a throwaway, migrated SQLite database."""
    timing = pytestconfig.stash[_TIMING] = [time.monotonic()]
    database = tmp_path_factory.mktemp("e2e") / "coachhub.sqlite"
    with live.serve(database) as server:
        yield server
    timing.append(time.monotonic())


@pytest.fixture(scope="package")
def e2e_browser():
    """One Chromium for the whole package; each visitor gets a fresh context."""
    from playwright.sync_api import expect, sync_playwright

    # CI shares two cores with other work: give assertions 10 s instead of 5 before failing.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = live.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def new_visitor(e2e_server, e2e_browser, e2e_report) -> Iterator[Callable]:
    """`new_visitor(**context_options)`: a person with their own cookies, audited page by page.

    After the test: no server exception, no script error, no failed request,
    and no page loaded without an accessibility audit.
    """
    from tests.e2e.browser import Visitor

    visitors: list[Visitor] = []

    def _new(**context_options) -> Visitor:
        visitor = Visitor(e2e_browser, e2e_server.url, e2e_report, **context_options)
        visitors.append(visitor)
        return visitor

    e2e_server.take_errors()
    yield _new
    problems = []
    for visitor in visitors:
        unaudited = [url for url in visitor.loaded if url not in visitor.audited]
        problems += visitor.problems + [f"page not audited: {url}" for url in unaudited]
        visitor.close()
    problems += [f"server error: {error!r}" for error in e2e_server.take_errors()]
    assert not problems, "\n".join(problems)


_counter = itertools.count(1)
_RUN = uuid.uuid4().hex[:6]


@pytest.fixture
def unique_email() -> Callable[[str], str]:
    """`unique_email("coach")` → an address no other journey in this server uses."""
    return lambda who: f"{who}-{_RUN}-{next(_counter)}@e2e.test"
