"""A real app server and a real (Debian) Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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
