"""Readable tables (links, verification, unknown tolls) and the trend over time."""

from __future__ import annotations

import re

import pandas as pd

from borderwatch.border_stats import zone_ranking
from borderwatch.charts import before_after_chart, incident_trend_chart, zone_trend_chart
from borderwatch.tables import (
    arrangement_label,
    crossing_table,
    incident_table,
    link_columns,
    period_table,
    ranking_table,
    regime_table,
    source_text,
    source_urls,
)
from borderwatch.trends import complete_years, incident_trend, trend_totals

LINKED = "Libya Herald: Deal signed (2013-12-29) <https://libyaherald.com/2013/12/deal>"
PLAIN = "Test Publisher: <b>not a tag</b> (2015-03-19)"


def test_source_urls_only_http_and_text_without_address():
    assert source_urls([LINKED, PLAIN, "X <javascript:alert(1)>"]) == [
        "https://libyaherald.com/2013/12/deal"
    ]
    assert source_text(LINKED) == "Libya Herald: Deal signed (2013-12-29)"
    assert source_text(PLAIN) == PLAIN  # plain text stays as it is (shown as text)


def test_incident_table_links_verification_and_plain_sources(small_incidents):
    incidents = small_incidents.assign(
        sources=[(LINKED, PLAIN), (PLAIN,), ()],
        verification=["two sources", "single source", None],
    )
    table = incident_table(incidents, {"DZA": "Algeria"})
    assert link_columns(table) == ["Link 1"]
    assert list(table["Link 1"]) == ["https://libyaherald.com/2013/12/deal", "", ""]
    assert table.loc[0, "Sources"] == f"Libya Herald: Deal signed (2013-12-29) | {PLAIN}"
    assert list(table["Verification"]) == ["two sources", "single source", ""]
    assert "None" not in table.astype(str).to_numpy()


def test_incident_table_without_links_has_no_link_columns(small_incidents):
    assert link_columns(incident_table(small_incidents, {})) == []


def test_regime_and_crossing_tables_are_readable(geodata):
    names = dict(zip(geodata.borders["pair"], geodata.borders["name"], strict=True))
    regimes = geodata.cooperation[geodata.cooperation["kind"] == "border_closure"]
    table = regime_table(regimes, names)
    assert {"Regime", "Border", "From", "To", "Status", "Verification", "Sources"} <= set(
        table.columns
    )
    assert not {"border_pair", "date_start", "end_status"} & set(table.columns)
    text = table.astype(str).to_numpy()
    assert "None" not in text and "NaT" not in text
    assert not any("00:00:00" in v for v in text.ravel())
    assert "Algeria – Morocco" in set(table["Border"])
    crossings = crossing_table(geodata.crossings, names)
    assert link_columns(crossings)
    assert "border_pair" not in crossings.columns


def test_ranking_shows_unknown_tolls_as_unknown_not_zero():
    incidents = pd.DataFrame(
        {
            "border_distance_km": [5.0, 6.0, 7.0],
            "nearest_border": ["EGY-LBY", "EGY-LBY", "DZA-TUN"],
            "date_start": pd.to_datetime(["2017-01-01", "2017-06-01", "2015-01-01"]),
            "fatalities_low": pd.array([None, None, 3], dtype="Int64"),
            "fatalities_best": pd.array([None, None, 4], dtype="Int64"),
            "fatalities_high": pd.array([None, None, 5], dtype="Int64"),
        }
    )
    ranking = zone_ranking(incidents, 50, {"EGY-LBY": "Egypt – Libya"})
    table = ranking_table(ranking).set_index("Border")
    assert table.loc["Egypt – Libya", "Incidents"] == 2
    assert pd.isna(table.loc["Egypt – Libya", "Deaths (best)"])  # shown as "unknown"
    assert table.loc["Egypt – Libya", "Incidents with unknown toll"] == 2
    assert table.loc["DZA-TUN", "Deaths (best)"] == 4


def test_period_table_readable():
    periods = pd.DataFrame(
        {
            "period": ["before", "after"],
            "from": [pd.Timestamp("2012-02-16").date(), pd.Timestamp("2014-02-16").date()],
            "to": [pd.Timestamp("2014-02-15").date(), pd.Timestamp("2016-02-15").date()],
            "incidents": [2, 1],
            "deaths_low": [3, 0],
            "deaths_best": [4, 0],
            "deaths_high": [5, 0],
            "unknown_tolls": [0, 1],
        }
    )
    table = period_table(periods)
    assert list(table["Period"]) == ["Before", "After"]
    assert list(table["Deaths"]) == ["3–5", "unknown"]


def test_arrangement_label_says_the_year_once():
    start = pd.Timestamp("2014-05-18")
    assert arrangement_label("Algeria closes Libya border crossings (2014)", start) == (
        "Algeria closes Libya border crossings (2014-05)"
    )
    assert arrangement_label("G5 Sahel", pd.Timestamp("2014-02-16")) == "G5 Sahel (2014-02)"


def test_trend_counts_every_period_and_keeps_unknown_apart(small_incidents):
    trend = incident_trend(small_incidents, "year")
    totals = trend_totals(trend).set_index(trend_totals(trend)["period"].dt.year)
    assert list(totals.index) == [2013, 2014, 2015, 2016]  # 2014: no incidents, still there
    assert totals.loc[2014, "incidents"] == 0
    assert totals.loc[2013, "deaths_best"] == 40
    assert pd.isna(totals.loc[2016, "deaths_best"])  # unknown, not 0
    assert totals.loc[2016, "unknown_tolls"] == 1
    monthly = incident_trend(small_incidents, "month")
    assert trend_totals(monthly)["period"].nunique() == 39  # Jan 2013 .. Mar 2016
    assert incident_trend(small_incidents.iloc[0:0], "year").empty


def _spec_text(chart) -> str:
    import json

    return json.dumps(chart.to_dict())


def test_count_axes_are_whole_numbers_and_years_complete(small_incidents):
    spec = _spec_text(incident_trend_chart(incident_trend(small_incidents), period="year"))
    assert '"format": "d"' in spec and '"tickMinStep": 1' in spec
    by_year = pd.DataFrame(
        {
            "pair": ["DZA-TUN", "DZA-TUN"],
            "year": [2013, 2016],
            "incidents": [1, 1],
            "deaths_low": [1, None],
            "deaths_best": [1, None],
            "deaths_high": [2, None],
            "unknown_tolls": [0, 1],
        }
    )
    spec = _spec_text(zone_trend_chart(by_year, {}, years=(2012, 2016)))
    for year in ("2012", "2014", "2015"):
        assert f'"{year}"' in spec  # years without incidents stay on the axis


def test_before_after_chart_one_tick_per_year_and_whole_counts():
    by_year = pd.DataFrame(
        {
            "year": [2012, 2013, 2014],
            "incidents": [0.0, 0.0, 0.0],
            "deaths_low": [None] * 3,
            "deaths_best": [None] * 3,
            "deaths_high": [None] * 3,
        }
    )
    spec = before_after_chart(by_year, start=pd.Timestamp("2013-05-01"), title="t").to_dict()
    text = _spec_text(before_after_chart(by_year, start=pd.Timestamp("2013-05-01"), title="t"))
    assert '"values": [2012, 2013, 2014]' in text
    assert '"format": "d"' in text
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 1.0]


def test_complete_years():
    assert complete_years([2013, 2016]) == [2013, 2014, 2015, 2016]
    assert complete_years([2013], (2011, 2014)) == [2011, 2012, 2013, 2014]
    assert complete_years([]) == []


def test_participation_matrix_says_the_year_once(geodata):
    from borderwatch.cooperation import participation_matrix, with_year

    assert (
        with_year(
            "Algeria closes its southern border with Libya (2011)", pd.Timestamp("2011-08-29")
        )
        == "Algeria closes its southern border with Libya (2011)"
    )
    assert with_year("G5 Sahel", pd.Timestamp("2014-02-16")) == "G5 Sahel (2014)"
    matrix = participation_matrix(geodata.cooperation, ["DZA"], geodata.country_names())
    assert not any(re.search(r"\((\d{4})\) \(\1\)", label) for label in matrix.index)


def test_trend_chart_unknown_panel_only_when_some_toll_is_unknown(small_incidents):
    with_unknown = _spec_text(incident_trend_chart(incident_trend(small_incidents), period="year"))
    assert "Incidents whose toll is unknown" in with_unknown
    known = small_incidents[small_incidents["fatalities_best"].notna()]
    spec = _spec_text(incident_trend_chart(incident_trend(known), period="month"))
    assert "Incidents whose toll is unknown" not in spec
    assert "yearmonth" in spec
