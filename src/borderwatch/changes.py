"""What changed: each border zone and country, its last months against the months before.

For every unit (a country, or a border zone: the incidents within the zone width of a
border, assigned to their nearest border) the incidents in a **recent** window of N months
are compared with those in the **baseline** window of the M months just before it. Months
are calendar months of the incidents' start dates.

The test is a conditional rate comparison. If incidents in a unit arrive as a Poisson
process with the same rate in both windows, then, given the total ``n = recent + baseline``,
the recent count is Binomial(n, p0) with ``p0 = N / (N + M)`` (each incident falls in the
recent window with the recent window's share of the time). The two-sided exact binomial
p-value (:func:`scipy.stats.binomtest`, the usual "as unlikely or less" rule) says how
surprising the split is. A rise or fall is flagged when the p-value is below the
significance level; a unit with fewer than ``min_count`` incidents in both windows together
is not tested at all ("too few to tell"), so one incident against none never makes a flag.

Limits, said on the page: only incident counts are tested (deaths are shown, not tested:
one attack can kill dozens, so deaths are not Poisson counts); incidents cluster in time,
which makes a Poisson test too ready to flag; with many units tested at 5 %, about one in
twenty unchanged units is flagged by chance; a change in how incidents are recorded looks
the same as a change on the ground.

Every function is pure pandas/numpy (no Streamlit). The counting is vectorised: months are
integers, units are factorised codes, and each window's counts are one ``bincount``, so a
million events take well under a second (``benchmarks/bench_changes.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import binom

from borderwatch.config import Settings, settings
from borderwatch.fatalities import incident_bounds

UnitKind = Literal["country", "zone"]
UNIT_KINDS: dict[str, str] = {"country": "Country", "zone": "Border zone"}

#: Flags, in the order the change list shows them.
Flag = Literal["rise", "fall", "no change", "too few"]
FLAG_LABELS: dict[str, str] = {
    "rise": "Rise",
    "fall": "Fall",
    "no change": "No significant change",
    "too few": "Too few to tell",
}
_FLAG_ORDER = {flag: rank for rank, flag in enumerate(FLAG_LABELS)}

#: Window lengths the page starts with, in months.
DEFAULT_RECENT_MONTHS = 6
DEFAULT_BASELINE_MONTHS = 24

#: Columns of :func:`change_table`, in order.
CHANGE_COLUMNS = [
    "unit_kind",
    "unit",
    "name",
    "baseline",
    "recent",
    "baseline_per_month",
    "recent_per_month",
    "ratio",
    "p_value",
    "flag",
    "deaths_baseline",
    "deaths_recent",
    "unknown_tolls_baseline",
    "unknown_tolls_recent",
]


def month_number(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Months since January 1970 of each date (an integer per row; -1 never occurs for
    valid dates, NaT gives the smallest int64)."""
    values = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[M]")
    return values.astype("int64")


def month_start(number: int) -> pd.Timestamp:
    """The first day of month ``number`` (see :func:`month_number`)."""
    return pd.Timestamp(np.datetime64(int(number), "M"))


@dataclass(frozen=True)
class ChangeWindows:
    """The recent window (``recent_months`` months ending with the month of ``end``) and
    the baseline window (``baseline_months`` months just before it).

    Raises
    ------
    ValueError
        If a window is shorter than one month.
    """

    end: pd.Timestamp
    recent_months: int = DEFAULT_RECENT_MONTHS
    baseline_months: int = DEFAULT_BASELINE_MONTHS

    def __post_init__(self) -> None:
        if self.recent_months < 1 or self.baseline_months < 1:
            raise ValueError(
                f"both windows need at least one month, got recent {self.recent_months}, "
                f"baseline {self.baseline_months}"
            )

    @property
    def end_month(self) -> int:
        """The last month of the recent window, as a month number."""
        return int(month_number(pd.DatetimeIndex([self.end]))[0])

    @property
    def recent(self) -> tuple[int, int]:
        """First and last month number of the recent window."""
        return self.end_month - self.recent_months + 1, self.end_month

    @property
    def baseline(self) -> tuple[int, int]:
        """First and last month number of the baseline window."""
        first_recent = self.recent[0]
        return first_recent - self.baseline_months, first_recent - 1

    @property
    def share_recent(self) -> float:
        """The recent window's share of the time: the test's ``p0``."""
        return self.recent_months / (self.recent_months + self.baseline_months)

    def describe(self) -> str:
        """The two windows in words: ``baseline Jan 2016–Dec 2017, recent Jan–Jun 2018``."""
        return (
            f"baseline {_span(*self.baseline)} ({self.baseline_months} months), "
            f"recent {_span(*self.recent)} ({self.recent_months} months)"
        )

    def outside(self, first: pd.Timestamp, last: pd.Timestamp) -> bool:
        """Whether the windows reach beyond the months the data covers (from ``first`` to
        ``last``): there counts are unknown, not zero."""
        covered = month_number(pd.DatetimeIndex([first, last]))
        return bool(self.baseline[0] < covered[0] or self.recent[1] > covered[1])


def _span(first: int, last: int) -> str:
    a, b = month_start(first), month_start(last)
    return f"{a:%b %Y}" if first == last else f"{a:%b %Y}–{b:%b %Y}"


@dataclass(frozen=True)
class ChangeTest:
    """How a rise or fall is decided: the minimum count and the significance level."""

    min_count: int = 5
    alpha: float = 0.05

    @classmethod
    def from_config(cls, config: Settings | None = None) -> ChangeTest:
        """The test of the configuration (``change_min_count``, ``change_alpha``)."""
        config = config or settings()
        return cls(min_count=int(config.change_min_count), alpha=float(config.change_alpha))

    def describe(self) -> str:
        """The rule in words."""
        return (
            f"at least {self.min_count} incidents in both windows together, "
            f"two-sided p-value below {self.alpha:g}"
        )


def unit_labels(incidents: pd.DataFrame, kind: UnitKind, zone_km: float | None = None) -> pd.Series:
    """Per incident, its unit of ``kind``: ``country_iso3`` for a country; for a border
    zone the ``nearest_border`` pair when the incident lies within ``zone_km`` of it, else
    missing (needs :func:`borderwatch.proximity.add_border_distance`'s columns).

    Raises
    ------
    ValueError
        For a zone without ``zone_km``, or an unknown ``kind``.
    """
    # The columns keep their type (Arrow-backed text is factorised fastest as it is).
    if kind == "country":
        return incidents["country_iso3"]
    if kind == "zone":
        if zone_km is None:
            raise ValueError("border zones need a zone width (zone_km)")
        inside = (incidents["border_distance_km"] <= zone_km).fillna(False).astype(bool)
        return incidents["nearest_border"].where(inside)
    raise ValueError(f"unknown unit kind {kind!r}; expected one of {', '.join(UNIT_KINDS)}")


#: The toll columns the change table reads.
FATALITY_COLUMNS = ("fatalities_low", "fatalities_best", "fatalities_high")
#: Every column :func:`change_table` reads.
CHANGE_INPUT_COLUMNS = (
    "date_start",
    "country_iso3",
    "border_distance_km",
    "nearest_border",
    *FATALITY_COLUMNS,
)


def in_windows(dates: pd.Series, windows: ChangeWindows) -> tuple[np.ndarray, np.ndarray]:
    """Per date: whether it falls in either window, and whether it is in the recent one.
    Compared as nanosecond integers with the first days of the windows' months (faster
    than converting a million dates to months)."""
    values = np.asarray(dates, dtype="datetime64[ns]")
    start, middle, stop = (
        np.datetime64(int(month), "M").astype("datetime64[ns]")
        for month in (windows.baseline[0], windows.recent[0], windows.recent[1] + 1)
    )
    return (values >= start) & (values < stop), values >= middle


def window_counts(
    incidents: pd.DataFrame, units: pd.Series, windows: ChangeWindows
) -> pd.DataFrame:
    """Per unit with an incident in either window: incidents, deaths (best estimate, known
    tolls) and incidents of unknown toll in the baseline and the recent window.

    Vectorised: dates compared with the windows' bounds as integers, one factorisation of
    the units in the windows and one ``bincount`` per figure.
    """
    inside, in_recent = in_windows(incidents["date_start"], windows)
    rows = np.flatnonzero(inside & units.notna().to_numpy())
    tolls = incidents[list(FATALITY_COLUMNS)].iloc[rows]
    best = incident_bounds(tolls)[1].to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(best)
    return _per_unit_and_window(
        units.iloc[rows],
        in_recent[rows],
        incidents=np.ones(len(rows)),
        deaths=np.where(known, best, 0.0),
        unknown=(~known).astype("float64"),
    )


def window_counts_from_months(unit_months: pd.DataFrame, windows: ChangeWindows) -> pd.DataFrame:
    """:func:`window_counts` from counts per unit and month (``unit``, ``month`` (first
    day), ``incidents``, ``deaths_best`` (sum of the known tolls, missing where none is
    known), ``unknown_tolls``; e.g. counted in the team database): the windows are whole
    months, so adding up a unit's months in each window gives the same figures."""
    inside, in_recent = in_windows(unit_months["month"], windows)
    rows = np.flatnonzero(
        inside & unit_months["unit"].notna().to_numpy() & (unit_months["incidents"] > 0).to_numpy()
    )
    chosen = unit_months.iloc[rows]
    return _per_unit_and_window(
        chosen["unit"],
        in_recent[rows],
        incidents=chosen["incidents"].to_numpy(dtype="float64"),
        deaths=chosen["deaths_best"].fillna(0).to_numpy(dtype="float64"),
        unknown=chosen["unknown_tolls"].to_numpy(dtype="float64"),
    )


def _per_unit_and_window(
    units: pd.Series,
    recent: np.ndarray,
    *,
    incidents: np.ndarray,
    deaths: np.ndarray,
    unknown: np.ndarray,
) -> pd.DataFrame:
    """:func:`window_counts`' table from rows in either window (an incident, or a unit's
    month): their unit, whether in the recent window, and what each adds to the unit's
    incidents, deaths and unknown tolls. One factorisation and one ``bincount`` a figure."""
    codes, uniques = pd.factorize(units)
    size = len(uniques)

    def per_unit(mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], weights=weights[mask], minlength=size)

    return pd.DataFrame(
        {
            "unit": np.asarray(uniques, dtype=object),
            "baseline": per_unit(~recent, incidents).round().astype("int64"),
            "recent": per_unit(recent, incidents).round().astype("int64"),
            "deaths_baseline": per_unit(~recent, deaths).round().astype("int64"),
            "deaths_recent": per_unit(recent, deaths).round().astype("int64"),
            "unknown_tolls_baseline": per_unit(~recent, unknown).round().astype("int64"),
            "unknown_tolls_recent": per_unit(recent, unknown).round().astype("int64"),
        }
    )


def rate_test_p_values(recent: np.ndarray, total: np.ndarray, share_recent: float) -> np.ndarray:
    """Two-sided exact binomial p-values of ``recent`` out of ``total`` with probability
    ``share_recent`` (1.0 where ``total`` is 0), for every unit at once.

    The p-value is the probability of every outcome no more likely than the observed one
    (with a relative tolerance of 1e-7 for ties), the definition
    :func:`scipy.stats.binomtest` uses; all units' outcomes are laid end to end so one
    vectorised ``pmf`` and one ``bincount`` compute them all.
    """
    recent = np.asarray(recent, dtype="int64")
    total = np.asarray(total, dtype="int64")
    if len(total) == 0:
        return np.zeros(0, dtype="float64")
    unit = np.repeat(np.arange(len(total)), total + 1)
    starts = np.concatenate([[0], np.cumsum(total + 1)[:-1]])
    outcome = np.arange(len(unit)) - starts[unit]
    pmf = binom.pmf(outcome, total[unit], share_recent)
    observed = pmf[starts + recent]
    no_likelier = pmf <= observed[unit] * (1 + 1e-7)
    p = np.bincount(unit[no_likelier], weights=pmf[no_likelier], minlength=len(total))
    return np.where(total == 0, 1.0, np.minimum(p, 1.0))


def flag_changes(counts: pd.DataFrame, windows: ChangeWindows, test: ChangeTest) -> pd.DataFrame:
    """``counts`` (:func:`window_counts`) with rates per month, their ratio (recent over
    baseline; infinite when the baseline had none), the p-value and the flag."""
    out = counts.copy()
    out["unit"] = out["unit"].astype(object)
    total = (out["baseline"] + out["recent"]).to_numpy()
    out["baseline_per_month"] = out["baseline"] / windows.baseline_months
    out["recent_per_month"] = out["recent"] / windows.recent_months
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["recent_per_month"] / out["baseline_per_month"]
    out["p_value"] = rate_test_p_values(out["recent"].to_numpy(), total, windows.share_recent)
    tested = total >= test.min_count
    significant = tested & (out["p_value"].to_numpy() < test.alpha)
    higher = (out["recent_per_month"] > out["baseline_per_month"]).to_numpy()
    out["flag"] = np.select(
        [~tested, significant & higher, significant & ~higher],
        ["too few", "rise", "fall"],
        default="no change",
    )
    return out


def change_table(
    incidents: pd.DataFrame,
    windows: ChangeWindows,
    *,
    zone_km: float,
    test: ChangeTest | None = None,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every country and border zone with an incident in either window, tested for a change.

    Parameters
    ----------
    incidents
        The selection (with ``date_start``, ``country_iso3``, the fatality columns, and
        ``border_distance_km`` / ``nearest_border``).
    windows
        The recent and baseline windows.
    zone_km
        Border-zone width: incidents within it count for their nearest border's zone.
    test
        Minimum count and significance level (the configuration's by default).
    names
        Unit code -> display name (countries' ISO3 and border pairs); codes otherwise.

    Returns
    -------
    pandas.DataFrame
        :data:`CHANGE_COLUMNS`: rises first, then falls (each by p-value), then units
        without a significant change, then those with too few incidents to tell.
    """
    test = test or ChangeTest.from_config()
    names = names or {}
    # Only the rows in the windows, and only the columns read, go further.
    inside, _ = in_windows(incidents["date_start"], windows)
    rows = np.flatnonzero(inside)
    windowed = pd.DataFrame(
        {column: incidents[column].array.take(rows) for column in CHANGE_INPUT_COLUMNS}
    )
    parts = {
        kind: window_counts(windowed, unit_labels(windowed, kind, zone_km), windows)
        for kind in ("country", "zone")
    }
    return _ordered_table(parts, windows, test, names)


def change_table_from_months(
    unit_months: dict[UnitKind, pd.DataFrame],
    windows: ChangeWindows,
    *,
    test: ChangeTest | None = None,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`change_table` from each kind's counts per unit and month (see
    :func:`window_counts_from_months`): the same table, without the incidents."""
    parts = {
        kind: window_counts_from_months(unit_months[kind], windows) for kind in ("country", "zone")
    }
    return _ordered_table(parts, windows, test or ChangeTest.from_config(), names or {})


def _ordered_table(
    counts: dict[str, pd.DataFrame],
    windows: ChangeWindows,
    test: ChangeTest,
    names: dict[str, str],
) -> pd.DataFrame:
    """Each kind's window counts flagged, named and ordered as :func:`change_table` says."""
    parts = [flag_changes(c, windows, test).assign(unit_kind=kind) for kind, c in counts.items()]
    table = pd.concat(parts, ignore_index=True)
    table["name"] = table["unit"].map(lambda u: names.get(u, u))
    table["order"] = table["flag"].map(_FLAG_ORDER)
    table = table.sort_values(["order", "p_value", "unit_kind", "name"], kind="stable")
    return table[CHANGE_COLUMNS].reset_index(drop=True)


def flagged(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a change table flagged as a rise or a fall."""
    return table[table["flag"].isin(["rise", "fall"])]


def expected_false_flags(table: pd.DataFrame, test: ChangeTest) -> float:
    """How many flags chance alone would give if no tested unit had changed: the number of
    tested units times the significance level (a rough guide, said on the page)."""
    return float((table["flag"] != "too few").sum() * test.alpha)


def describe_change(row: pd.Series, windows: ChangeWindows) -> str:
    """One row of a change table in words, for a tooltip or a caption."""
    ratio = row["ratio"]
    times = (
        "new (none before)"
        if np.isinf(ratio)
        else ("—" if pd.isna(ratio) else f"× {ratio:.2f} the baseline rate")
    )
    return (
        f"{FLAG_LABELS[str(row['flag'])]}: {int(row['recent'])} incidents in the last "
        f"{windows.recent_months} months ({row['recent_per_month']:.2f}/month) against "
        f"{int(row['baseline'])} in the {windows.baseline_months} months before "
        f"({row['baseline_per_month']:.2f}/month), {times}; p = {row['p_value']:.3g}"
    )
