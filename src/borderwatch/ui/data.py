"""The data layer inside Streamlit: loaded once per change on disk, prepared for the pages.

A broken file is shown as a clear error (file, row, field, what to do) and stops the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import streamlit as st

from borderwatch import loading, paths, store
from borderwatch.dedupe import combined_incidents
from borderwatch.errors import DataFileError
from borderwatch.filters import year_span
from borderwatch.links import country_anchors
from borderwatch.loading import GeoData
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.proximity import BorderIndex, add_border_distance
from borderwatch.zones import border_zones


@dataclass(frozen=True)
class PreparedData:
    """The data layer plus what every page derives from it, computed once."""

    geodata: GeoData
    #: Incidents with ``border_distance_km`` and ``nearest_border``.
    incidents: gpd.GeoDataFrame
    border_index: BorderIndex
    anchors: dict[str, tuple[float, float]]
    display_countries: gpd.GeoDataFrame
    display_borders: gpd.GeoDataFrame
    #: Countries where incidents happened, and the years they cover (computed once: the
    #: sidebar needs them on every rerun, over possibly a million rows).
    incident_countries: tuple[str, ...] = ()
    incident_years: tuple[int, int] = (2011, 2019)

    @property
    def country_names(self) -> dict[str, str]:
        return self.geodata.country_names()

    @property
    def border_names(self) -> dict[str, str]:
        borders = self.geodata.borders
        return dict(zip(borders["pair"], borders["name"], strict=True))


#: Defaults for recognising the same incident in several datasets (Data page changes them).
DEDUPE_DAYS_KEY, DEDUPE_KM_KEY = "dedupe_days", "dedupe_km"
DEFAULT_DEDUPE_DAYS, DEFAULT_DEDUPE_KM = 3, 10.0


def _files_state(directory: Path) -> tuple[tuple[str, float, int], ...]:
    files = sorted(p for p in directory.glob("*") if p.is_file())
    return tuple((p.name, p.stat().st_mtime, p.stat().st_size) for p in files)


def _fingerprint() -> tuple:
    # Reload when a file changes on disk (an analyst fixed a row, a dataset was imported,
    # enabled or deleted) or the duplicate settings change, not on every rerun.
    directory, store_dir = paths.geodata_dir(), store.data_dir()
    return (
        str(directory),
        _files_state(directory),
        str(store_dir),
        _files_state(store_dir) if store_dir.is_dir() else (),
        st.session_state.get(DEDUPE_DAYS_KEY, DEFAULT_DEDUPE_DAYS),
        st.session_state.get(DEDUPE_KM_KEY, DEFAULT_DEDUPE_KM),
    )


@st.cache_resource(show_spinner="Loading borders and incidents…", max_entries=2)
def _prepare(fingerprint: tuple) -> PreparedData:
    directory, _, store_dir, _, max_days, max_km = fingerprint
    geodata = loading.load_geodata(Path(directory))
    imported = store.DatasetStore(Path(store_dir)).load_enabled()
    index = BorderIndex.from_borders(geodata.borders)
    incidents = combined_incidents(geodata.incidents, imported, max_days=max_days, max_km=max_km)
    return PreparedData(
        geodata=geodata,
        incidents=add_border_distance(incidents, index),
        incident_countries=tuple(sorted(incidents["country_iso3"].dropna().unique())),
        incident_years=year_span(incidents),
        border_index=index,
        anchors=country_anchors(geodata.countries),
        display_countries=simplify_for_display(geodata.countries),
        display_borders=simplify_for_display(geodata.borders),
    )


@st.cache_resource(show_spinner="Drawing border zones…", max_entries=16)
def _zones(fingerprint: tuple, width_km: float) -> gpd.GeoDataFrame:
    return simplify_for_display(border_zones(_prepare(fingerprint).geodata.borders, width_km))


def show_data_error(error: DataFileError) -> None:
    """Explain a broken data file: which file, where, what is wrong, what to do."""
    problems = "\n".join(f"- {p.describe()}" for p in error.problems[:15])
    more = len(error.problems) - 15
    if more > 0:
        problems += f"\n- … and {more} more"
    st.error(
        f"**BorderWatch could not load `geodata/{error.path.name}`.**\n\n"
        f"{problems}\n\n**What to do:** {error.remedy}",
        icon=":material/error:",
    )


def data_or_stop() -> PreparedData:
    """The prepared data layer; on a broken file, show why and stop the page."""
    try:
        return _prepare(_fingerprint())
    except DataFileError as error:
        show_data_error(error)
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers informed


def zones(width_km: float, pairs: list[str] | None = None) -> gpd.GeoDataFrame:
    """Border zones of ``width_km`` for drawing (cached per width)."""
    all_zones = _zones(_fingerprint(), float(width_km))
    return all_zones if pairs is None else all_zones[all_zones["pair"].isin(pairs)]
