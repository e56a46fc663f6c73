"""BorderWatch: the frame. Page config, the shared sidebar, and navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from borderwatch.config import settings
from borderwatch.team.access import Permission, may
from borderwatch.ui.auth import sign_in_gate
from borderwatch.ui.data import data_or_stop
from borderwatch.ui.map import MAP_PAGES, skip_link
from borderwatch.ui.sidebar import render_sidebar

# A local file: Material-icon and emoji favicons are fetched from Google/CDN hosts.
ICON = Path(__file__).parent / "static" / "brand" / "borderwatch-icon.png"

st.set_page_config(page_title="BorderWatch", page_icon=str(ICON), layout="wide")
# Team mode: nothing below runs (no data is read) until a valid user is signed in.
user = sign_in_gate()

# url_path differs from the file names on purpose: Streamlit still recognises a `pages/`
# folder as a legacy multipage app before st.navigation runs, and a URL path equal to a file
# stem would let it run that page alone, without this frame (seen with deep links on a fresh
# server and on AppTest reruns). Unknown paths fall back to this script instead.
# The default page is served at the root URL only: Streamlit ignores a default page's
# url_path, so `/map` (a documented deep link) needs its own, hidden page running the same
# script; otherwise it opens with a "Page not found" dialog.
pages = [
    st.Page(
        "pages/incident_map.py",
        title="Incident map",
        icon=":material/map:",
        url_path="incidents",
        default=True,
    ),
    st.Page(
        "pages/incident_map.py",
        title="Incident map",
        icon=":material/map:",
        url_path="map",
        visibility="hidden",
    ),
    st.Page(
        "pages/borders.py",
        title="Borders",
        icon=":material/border_style:",
        url_path="border",
    ),
    st.Page(
        "pages/cooperation.py",
        title="Cooperation",
        icon=":material/handshake:",
        url_path="coop",
    ),
    st.Page(
        "pages/trends.py",
        title="Trends and changes",
        icon=":material/trending_up:",
        url_path="changes",
    ),
    st.Page(
        "pages/regional_factors.py",
        title="Regional factors",
        icon=":material/balance:",
        url_path="factors",
    ),
    st.Page(
        "pages/data.py",
        title="Your data",
        icon=":material/upload_file:",
        url_path="imports",
    ),
    st.Page(
        "pages/data_sources.py",
        title="Data & sources",
        icon=":material/menu_book:",
        url_path="sources",
    ),
]
if settings().auth and may(user, Permission.VIEW_AUDIT):
    pages.append(
        st.Page(
            "pages/team.py",
            title="Team: audit & access",
            icon=":material/admin_panel_settings:",
            url_path="team",
        )
    )
navigation = st.navigation(pages)

render_sidebar(data_or_stop())
if navigation.url_path in MAP_PAGES:
    skip_link()
navigation.run()
