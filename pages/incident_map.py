"""Incident map: borders and incidents, filtered from the sidebar; find one, follow it."""

import streamlit as st

from borderwatch.filters import full_rows, rows_to_draw, year_span
from borderwatch.links import cross_border_links
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.search import focus_for
from borderwatch.trends import incident_trend
from borderwatch.ui.data import data_or_stop, zones
from borderwatch.ui.exports import export_panel
from borderwatch.ui.find import (
    focus_notice,
    focused_id,
    follow_map_click,
    search_box,
    set_focus,
)
from borderwatch.ui.map import show_map
from borderwatch.ui.playback import playback_section
from borderwatch.ui.sidebar import choices
from borderwatch.ui.widgets import (
    PRECISION_CAVEAT,
    explain_empty,
    incident_counters,
    incidents_table,
    links_section,
    not_placed_notice,
    trend_section,
)

data = data_or_stop()
names = data.country_names
chosen = choices()
if data.events_in_database:  # team mode: every figure and row asked of the database
    from borderwatch.ui.database_map import database_incident_map

    database_incident_map(data, chosen)
    st.stop()
selection = chosen.incident_filter
# A large selection is held as a few columns: the map counts them; the table and the
# exports take the other columns of the rows they show, when they show them.
shown = rows_to_draw(data.incidents, selection)
focused = focused_id()

st.title("Incidents along North Africa's borders")
st.caption(
    f"{selection.describe(names)}. Circles are coloured by event type and sized by deaths; "
    "click one for what happened, how precisely it is placed, and who reported it."
)
search_box(data, shown)
focus_notice(data, shown, focused)
incident_counters(shown)

if shown.empty:
    explain_empty(selection, names, covered_years=year_span(data.incidents))
    st.stop()

# Links only when shown: with imported data the selection can be a million rows.
links = (
    cross_border_links(full_rows(data.incidents, shown), data.anchors)
    if chosen.show_links
    else None
)
view = incident_map_view(
    title="Security incidents along North Africa's borders",
    filter_description=selection.describe(names),
    countries=data.display_countries,
    borders=data.display_borders,
    incidents=shown,
    country_names=names,
    focus_countries=selection.countries,
    zones=zones(chosen.zone_km) if chosen.show_zones else None,
    links=links[0] if links else None,
    focus=focus_for(shown, focused),
)
map_view, export_view = playback_section(view)
focused = follow_map_click(show_map(map_view, key="incident-map", basemap=chosen.basemap), focused)
not_placed_notice(shown, names, columns_from=data.incidents)
if selection.border_zone_km is not None or chosen.show_zones:
    st.caption(PRECISION_CAVEAT)

trend_section(lambda period: incident_trend(shown, period))

st.subheader("Filtered incidents")
st.caption("Select a row to show that incident on the map; click one on the map to select it here.")
incidents_table(
    shown,
    names,
    key="incident-table",
    focused=focused,
    on_focus=set_focus,
    columns_from=data.incidents,
)

if links:
    links_section(*links, names)

# With playback on, the export draws the frame picked for the snapshot.
export_panel(
    export_view, key="incidents", incidents=export_view.incidents, columns_from=data.incidents
)
