"""Warm the server up while the browser is still loading Streamlit's front end.

Starting the app is mostly importing (pandas, geopandas, folium, …) and preparing the
data. The launcher runs :func:`warm_up` in a background thread as the server starts, so
that work overlaps with the browser fetching and starting the front end; the first
script run then waits for it (:func:`wait`) rather than importing the same modules in a
second thread at the same time.
"""

from __future__ import annotations

import contextlib
import importlib
import threading

#: Imported up front: what the first page (the incident map) needs.
MODULES = (
    "pandas",
    "geopandas",
    "folium",
    "streamlit_folium",
    "borderwatch.app.prepared",
    "borderwatch.filters",
    "borderwatch.mapping.incident_map",
    "borderwatch.tables",
)

_thread: threading.Thread | None = None
_lock = threading.Lock()


def warm_up() -> None:
    """Import the first page's modules and prepare the data layer (kept by
    :func:`borderwatch.app.prepared.prepare_data` for the first request)."""
    for name in MODULES:
        importlib.import_module(name)
    from borderwatch.app.prepared import DataSettings, prepare_data
    from borderwatch.config import settings
    from borderwatch.errors import DataFileError

    # A broken file is not the warm-up's to report: the first page shows it and what to do.
    with contextlib.suppress(DataFileError):
        prepare_data(DataSettings.from_config(), cache_dir=settings().cache_dir)


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
