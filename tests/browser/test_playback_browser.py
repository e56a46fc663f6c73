"""Playback in Chromium: frames advance, the date shown changes, pause holds, step back and
forward from the keyboard, all in the browser and offline."""

from __future__ import annotations

import io
import re

from PIL import Image, ImageChops
from playwright.sync_api import Frame, Page, expect

from borderwatch.filters import IncidentFilter, filter_incidents

from .conftest import ARTIFACTS
from .test_incident_map_browser import MAP_IFRAME, TIMEOUT_MS

#: The map's playback (time dimension, player, frames), as the layer exposes it.
PLAYBACK_JS = "Object.values(window).find(v => v && v.bwPlayback).bwPlayback"
#: The frame shown, as the playback layer writes it on the map container.
FRAME_JS = "() => Number(document.querySelector('.leaflet-container').dataset.bwFrame)"


def _playing_map(page: Page) -> Frame:
    """The map's frame once its player control has drawn a frame."""
    page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS)
    for _ in range(600):
        for frame in page.frames:
            if "streamlit_folium" in frame.url and frame.evaluate(
                "() => !!document.querySelector('.leaflet-container[data-bw-frame]')"
            ):
                return frame
        page.wait_for_timeout(100)
    raise AssertionError("no playback on the map")


def _year_count(geodata, year: int) -> int:
    return len(filter_incidents(geodata.incidents, IncidentFilter(years=(year, year))))


def _circles_show(page: Page, frame: Frame) -> bool:
    """Whether the map looks different with the frame's canvas hidden (circles on top of
    the countries, not painted under them)."""
    page.locator(MAP_IFRAME).first.evaluate("e => e.scrollIntoView({block: 'center'})")
    hide = "(v) => { document.querySelector('canvas.bw-play-canvas').style.visibility = v; }"
    shown = Image.open(io.BytesIO(page.locator(MAP_IFRAME).first.screenshot()))
    frame.evaluate(hide, "hidden")
    hidden = Image.open(io.BytesIO(page.locator(MAP_IFRAME).first.screenshot()))
    frame.evaluate(hide, "visible")
    changed = ImageChops.difference(shown.convert("RGB"), hidden.convert("RGB")).getbbox()
    return changed is not None


#: The first circle of the frame shown: where it is in the map and its tooltip text.
FIRST_CIRCLE_JS = """() => {
    const map = Object.values(window).find(v => v && v.bwPlayback);
    const playback = map.bwPlayback, index = playback.timeDimension.getCurrentTimeIndex();
    const point = playback.data.points.find(p => p[4] <= index && p[5] >= index);
    const at = map.latLngToContainerPoint([point[0], point[1]]);
    const box = document.querySelector('.leaflet-container').getBoundingClientRect();
    const text = document.createElement('textarea');
    text.innerHTML = point[6];
    return [box.x + at.x, box.y + at.y, text.value];
}"""


def _hover_names_an_incident(page: Page, frame: Frame) -> None:
    """A real mouse over a circle shows its incident's name and date."""
    x, y, label = frame.evaluate(FIRST_CIRCLE_JS)
    iframe = page.locator(MAP_IFRAME).first.bounding_box()
    assert iframe is not None
    page.mouse.move(iframe["x"] + x, iframe["y"] + y)
    # (The country under it shows its own tooltip too.)
    expect(frame.locator(".leaflet-tooltip", has_text=label)).to_be_visible(timeout=5_000)


def _shown(frame: Frame) -> int:
    return int(frame.evaluate(FRAME_JS))


def test_play_pause_and_step_in_the_browser(page_and_log, app, geodata):
    page, log = page_and_log
    sent: list[int] = []  # messages from the page to the server
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(1)))
    page.goto(f"{app.url}/?play=true&play_speed=4", wait_until="domcontentloaded")
    frame = _playing_map(page)
    first = int(geodata.incidents["date_start"].dt.year.min())
    date = frame.locator(".timecontrol-date")
    expect(date).to_have_text(
        f"{first} · {_year_count(geodata, first)} incidents", timeout=TIMEOUT_MS
    )
    expect(date).to_have_attribute("role", "status")
    assert _shown(frame) == 0
    drawn = frame.evaluate("() => document.querySelector('.leaflet-container').dataset.bwDrawn")
    assert int(drawn) == _year_count(geodata, first)
    assert _circles_show(page, frame), "the frame's circles are not visible on the map"
    _hover_names_an_incident(page, frame)

    # Step forward and back from the keyboard: named buttons, Enter and Space.
    forward = frame.get_by_role("button", name="Step forward one frame")
    back = frame.get_by_role("button", name="Step back one frame")
    forward.focus()
    page.keyboard.press("Enter")
    expect(date).to_have_text(re.compile(rf"^{first + 1} · "), timeout=5_000)
    assert _shown(frame) == 1
    back.focus()
    page.keyboard.press("Space")
    expect(date).to_have_text(re.compile(rf"^{first} · "), timeout=5_000)
    assert _shown(frame) == 0

    # Play: frames advance and the date follows, with nothing asked of the server.
    page.wait_for_timeout(500)  # let the page settle its own messages first
    requests_before, messages_before = len(log.urls), len(sent)
    assert messages_before > 0, "the page's messages to the server should be seen"
    play = frame.get_by_role("button", name="Play")
    play.click()
    pause = frame.get_by_role("button", name="Pause")
    expect(pause).to_be_visible(timeout=5_000)
    frame.wait_for_function(f"({FRAME_JS})() >= 3", timeout=10_000)
    pause.click()
    expect(frame.get_by_role("button", name="Play")).to_be_visible(timeout=5_000)
    held = _shown(frame)
    held_text = date.inner_text()
    assert held >= 3 and not held_text.startswith(f"{first} ")
    assert len(log.urls) == requests_before, log.urls[requests_before:]
    assert len(sent) == messages_before, "playing sent messages to the server"

    # Pause holds: at four frames a second, two seconds would pass eight frames.
    page.wait_for_timeout(2_000)
    assert _shown(frame) == held
    assert date.inner_text() == held_text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "playback.png")
    assert log.foreign(app.host) == [], "requests left for another host"


def test_playback_plays_to_the_end_and_starts_over(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(
        f"{app.url}/?play=true&play_speed=4&years=2017&years=2019", wait_until="domcontentloaded"
    )
    frame = _playing_map(page)
    date = frame.locator(".timecontrol-date")
    expect(date).to_have_text(re.compile(r"^2017 · "), timeout=TIMEOUT_MS)
    frame.get_by_role("button", name="Play").click()
    # Three frames: it stops on the last one by itself.
    expect(date).to_have_text(f"2019 · {_year_count(geodata, 2019)} incidents", timeout=10_000)
    expect(frame.get_by_role("button", name="Play")).to_be_visible(timeout=5_000)
    assert _shown(frame) == 2
    frame.get_by_role("button", name="Play").click()  # from the start again
    frame.wait_for_function(f"({FRAME_JS})() < 2", timeout=5_000)
    assert log.foreign(app.host) == []


def test_borders_page_plays_months_with_a_rolling_window(page_and_log, app):
    page, log = page_and_log
    page.goto(
        f"{app.url}/border?play=true&play_step=Month&play_window=3", wait_until="domcontentloaded"
    )
    frame = _playing_map(page)
    date = frame.locator(".timecontrol-date")
    expect(date).to_have_text(
        re.compile(r"^[A-Z][a-z]{2} \d{4} – [A-Z][a-z]{2} \d{4} · \d+ incidents?$"),
        timeout=TIMEOUT_MS,
    )
    before = date.inner_text()
    frame.get_by_role("button", name="Step forward one frame").click()
    expect(date).not_to_have_text(before, timeout=5_000)
    assert _shown(frame) == 1
    # The time slider jumps: a click near its right end shows one of the last frames.
    last = int(frame.evaluate(f"() => {PLAYBACK_JS}.data.times.length")) - 1
    page.locator(MAP_IFRAME).first.evaluate("e => e.scrollIntoView({block: 'center'})")
    bar = frame.locator(".timecontrol-dateslider .slider")
    box = bar.bounding_box()
    assert box is not None
    bar.click(position={"x": box["width"] - 2, "y": box["height"] / 2})
    frame.wait_for_function(f"({FRAME_JS})() >= {last - 2}", timeout=5_000)
    assert log.foreign(app.host) == []


def test_a_new_speed_keeps_the_frame_shown(page_and_log, app):
    page, log = page_and_log
    page.goto(f"{app.url}/?play=true", wait_until="domcontentloaded")
    frame = _playing_map(page)
    forward = frame.get_by_role("button", name="Step forward one frame")
    forward.click()
    forward.click()
    frame.wait_for_function(f"({FRAME_JS})() === 2", timeout=5_000)
    label = frame.locator(".timecontrol-date").inner_text()
    # Faster, from the keyboard: the map's data are replaced in place, the frame stays.
    speed = page.get_by_role("slider", name="Frames a second")
    speed.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"play_speed=2"), timeout=TIMEOUT_MS)
    frame.wait_for_function(
        f"() => {PLAYBACK_JS}.player.getTransitionTime() === 500", timeout=TIMEOUT_MS
    )
    assert _shown(frame) == 2
    assert frame.locator(".timecontrol-date").inner_text() == label
    assert log.foreign(app.host) == []
