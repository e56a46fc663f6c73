"""What changed: window counts and the rate test on synthetic series with known answers."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from borderwatch.changes import (
    ChangeTest,
    ChangeWindows,
    change_table,
    expected_false_flags,
    flag_changes,
    month_number,
    rate_test_p_values,
    unit_labels,
    window_counts,
)
from borderwatch.config import ConfigError, settings
from borderwatch.cooperation import arrangement_dates
from borderwatch.trends import series_csv, unit_monthly_trend

#: Recent window Jan–Dec 2019 (12 months), baseline Jan 2017–Dec 2018 (24 months).
WINDOWS = ChangeWindows(pd.Timestamp("2019-12-15"), recent_months=12, baseline_months=24)
TEST = ChangeTest(min_count=5, alpha=0.05)


def events(per_unit: dict[tuple[str, str], int], *, deaths: float | None = 1.0) -> pd.DataFrame:
    """Synthetic incidents: ``per_unit[(country, month)] = count`` (month ``YYYY-MM``), each on
    the 10th, 10 km from the border ``<country>-XXX``."""
    rows = []
    for (country, month), count in per_unit.items():
        rows += [(country, pd.Timestamp(f"{month}-10"))] * count
    frame = pd.DataFrame(rows, columns=["country_iso3", "date_start"])
    toll = pd.Series(np.nan if deaths is None else deaths, index=frame.index, dtype="float64")
    for column in ("fatalities_low", "fatalities_best", "fatalities_high"):
        frame[column] = toll.astype("Int64")
    frame["border_distance_km"] = 10.0
    frame["nearest_border"] = frame["country_iso3"] + "-XXX"
    return frame


def spread(country: str, first: str, months: int, per_month: int) -> dict[tuple[str, str], int]:
    """``per_month`` incidents in each of ``months`` months from ``first``."""
    return {
        (country, f"{m:%Y-%m}"): per_month
        for m in pd.date_range(f"{first}-01", periods=months, freq="MS")
    }


def exact_two_sided(k: int, n: int, p: float) -> float:
    """The two-sided exact binomial p-value from first principles: the probability of every
    outcome no more likely than ``k`` (with the usual relative tolerance for ties)."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(q for q in pmf if q <= pmf[k] * (1 + 1e-7)))


def row(table: pd.DataFrame, kind: str, unit: str) -> pd.Series:
    found = table[(table["unit_kind"] == kind) & (table["unit"] == unit)]
    assert len(found) == 1, found
    return found.iloc[0]


def test_windows_are_consecutive_calendar_months():
    assert WINDOWS.recent == (month_number(pd.DatetimeIndex(["2019-01-01"]))[0], WINDOWS.end_month)
    assert WINDOWS.baseline[1] == WINDOWS.recent[0] - 1
    assert WINDOWS.baseline[1] - WINDOWS.baseline[0] + 1 == 24
    assert WINDOWS.share_recent == pytest.approx(12 / 36)
    assert WINDOWS.describe() == (
        "baseline Jan 2017–Dec 2018 (24 months), recent Jan 2019–Dec 2019 (12 months)"
    )
    assert WINDOWS.outside(pd.Timestamp("2018-01-01"), pd.Timestamp("2019-12-31"))
    assert not WINDOWS.outside(pd.Timestamp("2016-05-01"), pd.Timestamp("2020-01-31"))
    with pytest.raises(ValueError, match="at least one month"):
        ChangeWindows(pd.Timestamp("2019-12-01"), recent_months=0)


def test_p_values_are_the_exact_binomial_ones():
    # k successes of n at p: two-sided "as unlikely or less" p-values worked by hand.
    p = rate_test_p_values(np.array([10, 0, 7, 3]), np.array([10, 10, 7, 6]), 0.5)
    assert p[0] == pytest.approx(2 * 0.5**10)
    assert p[1] == pytest.approx(2 * 0.5**10)
    assert p[2] == pytest.approx(2 * 0.5**7)
    assert p[3] == pytest.approx(1.0)
    # At p = 1/3, 7 of 7: only that outcome is as unlikely, (1/3)^7.
    assert rate_test_p_values(np.array([7]), np.array([7]), 1 / 3)[0] == pytest.approx((1 / 3) ** 7)
    assert rate_test_p_values(np.array([0]), np.array([0]), 0.3)[0] == 1.0


def test_a_clear_doubling_is_flagged_as_a_rise_and_a_halving_as_a_fall():
    # 2 a month for the 24 baseline months, then 4 a month (a doubling) ...
    rising = {**spread("AAA", "2017-01", 24, 2), **spread("AAA", "2019-01", 12, 4)}
    # ... and 4 a month, then 1 a month.
    falling = {**spread("BBB", "2017-01", 24, 4), **spread("BBB", "2019-01", 12, 1)}
    table = change_table(events({**rising, **falling}), WINDOWS, zone_km=50, test=TEST)
    rise = row(table, "country", "AAA")
    assert (rise["baseline"], rise["recent"]) == (48, 48)
    assert rise["baseline_per_month"] == 2 and rise["recent_per_month"] == 4
    assert rise["ratio"] == 2
    assert rise["flag"] == "rise"
    assert rise["p_value"] == pytest.approx(exact_two_sided(48, 96, 1 / 3))
    assert rise["p_value"] < 0.001
    fall = row(table, "country", "BBB")
    assert (fall["baseline"], fall["recent"], fall["ratio"]) == (96, 12, 0.25)
    assert fall["flag"] == "fall"
    assert fall["p_value"] == pytest.approx(exact_two_sided(12, 108, 1 / 3))
    # The zones (10 km from the border) say the same.
    assert row(table, "zone", "AAA-XXX")["flag"] == "rise"
    assert row(table, "zone", "BBB-XXX")["flag"] == "fall"
    assert list(table["flag"][:4]) == ["rise", "rise", "fall", "fall"]  # flags first


def test_a_flat_series_is_not_flagged():
    flat = spread("CCC", "2017-01", 36, 3)
    table = change_table(events(flat), WINDOWS, zone_km=50, test=TEST)
    country = row(table, "country", "CCC")
    assert (country["baseline"], country["recent"], country["ratio"]) == (72, 36, 1.0)
    assert country["flag"] == "no change"
    assert country["p_value"] == pytest.approx(1.0)


def test_one_incident_against_none_is_never_a_flag():
    one = events({("DDD", "2019-06"): 1})
    # Even at a lax significance level and a minimum count of one, 1 of 1 at p0 = 1/3 is
    # p = 1/3: no flag.
    for test in (TEST, ChangeTest(min_count=1, alpha=0.2)):
        flag = row(change_table(one, WINDOWS, zone_km=50, test=test), "country", "DDD")
        assert flag["flag"] in {"too few", "no change"}
    assert row(change_table(one, WINDOWS, zone_km=50, test=TEST), "country", "DDD")["flag"] == (
        "too few"
    )


def test_the_minimum_count_is_the_boundary_of_testing():
    # 4 recent against none: (1/3)^4 = 0.012 would be "significant", but 4 < 5: too few.
    four = events({("EEE", "2019-03"): 4})
    assert row(change_table(four, WINDOWS, zone_km=50, test=TEST), "country", "EEE")["flag"] == (
        "too few"
    )
    # 5 recent against none: tested, (1/3)^5 = 0.0041 < 0.05: a rise.
    five = events({("EEE", "2019-03"): 5})
    flagged = row(change_table(five, WINDOWS, zone_km=50, test=TEST), "country", "EEE")
    assert flagged["flag"] == "rise"
    assert flagged["p_value"] == pytest.approx((1 / 3) ** 5)
    assert math.isinf(flagged["ratio"])
    # The same five with a minimum of six: too few again.
    strict = ChangeTest(min_count=6, alpha=0.05)
    assert row(change_table(five, WINDOWS, zone_km=50, test=strict), "country", "EEE")["flag"] == (
        "too few"
    )


def test_incidents_outside_both_windows_and_zones_do_not_count():
    frame = events(
        {("FFF", "2016-12"): 9, ("FFF", "2020-01"): 9, ("FFF", "2018-05"): 2, ("FFF", "2019-05"): 1}
    )
    frame.loc[frame.index[-1], "border_distance_km"] = 80.0  # the 2019 one is outside the zone
    table = change_table(frame, WINDOWS, zone_km=50, test=TEST)
    country = row(table, "country", "FFF")
    assert (country["baseline"], country["recent"]) == (2, 1)
    zone = row(table, "zone", "FFF-XXX")
    assert (zone["baseline"], zone["recent"]) == (2, 0)


def test_deaths_are_summed_over_known_tolls_and_unknown_tolls_counted_apart():
    known = events({("GGG", "2018-02"): 2, ("GGG", "2019-02"): 1}, deaths=7.0)
    unknown = events({("GGG", "2019-04"): 2}, deaths=None)
    counts = window_counts(
        pd.concat([known, unknown], ignore_index=True),
        unit_labels(pd.concat([known, unknown], ignore_index=True), "country"),
        WINDOWS,
    )
    assert counts.loc[0, ["deaths_baseline", "deaths_recent"]].tolist() == [14, 7]
    assert counts.loc[0, ["unknown_tolls_baseline", "unknown_tolls_recent"]].tolist() == [0, 2]


def test_flags_need_a_rate_difference_in_the_right_direction():
    counts = pd.DataFrame({"unit": ["x"], "baseline": [0], "recent": [30]})
    out = flag_changes(counts, WINDOWS, TEST)
    assert out.loc[0, "flag"] == "rise"
    assert expected_false_flags(out.assign(unit_kind="country"), TEST) == pytest.approx(0.05)


def test_units_without_a_zone_width_or_kind_are_refused():
    frame = events({("HHH", "2019-01"): 1})
    with pytest.raises(ValueError, match="zone width"):
        unit_labels(frame, "zone")
    with pytest.raises(ValueError, match="unknown unit kind"):
        unit_labels(frame, "region")  # type: ignore[arg-type]


def test_change_settings_come_from_the_configuration(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_CHANGE_MIN_COUNT", "8")
    monkeypatch.setenv("BORDERWATCH_CHANGE_ALPHA", "0.01")
    assert ChangeTest.from_config() == ChangeTest(min_count=8, alpha=0.01)
    monkeypatch.setenv("BORDERWATCH_CHANGE_ALPHA", "0.9")
    with pytest.raises(ConfigError, match="BORDERWATCH_CHANGE_ALPHA"):
        settings()
    monkeypatch.setenv("BORDERWATCH_CHANGE_ALPHA", "0.05")
    monkeypatch.setenv("BORDERWATCH_CHANGE_MIN_COUNT", "0")
    with pytest.raises(ConfigError, match="BORDERWATCH_CHANGE_MIN_COUNT"):
        settings()


# --- monthly series and their CSV ----------------------------------------------------------


def test_monthly_series_fill_every_month_and_keep_unknown_tolls_apart():
    frame = pd.concat(
        [
            events({("TUN", "2015-01"): 2}, deaths=3.0),
            events({("TUN", "2015-03"): 1}, deaths=None),
            events({("LBY", "2015-02"): 1}, deaths=0.0),
        ],
        ignore_index=True,
    )
    series = unit_monthly_trend(frame, unit_labels(frame, "country"))
    tunisia = series[series["unit"] == "TUN"]
    assert list(tunisia["month"].dt.strftime("%Y-%m")) == ["2015-01", "2015-02", "2015-03"]
    assert list(tunisia["incidents"]) == [2, 0, 1]
    assert tunisia["deaths_best"].tolist()[0] == 6
    assert tunisia["deaths_best"].iloc[1:].isna().all()  # none known: empty, never 0
    assert list(tunisia["unknown_tolls"]) == [0, 0, 1]
    libya = series[series["unit"] == "LBY"]
    assert libya["deaths_best"].tolist()[1] == 0  # a known toll of zero stays zero
    text = series_csv(tunisia, unit_name="Tunisia").decode("utf-8-sig")
    read = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(read.columns) == [
        "unit",
        "month",
        "incidents",
        "deaths_low",
        "deaths_best",
        "deaths_high",
        "incidents_with_unknown_toll",
    ]
    assert read["month"].tolist() == ["2015-01", "2015-02", "2015-03"]
    assert read["deaths_best"].tolist() == ["6", "", ""]
    assert read["incidents_with_unknown_toll"].tolist() == ["0", "0", "1"]
    assert set(read["unit"]) == {"Tunisia"}


def test_arrangement_dates_of_a_country_and_of_a_border_zone(geodata):
    arrangements = geodata.cooperation
    tunisia = arrangement_dates(arrangements, kind="country", unit="TUN")
    expected = arrangements["parties"].map(lambda p: "TUN" in p)
    assert (tunisia["event"] == "start").sum() == expected.sum()
    assert (tunisia["event"] == "end").sum() == arrangements.loc[expected, "date_end"].notna().sum()
    assert tunisia["date"].is_monotonic_increasing
    zone = arrangement_dates(arrangements, kind="zone", unit="DZA-TUN")
    tied = arrangements[arrangements["border_pair"] == "DZA-TUN"]
    assert set(tied["arrangement_id"]) <= set(zone["arrangement_id"])
    for arrangement_id in set(zone["arrangement_id"]):
        picked = arrangements[arrangements["arrangement_id"] == arrangement_id].iloc[0]
        assert picked["border_pair"] == "DZA-TUN" or set(picked["parties"]) == {"DZA", "TUN"}
