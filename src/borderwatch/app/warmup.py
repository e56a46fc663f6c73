"""Warm the server up while the browser is still loading Streamlit's front end.

Starting the app is mostly importing (pandas, geopandas, folium, …) and preparing the
data. The launcher runs :func:`warm_up` in a background thread as the server starts, so
that work overlaps with the browser fetching and starting the front end; the first
script run then waits for it (:func:`wait`) rather than importing the same modules in a
second thread at the same time.
"""

from __future__ import annotations

import gc
import importlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from borderwatch.app.prepared import PreparedData

#: Imported up front: what the first page (the incident map) needs. Not streamlit_folium:
#: it registers its front end on import only inside a script run; the launcher's ``then``
#: (:func:`borderwatch.ui.map.warm_first_map`) imports it and registers that itself.
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
    "borderwatch.ui.auth",
    "borderwatch.ui.sidebar",
    "borderwatch.ui.widgets",
    "borderwatch.ui.exports",
    "folium.plugins",
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


def _set_long_lived_aside() -> None:
    # Streamlit runs the cyclic collector after every script run (postScriptGC); walking the
    # modules, templates and prepared data made so far (160,000 objects on the curated data,
    # millions with imports) cost 0.1-0.2 s a run. They live as long as the process, so move
    # them out of its reach (no collection first: it would delay the first page, and the
    # little cyclic garbage of importing is not worth it). Frames are freed by reference
    # counting, so data replaced later is still freed.
    gc.freeze()


def warm_up(
    *,
    wait_for_server: bool = True,
    then: Callable[[PreparedData], None] | None = None,
) -> None:
    """Import the first page's modules, prepare the data layer (kept by
    :func:`borderwatch.app.prepared.prepare_data` for the first request), compile the
    map's templates, run ``then`` (the user interface's own warm-up) on the prepared data,
    and set everything made so far aside from the cyclic garbage collector."""
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
    if then is not None:
        then(prepared)
    _set_long_lived_aside()


def start(then: Callable[[PreparedData], None] | None = None) -> None:
    """Run :func:`warm_up` (with ``then``) in a daemon thread, once per process."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(
                target=warm_up,
                kwargs={"then": then},
                name="borderwatch-warm-up",
                daemon=True,
            )
            _thread.start()


def wait() -> None:
    """Return when the warm-up, if one was started, has finished."""
    thread = _thread
    if thread is not None:
        thread.join()
