"""Finding and merging the same incident reported by several datasets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from borderwatch import dedupe
from borderwatch.geodesy import WGS84

LAT, LON = 33.0, 10.0


def _north(km: float) -> float:
    """Latitude ``km`` north of (LAT, LON) along the meridian."""
    _, lat, _ = WGS84.fwd(LON, LAT, 0.0, km * 1000.0)
    return float(lat)


def _table(rows: list[dict]) -> pd.DataFrame:
    """Incidents with the columns dedupe reads; defaults for everything not given."""
    defaults = {
        "dataset": pd.NA,
        "source_dataset": "BorderWatch curated",
        "date_start": "2013-01-16",
        "latitude": LAT,
        "longitude": LON,
        "location_precision": 2,
        "sources": ("a source",),
        "name": "event",
    }
    frame = pd.DataFrame([defaults | row for row in rows])
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    frame["location_precision"] = frame["location_precision"].astype("Int64")
    return frame


def _acled(incident_id: str, **values) -> dict:
    return {
        "incident_id": f"acled-1:{incident_id}",
        "dataset": "acled-1",
        "source_dataset": "ACLED",
        "sources": ("ACLED: Reuters",),
    } | values


def _gtd(incident_id: str, **values) -> dict:
    return {
        "incident_id": f"gtd-1:{incident_id}",
        "dataset": "gtd-1",
        "source_dataset": "GTD",
        "sources": ("GTD: BBC",),
    } | values


def test_two_reports_two_days_and_4_km_apart_merge_and_keep_both_sources():
    table = _table(
        [
            _acled("1", date_start="2013-01-16", location_precision=1),
            _gtd("9", date_start="2013-01-18", latitude=_north(4.0), location_precision=3),
        ]
    )
    found = dedupe.find_duplicates(table)
    assert found.to_dict("records") == [
        {"incident_id": "acled-1:1", "cluster": 0, "keep": True},
        {"incident_id": "gtd-1:9", "cluster": 0, "keep": False},
    ]
    merged = dedupe.merge_duplicates(table)
    assert len(merged) == 1
    row = merged.iloc[0]
    assert row["incident_id"] == "acled-1:1"  # better location precision
    assert row["sources"] == ("ACLED: Reuters", "GTD: BBC")
    assert row["also_reported_as"] == ("gtd-1:9",)


def test_five_days_apart_do_not_merge():
    table = _table([_acled("1"), _gtd("9", date_start="2013-01-21")])
    assert dedupe.find_duplicates(table).empty
    assert len(dedupe.merge_duplicates(table)) == 2


def test_fifteen_km_apart_do_not_merge():
    table = _table([_acled("1"), _gtd("9", latitude=_north(15.0))])
    assert dedupe.find_duplicates(table).empty
    assert dedupe.find_duplicates(table, max_km=16.0)["incident_id"].tolist() == [
        "acled-1:1",
        "gtd-1:9",
    ]


def test_thresholds_are_inclusive_and_geodesic():
    table = _table([_acled("1"), _gtd("9", date_start="2013-01-19", latitude=_north(9.99))])
    assert len(dedupe.find_duplicates(table)) == 2
    table = _table([_acled("1"), _gtd("9", latitude=_north(10.01))])
    assert dedupe.find_duplicates(table).empty


def test_zero_km_and_zero_days_match_the_same_place_and_day_only():
    table = _table([_acled("1"), _gtd("9"), _gtd("10", latitude=_north(0.1))])
    found = dedupe.find_duplicates(table, max_days=0, max_km=0.0)
    assert found["incident_id"].tolist() == ["acled-1:1", "gtd-1:9"]
    table = _table([_acled("1"), _gtd("9", date_start="2013-01-17")])
    assert dedupe.find_duplicates(table, max_days=0, max_km=0.0).empty


def test_reports_in_one_dataset_are_not_merged():
    table = _table([_acled("1"), _acled("2", latitude=_north(1.0)), _acled("3")])
    assert dedupe.find_duplicates(table).empty
    assert dedupe.merge_duplicates(table)["incident_id"].tolist() == [
        "acled-1:1",
        "acled-1:2",
        "acled-1:3",
    ]


def test_curated_record_is_preferred_over_a_more_precise_import():
    table = _table(
        [
            _acled("1", location_precision=1, sources=("ACLED: A", "ACLED: B", "ACLED: C")),
            {"incident_id": "BW-0007", "location_precision": 4, "sources": ("Wikipedia: X",)},
            _gtd("9", location_precision=1),
        ]
    )
    merged = dedupe.merge_duplicates(table)
    assert merged["incident_id"].tolist() == ["BW-0007"]
    row = merged.iloc[0]
    assert row["sources"] == ("Wikipedia: X", "ACLED: A", "ACLED: B", "ACLED: C", "GTD: BBC")
    assert row["also_reported_as"] == ("acled-1:1", "gtd-1:9")
    assert row["location_precision"] == 4  # the kept record is not altered otherwise


def test_curated_layer_without_a_dataset_column_is_one_dataset():
    curated = _table(
        [
            {"incident_id": "BW-0001"},
            {"incident_id": "BW-0002", "latitude": _north(2.0)},
        ]
    ).drop(columns=["dataset", "source_dataset"])
    imported = _table([_gtd("9")])
    combined = pd.concat([curated, imported], ignore_index=True)
    found = dedupe.find_duplicates(combined)
    # GTD matches both curated rows, but the two curated rows stay apart: GTD joins the
    # closer one.
    assert found["incident_id"].tolist() == ["BW-0001", "gtd-1:9"]
    assert dedupe.merge_duplicates(combined)["incident_id"].tolist() == ["BW-0001", "BW-0002"]


def test_ties_go_to_the_report_with_most_sources():
    table = _table(
        [
            _acled("1", sources=("ACLED: A",)),
            _gtd("9", sources=("GTD: A", "GTD: B")),
        ]
    )
    found = dedupe.find_duplicates(table)
    assert found.loc[found["keep"], "incident_id"].tolist() == ["gtd-1:9"]


def test_unplaced_rows_are_never_merged_and_pass_through_unchanged():
    table = _table(
        [
            _acled("1"),
            _gtd("9", latitude=np.nan, longitude=np.nan),
            _gtd("10", date_start=pd.NaT),
        ]
    )
    assert dedupe.find_duplicates(table).empty
    merged = dedupe.merge_duplicates(table)
    pd.testing.assert_frame_equal(merged.drop(columns="also_reported_as"), table)
    assert merged["also_reported_as"].tolist() == [(), (), ()]


def test_chain_through_another_dataset_never_joins_two_rows_of_one_dataset():
    # acled 1 -- gtd 9 -- acled 2 are each within reach, acled 1 and 2 are one dataset.
    table = _table(
        [
            _acled("1"),
            _gtd("9", latitude=_north(6.0)),
            _acled("2", latitude=_north(8.0)),
            {
                "incident_id": "ucdp-1:5",
                "dataset": "ucdp-1",
                "source_dataset": "UCDP GED",
                "latitude": _north(14.0),
            },
        ]
    )
    found = dedupe.find_duplicates(table)
    clusters = found.groupby("cluster")["incident_id"].apply(sorted).tolist()
    assert clusters == [["acled-1:2", "gtd-1:9", "ucdp-1:5"]]
    # Equal precision and sources: the first of them in the table is kept.
    merged = dedupe.merge_duplicates(table)
    assert merged["incident_id"].tolist() == ["acled-1:1", "gtd-1:9"]
    assert merged.iloc[1]["also_reported_as"] == ("acled-1:2", "ucdp-1:5")


def test_merge_keeps_order_index_and_geodataframe(small_incidents):
    curated = small_incidents.copy()
    curated.index = curated.index + 100
    first = curated.iloc[0]
    copy = curated.iloc[[0]].copy()
    copy["incident_id"] = "acled-1:77"
    copy["dataset"] = "acled-1"
    copy["source_dataset"] = "ACLED"
    copy.index = [999]
    copy["sources"] = pd.Series([("ACLED: Agence France-Presse",)], index=copy.index)
    combined = pd.concat([curated, copy])
    merged = dedupe.merge_duplicates(combined)
    assert type(merged) is type(small_incidents)
    assert merged.index.tolist() == curated.index.tolist()
    assert merged.loc[first.name, "also_reported_as"] == ("acled-1:77",)
    assert merged.loc[first.name, "sources"] == (*first["sources"], "ACLED: Agence France-Presse")


def test_candidate_search_agrees_with_brute_force():
    rng = np.random.default_rng(6)
    n = 400
    table = _table(
        [
            {
                "incident_id": f"r{k}",
                "dataset": f"d{rng.integers(3)}",
                "source_dataset": "ACLED",
                "latitude": LAT + rng.uniform(-0.3, 0.3),
                "longitude": LON + rng.uniform(-0.3, 0.3),
                "date_start": pd.Timestamp("2013-01-01") + pd.Timedelta(days=int(rng.integers(30))),
            }
            for k in range(n)
        ]
    )
    lon, lat = table["longitude"].to_numpy(), table["latitude"].to_numpy()
    day = table["date_start"].to_numpy("datetime64[D]").astype("int64").astype(float)
    code = pd.factorize(table["dataset"])[0]
    i, j, _ = dedupe._candidate_pairs(lon, lat, day, code, 3, 10.0)
    found = {(min(a, b), max(a, b)) for a, b in zip(i, j, strict=True)}

    a, b = np.triu_indices(n, 1)
    _, _, metres = WGS84.inv(lon[a], lat[a], lon[b], lat[b])
    ok = (metres <= 10_000) & (np.abs(day[a] - day[b]) <= 3) & (code[a] != code[b])
    expected = set(zip(a[ok].tolist(), b[ok].tolist(), strict=True))
    assert expected  # the sample does hold pairs
    assert found == expected


def test_bad_parameters_and_missing_columns_are_refused():
    table = _table([_acled("1")])
    with pytest.raises(ValueError, match="max_days"):
        dedupe.find_duplicates(table, max_days=-1)
    with pytest.raises(ValueError, match="max_km"):
        dedupe.find_duplicates(table, max_km=-1.0)
    with pytest.raises(ValueError, match="latitude"):
        dedupe.find_duplicates(table.drop(columns="latitude"))


def test_empty_table():
    table = _table([_acled("1")]).iloc[:0]
    assert dedupe.find_duplicates(table).empty
    assert dedupe.merge_duplicates(table).empty
