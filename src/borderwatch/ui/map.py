"""Hand a built folium map to Streamlit."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium

MAP_HEIGHT_PX = 620


def show_map(m: folium.Map, *, key: str, height: int = MAP_HEIGHT_PX) -> None:
    """Render ``m``. No map events are returned, so panning never reruns the page."""
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
