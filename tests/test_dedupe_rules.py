"""Merging needs compatible event types and plausible tolls as well as date and place; each
merge says why; the analyst can list merged groups, split a wrong merge and switch merging
off per dataset (issue 11)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from borderwatch import dedupe
from borderwatch.app import duplicates
from borderwatch.app.prepared import dataset_names, merge_choices
from borderwatch.errors import DataFileError
from borderwatch.geodesy import WGS84
from borderwatch.store import DISTINCT_NAME, DatasetStore

LAT, LON = 33.0, 10.0


def _north(km: float) -> float:
    _, lat, _ = WGS84.fwd(LON, LAT, 0.0, km * 1000.0)
    return float(lat)


def _row(dataset: str, source: str, original: str, event_type: str, best=None, **values) -> dict:
    return {
        "incident_id": f"{dataset}:{original}",
        "dataset": dataset,
        "source_dataset": source,
        "original_id": original,
        "date_start": "2014-05-17",
        "latitude": LAT,
        "longitude": LON,
        "location_precision": 2,
        "sources": (f"{source}: wire",),
        "name": f"{source} {original}",
        "place_name": "Ghat",
        "event_type": event_type,
        "fatalities_low": None,
        "fatalities_best": best,
        "fatalities_high": None,
    } | values


def _table(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    for column in ("location_precision", "fatalities_low", "fatalities_best", "fatalities_high"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _acled(original, event_type, best=None, **values):
    return _row("acled-1", "ACLED", original, event_type, best, **values)


def _ucdp(original, event_type, best=None, **values):
    return _row("ucdp-1", "UCDP GED", original, event_type, best, **values)


def _gtd(original, event_type, best=None, **values):
    return _row("gtd-1", "GTD", original, event_type, best, **values)


def _clusters(table: pd.DataFrame, **options) -> list[list[str]]:
    found = dedupe.find_duplicates(table, **options)
    return found.groupby("cluster")["incident_id"].apply(list).tolist()


# --- the two failure shapes found in the real files ------------------------------------------


def test_a_protest_is_never_merged_with_a_battle():
    table = _table([_ucdp("1", "battle", 2), _acled("7", "unrest", 0, latitude=_north(1.0))])
    assert _clusters(table) == []
    assert len(dedupe.merge_duplicates(table)) == 2


def test_gtd_suicide_bombings_are_not_hidden_behind_ucdp_battles_with_other_tolls():
    table = _table(
        [
            _ucdp("1", "battle", 1),
            _ucdp("2", "battle", 3, date_start="2014-06-02"),
            _gtd("201405170001", "bombing", 8, latitude=_north(2.0)),
            _gtd("201406020001", "bombing", 8, date_start="2014-06-02", latitude=_north(3.0)),
        ]
    )
    assert _clusters(table) == []
    assert len(dedupe.merge_duplicates(table)) == 4


def test_a_bombing_and_a_battle_merge_only_when_both_tolls_are_known_and_agree():
    agree = _table(
        [_ucdp("1", "battle", 8, fatalities_low=6, fatalities_high=9), _gtd("9", "bombing", 7)]
    )
    assert _clusters(agree) == [["ucdp-1:1", "gtd-1:9"]]
    unknown = _table([_ucdp("1", "battle", 8), _gtd("9", "bombing")])
    assert _clusters(unknown) == []


# --- types and tolls --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "merged"),
    [
        ("armed_assault", "armed_assault", True),
        ("armed_assault", "ambush", True),
        ("armed_assault", "hostage_taking", True),
        ("unrest", "unrest", True),
        ("unrest", "armed_assault", False),
        ("unrest", "other", False),
        ("seizure", "battle", False),
        ("other", "bombing", False),
        ("hostage_taking", "bombing", False),
        ("", "bombing", True),  # a report without a type does not block
    ],
)
def test_event_type_compatibility(first, second, merged):
    table = _table([_acled("1", first, 3), _gtd("9", second, 3)])
    assert bool(_clusters(table)) is merged


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ((3, 3), (4, 4), True),
        ((0, 0), (2, 2), True),  # at most 2 deaths apart
        ((0, 0), (3, 3), False),
        ((10, 10), (20, 20), True),  # within a factor of 2
        ((10, 10), (21, 21), False),
        ((8, 8), (1, 1), False),
        ((8, 8), (3, 3), False),
        ((1, 9), (8, 8), True),  # ranges that overlap agree
        ((np.nan, np.nan), (500, 500), True),  # unknown does not block
    ],
)
def test_tolls_agree(a, b, agree):
    result = dedupe.tolls_agree(*(np.array([v], float) for v in (*a, *b)))
    assert result.tolist() == [agree]


def test_same_type_with_implausible_tolls_stays_apart_unknown_tolls_merge():
    assert _clusters(_table([_ucdp("1", "battle", 1), _acled("7", "battle", 50)])) == []
    assert _clusters(_table([_ucdp("1", "battle", 1), _acled("7", "battle")])) == [
        ["ucdp-1:1", "acled-1:7"]
    ]


def test_a_cluster_holds_the_rules_pairwise_not_only_along_its_links():
    # assault (4) ~ battle (4): types differ, tolls known and agree; assault ~ ambush
    # (unknown): fine; but battle ~ ambush with an unknown toll is not, so the three are
    # not one cluster: the closer pair is kept together.
    table = _table(
        [
            _acled("1", "armed_assault", 4),
            _ucdp("2", "battle", 4, latitude=_north(1.0)),
            _gtd("3", "ambush", latitude=_north(-3.0)),
        ]
    )
    assert _clusters(table) == [["acled-1:1", "ucdp-1:2"]]


# --- reasons ----------------------------------------------------------------------------------


def test_each_merge_says_why():
    table = _table(
        [
            _acled("1", "armed_assault", 3),
            _gtd("9", "armed_assault", 4, date_start="2014-05-18", latitude=_north(2.1)),
        ]
    )
    found = dedupe.find_duplicates(table, reasons=True)
    assert found["reason"].tolist() == [
        "",
        "1 day apart, 2.1 km apart, both armed assault, deaths 3 vs 4",
    ]
    merged = dedupe.merge_duplicates(table, reasons=True)
    assert merged["merge_reason"].tolist() == [
        "gtd-1:9: 1 day apart, 2.1 km apart, both armed assault, deaths 3 vs 4"
    ]
    assert "merge_reason" not in dedupe.merge_duplicates(table).columns


def test_reason_names_different_types_and_unknown_tolls():
    table = _table([_ucdp("1", "battle", 8), _gtd("9", "bombing", 8)])
    [reason] = dedupe.merge_duplicates(table, reasons=True)["merge_reason"]
    assert reason == "gtd-1:9: same day, 0.0 km apart, battle and bombing, deaths 8 vs 8"
    table = _table([_ucdp("1", "battle", 8, fatalities_low=6, fatalities_high=9), _acled("3", "")])
    [reason] = dedupe.merge_duplicates(table, reasons=True)["merge_reason"]
    assert reason == "acled-1:3: same day, 0.0 km apart, battle and no type, deaths 8 vs unknown"


# --- the analyst's choices ----------------------------------------------------------------------


def test_declared_distinct_pairs_are_never_merged_even_through_a_third_report():
    table = _table(
        [
            _acled("1", "armed_assault", 3),
            _gtd("9", "armed_assault", 3, latitude=_north(1.0)),
            _ucdp("5", "armed_assault", 3, latitude=_north(2.0)),
        ]
    )
    assert _clusters(table) == [["acled-1:1", "gtd-1:9", "ucdp-1:5"]]
    split = _clusters(table, distinct=[("ucdp-1:5", "acled-1:1")])
    assert ["acled-1:1", "ucdp-1:5"] not in [sorted(c) for c in split]
    assert all(not {"acled-1:1", "ucdp-1:5"} <= set(c) for c in split)
    assert split == [["acled-1:1", "gtd-1:9"]]


def test_a_dataset_with_merging_off_is_never_merged():
    table = _table([_acled("1", "battle", 3), _ucdp("2", "battle", 3)])
    assert _clusters(table, unmerged=["ucdp-1"]) == []
    assert len(dedupe.merge_duplicates(table, unmerged=["ucdp-1"])) == 2


# --- the store and the Data page's workflow ------------------------------------------------------


def _imported(rows: list[dict]) -> gpd.GeoDataFrame:
    table = _table(rows)
    table["date_end"] = table["date_start"]
    for column in (
        "date_precision",
        "country_iso3",
        "location_source",
        "event_subtype",
        "perpetrator",
        "fatalities_note",
        "other_casualties",
        "cross_border_note",
        "summary",
        "verification",
        "checked",
        "unverified",
    ):
        table[column] = {"date_precision": "day", "country_iso3": "LBY"}.get(column, "")
    table["location_source"] = "reported"
    table["origin_countries"] = [()] * len(table)
    geometry = shapely.points(table["longitude"], table["latitude"])
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")


@pytest.fixture
def store(tmp_path):
    store = DatasetStore(tmp_path)
    store.save(
        _imported([_acled("1", "battle", 3)]),
        name="ACLED Libya",
        source_format="acled",
        source_file="a.csv",
        rejected=0,
    )
    store.save(
        _imported([_ucdp("2", "battle", 4)]),
        name="UCDP Libya",
        source_format="ucdp_ged",
        source_file="u.csv",
        rejected=0,
    )
    return store


def _shown(geodata, store: DatasetStore) -> pd.DataFrame:
    choices = merge_choices(store.directory)
    return dedupe.combined_incidents(
        geodata.incidents.iloc[:0],
        store.load_enabled(),
        max_days=3,
        max_km=10.0,
        dataset_names=dataset_names(store.directory),
        distinct=choices.distinct,
        unmerged=choices.unmerged,
    )


def test_list_split_and_undo_a_merge(geodata, store):
    shown = _shown(geodata, store)
    [group] = duplicates.merged_groups(shown)
    acled, ucdp = (info.key for info in store.list())
    assert set(group.members) == {f"{acled}:1", f"{ucdp}:2"}
    assert group.reason.endswith("same day, 0.0 km apart, both battle, deaths 3 vs 4")
    assert group.dataset_name in {"ACLED Libya", "UCDP Libya"}
    assert duplicates.count_merged(shown) == 1

    duplicates.split_group(store, group)
    [pair] = duplicates.split_pairs(store)
    assert set(pair.ids) == set(group.members) and pair.declared_at
    assert duplicates.merged_groups(_shown(geodata, store)) == []
    # Split again: nothing is declared twice; the list survives a new store object.
    duplicates.split_group(store, group)
    assert len(DatasetStore(store.directory).distinct_pairs()) == 1

    duplicates.undo_split(store, pair)
    assert duplicates.split_pairs(store) == []
    assert len(duplicates.merged_groups(_shown(geodata, store))) == 1


def test_merging_switched_off_per_dataset_is_kept_in_the_registry(geodata, store):
    ucdp = store.list()[1]
    assert ucdp.merge_duplicates is True
    duplicates.set_merging(store, ucdp.key, False)
    document = json.loads(store.registry_path.read_text())
    assert [d["merge_duplicates"] for d in document["datasets"]] == [True, False]
    assert merge_choices(store.directory).unmerged == (ucdp.key,)
    assert duplicates.merged_groups(_shown(geodata, store)) == []
    duplicates.set_merging(store, ucdp.key, True)
    assert len(duplicates.merged_groups(_shown(geodata, store))) == 1


def test_a_damaged_list_of_split_merges_is_reported_and_the_data_still_shown(geodata, store):
    (store.directory / DISTINCT_NAME).write_text("{not json")
    with pytest.raises(DataFileError, match="not valid JSON"):
        store.distinct_pairs()
    assert merge_choices(store.directory).distinct == ()
    assert len(_shown(geodata, store)) == 1
    with pytest.raises(DataFileError):
        store.declare_distinct([("a", "b")])
    assert (store.directory / DISTINCT_NAME).read_text() == "{not json"  # left as it was


def test_markdown_in_imported_text_is_shown_as_text():
    assert duplicates.plain("[x](http://e.vil) *b*") == r"\[x\]\(http\://e\.vil\) \*b\*"
