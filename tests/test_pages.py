"""Every page runs in Streamlit's AppTest: content, filters from the URL, bad data."""

from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import paths

from .conftest import edit_csv_cell

APP = str(paths.REPO_ROOT / "app.py")
TIMEOUT_S = 60


def _map_script(at: AppTest) -> str:
    components = at.get("component_instance")
    assert components, "the map component was not rendered"
    # The base map, then the data layers streamlit-folium adds in place.
    args = json.loads(components[0].proto.json_args)
    return args["script"] + "\n" + (args["feature_group"] or "")


def _run(query: dict[str, list[str] | str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_map_page_draws_all_incidents(geodata):
    at = _run()
    script = _map_script(at)
    assert script.count("bw-id:")  # one marker row per incident == len(geodata.incidents)
    assert "/app/static/vendor/" not in script or "cdn.jsdelivr" not in script
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents"] == str(len(geodata.incidents))
    assert len(at.dataframe[0].value) == len(geodata.incidents)


def test_filters_come_from_the_url(geodata):
    # Bound multiselects carry their display labels in the URL: ?country=Tunisia
    at = _run({"country": ["Tunisia"], "years": ["2015", "2016"]})
    incidents = geodata.incidents
    expected = incidents[
        (incidents["country_iso3"] == "TUN")
        & (incidents["date_end"].dt.year >= 2015)
        & (incidents["date_start"].dt.year <= 2016)
    ]
    assert at.multiselect(key="country").value == ["TUN"]
    assert at.slider(key="years").value == (2015, 2016)
    assert len(at.dataframe[0].value) == len(expected) > 0
    assert _map_script(at).count("bw-id:")  # one marker row per incident == len(expected)


def test_changing_a_filter_changes_map_and_table(geodata):
    at = _run()
    at.multiselect(key="type").set_value(["bombing"]).run()
    bombings = (geodata.incidents["event_type"] == "bombing").sum()
    assert len(at.dataframe[0].value) == bombings
    assert _map_script(at).count("bw-id:")  # one marker row per incident == bombings


def test_empty_selection_explains_itself():
    at = _run({"country": ["Chad"], "type": ["Arms seizure / interdiction"]})
    assert not at.get("component_instance")
    assert "No incidents match these filters" in at.info[0].value
    assert "Chad" in at.info[0].value


def test_reruns_keep_the_shared_sidebar(geodata):
    at = _run()
    at.multiselect(key="country").set_value(["TUN"]).run()
    at.slider(key="years").set_value((2015, 2015)).run()
    assert at.sidebar.multiselect, "the sidebar must render on every rerun"
    assert at.multiselect(key="country").value == ["TUN"]
    assert at.metric[0].value == str(
        int(
            (
                (geodata.incidents["country_iso3"] == "TUN")
                & (geodata.incidents["date_start"].dt.year <= 2015)
                & (geodata.incidents["date_end"].dt.year >= 2015)
            ).sum()
        )
    )


def test_data_sources_page():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("pages/data_sources.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Natural Earth" in text and "5.1.1" in text
    assert any("leaflet" in str(df.value) for df in at.dataframe)


@pytest.fixture
def broken_layer(tmp_path, monkeypatch):
    for path in paths.GEODATA_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setenv(paths.GEODATA_DIR_VARIABLE, str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("page", ["pages/incident_map.py", "pages/data_sources.py"])
def test_broken_row_shows_file_row_field_and_remedy(broken_layer, page):
    edit_csv_cell(broken_layer / "incidents.csv", 1, "date_start", "2013-13-45")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    if page != "pages/incident_map.py":
        at.switch_page(page).run()
    assert not at.exception
    message = at.error[0].value
    assert "geodata/incidents.csv" in message
    assert "row 1, field 'date_start'" in message
    assert "What to do" in message


def test_missing_file_shows_rebuild_command(broken_layer):
    (broken_layer / "countries.geojson").unlink()
    at = _run()
    message = at.error[0].value
    assert "countries.geojson" in message and "missing" in message
    assert paths.REBUILD_COMMAND in message


def _borders_page(query: dict[str, list[str] | str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/borders.py").run()
    assert not at.exception, at.exception
    return at


def test_borders_page_for_one_pair():
    at = _borders_page({"border": "Libya – Tunisia", "regime_year": "2016"})
    assert at.selectbox(key="border").value == "LBY-TUN"
    script = _map_script(at)
    assert "bw-zone" in script
    assert "bw-border-selected" in script
    assert "bw-crossing-marker" in script  # Ras Jedir and Dehiba
    assert "bw-barrier" in script  # the Tunisian barrier, in force in 2016
    assert "Ben Guerdane" in script or "Ben Gardane" in script
    ranking = next(df.value for df in at.dataframe if "Border" in df.value.columns)
    assert {"Border", "Incidents", "Deaths (low)", "Deaths (high)"} <= set(ranking.columns)


def test_borders_page_regimes_follow_the_year():
    before = _map_script(_borders_page({"border": "Libya – Tunisia", "regime_year": "2012"}))
    assert "bw-barrier" not in before
    closed = _map_script(_borders_page({"border": "Algeria – Morocco", "regime_year": "2013"}))
    assert "bw-closure" in closed


def test_borders_page_all_borders_and_links():
    at = _borders_page({"links": "true"})
    script = _map_script(at)
    assert "bw-link" in script
    assert any("Cross-border links" in h.value for h in at.subheader)


def test_zone_filter_on_the_map_page(geodata):
    at = _run({"near_border": "true", "zone_km": "50"})
    count = int(at.metric[0].value)
    assert 0 < count < len(geodata.incidents)
    table = at.dataframe[0].value
    assert (table["Border distance (km)"] <= 50).all()
    assert "within 50 km of a border" in at.caption[0].value


def _page(path: str, query: dict[str, list[str] | str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def test_cooperation_page_draws_the_arrangements_of_a_year(geodata):
    at = _page("pages/cooperation.py", {"coop_year": "2016"})
    script = _map_script(at)
    assert "bw-arrangement-border" in script and "bw-arrangement-link" in script
    assert "bw-multilateral" in script
    in_force_2016 = int(at.metric[0].value)
    at.slider(key="coop_year").set_value(2005).run()
    assert int(at.metric[0].value) < in_force_2016
    assert "Tunisian barrier" not in _map_script(at)
    assert any("Descriptive only" in c.value for c in at.caption)
    assert any(df.value.index.name == "Arrangement" for df in at.dataframe)


def test_cooperation_filters_by_country_and_kind():
    at = _page(
        "pages/cooperation.py", {"country": ["Egypt"], "kind": ["Training"], "coop_year": "2015"}
    )
    assert at.multiselect(key="kind").value == ["training"]
    assert "Egypt" in _map_script(at)
    assert int(at.metric[0].value) >= 1


def test_before_and_after_warns_outside_the_data_years():
    # Bound selectboxes carry their labels in the URL.
    at = _page(
        "pages/cooperation.py", {"arrangement": "Algeria–Morocco land border closure (1994-08)"}
    )
    assert at.selectbox(key="arrangement").value == "CO-002"
    assert "counts are unknown, not zero" in at.warning[0].value


def test_regional_factors_page():
    at = _page("pages/regional_factors.py")
    assert len(at.tabs) == 3
    tables = [df.value for df in at.dataframe]
    capability = next(t for t in tables if "Verified" in t.columns)
    libya_personnel = capability[
        (capability["Country"] == "Libya") & (capability["Indicator"].str.contains("personnel"))
    ]
    assert list(libya_personnel["Value"]) == ["unknown"]
    assert {"Release", "Price basis", "Verification"} <= set(capability.columns)
    # The series: a year x country grid per indicator, unknown cells written as such.
    series = [t for t in tables if t.index.name == "Year"]
    assert len(series) == 2
    for grid in series:
        assert list(grid.index) == list(range(2011, 2025))
        assert {"Algeria", "Libya", "Chad"} <= set(grid.columns)
        assert "Western Sahara" not in grid.columns
        assert (grid == "unknown").any().any()
    assert series[0].loc[2024, "Algeria"] == "21.8"
    coverage = next(t for t in tables if "Unknown" in t.columns)
    assert (coverage["Cells"] == 140).all()
    assert any("Border share" in t.columns for t in tables)
    assert any("Arrangement" in t.columns and "Started" in t.columns for t in tables)
    assert "bw-closure" in _map_script(at)


def test_before_and_after_for_a_chosen_border_and_arrangement():
    at = _page(
        "pages/cooperation.py",
        {"arrangement": "G5 Sahel (2014-02)", "ba_border": "Mali – Niger", "window": "2"},
    )
    assert at.selectbox(key="ba_border").value == "MLI-NER"
    # Readable headers and values (issue 10: no raw column names in tables).
    table = next(df.value for df in at.dataframe if "Period" in df.value.columns)
    assert list(table["Period"]) == ["Before", "After"]
    assert str(table.loc[0, "From"]) == "2012-02-16"
    multilateral_without_border = _page(
        "pages/cooperation.py", {"arrangement": "G5 Sahel (2014-02)"}
    )
    assert "not tied to one border" in multilateral_without_border.info[0].value


@pytest.mark.parametrize(
    "page",
    [
        "pages/incident_map.py",
        "pages/borders.py",
        "pages/cooperation.py",
        "pages/regional_factors.py",
        "pages/trends.py",
    ],
)
def test_every_map_page_offers_exports(page):
    at = _page(page)
    assert any(e.label == "Export this view" for e in at.expander)
    labels = {b.proto.label for b in at.get("download_button")}
    # One button per file format (in the snapshot popover), no separate format choice.
    assert {"PNG, 300 dpi", "SVG", "PDF", "Download interactive map"} <= labels


def test_data_page_lists_stored_datasets_and_shows_them_everywhere(tmp_path, monkeypatch):
    from borderwatch.importers import import_file
    from borderwatch.store import DATA_DIR_VARIABLE, DatasetStore

    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    empty = _page("pages/data.py")
    assert any("None yet" in c.value for c in empty.caption)

    fixture = paths.REPO_ROOT / "tests" / "fixtures" / "imports" / "ucdp_ged.csv"
    result = import_file(fixture.read_bytes(), file_name=fixture.name, dataset="ucdp")
    store = DatasetStore(tmp_path)
    info = store.save(
        result.incidents,
        name="UCDP sample",
        source_format=result.format,
        source_file=fixture.name,
        rejected=len(result.rejected),
    )
    listed = _page("pages/data.py")
    assert any("UCDP sample" in m.value for m in listed.markdown)
    assert listed.toggle(key=f"enabled_{info.key}").value is True

    map_page = _run()
    table = map_page.dataframe[0].value
    # The analyst's name of the dataset, with its source format.
    assert "UCDP sample (UCDP GED)" in set(table["Dataset"])

    store.set_enabled(info.key, False)
    assert "UCDP sample (UCDP GED)" not in set(_run().dataframe[0].value["Dataset"])


def test_damaged_stored_dataset_is_named_where_it_is(tmp_path, monkeypatch):
    """Bug: a damaged file in the import store was reported under `geodata/`."""
    from borderwatch.importers import import_file
    from borderwatch.store import DATA_DIR_VARIABLE, DatasetStore

    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    fixture = paths.REPO_ROOT / "tests" / "fixtures" / "imports" / "ucdp_ged.csv"
    result = import_file(fixture.read_bytes(), file_name=fixture.name, dataset="ucdp")
    DatasetStore(tmp_path).save(
        result.incidents,
        name="UCDP sample",
        source_format=result.format,
        source_file="x.csv",
        rejected=0,
    )
    (stored,) = tmp_path.glob("*.parquet")
    stored.write_bytes(b"not parquet any more")

    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert f"`{stored}`" in message
    assert "geodata/" not in message


# --- issue 10: find, filter, look and export (search, more filters, focus, trend, links) ---

ALL_PAGES = [
    "pages/incident_map.py",
    "pages/borders.py",
    "pages/cooperation.py",
    "pages/regional_factors.py",
    "pages/trends.py",
    "pages/data.py",
    "pages/data_sources.py",
]
#: The "More filters" widgets as they come from a URL.
MORE_FILTERS_QUERY: dict[str, list[str] | str] = {
    "dates": ["2013-01-01", "2016-12-31"],
    "actor": "BELAID",  # "Belaïd" in the data: case and accents do not matter
    "min_deaths": "1",
    "unknown_toll": "false",
    "precision": ["1 · the site", "2 · town"],
    "dataset": ["Curated (BorderWatch)"],
}


def _expected_more_filters(incidents):
    from borderwatch.fatalities import incident_bounds
    from borderwatch.search import normalise

    _, best, _ = incident_bounds(incidents)
    return incidents[
        (incidents["date_end"] >= "2013-01-01")
        & (incidents["date_start"] <= "2016-12-31")
        & incidents["perpetrator"].fillna("").map(lambda p: "belaid" in normalise(p))
        & (best >= 1).fillna(False).astype(bool)
        & incidents["location_precision"].isin([1, 2])
    ]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_has_the_new_filters_and_copy_link(page):
    at = _page(page, MORE_FILTERS_QUERY)
    assert at.date_input(key="dates").value == (
        __import__("datetime").date(2013, 1, 1),
        __import__("datetime").date(2016, 12, 31),
    )
    assert at.text_input(key="actor").value == "BELAID"
    assert at.number_input(key="min_deaths").value == 1
    assert at.toggle(key="unknown_toll").value is False
    assert at.multiselect(key="precision").value == [1, 2]
    assert at.multiselect(key="dataset").value == ["curated"]
    assert at.toggle(key="two_sources").value is False
    copy = [e for e in at.get("bidi_component") if e.proto.component_name.endswith("copy_link")]
    assert len(copy) == 1, "every page offers Copy link"
    assert "Copy link" in copy[0].proto.html_content
    assert "http" not in copy[0].proto.js_content  # no external request


def test_more_filters_from_the_url_filter_map_table_and_caption(geodata):
    at = _run(MORE_FILTERS_QUERY)
    expected = _expected_more_filters(geodata.incidents)
    assert 0 < len(expected) < len(geodata.incidents)
    assert at.metric[0].value == str(len(expected))
    assert len(at.dataframe[0].value) == len(expected)
    assert _map_script(at).count("L.circleMarker(") == len(expected)
    caption = at.caption[0].value
    assert "perpetrator contains “BELAID”" in caption
    assert "at least 1 death(s), unknown excluded" in caption


def test_more_filters_apply_on_the_borders_page(geodata):
    everything = int(_borders_page({}).metric[0].value)
    at = _borders_page({"min_deaths": "1000"})
    assert int(at.metric[0].value) < everything


def test_two_sources_only_keeps_verified_rows(geodata):
    at = _run({"two_sources": "true"})
    incidents = geodata.incidents
    verified = (
        int((incidents["verification"] == "two sources").sum())
        if "verification" in incidents
        else 0
    )
    assert at.metric[0].value == str(verified)
    assert "verified by two sources only" in (at.caption[0].value if verified else at.info[0].value)


def test_search_lists_hits_and_choosing_one_focuses_it(geodata):
    at = _run()
    at.text_input(key="q").input("TIGUENTOURINE").run()
    hits = [b for b in at.button if b.key and b.key.startswith("hit-")]
    assert hits and all(
        "Tiguentourine" in b.label or "tiguentourine" in b.label.lower() for b in hits[:1]
    )
    target = hits[0].key.removeprefix("hit-")
    hits[0].click().run()
    assert not at.exception, at.exception
    assert at.query_params["incident"] == [target] or at.query_params["incident"] == target
    assert any(f"Showing {target}" in m.value for m in at.markdown)
    # The incidents table selects the focused row.
    table = at.dataframe[0]
    position = list(table.value["ID"]).index(target)
    assert json.loads(table.proto.selection_default)["selection"]["rows"] == [position]


def test_search_by_french_and_arabic_country_names(geodata):
    tunisia = int((geodata.incidents["country_iso3"] == "TUN").sum())
    for query in ("Tunisie", "تونس"):
        at = _run()
        at.text_input(key="q").input(query).run()
        assert any(f"{tunisia:,} incident(s) match" in c.value for c in at.caption), query


def test_permalink_focuses_the_incident(geodata):
    incident = geodata.incidents.iloc[4]
    at = _run({"incident": incident["incident_id"]})
    assert any(f"Showing {incident['incident_id']}" in m.value for m in at.markdown)
    table = at.dataframe[0]
    position = list(table.value["ID"]).index(incident["incident_id"])
    assert json.loads(table.proto.selection_default)["selection"]["rows"] == [position]
    at.button(key="clear-focus").click().run()
    assert "incident" not in at.query_params
    assert not at.dataframe[0].proto.selection_default


def test_permalink_outside_the_filters_or_unknown_says_so(geodata):
    incident = geodata.incidents[geodata.incidents["country_iso3"] == "DZA"].iloc[0]
    outside = _run({"incident": incident["incident_id"], "country": ["Tunisia"]})
    assert "outside the current filters" in outside.warning[0].value
    unknown = _run({"incident": "no-such-id"})
    assert "No incident has the id" in unknown.warning[0].value


def test_trend_per_year_or_month_from_the_url():
    # Bound widgets carry their labels in the URL: ?trend=Month
    for period, label in (("year", "Year"), ("month", "Month")):
        at = _run({"trend": label})
        charts = at.get("vega_lite_chart")
        assert charts, "the trend chart is drawn"
        spec = charts[0].proto.spec
        assert ("yearmonth" in spec) == (period == "month")
        assert "Incidents whose toll is unknown" in spec


def test_regional_factors_tab_from_the_url():
    at = _page("pages/regional_factors.py", {"factor": "2 · Uneven military capabilities"})
    assert at.session_state["factor"] == "2 · Uneven military capabilities"


def test_tables_have_readable_headers_and_no_none():
    at = _borders_page({"border": "Algeria – Morocco", "regime_year": "2016"})
    for frame in (df.value for df in at.dataframe):
        assert not {"border_pair", "date_start", "end_status"} & set(frame.columns)
    regimes = next(df.value for df in at.dataframe if "Regime" in df.value.columns)
    assert "Verification" in regimes.columns
    assert not regimes.astype(str).apply(lambda c: c.str.contains("00:00:00")).any().any()


def test_incident_map_of_cells_still_has_full_table_and_exports(monkeypatch):
    """Above the point limit the map counts cells from a few columns; the table, the
    counters and the data export still have every incident with every column."""
    import pandas as pd

    from borderwatch.config import environment_variable
    from borderwatch.ui.exports import DATA_LABELS

    everything = _run()
    monkeypatch.setenv(environment_variable("max_individual_points"), "5")
    cells = _run()
    assert "bw-cell" in _map_script(cells)
    for at in (everything, cells):
        assert at.metric[0].value == everything.metric[0].value
    pd.testing.assert_frame_equal(cells.dataframe[0].value, everything.dataframe[0].value)
    assert "bw-cell" not in _map_script(everything)
    labels = {b.proto.label for b in cells.get("download_button")}
    assert set(DATA_LABELS.values()) <= labels
