"""Finding incidents: normalisation, matching, ranking, the map focus."""

from __future__ import annotations

import pandas as pd
import pytest

from borderwatch.search import (
    SearchIndex,
    country_search_names,
    find_incident,
    focus_for,
    normalise,
    query_terms,
)

COUNTRY_NAMES = {
    "DZA": ("Algeria", "Algérie", "الجزائر"),
    "TUN": ("Tunisia", "Tunisie", "تونس"),
}


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": ["BW-0001", "BW-0002", "BW-0003", "acled:DZA123"],
            "name": ["Tiguentourine siege", "Bardo museum attack", "Guemar seizure", "Clash"],
            "date_start": pd.to_datetime(["2013-01-16", "2015-03-18", "2016-03-01", "2017-05-01"]),
            "country_iso3": ["DZA", "TUN", "DZA", "DZA"],
            "place_name": ["In Amenas", "Tunis, Le Bardo", "Guémar", "Béchar"],
            "perpetrator": ["Al-Mourabitoun", None, "", "Unidentified armed group"],
            "summary": [
                "Gas facility siege near In Amenas.",
                "Gunmen attacked the Bardo museum.",
                "Arms seized near the Libyan border (ÉLITE unit).",
                "A clash near the Tiguentourine road.",
            ],
        }
    )


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex(_table(), COUNTRY_NAMES)


def _ids(index: SearchIndex, query: str) -> list[str]:
    result = index.search(query)
    return list(result.hits(_table(), limit=100)["incident_id"])


def test_normalise_folds_case_accents_and_arabic_forms():
    assert normalise("  Guémar  ÉLITE ") == "guemar elite"
    assert normalise("Straße") == "strasse"
    # harakat, tatweel, hamza forms, alef maksura, teh marbuta
    assert normalise("الْجَزَائِر") == normalise("الجزائر") == normalise("الـجـزائر")
    assert normalise("إسبانيا") == normalise("اسبانيا")
    assert normalise("مصرى") == normalise("مصري")
    assert normalise("٢٠١٣") == "2013"


def test_query_terms_split_and_deduplicate():
    assert query_terms("In  AMENAS in") == ("in", "amenas")
    assert query_terms("   ") == ()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amenas", ["BW-0001"]),  # place and summary
        ("GUEMAR", ["BW-0003"]),  # accent-insensitive both ways
        ("guémar", ["BW-0003"]),
        ("mourabitoun", ["BW-0001"]),  # actor
        ("museum", ["BW-0002"]),  # summary
        ("bw-0002", ["BW-0002"]),  # id, any case
        ("acled:dza123", ["acled:DZA123"]),
        ("élite", ["BW-0003"]),
        ("zzz", []),
    ],
)
def test_finds_by_any_field(index, query, expected):
    assert _ids(index, query) == expected


def test_every_word_must_match(index):
    assert _ids(index, "siege amenas") == ["BW-0001"]
    assert _ids(index, "siege bardo") == []


def test_words_do_not_match_across_fields(index):
    # "In Amenas" (place) is followed by "Al-Mourabitoun" (actor): no hit for one word
    # spanning the two, while the two words match separately.
    assert _ids(index, "amenasal-mourabitoun") == []
    assert _ids(index, "amenas al-mourabitoun") == ["BW-0001"]


def test_finds_by_country_in_french_and_arabic(index):
    assert _ids(index, "Tunisie") == ["BW-0002"]
    assert _ids(index, "تونس") == ["BW-0002"]
    assert set(_ids(index, "algerie")) == {"BW-0001", "BW-0003", "acled:DZA123"}
    assert set(_ids(index, "الجزائر")) == {"BW-0001", "BW-0003", "acled:DZA123"}
    assert _ids(index, "الجزائر seizure") == ["BW-0003"]


def test_ranking_exact_id_then_name_then_newest(index):
    # "tiguentourine" is in BW-0001's name and in acled:DZA123's summary (newer).
    assert _ids(index, "tiguentourine") == ["BW-0001", "acled:DZA123"]
    # Country match only: newest first.
    assert _ids(index, "algeria") == ["acled:DZA123", "BW-0003", "BW-0001"]
    assert _ids(index, "BW-0001") == ["BW-0001"]


def test_total_counts_every_match_beyond_the_limit(index):
    result = index.search("algeria")
    assert result.total == 3
    assert len(result.hits(_table(), limit=2)) == 2


def test_blank_query_and_empty_table():
    assert SearchIndex(_table()).search("  ").total == 0
    empty = SearchIndex(_table().iloc[0:0])
    assert len(empty) == 0
    assert empty.search("siege").total == 0


def test_missing_columns_are_empty_text():
    table = _table().drop(columns=["perpetrator", "summary"])
    assert SearchIndex(table).search("mourabitoun").total == 0
    assert SearchIndex(table).search("siege").total == 1


def test_indexes_the_committed_layer(geodata):
    index = SearchIndex(geodata.incidents, country_search_names(geodata.countries))
    assert len(index) == len(geodata.incidents)
    # The In Amenas attack is in the curated layer, in English and by the Arabic country name.
    found = index.search("amenas").hits(geodata.incidents)
    assert "BW-0007" in set(found["incident_id"])  # the Tiguentourine attack itself
    # Every other hit names In Amenas too (e.g. the strike on its planner, BW-0055).
    texts = found["name"] + " " + found["summary"] + " " + found["place_name"]
    assert texts.str.contains("Amenas", case=False).all()
    assert index.search("الجزائر").total == (geodata.incidents["country_iso3"] == "DZA").sum()


def test_find_incident():
    assert find_incident(_table(), "BW-0002")["name"] == "Bardo museum attack"
    assert find_incident(_table(), "nope") is None
    assert find_incident(_table(), None) is None


def test_focus_for_placed_incident_or_none():
    from borderwatch.mapping import view

    table = _table().assign(latitude=[27.9, 36.8, None, 31.6], longitude=[9.1, 10.1, None, -2.2])
    assert focus_for(table, "BW-0003") is None  # not placed
    assert focus_for(table, "missing") is None
    focus = focus_for(table, "BW-0001")
    if not hasattr(view, "Focus"):  # the map renderer's focus (issue 10 part A) not merged
        assert focus is None
        return
    assert (focus.incident_id, focus.latitude, focus.longitude) == ("BW-0001", 27.9, 9.1)
