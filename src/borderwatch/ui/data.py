"""The prepared data layer inside Streamlit: cached per process, errors shown on the page.

What is prepared, and how, is :mod:`borderwatch.app.prepared`; this module only caches
its result and explains a broken file (file, row, field, what to do) instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import streamlit as st

from borderwatch import paths
from borderwatch.app import warmup
from borderwatch.app.prepared import (
    DataSettings,
    PreparedData,
    data_fingerprint,
    display_zones,
    prepare_data,
)
from borderwatch.config import settings
from borderwatch.errors import DataFileError
from borderwatch.ui.auth import current_user, hidden_datasets

__all__ = [
    "PreparedData",
    "countries_or_none",
    "data_or_stop",
    "data_settings",
    "prepared_or_none",
    "set_aside_datasets",
    "shared_answer",
    "show_data_error",
    "zones",
]

Answer = TypeVar("Answer")

#: Session keys of the duplicate thresholds (the Data page sets them).
DEDUPE_DAYS_KEY, DEDUPE_KM_KEY = "dedupe_days", "dedupe_km"
DEFAULT_DEDUPE_DAYS, DEFAULT_DEDUPE_KM = settings().dedupe_days, settings().dedupe_km


def data_settings() -> DataSettings:
    """What the data layer is built from on this run: configuration, the session's
    duplicate thresholds, and the datasets the signed-in user may not see."""
    config = settings()
    return DataSettings.from_config(
        config,
        dedupe_days=st.session_state.get(DEDUPE_DAYS_KEY),
        dedupe_km=st.session_state.get(DEDUPE_KM_KEY),
        hidden_datasets=hidden_datasets(current_user(config), config),
    )


@st.cache_resource(show_spinner="Loading borders and incidents…", max_entries=2)
def _prepared(data_settings: DataSettings, fingerprint: str) -> PreparedData:
    # The fingerprint is part of the cache key only: a changed file makes a new entry.
    del fingerprint
    return prepare_data(data_settings, cache_dir=settings().cache_dir)


@st.cache_resource(show_spinner="Drawing border zones…", max_entries=16)
def _zones(fingerprint: str, width_km: float) -> gpd.GeoDataFrame:
    del fingerprint
    return display_zones(data_or_stop(), width_km)


def _shown_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def show_data_error(error: DataFileError) -> None:
    """Explain a broken data file: which file, where, what is wrong, what to do."""
    problems = "\n".join(f"- {p.describe()}" for p in error.problems[:15])
    more = len(error.problems) - 15
    if more > 0:
        problems += f"\n- … and {more} more"
    st.error(
        f"**BorderWatch could not load `{_shown_path(error.path)}`.**\n\n"
        f"{problems}\n\n**What to do:** {error.remedy}",
        icon=":material/error:",
    )


def data_or_stop() -> PreparedData:
    """The prepared data layer; on a broken file, show why and stop the page."""
    warmup.wait()
    chosen = data_settings()
    try:
        prepared = _prepared(chosen, data_fingerprint(chosen))
    except DataFileError as error:
        show_data_error(error)
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers informed
    for aside in prepared.set_aside:
        where = f" (`{_shown_path(aside.path)}`)" if aside.path is not None else ""
        st.error(
            f"**{aside.name or aside.key}**{where} is left out of this page: {aside.message} "
            "The other data is shown; delete or re-import it on the Data page.",
            icon=":material/block:",
        )
    return prepared


def zones(width_km: float, pairs: list[str] | None = None) -> gpd.GeoDataFrame:
    """Border zones of ``width_km`` for drawing (cached per width)."""
    all_zones = _zones(data_or_stop().fingerprint, float(width_km))
    return all_zones if pairs is None else all_zones[all_zones["pair"].isin(pairs)]


def countries_or_none() -> gpd.GeoDataFrame | None:
    """Country polygons for the importer's place check; ``None`` when they cannot be read
    (the check is then skipped rather than the import refused)."""
    try:
        return _country_shapes(str(settings().geodata_dir))
    except Exception:  # a broken data layer is reported by the other pages
        return None


@st.cache_resource(show_spinner=False, max_entries=2)
def _country_shapes(geodata_dir: str) -> gpd.GeoDataFrame:
    from borderwatch.loading import load_countries

    return load_countries(Path(geodata_dir) / paths.COUNTRIES_FILE.name)


def prepared_or_none() -> PreparedData | None:
    """The prepared data layer, or ``None`` when it cannot be built (the other pages say
    why)."""
    warmup.wait()
    chosen = data_settings()
    try:
        return _prepared(chosen, data_fingerprint(chosen))
    except DataFileError:
        return None


def set_aside_datasets() -> tuple:
    """Stored datasets the pages leave out because they cannot show them (with why)."""
    warmup.wait()
    chosen = data_settings()
    try:
        return _prepared(chosen, data_fingerprint(chosen)).set_aside
    except DataFileError:
        return ()


@st.cache_resource(max_entries=64, show_spinner="Counting in the team database…")
def _shared_answer(key: str, _make: Callable[[], Answer]) -> Answer:
    # Shared by every session of this process asking the same question of the same data
    # (the key names the data's fingerprint — store version, datasets hidden from the
    # user — and the question): one computes, the others wait and reuse it.
    del key
    return _make()


def shared_answer(data: PreparedData, question: tuple, make: Callable[[], Answer]) -> Answer:
    """``make()``: in team mode, asked of the database once per process for the data and
    ``question`` (a tuple naming the answer and everything it depends on besides the
    data), then reused; in the embedded mode made on each run (from memory, quick)."""
    if not data.events_in_database:
        return make()
    return _shared_answer(repr((data.fingerprint, data_settings(), question)), make)
