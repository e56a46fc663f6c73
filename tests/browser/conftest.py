"""A real app server and a real (Debian) Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from borderwatch.devserver import CHROMIUM_ARGS, RunningApp, chromium_executable, running_app
from borderwatch.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"


BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app() -> Iterator[RunningApp]:
    with running_app() as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=list(CHROMIUM_ARGS)
        )
        yield launched
        launched.close()


class RequestLog:
    """Every URL the page and its frames asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def foreign(self, own_host: str) -> list[str]:
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).netloc != own_host
        ]


@pytest.fixture
def page_and_log(browser: Browser) -> Iterator[tuple[Page, RequestLog]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))
    page = context.new_page()
    yield page, log
    context.close()


#: How long a popover download may take to arrive once clicked.
POPOVER_DOWNLOAD_TIMEOUT_MS = 60_000


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.evaluate("innerHeight")
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= height and box["x"] >= 0


def download_from_popover(page, opener, label: str, exact: bool = False):
    """Click the popover's button ``label`` and return the download. On a busy machine the
    long page can still be settling (a chart or table above finishing its layout) and move
    an open popover under the pointer: then close it and open it again, as an analyst
    would, and click once the button holds still in view."""
    button = page.get_by_role("button", name=label, exact=exact)
    for attempt in range(4):
        if not button.is_visible():
            opener.scroll_into_view_if_needed()
            opener.click()
        for _ in range(10):
            if button.is_visible() and _in_viewport(page, button):
                break
            page.wait_for_timeout(200)
        try:
            with page.expect_download(timeout=POPOVER_DOWNLOAD_TIMEOUT_MS) as download_info:
                button.click(timeout=5_000)
            return download_info.value
        except PlaywrightTimeoutError:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    raise AssertionError("unreachable")
