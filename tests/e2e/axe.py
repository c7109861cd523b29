"""axe-core checks for the browser tests: WCAG 2.1 A and AA, no violation allowed (issue 3,
item 10). Use the `assert_accessible(page)` fixture from tests/e2e/conftest.py.

Samsyn's CSP (no inline script) would block injecting axe into the page the user saw, and we want
that CSP enforced for the test itself. So axe runs in a second browser context made with
`bypass_csp=True`, on a replay of exactly the DOM the user's page has: the replay is served
from memory for the page's own URL, so the server is not asked again (a second GET of a child's
page would write a second audit row) while styles and scripts still load from the live server.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


# One bypass-CSP context per browser, reused: making a context costs as much as axe's own run.
_contexts: dict[int, BrowserContext] = {}


def _replay_context(browser: Browser) -> BrowserContext:
    context = _contexts.get(id(browser))
    if context is None or context.browser is not browser or not browser.is_connected():
        context = _contexts[id(browser)] = browser.new_context(bypass_csp=True)
    return context


def violations(browser: Browser, page: Page) -> list[dict]:
    url, html = page.url, page.content()
    context = _replay_context(browser)
    context.clear_cookies()
    context.add_cookies(page.context.cookies())
    replay = context.new_page()
    try:
        replay.route(
            lambda requested: requested == url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        replay.goto(url)
        replay.wait_for_load_state("load")
        results = _axe.run(
            replay,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        return results.response["violations"]
    finally:
        replay.close()


def describe(url: str, found: list[dict]) -> str:
    """The violations as a reader wants them: rule, impact, what to fix, where."""
    lines = [f"{len(found)} accessibility violation(s) (WCAG 2.1 A/AA) on {url}:"]
    for violation in found:
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(browser: Browser, page: Page) -> None:
    found = violations(browser, page)
    assert not found, describe(page.url, found)
