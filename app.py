"""BorderWatch: the frame. Page config, the shared sidebar, and navigation."""

from __future__ import annotations

import streamlit as st

from borderwatch.ui.data import geodata_or_stop
from borderwatch.ui.sidebar import render_sidebar

st.set_page_config(page_title="BorderWatch", page_icon=":material/travel_explore:", layout="wide")

pages = [
    st.Page("pages/incident_map.py", title="Incident map", icon=":material/map:", default=True),
    st.Page("pages/data_sources.py", title="Data & sources", icon=":material/menu_book:"),
]
navigation = st.navigation(pages)

geodata = geodata_or_stop()
render_sidebar(geodata)
navigation.run()
