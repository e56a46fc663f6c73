"""Borders: one border or all, its zone, the incidents in it, crossings and regimes."""

import streamlit as st

from borderwatch.app.borders import select_border
from borderwatch.border_stats import border_lengths_table, zone_ranking
from borderwatch.charts import zone_trend_chart
from borderwatch.filters import year_span
from borderwatch.links import cross_border_links
from borderwatch.mapping.border_map import border_map_view
from borderwatch.tables import crossing_table, ranking_table, regime_table
from borderwatch.ui.data import curated_only_notice, data_or_stop, zones
from borderwatch.ui.exports import export_panel
from borderwatch.ui.map import show_map
from borderwatch.ui.playback import playback_section
from borderwatch.ui.sidebar import choices
from borderwatch.ui.widgets import (
    PRECISION_CAVEAT,
    data_table,
    incident_counters,
    incidents_table,
    links_section,
    not_placed_notice,
)

ALL_BORDERS = "all"

data = data_or_stop()
names = data.country_names
border_names = data.border_names
chosen = choices()
width_km = chosen.zone_km
first_year, last_year = year_span(data.incidents)

st.title("Borders")
curated_only_notice(data)
pick, year_pick = st.columns([2, 1])
border = pick.selectbox(
    "Border",
    options=[ALL_BORDERS, *sorted(border_names, key=border_names.__getitem__)],
    format_func=lambda p: "All borders" if p == ALL_BORDERS else border_names[p],
    key="border",
    bind="query-params",
)
regime_year = year_pick.slider(
    "Border regimes in force in",
    min_value=1994,
    max_value=max(last_year, 2019),
    value=last_year,
    key="regime_year",
    bind="query-params",
    help="Closures and barriers drawn on the map are those in force in this year.",
)
pairs = [] if border == ALL_BORDERS else [border]

selection = chosen.incident_filter
chosen_border = select_border(
    data, selection, width_km=width_km, pairs=tuple(pairs), regime_year=regime_year
)
inside, filtered = chosen_border.inside, chosen_border.filtered
label = "all borders" if not pairs else border_names[border]
st.caption(
    f"Incidents within {width_km} km of {label} ({selection.describe(names)}). "
    "Change the zone width and filters in the sidebar."
)
incident_counters(inside)
maybe = chosen_border.possibly_inside
if not maybe.empty:
    st.caption(
        f"{len(maybe)} more incident(s) lie outside the zone but could be inside given their "
        f"location precision: {', '.join(maybe['incident_id'])}."
    )
crossings, regimes_now = chosen_border.crossings, chosen_border.regimes
# Links only when shown: with imported data the selection can be a million rows.
links = cross_border_links(inside, data.anchors) if chosen.show_links else None

view = border_map_view(
    title=f"Incidents within {width_km} km of {label}",
    filter_description=f"{selection.describe(names)}; zone {width_km} km of {label}; "
    f"regimes in force in {regime_year}",
    countries=data.display_countries,
    borders=data.display_borders,
    zones=zones(width_km, pairs or None),
    incidents=inside,
    crossings=crossings,
    regimes=chosen_border.regime_lines,
    regime_year=regime_year,
    country_names=names,
    selected_pairs=tuple(pairs),
    links=links[0] if links else None,
)
map_view, export_view = playback_section(view)
show_map(map_view, key="border-map", basemap=chosen.basemap)
not_placed_notice(
    filtered,
    names,
    what=f"incidents matching the filters ({len(inside):,} of them in this zone)",
)
st.caption(PRECISION_CAVEAT)

by_year = chosen_border.by_year
st.subheader(f"Per year in the {width_km} km zone")
if by_year.empty:
    st.info("No incidents in this zone with the current filters.", icon=":material/info:")
else:
    st.altair_chart(zone_trend_chart(by_year, border_names, years=selection.years), width="stretch")
    unknown_tolls = int(by_year["unknown_tolls"].sum())
    if unknown_tolls:
        st.caption(
            f"{unknown_tolls} incident(s) in the zone have no reported toll: they are counted "
            "as incidents, and left out of the deaths (unknown, not zero)."
        )

st.subheader("Borders ranked by incidents in their zone")
data_table(ranking_table(zone_ranking(filtered, width_km, border_names)), placeholder="unknown")
st.caption(
    "Deaths are the sourced range of the incidents whose toll is known; where every toll in "
    "a zone is unknown they read “unknown”, not 0."
)

st.subheader("Border lengths: measured and published")
lengths = border_lengths_table(data.geodata.border_lengths, tuple(pairs))
if lengths.empty:
    st.caption("No published length recorded for this border.")
else:
    st.caption(
        "Lengths measured on the map's 1:10m line run short of published figures: the "
        "small scale smooths the line's bends, and some segments are disputed. Each row "
        "says which source gives which figure."
    )
    st.dataframe(lengths, hide_index=True, width="stretch")

st.subheader(f"Border regimes in force in {regime_year}")
if regimes_now.empty:
    st.caption("No closure or barrier recorded for this border in that year.")
else:
    data_table(regime_table(regimes_now, border_names))

st.subheader("Crossing points")
if crossings.empty:
    st.caption("No crossing point recorded on this border.")
else:
    data_table(crossing_table(crossings, border_names))

st.subheader("Incidents in the zone")
incidents_table(inside, names)

if links:
    links_section(*links, names)

# With playback on, the export draws the frame picked for the snapshot.
export_panel(export_view, key="border", incidents=export_view.incidents)
