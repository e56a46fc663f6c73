"""The Incident map in team mode (AppTest): counters, table, trend and search answered by
the team database, with the imported events never loaded into the app's memory."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import paths
from borderwatch.config import environment_variable
from borderwatch.filters import IncidentFilter, filter_incidents
from tests.test_team_db_query import loaded  # noqa: F401  (the shared fixture)

APP = str(paths.REPO_ROOT / "app.py")
TIMEOUT_S = 120
TABLE_ROWS = 200
EXPORT_ROWS = 500


@pytest.fixture
def team_app(loaded, tmp_path, monkeypatch):  # noqa: F811
    url, shown, keys = loaded
    monkeypatch.setenv(environment_variable("database_url"), url)
    monkeypatch.setenv(environment_variable("data_dir"), str(tmp_path / "imports"))
    monkeypatch.setenv(environment_variable("cache_dir"), str(tmp_path / "cache"))
    monkeypatch.setenv(environment_variable("table_row_limit"), str(TABLE_ROWS))
    monkeypatch.setenv(environment_variable("export_row_limit"), str(EXPORT_ROWS))
    return shown, keys


def _run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_incident_map_counts_every_shown_event_from_the_database(team_app, tmp_path):
    shown, _ = team_app
    at = _run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents"] == f"{len(shown):,}"
    assert metrics["Countries"] == str(shown["country_iso3"].nunique())
    table = at.dataframe[0].value
    assert len(table) == TABLE_ROWS
    captions = " ".join(c.value for c in at.caption)
    assert f"Showing the {TABLE_ROWS:,} newest of {len(shown):,} incidents" in captions
    # The data files fetch up to export_row_limit rows when made, and say so when capped.
    assert f"The newest {EXPORT_ROWS:,} of the {len(shown):,} incidents selected" in captions
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert not (tmp_path / "imports").exists()  # no file store in team mode


def test_filters_from_the_url_are_counted_in_sql(team_app):
    shown, _ = team_app
    at = _run({"country": "Tunisia"})
    expected = filter_incidents(shown, IncidentFilter(countries=("TUN",)))
    assert at.metric[0].value == f"{len(expected):,}"
    assert (at.dataframe[0].value["Country"] == "Tunisia").all()


def test_search_is_answered_by_the_database(team_app):
    at = _run({"q": "AQIM"})
    hits = [b.label for b in at.button if b.key and b.key.startswith("hit-")]
    assert hits
    assert any("match “AQIM”" in c.value for c in at.caption)


def test_trends_and_changes_are_counted_in_the_database(team_app):
    shown, _ = team_app
    at = _run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, at.exception
    assert not any("curated layer only" in w.value for w in at.warning)
    assert any("Counted in the team database" in c.value for c in at.caption)
    # The change list counts every shown incident of the windows: the default recent
    # window (6 months) ends with the last month of the data, after a 24-month baseline.
    months = shown["date_start"].dt.to_period("M")
    last = months.max()
    in_windows = (months > last - 30) & shown["country_iso3"].notna()
    changes = at.dataframe[0].value
    per_country = changes[changes["Kind"] == "Country"]
    counted = per_country["Baseline incidents"].sum() + per_country["Recent incidents"].sum()
    assert counted == int(in_windows.sum()) > 0
    assert any("stay in the team database" in c.value for c in at.caption)


def test_the_borders_page_counts_the_zone_in_the_database(team_app):
    shown, _ = team_app
    at = _run()
    at.switch_page("pages/borders.py").run()
    at.slider(key="zone_km").set_value(50).run()
    at.selectbox(key="border").set_value("DZA-LBY").run()
    assert not at.exception, at.exception
    assert not any("curated layer only" in w.value for w in at.warning)
    zone = filter_incidents(shown, IncidentFilter(border_zone_km=50, border_pairs=("DZA-LBY",)))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents"] == f"{len(zone):,}" != "0"
    # The ranking covers every border's zone: its incidents add up to the whole zone.
    ranking = at.dataframe[0].value
    every_zone = filter_incidents(shown, IncidentFilter(border_zone_km=50))
    assert ranking["Incidents"].sum() == len(every_zone) > len(zone)
    captions = " ".join(c.value for c in at.caption)
    assert "counted in the team database" in captions


def test_cooperation_and_regional_factors_count_in_the_database(team_app):
    shown, _ = team_app
    at = _run()
    at.switch_page("pages/cooperation.py").run()
    assert not at.exception, at.exception
    assert any("counted in the team database" in c.value for c in at.caption)
    at.switch_page("pages/regional_factors.py").run()
    assert not at.exception, at.exception
    # The first tab's table counts every shown incident of Libya and Tunisia per year.
    table = at.dataframe[0].value
    expected = filter_incidents(shown, IncidentFilter(countries=("LBY", "TUN")))
    assert table["Incidents"].sum() == len(expected) > 0
    assert any("Counted in the team database" in c.value for c in at.caption)


def test_the_data_page_says_where_team_data_is_stored(team_app):
    at = _run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "stored in the team database" in text
    assert "on this machine only" not in text


@pytest.mark.parametrize("max_points", [100_000, 100])
def test_the_incident_map_plays_frames_from_the_database(team_app, monkeypatch, max_points):
    """Playback in team mode: frames from the fetched placed rows, or (above
    ``playback_max_points``) cell counts made in SQL; the data files carry the frame."""
    from tests.test_pages import _map_script
    from tests.test_playback_pages import _frames_data

    shown, _ = team_app
    monkeypatch.setenv(environment_variable("playback_max_points"), str(max_points))
    at = _run({"play": "true"})
    data = _frames_data(_map_script(at))
    assert data["mode"] == ("points" if max_points > len(shown) else "cells")
    years = sorted(shown["date_start"].dt.year.unique())
    assert data["labels"][0] == str(years[0])
    frame = at.selectbox(key="play_frame")
    frame.set_value(data["labels"].index("2014")).run()
    assert not at.exception, at.exception
    in_2014 = filter_incidents(shown, IncidentFilter(years=(2014, 2014)))
    wanted = f"Download {len(in_2014):,} incidents"
    assert any(wanted in str(p.proto) for p in at.get("popover"))


def test_the_borders_page_plays_its_zone_from_the_database(team_app):
    from tests.test_pages import _map_script
    from tests.test_playback_pages import _frames_data

    shown, _ = team_app
    at = _run()
    at.switch_page("pages/borders.py").run()
    at.toggle(key="play").set_value(True).run()
    assert not at.exception, at.exception
    data = _frames_data(_map_script(at))
    zone = filter_incidents(shown, IncidentFilter(border_zone_km=50))
    placed = zone.dropna(subset=["latitude", "longitude"])
    assert sum(data["counts"]) >= len(placed) > 0  # each in one frame at least


def test_cross_border_links_come_from_the_database(team_app):
    at = _run({"links": "true"})
    assert any(h.value == "Cross-border links" for h in at.subheader)
    summary = next(d.value for d in at.dataframe if "From" in d.value.columns)
    assert summary["Links"].sum() > 0
    at.switch_page("pages/borders.py").run()
    assert not at.exception, at.exception
    assert any(h.value == "Cross-border links" for h in at.subheader)
