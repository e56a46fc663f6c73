"""Borders: one border or all, its zone, the incidents in it, crossings and regimes."""

import streamlit as st

from borderwatch.app.borders import border_layers, select_border
from borderwatch.border_stats import border_lengths_table, zone_ranking
from borderwatch.links import cross_border_links
from borderwatch.mapping.border_map import border_map_view
from borderwatch.store import empty_incidents
from borderwatch.tables import crossing_table, regime_table
from borderwatch.ui.data import data_or_stop, zones
from borderwatch.ui.database_borders import border_zone, zone_incidents, zone_overview
from borderwatch.ui.database_map import links_of
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
    zone_ranking_section,
    zone_year_section,
)

ALL_BORDERS = "all"

data = data_or_stop()
names = data.country_names
border_names = data.border_names
chosen = choices()
width_km = chosen.zone_km
last_year = data.incident_years[1]

st.title("Borders")
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
pairs = () if border == ALL_BORDERS else (border,)

selection = chosen.incident_filter
label = "all borders" if not pairs else border_names[border]
st.caption(
    f"Incidents within {width_km} km of {label} ({selection.describe(names)}). "
    "Change the zone width and filters in the sidebar."
)
layers = border_layers(data, pairs=pairs, regime_year=regime_year)
if data.events_in_database:  # team mode: the zone counted in the database
    zone = border_zone(data, selection, width_km=width_km, pairs=pairs)
    zone_links = links_of(data, zone.selection) if chosen.show_links else None
    drawn, drawn_links = empty_incidents(), None  # the database's rows or cells, below
else:
    chosen_border = select_border(
        data, selection, width_km=width_km, pairs=pairs, regime_year=regime_year
    )
    inside, filtered = chosen_border.inside, chosen_border.filtered
    # Links only when shown: with imported data the selection can be a million rows.
    links = cross_border_links(inside, data.anchors) if chosen.show_links else None
    drawn, drawn_links = inside, (links[0] if links else None)
view = border_map_view(
    title=f"Incidents within {width_km} km of {label}",
    filter_description=f"{selection.describe(names)}; zone {width_km} km of {label}; "
    f"regimes in force in {regime_year}",
    countries=data.display_countries,
    borders=data.display_borders,
    zones=zones(width_km, list(pairs) or None),
    incidents=drawn,
    crossings=layers.crossings,
    regimes=layers.regime_lines,
    regime_year=regime_year,
    country_names=names,
    selected_pairs=pairs,
    links=drawn_links,
)
if data.events_in_database:
    played = zone_overview(
        data,
        zone,
        view,
        pairs=pairs,
        width_km=width_km,
        years=selection.years,
        basemap=chosen.basemap,
        links=zone_links,
    )
else:
    incident_counters(inside)
    maybe = chosen_border.possibly_inside
    if not maybe.empty:
        st.caption(
            f"{len(maybe)} more incident(s) lie outside the zone but could be inside given "
            f"their location precision: {', '.join(maybe['incident_id'])}."
        )
    map_view, export_view = playback_section(view)
    show_map(map_view, key="border-map", basemap=chosen.basemap)
    not_placed_notice(
        filtered,
        names,
        what=f"incidents matching the filters ({len(inside):,} of them in this zone)",
    )
    st.caption(PRECISION_CAVEAT)
    zone_year_section(chosen_border.by_year, border_names, width_km=width_km, years=selection.years)
    zone_ranking_section(zone_ranking(filtered, width_km, border_names))

st.subheader("Border lengths: measured and published")
lengths = border_lengths_table(data.geodata.border_lengths, pairs)
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
if layers.regimes.empty:
    st.caption("No closure or barrier recorded for this border in that year.")
else:
    data_table(regime_table(layers.regimes, border_names))

st.subheader("Crossing points")
if layers.crossings.empty:
    st.caption("No crossing point recorded on this border.")
else:
    data_table(crossing_table(layers.crossings, border_names))

if data.events_in_database:
    zone_incidents(data, zone, played, zone_links)
else:
    st.subheader("Incidents in the zone")
    incidents_table(inside, names)
    if links:
        links_section(*links, names)
    # With playback on, the export draws the frame picked for the snapshot.
    export_panel(export_view, key="border", incidents=export_view.incidents)
