"""Loading the data layer inside Streamlit: cached, and shown as a clear error if broken."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from borderwatch import loading, paths
from borderwatch.errors import DataFileError
from borderwatch.loading import GeoData
from borderwatch.mapping.layers import simplify_for_display


def _fingerprint() -> tuple[str, tuple[tuple[str, float, int], ...]]:
    # Reload when a file changes on disk (an analyst fixed a row), not on every rerun.
    directory = paths.geodata_dir()
    files = sorted(p for p in directory.glob("*") if p.is_file())
    return str(directory), tuple((p.name, p.stat().st_mtime, p.stat().st_size) for p in files)


@st.cache_resource(show_spinner="Loading borders and incidents…")
def _load(fingerprint: tuple) -> GeoData:
    directory, _ = fingerprint
    return loading.load_geodata(Path(directory))


@st.cache_resource
def _display_layers(fingerprint: tuple) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    geodata = _load(fingerprint)
    return simplify_for_display(geodata.countries), simplify_for_display(geodata.borders)


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


def geodata_or_stop() -> GeoData:
    """The loaded data layer; on a broken file, show why and stop the page."""
    try:
        return _load(_fingerprint())
    except DataFileError as error:
        show_data_error(error)
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers informed


def display_layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Country polygons and border lines simplified for drawing (cached)."""
    return _display_layers(_fingerprint())
