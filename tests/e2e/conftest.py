"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

pytest-django's `live_server` serves static files through `django.contrib.staticfiles`'
handler (it is installed), so the pages get their stylesheets as in production.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
# thread with a running loop. Set here, for the test process only; never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import axe  # noqa: E402  (tests/e2e/axe.py; pytest puts this folder on sys.path)
import pytest  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    "The browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium "
    "(`./dev test` installs it)."
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # In CI a missing browser is a broken build, never a quietly skipped suite.
        if os.environ.get("CI"):
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


CSP_REPORT = re.compile(r"Content Security Policy|Refused to (execute|apply|load)", re.IGNORECASE)


@pytest.fixture
def new_page(browser, live_server):
    """`new_page()` opens a fresh browser context (its own cookies) as a Swedish user would.

    Fails the test if any page broke the Content-Security-Policy or threw a script error: a
    strict CSP is a promise (DESIGN: security baseline), and a blocked script is a broken page.
    """
    contexts, problems = [], []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: console: {message.text}")
                if message.type == "error" and CSP_REPORT.search(message.text)
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def assert_accessible(browser):
    """`assert_accessible(page)`: axe-core finds no WCAG 2.1 A/AA violation on the page."""

    def check(page: Page) -> None:
        axe.assert_accessible(browser, page)

    return check
