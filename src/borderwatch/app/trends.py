"""The Trends and changes page's selection: monthly series per country or border zone, and
the change table for the analyst's windows. No Streamlit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from borderwatch.app.prepared import DataSettings, PreparedData
from borderwatch.app.selection import DatabaseSelection, database_selection
from borderwatch.changes import (
    FLAG_LABELS,
    UNIT_KINDS,
    ChangeTest,
    ChangeWindows,
    UnitKind,
    change_table,
    change_table_from_months,
    expected_false_flags,
    in_windows,
    unit_labels,
)
from borderwatch.filters import IncidentFilter, filter_incidents
from borderwatch.trends import (
    complete_unit_series,
    incident_trend,
    trend_totals,
    unit_monthly_trend,
)


def unit_names(prepared: PreparedData) -> dict[str, str]:
    """Display names of every unit: countries by ISO3, border zones by pair."""
    return {**prepared.country_names, **prepared.border_names}


@dataclass(frozen=True)
class TrendSelection:
    """Monthly series of one kind of unit for the sidebar's selection.

    Attributes
    ----------
    ranking
        Units of the kind with incidents in the selection, most incidents first
        (``unit`` -> incidents).
    series
        :func:`borderwatch.trends.unit_monthly_trend` of every ranked unit, over the
        selection's first to last month (the same axis for every unit).
    incidents
        How many incidents the selection keeps (with a unit of the kind or not).
    per_month
        Makes the whole selection's totals per month (:func:`monthly_totals`' columns),
        called only when a snapshot draws them: by event type first, they take seconds
        over a million events.
    """

    ranking: pd.Series
    series: pd.DataFrame
    incidents: int
    per_month: Callable[[], pd.DataFrame]

    def of(self, unit: str) -> pd.DataFrame:
        """The monthly series of one unit."""
        return self.series[self.series["unit"] == unit].reset_index(drop=True)


def _ranking(incidents: pd.Series) -> pd.Series:
    """Units by incidents (``unit`` -> incidents), most first, ties by unit."""
    ranking = incidents.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    return ranking.rename("incidents").rename_axis("unit")


def select_trends(
    prepared: PreparedData,
    selection: IncidentFilter,
    *,
    kind: UnitKind,
    zone_km: float,
    data_settings: DataSettings | None = None,
) -> TrendSelection:
    """The series of every ``kind`` unit (country or border zone of ``zone_km``) in the
    sidebar's selection: from the prepared frame (embedded), or counted in the team
    database when ``data_settings`` names one."""
    database = database_selection(prepared, selection, data_settings)
    if database is not None:
        return _database_trends(database, kind, zone_km)
    selected = filter_incidents(prepared.incidents, selection)
    units = unit_labels(selected, kind, zone_km)
    span = None
    if not selected.empty:
        months = selected["date_start"]
        span = (months.min().to_period("M").to_timestamp(), months.max())
    return TrendSelection(
        ranking=_ranking(units.value_counts()),
        series=unit_monthly_trend(selected, units, span=span),
        incidents=len(selected),
        per_month=functools.partial(monthly_totals, selected),
    )


def _database_trends(database: DatabaseSelection, kind: UnitKind, zone_km: float) -> TrendSelection:
    """:func:`select_trends` counted in the team database (one scan for every unit)."""
    counted = database.unit_months(zone_km)
    whole, per_unit = counted["all"], counted[kind]
    span = None
    if not whole.empty:
        span = (whole["month"].min(), whole["month"].max())
    return TrendSelection(
        ranking=_ranking(per_unit.groupby("unit")["incidents"].sum()),
        series=complete_unit_series(per_unit, span=span),
        incidents=int(whole["incidents"].sum()),
        per_month=lambda: trend_totals(database.trend("month")),
    )


def monthly_totals(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents per month (``period``, ``incidents``, ``deaths_*``, ``unknown_tolls``),
    for the snapshot's trend panel. Made only when a snapshot asks for it: by event type
    first, it takes seconds over a million events."""
    return trend_totals(incident_trend(incidents, "month"))


def snapshot_trend(trends: TrendSelection, unit: str | None, *, name: str = "") -> pd.DataFrame:
    """What the snapshot's trend panel draws: the whole selection per month (``unit`` is
    ``None``), or one country's or border zone's series, labelled with ``name``."""
    if unit is None:
        return trends.per_month()
    series = trends.of(unit).rename(columns={"month": "period"})
    series.attrs["label"] = name or unit
    return series


@dataclass(frozen=True)
class ChangeSelection:
    """The change table for a choice of windows, and what the page says about it.

    Attributes
    ----------
    incidents
        The incidents in the baseline and recent windows (the sidebar's filters applied,
        its years and dates aside: the windows are the time here); ``None`` in team mode,
        where they stay in the database.
    table
        :func:`borderwatch.changes.change_table`.
    windows, test
        The windows and the test used.
    outside_coverage
        The windows reach beyond the months the data covers: counts there are unknown.
    expected_by_chance
        How many flags chance alone would give among the tested units.
    """

    incidents: pd.DataFrame | None
    table: pd.DataFrame
    windows: ChangeWindows
    test: ChangeTest
    outside_coverage: bool
    expected_by_chance: float

    @property
    def counts(self) -> dict[str, int]:
        """Units per outcome: ``rise``, ``fall``, ``tested`` (all but too few), ``too few``."""
        flags = self.table["flag"]
        return {
            "rise": int((flags == "rise").sum()),
            "fall": int((flags == "fall").sum()),
            "tested": int((flags != "too few").sum()),
            "too few": int((flags == "too few").sum()),
        }


def month_choices(prepared: PreparedData) -> list[str]:
    """Every month from the first to the last incident, as ``YYYY-MM`` (the recent
    window's possible ends; text, so a link carries them as they read), oldest first."""
    span = prepared.incident_starts
    if span is None:
        return []
    first = span[0].to_period("M").to_timestamp()
    return [f"{m:%Y-%m}" for m in pd.date_range(first, span[1], freq="MS")]


def select_changes(
    prepared: PreparedData,
    selection: IncidentFilter,
    *,
    windows: ChangeWindows,
    zone_km: float,
    test: ChangeTest | None = None,
    data_settings: DataSettings | None = None,
) -> ChangeSelection:
    """Test every country and border zone (of ``zone_km``) for a change between the
    windows, on the incidents the sidebar keeps (its years and dates aside): from the
    prepared frame, or counted in the team database when ``data_settings`` names one."""
    test = test or ChangeTest.from_config()
    timeless = replace(selection, years=None, dates=None)
    span = prepared.incident_starts
    outside = span is not None and windows.outside(*span)
    names = unit_names(prepared)
    database = database_selection(prepared, timeless, data_settings)
    if database is not None:
        counted = database.unit_months(zone_km)
        table = change_table_from_months(
            {"country": counted["country"], "zone": counted["zone"]},
            windows,
            test=test,
            names=names,
        )
        windowed = None
    else:
        selected = filter_incidents(prepared.incidents, timeless)
        table = change_table(selected, windows, zone_km=zone_km, test=test, names=names)
        windowed = selected[in_windows(selected["date_start"], windows)[0]]
    return ChangeSelection(
        incidents=windowed,
        table=table,
        windows=windows,
        test=test,
        outside_coverage=outside,
        expected_by_chance=expected_false_flags(table, test),
    )


#: The change list's column headings.
CHANGE_LIST_COLUMNS = {
    "name": "Border zone or country",
    "kind": "Kind",
    "flag": "Flag",
    "baseline": "Baseline incidents",
    "recent": "Recent incidents",
    "baseline_per_month": "Baseline per month",
    "recent_per_month": "Recent per month",
    "ratio": "Recent ÷ baseline rate",
    "p_value": "p-value",
    "deaths_baseline": "Deaths, baseline (known tolls)",
    "deaths_recent": "Deaths, recent (known tolls)",
    "unknown_tolls": "Incidents of unknown toll (baseline / recent)",
}


def change_list(table: pd.DataFrame) -> pd.DataFrame:
    """The change table with readable headings and values: flags in words, a ratio
    "new" where the baseline had none, rates to two decimals."""
    ratio = table["ratio"].map(
        lambda r: "new (none before)" if np.isinf(r) else ("—" if pd.isna(r) else f"{r:.2f}")
    )
    out = pd.DataFrame(
        {
            "name": table["name"],
            "kind": table["unit_kind"].map(UNIT_KINDS),
            "flag": table["flag"].map(FLAG_LABELS),
            "baseline": table["baseline"],
            "recent": table["recent"],
            "baseline_per_month": table["baseline_per_month"].round(2),
            "recent_per_month": table["recent_per_month"].round(2),
            "ratio": ratio,
            "p_value": table["p_value"]
            .map(lambda p: f"{p:.3g}")
            .where(table["flag"] != "too few", "not tested"),
            "deaths_baseline": table["deaths_baseline"],
            "deaths_recent": table["deaths_recent"],
            "unknown_tolls": table["unknown_tolls_baseline"].astype(str)
            + " / "
            + table["unknown_tolls_recent"].astype(str),
        }
    )
    return out.rename(columns=CHANGE_LIST_COLUMNS)


def change_csv(table: pd.DataFrame) -> bytes:
    """The change list (:func:`change_list`) as CSV bytes, UTF-8 with a byte-order mark."""
    return change_list(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
