"""Filtering incidents and summing deaths as ranges."""

from __future__ import annotations

from datetime import date

import pandas as pd

from borderwatch.fatalities import format_incident_fatalities, sum_fatalities
from borderwatch.filters import IncidentFilter, filter_incidents, year_span


def test_no_filter_keeps_everything(small_incidents):
    assert len(filter_incidents(small_incidents, IncidentFilter())) == 3


def test_country_filter(small_incidents):
    kept = filter_incidents(small_incidents, IncidentFilter(countries=("TUN",)))
    assert list(kept["incident_id"]) == ["BW-0002"]


def test_year_filter_counts_overlap(small_incidents):
    kept = filter_incidents(small_incidents, IncidentFilter(years=(2013, 2015)))
    assert list(kept["incident_id"]) == ["BW-0001", "BW-0002"]
    assert filter_incidents(small_incidents, IncidentFilter(years=(2017, 2019))).empty


def test_event_type_filter(small_incidents):
    kept = filter_incidents(small_incidents, IncidentFilter(event_types=("seizure", "bombing")))
    assert list(kept["incident_id"]) == ["BW-0002", "BW-0003"]


def test_year_span(small_incidents):
    assert year_span(small_incidents) == (2013, 2016)


def test_fatality_range_sums_low_best_high(small_incidents):
    deaths = sum_fatalities(small_incidents)
    # Siege 37/40/67, bombing 12 (single figure), seizure unknown.
    assert (deaths.low, deaths.best, deaths.high, deaths.unknown) == (49, 52, 79, 1)
    assert deaths.label() == "49–79"


def test_format_incident_fatalities():
    assert format_incident_fatalities(37, 40, 67) == "40 (range 37–67)"
    assert format_incident_fatalities(pd.NA, 12, pd.NA) == "12"
    assert format_incident_fatalities(pd.NA, pd.NA, pd.NA) == "unknown"
    assert format_incident_fatalities(11, pd.NA, 13) == "11–13"


def test_describe_names_countries():
    text = IncidentFilter(countries=("DZA",), years=(2013, 2014)).describe({"DZA": "Algeria"})
    assert text == "countries: Algeria; years: 2013–2014; event types: all"


# --- filters beyond country, year and type (issue 10, 12) ---------------------------------
# The fixture: BW-0001 DZA 2013-01-16..19, 37/40/67 dead, "Test brigade", precision 1;
# BW-0002 TUN 2015-03-18, 12 dead, "unclaimed", precision 1; BW-0003 DZA 2016-03 (whole
# month), toll unknown, no perpetrator, precision 3.


def _kept(incidents, **criteria) -> list[str]:
    return list(filter_incidents(incidents, IncidentFilter(**criteria))["incident_id"])


def test_date_range_to_the_day_counts_overlap(small_incidents):
    assert _kept(small_incidents, dates=(date(2013, 1, 19), date(2013, 1, 19))) == ["BW-0001"]
    assert _kept(small_incidents, dates=(date(2013, 1, 20), date(2015, 3, 17))) == []
    assert _kept(small_incidents, dates=(date(2015, 3, 18), date(2016, 3, 15))) == [
        "BW-0002",
        "BW-0003",
    ]


def test_actor_contains_ignoring_case_and_accents(small_incidents):
    assert _kept(small_incidents, actor="BRIGADE") == ["BW-0001"]
    assert _kept(small_incidents, actor="unclaîmed") == ["BW-0002"]
    assert _kept(small_incidents, actor="  ") == ["BW-0001", "BW-0002", "BW-0003"]
    assert _kept(small_incidents, actor="nobody") == []


def test_min_deaths_with_unknown_tolls_included_or_excluded(small_incidents):
    assert _kept(small_incidents, min_deaths=13) == ["BW-0001", "BW-0003"]
    assert _kept(small_incidents, min_deaths=13, unknown_deaths=False) == ["BW-0001"]
    assert _kept(small_incidents, min_deaths=12, unknown_deaths=False) == ["BW-0001", "BW-0002"]
    # At least 0 but unknown excluded: only incidents with a reported toll.
    assert _kept(small_incidents, min_deaths=0, unknown_deaths=False) == ["BW-0001", "BW-0002"]
    # No minimum: the switch alone drops the unknown tolls.
    assert _kept(small_incidents, unknown_deaths=False) == ["BW-0001", "BW-0002"]
    assert "unknown tolls excluded" in IncidentFilter(unknown_deaths=False).describe()


def test_location_precision(small_incidents):
    assert _kept(small_incidents, precisions=(3,)) == ["BW-0003"]
    assert _kept(small_incidents, precisions=(1, 2)) == ["BW-0001", "BW-0002"]
    unplaced = small_incidents.assign(
        location_precision=small_incidents["location_precision"]
        .astype("Int64")
        .where(small_incidents["incident_id"] != "BW-0003")
    )
    assert _kept(unplaced, precisions=(3,)) == []


def test_dataset_filter_curated_and_imported(small_incidents):
    tagged = small_incidents.assign(dataset=["curated", "acled-2020", "gtd"])
    assert _kept(tagged, datasets=("curated",)) == ["BW-0001"]
    assert _kept(tagged, datasets=("acled-2020", "gtd")) == ["BW-0002", "BW-0003"]
    # A table without the column is all curated.
    assert len(_kept(small_incidents, datasets=("curated",))) == 3
    assert _kept(small_incidents, datasets=("gtd",)) == []


def test_two_sources_only(small_incidents):
    # Only rows whose status is "two sources" pass; a table without the column keeps none.
    audited = small_incidents["verification"] == "two sources"
    expected = list(small_incidents.loc[audited, "incident_id"])
    assert _kept(small_incidents, two_sources_only=True) == expected
    unaudited = small_incidents.drop(columns=["verification"])
    assert _kept(unaudited, two_sources_only=True) == []
    verified = small_incidents.assign(verification=["two sources", "single source", None])
    assert _kept(verified, two_sources_only=True) == ["BW-0001"]
    assert len(_kept(verified)) == 3


def test_describe_names_every_restriction():
    text = IncidentFilter(
        dates=(date(2013, 1, 1), date(2013, 6, 30)),
        actor=" AQIM ",
        min_deaths=5,
        unknown_deaths=False,
        precisions=(1, 2),
        datasets=("curated", "acled-2020"),
        two_sources_only=True,
    ).describe()
    assert "dates: 2013-01-01 to 2013-06-30" in text
    assert "perpetrator contains “AQIM”" in text
    assert "at least 5 death(s), unknown excluded" in text
    assert "location precision: 1, 2" in text
    assert "datasets: Curated (BorderWatch), acled-2020" in text
    assert "verified by two sources only" in text
    assert IncidentFilter().describe() == "countries: all; years: all; event types: all"


def test_bound_arrays_are_incident_bounds_as_floats():
    """The numpy bounds the map counts with equal the per-incident bounds: figures filled
    from each other, out-of-order figures bracketed, unknown tolls NaN."""
    import numpy as np

    from borderwatch.fatalities import bound_arrays, incident_bounds

    incidents = pd.DataFrame(
        {
            "fatalities_low": pd.array([1, None, None, 9, None, 2], dtype="Int64"),
            "fatalities_best": pd.array([2, 5, None, 4, None, None], dtype="Int64"),
            "fatalities_high": pd.array([3, None, 7, 6, None, 8], dtype="Int64"),
        }
    )
    for got, expected in zip(bound_arrays(incidents), incident_bounds(incidents), strict=True):
        assert np.array_equal(
            got, expected.to_numpy(dtype="float64", na_value=np.nan), equal_nan=True
        )
    assert sum_fatalities(incidents).unknown == 1


def test_rows_to_draw_copy_few_columns_of_a_large_selection_and_every_column_of_a_small(
    small_incidents,
):
    """A map of many incidents counts cells from a few columns; the full rows of the same
    selection (:func:`full_rows`) are those :func:`filter_incidents` gives."""
    from borderwatch.filters import MAP_COLUMNS, full_rows, rows_to_draw

    selection = IncidentFilter(years=(2014, 2016))
    expected = filter_incidents(small_incidents, selection)
    large = rows_to_draw(small_incidents, selection, max_points=1)
    assert list(large.columns) == list(MAP_COLUMNS)
    assert large.index.equals(expected.index)
    pd.testing.assert_frame_equal(full_rows(small_incidents, large), expected)
    small = rows_to_draw(small_incidents, selection, max_points=10_000)
    pd.testing.assert_frame_equal(small, expected)
    # Nothing left out: the table itself, never a copy.
    everything = rows_to_draw(small_incidents, IncidentFilter(), max_points=1)
    assert full_rows(small_incidents, everything) is small_incidents
