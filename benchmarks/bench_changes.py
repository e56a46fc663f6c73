"""Benchmark the "What changed" table (issue #13 target: 1,000,000 events in <= 1 s).

Prints figures; asserts nothing but that both ways give the same table. Synthetic events
are spread over 2011–2020, 14 countries and 30 border pairs, a tenth with an unknown toll.
In one run it times:

- **new**: :func:`borderwatch.changes.change_table` (months as integers, units factorised,
  one ``bincount`` per figure);
- **naive**: a per-unit pandas loop (select each unit's rows, compare its dates with the
  window bounds, sum), the obvious way to write it;
- the monthly series of every border zone (:func:`borderwatch.trends.unit_monthly_trend`),
  for reference.

Each is timed three times; the best and the median are printed.

Run: ``python benchmarks/bench_changes.py [N]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from borderwatch.changes import ChangeTest, ChangeWindows, change_table, unit_labels
from borderwatch.trends import unit_monthly_trend

COUNTRIES = ["DZA", "LBY", "TUN", "EGY", "MAR", "MLI", "NER", "TCD", "MRT", "SDN", "ESH"]
COUNTRIES += ["SEN", "BFA", "ISR"]
WINDOWS = ChangeWindows(pd.Timestamp("2019-12-01"), recent_months=6, baseline_months=24)
TEST = ChangeTest(min_count=5, alpha=0.05)
ZONE_KM = 50.0
REPEATS = 3


def synthetic_events(n: int, seed: int = 2026) -> pd.DataFrame:
    """``n`` events with the columns the change table reads, typed as the prepared data is
    (Arrow-backed text, nullable integer tolls)."""
    rng = np.random.default_rng(seed)
    first = np.datetime64("2011-01-01")
    days = rng.integers(0, 3652, n)
    # Later years busier in half the countries: there is something to flag.
    country = rng.choice(COUNTRIES, n)
    busier = np.isin(country, COUNTRIES[::2]) & (rng.random(n) < 0.3)
    days = np.where(busier, np.maximum(days, rng.integers(3000, 3652, n)), days)
    pairs = [f"{a}-{b}" for a, b in zip(COUNTRIES, COUNTRIES[1:] + COUNTRIES[:1], strict=True)]
    pairs += [f"{a}-{b}" for a, b in zip(COUNTRIES, COUNTRIES[2:] + COUNTRIES[:2], strict=True)]
    pairs += ["DZA-MAR", "LBY-EGY"]
    best = rng.poisson(2.0, n).astype("float64")
    best[rng.random(n) < 0.1] = np.nan
    toll = pd.array(best, dtype="Float64").astype("Int64")
    return pd.DataFrame(
        {
            "date_start": pd.to_datetime(first + days.astype("timedelta64[D]")),
            "country_iso3": pd.array(country, dtype="string[pyarrow]"),
            "fatalities_low": toll,
            "fatalities_best": toll,
            "fatalities_high": toll,
            "border_distance_km": rng.uniform(0, 600, n),
            "nearest_border": pd.array(rng.choice(pairs, n), dtype="string[pyarrow]"),
        }
    )


def naive_change_table(events: pd.DataFrame) -> pd.DataFrame:
    """The same table the obvious way: one pass over each unit's rows."""
    base_start = pd.Timestamp(np.datetime64(WINDOWS.baseline[0], "M"))
    recent_start = pd.Timestamp(np.datetime64(WINDOWS.recent[0], "M"))
    recent_end = pd.Timestamp(np.datetime64(WINDOWS.recent[1] + 1, "M"))
    rows = []
    zone = events[events["border_distance_km"] <= ZONE_KM]
    for kind, frame, column in (
        ("country", events, "country_iso3"),
        ("zone", zone, "nearest_border"),
    ):
        for unit in frame[column].dropna().unique():
            dates = frame.loc[frame[column] == unit, "date_start"]
            baseline = int(((dates >= base_start) & (dates < recent_start)).sum())
            recent = int(((dates >= recent_start) & (dates < recent_end)).sum())
            total = baseline + recent
            if total == 0:
                continue
            p = binomtest(recent, total, WINDOWS.share_recent).pvalue
            rate_b = baseline / WINDOWS.baseline_months
            rate_r = recent / WINDOWS.recent_months
            flag = (
                "too few"
                if total < TEST.min_count
                else ("rise" if rate_r > rate_b else "fall")
                if p < TEST.alpha
                else "no change"
            )
            rows.append((kind, str(unit), baseline, recent, float(p), flag))
    return pd.DataFrame(
        rows, columns=["unit_kind", "unit", "baseline", "recent", "p_value", "flag"]
    )


def timed(function: Callable[[], object]) -> tuple[list[float], object]:
    """Wall times of :data:`REPEATS` calls, and the last result."""
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def _same(new: pd.DataFrame, naive: pd.DataFrame) -> bool:
    columns = ["unit_kind", "unit", "baseline", "recent", "flag"]
    a = new.assign(unit=new["unit"].astype(str))[[*columns, "p_value"]]
    a = a.sort_values(["unit_kind", "unit"]).reset_index(drop=True)
    b = naive.sort_values(["unit_kind", "unit"]).reset_index(drop=True)
    return a[columns].equals(b[columns]) and np.allclose(a["p_value"], b["p_value"])


def main(n: int = 1_000_000) -> None:
    """Time both ways and the series over ``n`` events; print the figures."""
    events = synthetic_events(n)
    print(f"change table over {n:,} synthetic events; {WINDOWS.describe()}; {TEST.describe()}")
    new_times, new = timed(lambda: change_table(events, WINDOWS, zone_km=ZONE_KM, test=TEST))
    naive_times, naive = timed(lambda: naive_change_table(events))
    assert isinstance(new, pd.DataFrame) and isinstance(naive, pd.DataFrame)
    units = unit_labels(events, "zone", ZONE_KM)
    series_times, series = timed(lambda: unit_monthly_trend(events, units))
    assert isinstance(series, pd.DataFrame)
    for label, times in (
        ("new (vectorised)", new_times),
        ("naive per-unit pandas loop", naive_times),
        ("monthly series, every zone", series_times),
    ):
        print(f"  {label:28s} best {min(times):6.3f} s   median {statistics.median(times):6.3f} s")
    print(
        f"  speed-up (median): {statistics.median(naive_times) / statistics.median(new_times):.1f}×"
    )
    flags = new["flag"].value_counts().to_dict()
    print(f"  units: {len(new)} ({flags}); series rows: {len(series):,}")
    print(f"  same table both ways: {_same(new, naive)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
