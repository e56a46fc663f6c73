"""The export panel every map page shows: snapshot image, standalone map, filtered data.

It takes the page's :class:`~borderwatch.mapping.view.MapView`, the same value the page's
map is drawn from, so every export shows what the map shows. Files are generated only when
a download button is pressed (deferred data), so the panel costs nothing on ordinary
reruns.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch.app import team
from borderwatch.app.backend import audit_log
from borderwatch.exports import SNAPSHOT_FORMATS
from borderwatch.exports.data import DATA_FORMATS, export_data
from borderwatch.exports.html import standalone_html
from borderwatch.exports.provenance import Provenance, make_provenance
from borderwatch.filters import full_rows
from borderwatch.mapping.view import MapView
from borderwatch.team.identity import User
from borderwatch.ui.auth import current_user

DPI_CHOICES = (150, 300, 600)
DATA_LABELS = {
    "csv": "CSV (zip with provenance)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "kml": "KML (Google Earth)",
}

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
    view: MapView,
    title: str,
    provenance: Provenance,
    fmt: str,
    dpi: int,
    trend: pd.DataFrame | None = None,
) -> bytes:
    # matplotlib is imported when a snapshot is asked for, not when a page is drawn.
    from borderwatch.exports.snapshot import render_snapshot
    from borderwatch.exports.snapshot.trend import TREND_LABELS_IN, TREND_PANEL_IN

    width, height = page_size_for(view.bounds)
    if trend is not None:  # the page grows by the panel, its labels and a gap
        height += TREND_PANEL_IN + TREND_LABELS_IN + 0.35
    return render_snapshot(
        view,
        title=title,
        provenance=provenance,
        fmt=fmt,
        dpi=dpi,
        size_in=(width, height),
        trend=trend,
    )


def _audited(
    make: Callable[[], tuple[bytes, Provenance]],
    *,
    user: User,
    file_format: str,
    view: MapView,
    title: str,
) -> Callable[[], bytes]:
    """``make``, recording in the audit trail who exported which file (its sha256, format,
    filters and the datasets its provenance names) each time the file is made."""

    def made() -> bytes:
        data, provenance = make()
        # Runs when the button is pressed, maybe outside the page's run: log, never raise.
        team.record_export(
            audit_log(),
            user,
            data,
            file_format=file_format,
            filters=view.filter_description,
            datasets=provenance.dataset_keys(),
            title=title,
        )
        return data

    return made


@dataclass(frozen=True)
class FetchedRows:
    """Incidents a page does not hold (team mode): fetched when a data file is made.

    Attributes
    ----------
    total
        How many incidents the selection keeps.
    limit
        The most a data file carries (the newest, by start date; a KML file at most
        :data:`KML_ROW_LIMIT`).
    fetch
        Makes the newest rows, as many as it is given, every column.
    datasets
        Makes the selection's rows per dataset key: the provenance of the snapshot and the
        map file, which draw the whole selection.
    """

    total: int
    limit: int
    fetch: Callable[[int], gpd.GeoDataFrame]
    datasets: Callable[[], Mapping[str, int]]

    @property
    def count(self) -> int:
        """How many incidents a data file carries."""
        return min(self.total, self.limit)

    def limit_of(self, data_fmt: str) -> int:
        """The most a file of ``data_fmt`` carries."""
        return min(self.limit, KML_ROW_LIMIT) if data_fmt == "kml" else self.limit


#: Team mode: the most incidents a KML file carries. Its writer holds the whole document
#: (2.4 GB for 50,000 placemarks), and Google Earth slows long before.
KML_ROW_LIMIT = 10_000


def _title_key(view: MapView, key: str) -> str:
    """The title widget's key, its value reset to the view's title when that changes (e.g.
    another playback frame is picked); the analyst's own title is kept otherwise."""
    widget, proposed = f"{key}_title", f"_{key}_title_proposed"
    if widget not in st.session_state or st.session_state.get(proposed) != view.title:
        st.session_state[widget] = view.title
        st.session_state[proposed] = view.title
    return widget


def export_panel(
    view: MapView,
    *,
    key: str,
    incidents: gpd.GeoDataFrame | FetchedRows | None = None,
    trend: Callable[[], pd.DataFrame] | None = None,
    columns_from: gpd.GeoDataFrame | None = None,
) -> None:
    """An expander with title, format choices and download buttons for ``view``.

    Parameters
    ----------
    view
        The page's map view: the snapshot and the standalone map draw it; its title is
        proposed, its filter description and files go into every file's provenance.
    key
        Unique per page; prefixes widget keys.
    incidents
        The incidents to offer as data (CSV, GeoJSON, GeoPackage, KML): a table, rows the
        database gives when a file is made (:class:`FetchedRows`), or ``None`` when the
        view has no incident table.
    trend
        Makes the monthly totals of the selection (``period``, ``incidents``,
        ``deaths_best``, ``unknown_tolls``), called only when a file asks for them: when
        given, the snapshot offers files with a trend panel under the map too (each its
        own button).
    columns_from
        The table ``incidents`` were selected from, when they hold only a few columns
        (:func:`borderwatch.filters.rows_to_draw`): a file takes their other columns from
        it when it is made, so the page keeps no full copy of a large selection.
    """
    with st.expander("Export this view", icon=":material/download:"):
        _export_files(view, key, incidents, trend, columns_from)


# A fragment: the title is taken as the analyst types (after a short pause) and only this
# panel reruns, so the buttons carry the new title before a hand reaches them — a title
# sent only on Enter lost the race to a quick click on a download.
@st.fragment
def _export_files(
    view: MapView,
    key: str,
    incidents: gpd.GeoDataFrame | FetchedRows | None,
    trend: Callable[[], pd.DataFrame] | None = None,
    columns_from: gpd.GeoDataFrame | None = None,
) -> None:
    title = str(
        st.text_input(
            "Title",
            key=_title_key(view, key),
            live=TITLE_COMMIT_PAUSE,
            help="The title of every file below, taken as you type.",
        )
        or view.title
    )

    def rows(data_fmt: str = "") -> gpd.GeoDataFrame | None:
        # Every column, made when a file is (not kept between runs for each session).
        if isinstance(incidents, FetchedRows):
            return incidents.fetch(incidents.limit_of(data_fmt))
        if incidents is None or columns_from is None:
            return incidents
        return full_rows(columns_from, incidents)

    def provenance(chosen: gpd.GeoDataFrame | None = None) -> Provenance:
        # Of the rows a data file carries (``chosen``), else of what the view draws.
        if chosen is None and isinstance(incidents, FetchedRows):
            return make_provenance(
                title=title,
                filters=view.filter_description,
                files=view.files,
                row_counts=incidents.datasets(),
            )
        if chosen is None:
            chosen = rows()
        return make_provenance(
            title=title,
            filters=view.filter_description,
            files=view.files,
            incidents=chosen if chosen is not None else view.incidents,
        )

    audited = functools.partial(_audited, user=current_user(), view=view, title=title)
    image_col, map_col, data_col = st.columns(3)
    with image_col:
        _snapshot_download(view, key, title, provenance, audited, trend)
    with map_col:
        _map_download(view, key, title, provenance, audited)
    with data_col:
        _data_download(incidents, rows, key, title, provenance, audited)
    st.caption(
        "Every file says what it shows, the filters, the data versions and when it was made."
    )


#: How long typing pauses before the title is taken (Streamlit's ``live`` commit).
TITLE_COMMIT_PAUSE = "150ms"

#: One button per snapshot file: (label, format, dpi). Each button names exactly the file it
#: delivers; there is no separate format choice that a quick click could outrun.
SNAPSHOT_BUTTONS: tuple[tuple[str, str, int], ...] = (
    *((f"PNG, {dpi} dpi", "png", dpi) for dpi in DPI_CHOICES),
    ("SVG", "svg", 300),
    ("PDF", "pdf", 300),
)


#: With a trend: one more button per file that adds the trend panel.
TREND_BUTTONS: tuple[tuple[str, str, int], ...] = (
    ("PNG, 300 dpi, with the trend", "png", 300),
    ("PDF, with the trend", "pdf", 300),
)


def _snapshot_bytes(
    view: MapView,
    title: str,
    provenance: Callable[[], Provenance],
    fmt: str,
    dpi: int,
    trend: Callable[[], pd.DataFrame] | None = None,
) -> tuple[bytes, Provenance]:
    made = provenance()
    return _snapshot(view, title, made, fmt, dpi, None if trend is None else trend()), made


def _map_bytes(
    view: MapView, title: str, provenance: Callable[[], Provenance]
) -> tuple[bytes, Provenance]:
    made = provenance()
    return standalone_html(view, title=title, provenance=made).encode("utf-8"), made


def _data_bytes(
    rows: Callable[[str], gpd.GeoDataFrame | None],
    provenance: Callable[[gpd.GeoDataFrame], Provenance],
    data_fmt: str,
) -> tuple[bytes, Provenance]:
    incidents = rows(data_fmt)  # fetched once for the file, its provenance and its audit record
    assert incidents is not None  # a data button is offered only with incidents
    made = provenance(incidents)
    return export_data(incidents, made, fmt=data_fmt), made


def _snapshot_download(
    view: MapView,
    key: str,
    title: str,
    provenance: Callable[[], Provenance],
    audited: Callable[..., Callable[[], bytes]],
    trend: Callable[[], pd.DataFrame] | None = None,
) -> None:
    # Files are made on click (deferred) by the closure of THAT button: format, dpi and
    # file name travel together. on_click="ignore": a download does not rerun the page.
    with st.popover("Download snapshot", icon=":material/image:", width="stretch"):
        for label, fmt, dpi in SNAPSHOT_BUTTONS:
            st.download_button(
                label,
                data=audited(
                    functools.partial(_snapshot_bytes, view, title, provenance, fmt, dpi),
                    file_format=f"{fmt} {dpi} dpi",
                ),
                file_name=f"{_file_stem(title)}.{fmt}",
                mime=SNAPSHOT_FORMATS[fmt],
                key=f"{key}_snapshot_{fmt}_{dpi}",
                on_click="ignore",
                width="stretch",
            )
        if trend is None:
            return
        for label, fmt, dpi in TREND_BUTTONS:
            st.download_button(
                label,
                data=audited(
                    functools.partial(_snapshot_bytes, view, title, provenance, fmt, dpi, trend),
                    file_format=f"{fmt} {dpi} dpi with the trend",
                ),
                file_name=f"{_file_stem(title)}-trend.{fmt}",
                mime=SNAPSHOT_FORMATS[fmt],
                key=f"{key}_snapshot_trend_{fmt}_{dpi}",
                on_click="ignore",
                width="stretch",
            )


def _map_download(
    view: MapView,
    key: str,
    title: str,
    provenance: Callable[[], Provenance],
    audited: Callable[..., Callable[[], bytes]],
) -> None:
    st.download_button(
        "Download interactive map",
        data=audited(functools.partial(_map_bytes, view, title, provenance), file_format="html"),
        file_name=f"{_file_stem(title)}.html",
        mime="text/html",
        key=f"{key}_download_html",
        icon=":material/map:",
        on_click="ignore",
        width="stretch",
    )
    st.caption("A single HTML file that opens and works with no internet.")


def _data_download(
    incidents: gpd.GeoDataFrame | FetchedRows | None,
    rows: Callable[[str], gpd.GeoDataFrame | None],
    key: str,
    title: str,
    provenance: Callable[[gpd.GeoDataFrame], Provenance],
    audited: Callable[..., Callable[[], bytes]],
) -> None:
    if incidents is None:
        st.caption("This view has no incident table to export.")
        return
    count = incidents.count if isinstance(incidents, FetchedRows) else len(incidents)
    with st.popover(f"Download {count:,} incidents", icon=":material/table:", width="stretch"):
        if isinstance(incidents, FetchedRows) and incidents.total > incidents.limit:
            st.caption(
                f"The newest {incidents.limit:,} of the {incidents.total:,} incidents selected: "
                "a team server's files stop there. Narrow the filters to export the others, or "
                "open the team database in QGIS (docs/team-server.md says how)."
            )
        for data_fmt, label in DATA_LABELS.items():
            extension, mime = DATA_FORMATS[data_fmt]
            if isinstance(incidents, FetchedRows) and incidents.limit_of(data_fmt) < count:
                label = f"{label}, the newest {incidents.limit_of(data_fmt):,}"
            st.download_button(
                label,
                data=audited(
                    functools.partial(_data_bytes, rows, provenance, data_fmt),
                    file_format=data_fmt,
                ),
                file_name=f"{_file_stem(title)}.{extension}",
                mime=mime,
                key=f"{key}_data_{data_fmt}",
                on_click="ignore",
                width="stretch",
            )
