"""Filtering incidents and summing deaths as ranges."""

from __future__ import annotations

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
