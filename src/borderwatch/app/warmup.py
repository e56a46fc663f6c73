"""Warm the server up while the browser is still loading Streamlit's front end.

Starting the app is mostly importing (pandas, geopandas, folium, …) and preparing the
data. The launcher runs :func:`warm_up` in a background thread as the server starts, so
that work overlaps with the browser fetching and starting the front end; the first
script run then waits for it (:func:`wait`) rather than importing the same modules in a
second thread at the same time.
"""

from __future__ import annotations

import importlib
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from borderwatch.app.prepared import PreparedData

#: Imported up front: what the first page (the incident map) needs. Not streamlit_folium:
#: it registers its component on import, which only works from a script run (imported
#: here, its map answers 404).
MODULES = (
    "pandas",
    "geopandas",
    "folium",
    "pyogrio",
    "borderwatch.app.prepared",
    "borderwatch.filters",
    "borderwatch.links",
    "borderwatch.tables",
    "altair",
    "borderwatch.charts",
    "borderwatch.trends",
    "borderwatch.search",
    "borderwatch.mapping.incident_map",
    "borderwatch.mapping.folium_map",
    "borderwatch.exports.data",
    "borderwatch.exports.html",
    "borderwatch.ui.sidebar",
    "borderwatch.ui.widgets",
    "borderwatch.ui.exports",
)

_thread: threading.Thread | None = None
_lock = threading.Lock()


def _wait_for_server(timeout_s: float = 30.0) -> None:
    # Started before the server, the warm-up would hold the GIL while the server is still
    # getting ready to answer the browser; start once it is listening.
    from streamlit.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.02)


def _compile_map_templates(prepared: PreparedData) -> None:
    # folium compiles each element's Jinja template on first render: do it for the first
    # page's kinds of element now, on a few incidents, instead of during the first request.
    from borderwatch.mapping.folium_map import folium_map
    from borderwatch.mapping.incident_map import incident_map_view

    countries = prepared.display_countries.head(2)
    view = incident_map_view(
        title="warm-up",
        filter_description="",
        countries=countries,
        focus_countries=tuple(countries["iso3"]),
        borders=prepared.display_borders.head(2),
        incidents=prepared.incidents.head(3),
        country_names=prepared.country_names,
    )
    folium_map(view).get_root().render()


def warm_up(*, wait_for_server: bool = True) -> None:
    """Import the first page's modules, prepare the data layer (kept by
    :func:`borderwatch.app.prepared.prepare_data` for the first request) and compile the
    map's templates."""
    if wait_for_server:
        _wait_for_server()
    for name in MODULES:
        importlib.import_module(name)
    from borderwatch.app.prepared import DataSettings, prepare_data
    from borderwatch.config import settings
    from borderwatch.errors import DataFileError

    # A broken file is not the warm-up's to report: the first page shows it and what to do.
    try:
        prepared = prepare_data(DataSettings.from_config(), cache_dir=settings().cache_dir)
    except DataFileError:
        return
    _compile_map_templates(prepared)


def start() -> None:
    """Run :func:`warm_up` in a daemon thread (once per process)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=warm_up, name="borderwatch-warm-up", daemon=True)
            _thread.start()


def wait() -> None:
    """Return when the warm-up, if one was started, has finished."""
    thread = _thread
    if thread is not None:
        thread.join()
