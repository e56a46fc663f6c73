"""Cooperation: arrangements in force in a year, their timeline, who takes part, and
incidents in a border's zone before and after an arrangement started."""

import pandas as pd
import streamlit as st

from borderwatch.app.cooperation import select_before_after
from borderwatch.charts import arrangement_timeline, before_after_chart
from borderwatch.cooperation import (
    DEFAULT_WINDOW_YEARS,
    default_arrangement,
    in_force,
    involving,
    participation_matrix,
)
from borderwatch.mapping.cooperation_map import cooperation_map_view
from borderwatch.mapping.style import ARRANGEMENT_COLORS
from borderwatch.schemas import ARRANGEMENT_KINDS
from borderwatch.tables import arrangement_label, period_table
from borderwatch.ui.data import data_or_stop, data_settings, shared_answer
from borderwatch.ui.exports import export_panel
from borderwatch.ui.map import show_map
from borderwatch.ui.sidebar import choices
from borderwatch.ui.widgets import TEAM_COUNTS

data = data_or_stop()
names = data.country_names
chosen = choices()
arrangements = data.geodata.cooperation
first_year = int(arrangements["date_start"].dt.year.min())
last_year = max(data.incident_years[1], int(arrangements["date_start"].dt.year.max()))

st.title("Security cooperation")
year_col, kind_col = st.columns([1, 2])
year = year_col.slider(
    "In force in",
    min_value=first_year,
    max_value=last_year,
    value=min(2016, last_year),
    key="coop_year",
    bind="query-params",
)
kinds = kind_col.multiselect(
    "Kinds",
    options=list(ARRANGEMENT_KINDS),
    format_func=ARRANGEMENT_KINDS.__getitem__,
    key="kind",
    bind="query-params",
    placeholder="All kinds",
)
selection = chosen.incident_filter
countries = selection.countries
selected = involving(arrangements, countries=countries, kinds=tuple(kinds))
current = in_force(selected, year)
who = ", ".join(names.get(c, c) for c in countries) if countries else "all countries"
st.caption(
    f"Arrangements involving {who}, in force at some point in {year}. An arrangement with "
    "no known end is assumed to continue; its row says what is unverified. The sidebar's "
    "country filter selects arrangements by their parties."
)
count_col, bilateral_col, multilateral_col = st.columns(3)
count_col.metric("In force", len(current))
bilateral_col.metric("Bilateral / unilateral", int((current["scope"] != "multilateral").sum()))
multilateral_col.metric("Multilateral", int((current["scope"] == "multilateral").sum()))

if current.empty:
    st.info(
        f"No arrangement matches in {year}. Choose another year, clear the kinds, or widen "
        "the country selection in the sidebar.",
        icon=":material/search_off:",
    )
else:
    multilateral = current[current["scope"] == "multilateral"]
    shown = None
    if not multilateral.empty:
        shown = st.selectbox(
            "Shade the members of",
            options=list(multilateral["arrangement_id"]),
            format_func=dict(
                zip(multilateral["arrangement_id"], multilateral["name"], strict=True)
            ).__getitem__,
            key="multilateral",
            bind="query-params",
            help="Other multilateral arrangements can be switched on in the map's layer control.",
        )
    view = cooperation_map_view(
        title=f"Security cooperation arrangements in force in {year}",
        filter_description=f"in force in {year}; parties: {who}; kinds: "
        + (", ".join(ARRANGEMENT_KINDS[k] for k in kinds) if kinds else "all"),
        countries=data.display_countries,
        borders=data.display_borders,
        arrangements=current,
        anchors=data.anchors,
        country_names=names,
        shown_multilateral=shown,
    )
    show_map(view, key="cooperation-map", basemap=chosen.basemap)
    export_panel(view, key="cooperation")

st.subheader("Timeline")
if selected.empty:
    st.caption("No arrangement matches the country and kind filters.")
else:
    st.altair_chart(
        arrangement_timeline(
            selected,
            year=year,
            view_end=pd.Timestamp(year=last_year, month=12, day=31),
            kind_labels=ARRANGEMENT_KINDS,
            kind_colors=ARRANGEMENT_COLORS,
        ),
        width="stretch",
    )
    st.caption(
        "Bars run from the start to the end of each arrangement; faded bars have no known "
        f"end and are drawn to {last_year}. The red line marks {year}."
    )

st.subheader(f"Who takes part ({year})")
focus = sorted(
    data.geodata.countries.loc[data.geodata.countries["focus"], "iso3"], key=names.__getitem__
)
if current.empty:
    st.caption("Nothing in force with these filters.")
else:
    matrix = participation_matrix(current, focus, names)
    st.dataframe(matrix.replace({True: "●", False: ""}), width="stretch")
    counts = matrix.sum().sort_values()
    st.caption(
        "Arrangements per country: "
        + ", ".join(f"{country} {int(n)}" for country, n in counts.items())
        + ". A blank column is a gap in regional coverage."
    )

st.subheader("Before and after an arrangement")
FOLLOW = "follow"
ordered = arrangements.sort_values("date_start").set_index("arrangement_id")
covered = data.incident_years
opening = default_arrangement(arrangements, covered, DEFAULT_WINDOW_YEARS)
pick_arrangement, pick_border = st.columns([3, 2])
arrangement_id = pick_arrangement.selectbox(
    "Arrangement",
    options=list(ordered.index),
    format_func=lambda i: arrangement_label(ordered.loc[i, "name"], ordered.loc[i, "date_start"]),
    index=list(ordered.index).index(opening),
    key="arrangement",
    bind="query-params",
)
picked = ordered.loc[arrangement_id]
border_choice = pick_border.selectbox(
    "Border zone",
    options=[FOLLOW, *sorted(data.border_names, key=data.border_names.__getitem__)],
    format_func=lambda p: "The arrangement's own border" if p == FOLLOW else data.border_names[p],
    key="ba_border",
    bind="query-params",
)
window = st.slider(
    "Years before and after", 1, 6, DEFAULT_WINDOW_YEARS, key="window", bind="query-params"
)
pair = picked["border_pair"] if border_choice == FOLLOW else border_choice
if not pair:
    st.info(
        "This arrangement is not tied to one border. Choose the border zone to look at.",
        icon=":material/info:",
    )
    st.stop()
width_km = chosen.zone_km
comparison = shared_answer(
    data,
    ("before and after", selection, pair, width_km, picked["date_start"], window),
    lambda: select_before_after(
        data,
        selection,
        pair=pair,
        width_km=width_km,
        start=picked["date_start"],
        window_years=window,
        data_settings=data_settings(),
    ),
)
if comparison.outside_coverage:
    first, last = comparison.years
    st.warning(
        f"The incident data covers {covered[0]}–{covered[1]}; part of this window "
        f"({first}–{last}) lies outside it, where counts are unknown, not zero.",
        icon=":material/warning:",
    )
st.altair_chart(
    before_after_chart(
        comparison.by_year,
        start=picked["date_start"],
        title=f"{data.border_names.get(pair, pair)}: incidents within {width_km} km",
    ),
    width="stretch",
)
st.dataframe(period_table(comparison.periods), hide_index=True, width="stretch")
st.caption(
    "Descriptive only: these counts come from the incidents in the zone"
    + (f" ({TEAM_COUNTS})" if data.events_in_database else "")
    + " and do not "
    "show that the arrangement caused any change. Few incidents are recorded per border, "
    "and incidents placed at a town centroid may fall in or out of the zone by their "
    "precision."
)
