"""Incident map: borders and incidents, filtered from the sidebar."""

import streamlit as st

from borderwatch.filters import filter_incidents, year_span
from borderwatch.mapping.incident_map import build_incident_map
from borderwatch.tables import incident_table
from borderwatch.ui.data import display_layers, geodata_or_stop
from borderwatch.ui.map import show_map
from borderwatch.ui.sidebar import current_basemap, current_filter
from borderwatch.ui.widgets import explain_empty, incident_counters

geodata = geodata_or_stop()
names = geodata.country_names()
selection = current_filter()
selected = filter_incidents(geodata.incidents, selection)

st.title("Incidents along North Africa's borders")
st.caption(
    f"{selection.describe(names)}. Circles are coloured by event type and sized by deaths; "
    "click one for what happened, how precisely it is placed, and who reported it."
)
incident_counters(selected)

if selected.empty:
    explain_empty(selection, names, covered_years=year_span(geodata.incidents))
    st.stop()

countries, borders = display_layers()
incident_map = build_incident_map(
    countries=countries,
    borders=borders,
    incidents=selected,
    country_names=names,
    focus_countries=selection.countries,
    basemap=current_basemap(),
)
show_map(incident_map, key="incident-map")

st.subheader("Filtered incidents")
st.dataframe(incident_table(selected, names), hide_index=True, width="stretch")
