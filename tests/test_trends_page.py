"""The Trends and changes page in AppTest, and the change map and trend panel it exports."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from borderwatch import paths
from borderwatch.app.prepared import DataSettings, display_zones, prepare_data
from borderwatch.app.trends import change_csv, select_changes, unit_names
from borderwatch.changes import ChangeTest, ChangeWindows
from borderwatch.exports.provenance import make_provenance
from borderwatch.exports.snapshot import render_snapshot
from borderwatch.filters import IncidentFilter
from borderwatch.mapping import style
from borderwatch.mapping.change_map import change_map_view
from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.legend import change_key

APP = str(paths.REPO_ROOT / "app.py")
TIMEOUT_S = 60
#: In the curated data: Libya has no incident in 2013–2014 and 7 in 2015 (a rise).
LIBYA_RISE = {"change_end": "2015-12", "change_recent": "12", "change_baseline": "24"}


def _trends(query: dict[str, list[str] | str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, at.exception
    return at


def _map_layers(at: AppTest) -> str:
    components = at.get("component_instance")
    assert components, "the map component was not rendered"
    return json.loads(components[0].proto.json_args)["feature_group"] or ""


def test_page_charts_the_busiest_countries_with_a_csv_each():
    at = _trends()
    assert at.radio(key="trend_by").value == "country"
    picked = at.multiselect(key="trend_country").value
    assert len(picked) == 3
    labels = [b.proto.label for b in at.get("download_button")]
    for unit in picked:
        name = at.multiselect(key="trend_country").format_func(unit)  # type: ignore[attr-defined]
        assert f"Download {name} per month (CSV)" in labels
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    # Per unit: incidents and deaths (and unknown tolls apart, when any), one under another.
    assert 2 * len(picked) <= len(charts) <= 3 * len(picked)
    titles = [json.dumps(c) for c in charts]
    assert sum("incidents per month" in t for t in titles) == len(picked)
    # The arrangements' start/end rules on the incident and death panels.
    marked = [t for t in titles if "of unknown toll" not in t]
    assert len(marked) == 2 * len(picked)
    assert all('"rule"' in t for t in marked)
    text = " ".join(m.value for m in at.markdown)
    assert "How a change is decided" in " ".join(s.value for s in at.subheader)
    assert "one incident against none is never a flag" in text
    assert "expected by chance alone" in text


def test_a_known_rise_is_listed_and_mapped():
    at = _trends(LIBYA_RISE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rises"] == "1"
    listed = at.dataframe[0].value
    first = listed.iloc[0]
    assert (first["Border zone or country"], first["Flag"]) == ("Libya", "Rise")
    assert (first["Baseline incidents"], first["Recent incidents"]) == (0, 7)
    assert first["Recent ÷ baseline rate"] == "new (none before)"
    layers = _map_layers(at)
    assert "bw-change-rise" in layers and "Libya (country)" in layers
    assert "Significant rise in incidents" in layers  # the legend
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"PNG, 300 dpi, with the trend", "PDF, with the trend"} <= labels
    assert "Download the change list (CSV)" in labels


def test_border_zones_come_from_the_url():
    at = _trends({"trend_by": "Border zone", "trend_zone": ["Algeria – Tunisia"]})
    assert at.radio(key="trend_by").value == "zone"
    assert at.multiselect(key="trend_zone").value == ["DZA-TUN"]
    assert any("Algeria – Tunisia per month" in b.proto.label for b in at.get("download_button"))


def test_windows_beyond_the_data_are_warned_about():
    at = _trends({"change_end": "2012-06", "change_baseline": "60"})
    assert any("outside the months the incident data covers" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "query",
    [
        {"change_end": "1999-01"},
        {"change_recent": "0", "change_baseline": "9999"},
        {"change_recent": "many"},
        {"trend_by": "Planet"},
        {"trend_country": ["Atlantis"]},
    ],
)
def test_bad_values_in_the_url_fall_back_to_the_defaults(query):
    at = _trends(query)  # no exception
    assert at.number_input(key="change_recent").value == 6
    assert at.number_input(key="change_baseline").value == 24
    assert at.radio(key="trend_by").value == "country"
    assert (
        at.select_slider(key="change_end").value == at.select_slider(key="change_end").options[-1]
    )


def test_a_selection_with_nothing_explains_itself():
    at = _trends({"country": ["Chad"], "type": ["Arms seizure / interdiction"]})
    assert any("No incidents of the selection" in i.value for i in at.info)


@pytest.fixture(scope="module")
def prepared():
    return prepare_data(DataSettings.from_config())


@pytest.fixture(scope="module")
def rise_view(prepared):
    windows = ChangeWindows(pd.Timestamp("2015-12-01"), 12, 24)
    changes = select_changes(
        prepared, IncidentFilter(), windows=windows, zone_km=50, test=ChangeTest(5, 0.05)
    )
    view = change_map_view(
        title="What changed",
        filter_description="all",
        table=changes.table,
        windows=windows,
        countries=prepared.display_countries,
        borders=prepared.display_borders,
        zones=display_zones(prepared, 50),
        country_names=prepared.country_names,
    )
    return changes, view


def test_change_map_view_draws_flags_in_the_style_table_colours(rise_view):
    changes, view = rise_view
    assert list(view.changes["flag"]) == ["rise"]
    assert "p = 0.000457" in view.changes["detail"].iloc[0]
    entries = {e.key: e for section in view.legend for e in section.entries}
    assert entries[change_key("rise")].area == style.AREAS["rise"]
    assert change_key("fall") not in entries
    html = folium_map(view).get_root().render()
    assert style.AREAS["rise"].fill in html
    assert "incidents.csv" in view.files
    csv = change_csv(changes.table).decode("utf-8-sig")
    assert csv.splitlines()[1].startswith("Libya,Country,Rise,0,7,")


def test_snapshot_with_the_trend_panel(rise_view, prepared):
    from borderwatch.trends import incident_trend, trend_totals

    _, view = rise_view
    provenance = make_provenance(title="t", filters="f")
    plain = Image.open(io.BytesIO(render_snapshot(view, provenance=provenance, size_in=(11, 7))))
    totals = trend_totals(incident_trend(prepared.incidents, "month"))
    with_trend = Image.open(
        io.BytesIO(render_snapshot(view, provenance=provenance, size_in=(11, 9.3), trend=totals))
    )
    assert with_trend.size[1] > plain.size[1]
    # The panel's bars are drawn in the chart colour under the map (lower third of the page).
    lower = with_trend.convert("RGB").crop(
        (0, with_trend.size[1] * 2 // 3, with_trend.size[0], with_trend.size[1])
    )
    assert (0x7A, 0x2E, 0x1F) in {c for _, c in lower.getcolors(maxcolors=1_000_000)}


def test_unit_names_cover_countries_and_borders(prepared):
    names = unit_names(prepared)
    assert names["LBY"] == "Libya" and names["DZA-TUN"] == prepared.border_names["DZA-TUN"]


def test_snapshot_trend_is_the_selection_or_one_chosen_unit(prepared):
    from matplotlib.figure import Figure

    from borderwatch.app.trends import select_trends, snapshot_trend
    from borderwatch.exports.snapshot.trend import draw_trend_panel

    trends = select_trends(prepared, IncidentFilter(), kind="country", zone_km=50)
    whole = snapshot_trend(trends, None)
    assert int(whole["incidents"].sum()) == trends.incidents == len(prepared.incidents)
    libya = snapshot_trend(trends, "LBY", name="Libya")
    assert int(libya["incidents"].sum()) == int(trends.ranking["LBY"])
    assert {"period", "incidents", "deaths_best", "unknown_tolls"} <= set(libya.columns)
    fig = Figure(figsize=(11, 3))
    draw_trend_panel(fig, (0.5, 0.5, 10, 2), libya)
    assert [ax.get_title(loc="left").split("\n")[0] for ax in fig.axes] == [
        "Libya: Incidents per month",
        "Libya: Deaths per month (best estimate, known tolls)",
    ]


def test_the_page_offers_a_unit_for_the_snapshot_trend():
    at = _trends()
    box = at.selectbox(key="snapshot_trend_country")
    assert box.options[0] == "The whole selection"
    assert len(box.options) == 1 + len(at.multiselect(key="trend_country").value)
