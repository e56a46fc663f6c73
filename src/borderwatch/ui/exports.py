"""The export panel every map page shows: snapshot image, standalone map, filtered data.

Files are generated only when a download button is pressed (deferred data), so the panel
costs nothing on ordinary reruns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch.exports.data import DATA_FORMATS, export_data
from borderwatch.exports.html import INLINE_BASE_URL, standalone_html
from borderwatch.exports.provenance import Provenance, make_provenance
from borderwatch.exports.snapshot import SNAPSHOT_FORMATS, SnapshotLayers, render_snapshot
from borderwatch.mapping.base import as_box, bounds_of
from borderwatch.mapping.cooperation_map import arrangement_lines
from borderwatch.mapping.style import ARRANGEMENT_COLORS
from borderwatch.schemas import ARRANGEMENT_KINDS
from borderwatch.ui.data import PreparedData

DPI_CHOICES = (150, 300, 600)
DATA_LABELS = {
    "csv": "CSV (zip with provenance)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "kml": "KML (Google Earth)",
}


@dataclass(frozen=True)
class ExportSource:
    """What a page can export.

    Parameters
    ----------
    key
        Unique per page; prefixes widget keys and file names.
    default_title
        Title proposed to the analyst.
    filters
        The filters behind the view, in words.
    build_map
        Builds the page's folium map for a given asset base URL (for the standalone map).
    snapshot_layers
        The layers of the current view, for the static image.
    incidents
        The incidents shown, for the data exports; ``None`` when the page has none.
    files
        Data-layer files the view is built from, for the provenance.
    """

    key: str
    default_title: str
    filters: str
    build_map: Callable[[str], folium.Map]
    snapshot_layers: Callable[[], SnapshotLayers]
    incidents: gpd.GeoDataFrame | None = None
    files: tuple[str, ...] = ("incidents.csv", "borders.geojson", "countries.geojson")


PAGE_WIDTH_IN = 11.0


def page_size_for(bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    """An 11-inch-wide page whose height suits the view's shape, so a wide region does not
    leave a blank half page (map ~66 % of the width, ~1.6 in for title and footer)."""
    minx, miny, maxx, maxy = bounds
    squash = math.cos(math.radians((miny + maxy) / 2))
    aspect = (maxy - miny) / max((maxx - minx) * squash, 1e-6)
    height = 0.66 * PAGE_WIDTH_IN * aspect + 1.6
    return PAGE_WIDTH_IN, round(min(max(height, 5.5), 11.0), 2)


def _file_stem(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return stem[:60] or "borderwatch"


def _snapshot(
    layers: SnapshotLayers, title: str, provenance: Provenance, fmt: str, dpi: int
) -> bytes:
    return render_snapshot(
        layers,
        title=title,
        provenance=provenance,
        fmt=fmt,
        dpi=dpi,
        size_in=page_size_for(layers.bounds),
    )


def export_panel(source: ExportSource) -> None:
    """An expander with title, format choices and download buttons."""
    with st.expander("Export this view", icon=":material/download:"):
        title = st.text_input("Title", value=source.default_title, key=f"{source.key}_title")
        stem = _file_stem(title)

        def provenance() -> Provenance:
            return make_provenance(title=title, filters=source.filters, files=source.files)

        image_col, map_col, data_col = st.columns(3)
        with image_col:
            fmt = st.selectbox(
                "Snapshot format",
                list(SNAPSHOT_FORMATS),
                format_func=str.upper,
                key=f"{source.key}_image_format",
            )
            dpi = st.selectbox(
                "Resolution (dpi)",
                DPI_CHOICES,
                index=1,
                key=f"{source.key}_dpi",
                disabled=fmt == "svg",
            )
            st.download_button(
                "Download snapshot",
                data=lambda: _snapshot(source.snapshot_layers(), title, provenance(), fmt, dpi),
                file_name=f"{stem}.{fmt}",
                mime=SNAPSHOT_FORMATS[fmt],
                key=f"{source.key}_download_snapshot",
                icon=":material/image:",
            )
        with map_col:
            st.caption("A single HTML file that opens and works with no internet.")
            st.download_button(
                "Download interactive map",
                data=lambda: standalone_html(
                    source.build_map(INLINE_BASE_URL), title=title, provenance=provenance()
                ).encode("utf-8"),
                file_name=f"{stem}.html",
                mime="text/html",
                key=f"{source.key}_download_html",
                icon=":material/map:",
            )
        with data_col:
            if source.incidents is None:
                st.caption("This view has no incident table to export.")
            else:
                data_fmt = st.selectbox(
                    "Data format",
                    list(DATA_FORMATS),
                    format_func=DATA_LABELS.__getitem__,
                    key=f"{source.key}_data_format",
                )
                extension, mime = DATA_FORMATS[data_fmt]
                st.download_button(
                    f"Download {len(source.incidents):,} incidents",
                    data=lambda: export_data(source.incidents, provenance(), fmt=data_fmt),
                    file_name=f"{stem}.{extension}",
                    mime=mime,
                    key=f"{source.key}_download_data",
                    icon=":material/table:",
                )
        st.caption(
            "Every file says what it shows, the filters, the data versions and when it was made."
        )


def cooperation_snapshot_layers(
    arrangements: pd.DataFrame, *, data: PreparedData, shown_multilateral: str | None
) -> SnapshotLayers:
    """The cooperation map's layers for a static snapshot: arrangement lines coloured by
    kind, and the members of the shown multilateral arrangement shaded."""
    lines = arrangement_lines(arrangements, data.display_borders, data.anchors)
    lines["color"] = lines["kind"].map(ARRANGEMENT_COLORS)
    lines["label"] = lines["kind"].map(ARRANGEMENT_KINDS)
    areas = None
    if shown_multilateral is not None:
        chosen = arrangements.set_index("arrangement_id").loc[shown_multilateral]
        countries = data.display_countries
        areas = countries[countries["iso3"].isin(chosen["parties"])][["geometry"]].copy()
        areas["color"] = ARRANGEMENT_COLORS[chosen["kind"]]
        areas["label"] = f"Members: {chosen['name']}"
    return SnapshotLayers(
        countries=data.display_countries,
        borders=data.display_borders,
        incidents=data.incidents.iloc[0:0],
        bounds=as_box(bounds_of(data.display_countries)),
        styled_lines=lines,
        styled_areas=areas,
        show_empty_note=False,
    )
