"""Cross-border links and border regimes in force."""

from __future__ import annotations

import pandas as pd
from shapely import Point

from borderwatch.cooperation import (
    border_regimes,
    in_force,
    involving,
    participation_matrix,
    windowed_counts,
)
from borderwatch.links import (
    arc_coordinates,
    arrow_bearing_deg,
    country_anchors,
    cross_border_links,
    link_summary,
)

from .conftest import incident_rows


def test_links_from_documented_origins(geodata, small_incidents):
    anchors = country_anchors(geodata.countries)
    drawable, off_map = cross_border_links(small_incidents, anchors)
    # BW-0001 has origins LBY and MLI; the others none.
    assert list(drawable["origin_iso3"]) == ["LBY", "MLI"]
    assert set(drawable["target_iso3"]) == {"DZA"}
    assert off_map.empty
    assert drawable.loc[0, "evidence"] == "attackers came via Libya, per test"
    lon, lat = drawable.loc[0, ["origin_lon", "origin_lat"]]
    libya = geodata.countries.set_index("iso3").loc["LBY", "geometry"]
    assert libya.contains(Point(lon, lat))


def test_origins_off_the_map_are_listed_not_dropped(small_incidents):
    drawable, off_map = cross_border_links(small_incidents, {"LBY": (17.0, 27.0)})
    assert list(drawable["origin_iso3"]) == ["LBY"]
    assert list(off_map["origin_iso3"]) == ["MLI"]


def test_link_summary_counts_pairs(geodata):
    drawable, _ = cross_border_links(geodata.incidents, country_anchors(geodata.countries))
    summary = link_summary(drawable, geodata.country_names())
    libya_tunisia = summary[(summary["From"] == "Libya") & (summary["To"] == "Tunisia")]
    assert libya_tunisia.iloc[0]["Links"] >= 2  # Bardo and Sousse 2015 at least
    assert summary["Links"].is_monotonic_decreasing


def test_arc_runs_from_origin_to_target():
    path = arc_coordinates((17.0, 27.0), (9.127, 27.897))
    assert path[0] == (27.0, 17.0) and path[-1] == (27.897, 9.127)
    # Heading west at the end (towards In Amenas from central Libya): about 180 degrees.
    assert abs(abs(arrow_bearing_deg(path)) - 180) < 45
    northward = arc_coordinates((10.0, 30.0), (10.0, 35.0), bend=0.0)
    assert arrow_bearing_deg(northward) == -90.0


def _arrangements(rows):
    frame = pd.DataFrame(
        rows, columns=["id", "date_start", "date_end", "kind", "scope", "border_pair"]
    )
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    frame["date_end"] = pd.to_datetime(frame["date_end"])
    return frame


def test_in_force_handles_start_end_ongoing_and_unknown():
    arrangements = _arrangements(
        [
            ("ongoing", "1994-08-27", None, "border_closure", "bilateral", "DZA-MAR"),
            ("ended", "2014-05-01", "2015-08-31", "border_closure", "bilateral", "DZA-LBY"),
            ("future", "2016-02-06", None, "border_security", "unilateral", "LBY-TUN"),
            ("unknown-end", "2013-01-01", None, "political", "bilateral", ""),
        ]
    )
    assert list(in_force(arrangements, 2015)["id"]) == ["ongoing", "ended", "unknown-end"]
    assert list(in_force(arrangements, 2016)["id"]) == ["ongoing", "future", "unknown-end"]
    assert list(in_force(arrangements, 1990)["id"]) == []
    assert list(border_regimes(arrangements, 2016)["id"]) == ["ongoing", "future"]


def test_algeria_morocco_closure_is_a_regime_in_every_year_since_1994(geodata):
    for year in (1995, 2013, 2019):
        regimes = border_regimes(geodata.cooperation, year)
        assert "DZA-MAR" in set(regimes["border_pair"]), year


def _zone_incidents(rows):
    return incident_rows(
        rows, ["incident_id", "date_start", "fatalities_low", "fatalities_best", "fatalities_high"]
    )


def test_before_and_after_counts_on_a_hand_made_dataset():
    incidents = _zone_incidents(
        [
            ("too-early", "2009-12-31", 5, 5, 5),
            ("before-1", "2010-01-01", 1, 2, 3),
            ("before-2", "2012-12-31", None, None, None),
            ("on-the-day", "2013-01-01", 10, 12, 15),
            ("after", "2015-12-31", 4, 4, 4),
            ("too-late", "2016-01-01", 9, 9, 9),
        ]
    )
    counts = windowed_counts(incidents, start=pd.Timestamp("2013-01-01"), window_years=3)
    before, after = (
        counts.set_index("period").loc["before"],
        counts.set_index("period").loc["after"],
    )
    assert (before["incidents"], before["deaths_low"], before["deaths_high"]) == (2, 1, 3)
    assert before["unknown_tolls"] == 1
    assert (
        after["incidents"],
        after["deaths_low"],
        after["deaths_best"],
        after["deaths_high"],
    ) == (2, 14, 16, 19)
    assert str(before["from"]) == "2010-01-01" and str(after["to"]) == "2015-12-31"


def test_involving_and_participation_matrix(geodata):
    coop = geodata.cooperation
    tunisia = involving(coop, countries=("TUN",))
    assert len(tunisia) > 0 and all("TUN" in p for p in tunisia["parties"])
    closures = involving(coop, kinds=("border_closure",))
    assert set(closures["kind"]) == {"border_closure"}
    matrix = participation_matrix(tunisia, ["DZA", "TUN", "MAR"], geodata.country_names())
    assert matrix["Tunisia"].all()
    assert list(matrix.columns) == ["Algeria", "Tunisia", "Morocco"]
