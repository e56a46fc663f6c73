"""The Borders page's incident sections in team mode: every figure, row and cell of the
zone asked of the database (:func:`borderwatch.app.borders.database_border_zone`).

The page's other sections (lengths, regimes, crossings) are curated layers, the same in
both modes.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from borderwatch.app.borders import DatabaseBorderZone, database_border_zone
from borderwatch.app.selection import CrossBorderLinks
from borderwatch.border_stats import ranking_from_counts
from borderwatch.config import settings
from borderwatch.filters import IncidentFilter
from borderwatch.mapping.view import MapView
from borderwatch.ui.data import PreparedData, data_settings, shared_answer
from borderwatch.ui.database_map import (
    counters,
    export_rows,
    frames_maker,
    links_part,
    table_section,
)
from borderwatch.ui.exports import export_panel
from borderwatch.ui.map import show_map
from borderwatch.ui.playback import Played, played_views
from borderwatch.ui.widgets import (
    PRECISION_CAVEAT,
    TEAM_COUNTS,
    zone_ranking_section,
    zone_year_section,
)


def border_zone(
    data: PreparedData, selection: IncidentFilter, *, width_km: float, pairs: tuple[str, ...]
) -> DatabaseBorderZone:
    """The zone's answers, counted once per process for the data and the question."""
    config, chosen = settings(), data_settings()
    return shared_answer(
        data,
        (
            *("border zone", selection, width_km, pairs),
            *(config.max_individual_points, config.table_row_limit),
        ),
        lambda: database_border_zone(
            data,
            selection,
            width_km=width_km,
            pairs=pairs,
            data_settings=chosen,
            max_points=config.max_individual_points,
            table_limit=config.table_row_limit,
        ),
    )


def zone_overview(
    data: PreparedData,
    zone: DatabaseBorderZone,
    view: MapView,
    *,
    pairs: tuple[str, ...],
    width_km: float,
    years: tuple[int, int] | None,
    basemap: str,
    links: CrossBorderLinks | None = None,
) -> Played:
    """Counters, the map (incidents, or grid cells when many; played over time on demand),
    the per-year chart and the ranking of every border; returns the map's views."""
    answers = zone.answers
    counted = answers.counters
    counters(counted)
    maybe, listed = zone.possibly_inside
    if maybe:
        more = f" (the newest {len(listed)} listed)" if maybe > len(listed) else ""
        st.caption(
            f"{maybe:,} more incident(s) lie outside the zone but could be inside given their "
            f"location precision{more}: {', '.join(listed)}."
        )
    rows = answers.map_rows
    drawn = dataclasses.replace(
        view,
        incidents=rows.incidents if rows.incidents is not None else view.incidents,
        cells=rows.cells,
        cell_deg=rows.cell_deg,
        links=links.drawable if links is not None else None,
    )
    played = played_views(drawn, frames_of=frames_maker(data, zone.selection, drawn))
    show_map(played.map_view, key="border-map", basemap=basemap)
    unplaced = counted.incidents - counted.placed
    if unplaced:
        st.caption(
            f"{unplaced:,} incident(s) in the zone have no coordinates: they count in the "
            "figures above but cannot be drawn."
        )
    st.caption(PRECISION_CAVEAT)
    st.caption(f"Team mode: {TEAM_COUNTS}.")
    zone_year_section(zone.chosen_by_year(pairs), data.border_names, width_km=width_km, years=years)
    zone_ranking_section(ranking_from_counts(zone.by_year, data.border_names))
    return played


def zone_incidents(
    data: PreparedData,
    zone: DatabaseBorderZone,
    played: Played,
    links: CrossBorderLinks | None = None,
) -> None:
    """The zone's newest incidents, its links (when shown) and the export panel (of the
    picked frame when playing)."""
    st.subheader("Incidents in the zone")
    table_section(data, zone.answers.table)
    links_part(data, links)
    rows = export_rows(data, zone.selection, zone.answers.counters.incidents, played)
    export_panel(played.export_view, key="border", incidents=rows)
