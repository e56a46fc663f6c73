"""Regional factors: why no region-wide security structure emerged (El-Katiri, 2016)."""

from dataclasses import replace

import streamlit as st

from borderwatch.app.borders import border_layers, select_border
from borderwatch.app.factors import select_security
from borderwatch.charts import capability_chart, security_trend_chart
from borderwatch.cooperation import participation_matrix
from borderwatch.factors import (
    CAPABILITY_YEARS,
    FLUID_STATES,
    RIVALS,
    capability_coverage,
    capability_series,
    capability_states,
    capability_table,
    rivalry_arrangements,
)
from borderwatch.filters import IncidentFilter
from borderwatch.mapping.border_map import rivalry_map_view
from borderwatch.schemas import CAPABILITY_INDICATORS
from borderwatch.store import empty_incidents
from borderwatch.tables import key_dates_table
from borderwatch.ui.data import data_or_stop, data_settings, shared_answer, zones
from borderwatch.ui.database_borders import border_zone
from borderwatch.ui.database_map import fetched_rows
from borderwatch.ui.exports import export_panel
from borderwatch.ui.map import show_map
from borderwatch.ui.sidebar import choices
from borderwatch.ui.widgets import TEAM_COUNTS, data_table

data = data_or_stop()
names = data.country_names
chosen = choices()
width_km = chosen.zone_km
geodata = data.geodata

source = data_settings()

st.title("Regional factors")
st.markdown(
    "Libya's collapse exposed its neighbours' long land borders. Algeria built bilateral "
    "cooperation with Tunisia and Libya, but a region-wide security structure failed, for "
    "three reasons (M. El-Katiri, *The Quest for Military Cooperation in North Africa*, "
    "Letort Paper, Strategic Studies Institute, 2016). Each view shows the data behind one "
    "of them, with its sources."
)
# The open tab is kept in the URL (?factor=…), so a copied link opens the same one.
fluid_tab, capability_tab, rivalry_tab = st.tabs(
    [
        "1 · Fluid security in Libya and Tunisia",
        "2 · Uneven military capabilities",
        "3 · The Algeria–Morocco rivalry",
    ],
    key="factor",
    bind="query-params",
)

with fluid_tab:
    countries = chosen.incident_filter.countries or FLUID_STATES
    selection = replace(chosen.incident_filter, countries=countries, border_zone_km=None)
    table = shared_answer(
        data,
        ("security per country and year", selection, width_km),
        lambda: select_security(data, selection, width_km=width_km, data_settings=source),
    )
    st.caption(
        f"Incidents in {', '.join(names.get(c, c) for c in countries)} "
        f"({selection.describe(names)}); border share = incidents within {width_km} km of an "
        "international land border. Choose other countries or the zone width in the sidebar. "
        "Sources: each incident's citations (table on the Incident map page)."
        + (f" {TEAM_COUNTS.capitalize()}." if data.events_in_database else "")
    )
    if table.empty:
        st.info("No incidents for these countries and years.", icon=":material/search_off:")
    else:
        st.altair_chart(security_trend_chart(table, names, years=selection.years), width="stretch")
        st.dataframe(
            table.assign(country=table["country_iso3"].map(names))
            .rename(
                columns={
                    "country": "Country",
                    "year": "Year",
                    "incidents": "Incidents",
                    "deaths_low": "Deaths (low)",
                    "deaths_best": "Deaths (best)",
                    "deaths_high": "Deaths (high)",
                    "in_border_zone": "In border zone",
                    "border_share": "Border share",
                }
            )
            .drop(columns="country_iso3"),
            hide_index=True,
            width="stretch",
        )

with capability_tab:
    capabilities = geodata.capabilities
    states = capability_states(geodata.countries)
    first, last = CAPABILITY_YEARS[0], CAPABILITY_YEARS[-1]
    st.caption(
        "Figures as reported by the outlets named in the table below, each with the release "
        "it comes from (SIPRI revises past years, so releases are not one series) and its "
        "price basis. The primary SIPRI and IISS tables were not at hand: most figures are "
        "unverified. Unknown stays unknown, never zero. After a figure: * one source, "
        "† sources disagree (range); no mark: two sources."
    )
    st.dataframe(capability_coverage(capabilities, states), hide_index=True, width="stretch")
    for indicator, label in CAPABILITY_INDICATORS.items():
        st.markdown(f"**{label}, {first}–{last}**")
        series = capability_series(
            capabilities, indicator=indicator, states=states, country_names=names
        )
        # Tall enough for every year at once: the whole series is the point of the grid.
        st.dataframe(series, width="stretch", height=35 * (len(series) + 1) + 3)
    chart_col, personnel_col = st.columns(2)
    for column, indicator in zip((chart_col, personnel_col), CAPABILITY_INDICATORS, strict=True):
        column.altair_chart(
            capability_chart(
                capabilities,
                indicator=indicator,
                title=CAPABILITY_INDICATORS[indicator],
                country_names=names,
            ),
            width="stretch",
        )
    st.dataframe(capability_table(capabilities, names), hide_index=True, width="stretch")

with rivalry_tab:
    last_year = data.incident_years[1]
    pair = "-".join(sorted(RIVALS))
    esh = geodata.countries.set_index("iso3").loc["ESH"]
    st.caption(
        f"The Algeria–Morocco land border as in {last_year}, with the closure in force and "
        f"Western Sahara's disputed status. {esh['status_note']}"
    )
    layers = border_layers(data, pairs=(pair,), regime_year=last_year)
    zone_rows = None
    if data.events_in_database:  # the zone's incidents, or their cells, from the database
        zone = border_zone(data, IncidentFilter(), width_km=width_km, pairs=(pair,))
        zone_rows = zone.answers.map_rows
        near = fetched_rows(data, zone.selection, zone.answers.counters.incidents)
        drawn = zone_rows.incidents if zone_rows.incidents is not None else empty_incidents()
    else:
        near = select_border(
            data, IncidentFilter(), width_km=width_km, pairs=(pair,), regime_year=last_year
        ).inside
        drawn = near
    rivalry = rivalry_map_view(
        title=f"The Algeria–Morocco border and Western Sahara ({last_year})",
        filter_description=f"border regimes in force in {last_year}; zone {width_km} km",
        countries=data.display_countries,
        borders=data.display_borders,
        zones=zones(width_km, [pair]),
        incidents=drawn,
        crossings=layers.crossings,
        regimes=layers.regime_lines,
        regime_year=last_year,
        country_names=names,
        pair=pair,
    )
    if zone_rows is not None and zone_rows.cells is not None:
        rivalry = replace(rivalry, cells=zone_rows.cells, cell_deg=zone_rows.cell_deg)
    show_map(rivalry, key="rivalry-map", basemap=chosen.basemap, height=520)
    export_panel(rivalry, key="rivalry", incidents=near)
    st.subheader("Key dates")
    dated = rivalry_arrangements(geodata.cooperation)
    data_table(key_dates_table(dated))
    st.caption(
        "Both states sit together only in multilateral frameworks; the one bilateral entry is "
        "the closure of their border. Rows list what is unverified in the data layer."
    )

st.subheader("Who takes part in what")
focus = sorted(geodata.countries.loc[geodata.countries["focus"], "iso3"], key=names.__getitem__)
matrix = participation_matrix(geodata.cooperation, focus, names)
st.dataframe(matrix.replace({True: "●", False: ""}), width="stretch")
st.caption(
    "Every arrangement in the data layer (any year) against the eleven focus countries: "
    "blank columns and sparse rows are the gaps in regional coverage. Known parties only; "
    "see each arrangement's members note on the Cooperation page."
)
