"""The capability series on the Regional factors page, in headless Chromium: every year of
2011–2024 drawn at once, unknown cells written as "unknown", on a wide and a phone screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from borderwatch.factors import CAPABILITY_YEARS, UNKNOWN

from .conftest import ARTIFACTS
from .test_incident_map_browser import TIMEOUT_MS

TAB = re.compile("Uneven military capabilities")


def _grid_rows(page: Page) -> list[list[str]]:
    """Rows of the expenditure grid as drawn (the data grid's accessible table): the one
    whose first row starts with the first year and which holds Algeria's 2024 figure."""
    frames = page.locator("[data-testid='stDataFrame']")
    for index in range(frames.count()):
        rows = frames.nth(index).locator("tr")
        texts = [[cell.inner_text() for cell in row.locator("td").all()] for row in rows.all()]
        texts = [row for row in texts if row]
        if texts and texts[0][0] == str(CAPABILITY_YEARS[0]) and any("21.8" in r for r in texts):
            return texts
    return []


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)], ids=["wide", "phone"])
def test_capability_series_shows_every_year_and_unknown(page_and_log, app, width, height):
    page, log = page_and_log
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app.url}/factors", wait_until="domcontentloaded")
    tab = page.get_by_role("tab", name=TAB)
    expect(tab).to_be_visible(timeout=TIMEOUT_MS)
    tab.click()
    heading = page.get_by_text(f"Military expenditure (US$ bn), {CAPABILITY_YEARS[0]}–")
    expect(heading).to_be_visible(timeout=TIMEOUT_MS)
    heading.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stDataFrame'] td\")]"
        ".some(td => td.innerText === '21.8')",
        timeout=TIMEOUT_MS,
    )
    rows = _grid_rows(page)
    # The grid is tall enough for the whole series: one drawn row per year.
    assert [row[0] for row in rows] == [str(year) for year in CAPABILITY_YEARS]
    assert any(UNKNOWN in row[1:] for row in rows)
    assert rows[-1][1] == "21.8"  # Algeria, 2024 (SIPRI April 2025 release, two sources)
    ARTIFACTS.mkdir(exist_ok=True)
    heading.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)  # let the grid repaint after the scroll, for the picture only
    page.screenshot(path=ARTIFACTS / f"capability-series-{width}.png")
    assert log.foreign(app.host) == []
