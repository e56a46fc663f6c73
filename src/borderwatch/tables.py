"""Tables shown under maps and offered for download: plain columns, readable values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from borderwatch.fatalities import incident_bounds
from borderwatch.schemas import ARRANGEMENT_KINDS, EVENT_TYPES

#: How an arrangement's or regime's ``end_status`` reads in a table.
END_STATUS_LABELS = {"ongoing": "In force", "ended": "Ended", "unknown": "End not known"}


def incident_table(incidents: pd.DataFrame, country_names: Mapping[str, str]) -> pd.DataFrame:
    """One row per incident with the columns an analyst scans first."""
    low, best, high = incident_bounds(incidents)
    table = pd.DataFrame(
        {
            "ID": incidents["incident_id"],
            "Start": incidents["date_start"].dt.date,
            "End": incidents["date_end"].dt.date,
            "Country": incidents["country_iso3"].map(lambda c: country_names.get(c, c)),
            "Place": incidents["place_name"].fillna(""),
            "Incident": incidents["name"],
            "Type": incidents["event_type"].map(lambda t: EVENT_TYPES.get(t, t)),
            "Perpetrator": incidents["perpetrator"].fillna(""),
            "Deaths (low)": low.astype("Int64"),
            "Deaths (best)": best.astype("Int64"),
            "Deaths (high)": high.astype("Int64"),
            "Location precision": incidents["location_precision"],
            "Cross-border origin": incidents["origin_countries"].map(
                lambda codes: ", ".join(country_names.get(c, c) for c in codes)
            ),
        }
    )
    if "source_dataset" in incidents:
        # The analyst's name of the dataset, with its source format: "Libya 2019 (ACLED)".
        source = incidents["source_dataset"].astype("str")
        name = incidents["dataset_name"].astype("str") if "dataset_name" in incidents else source
        table.insert(1, "Dataset", name.where(name == source, name + " (" + source + ")"))
    if "border_distance_km" in incidents:
        table.insert(8, "Nearest border", incidents["nearest_border"])
        table.insert(9, "Border distance (km)", incidents["border_distance_km"].round(1))
    table = table.reset_index(drop=True)
    if "verification" in incidents:
        table["Verification"] = incidents["verification"].fillna("").to_numpy()
    return with_source_links(table, incidents["sources"])


#: A source entry ending in ``<http(s)://…>`` (the curated citation form).
_SOURCE_URL = re.compile(r"<(?P<url>https?://[^<>\s\"'`]+)>\s*$")


def source_text(entry: str) -> str:
    """A source as readable text: the citation without its web address."""
    return _SOURCE_URL.sub("", entry).strip()


def source_urls(sources: Iterable[str] | None) -> list[str]:
    """The web addresses of the sources that give one (http and https only), in order."""
    urls = []
    for entry in sources or ():
        match = _SOURCE_URL.search(str(entry).strip())
        if match:
            urls.append(match.group("url"))
    return urls


def with_source_links(table: pd.DataFrame, sources: pd.Series) -> pd.DataFrame:
    """``table`` with a readable ``Sources`` column and, where any source has a web address,
    ``Link 1``, ``Link 2`` … columns holding them (show them with :func:`link_columns`)."""
    table = table.copy()
    entries = sources.reset_index(drop=True)
    table["Sources"] = entries.map(lambda s: " | ".join(source_text(str(e)) for e in s or ()))
    urls = entries.map(source_urls)
    most = int(urls.map(len).max()) if len(urls) else 0
    for i in range(most):
        table[f"Link {i + 1}"] = urls.map(lambda u, i=i: u[i] if i < len(u) else "")
    return table


def link_columns(table: pd.DataFrame) -> list[str]:
    """The ``Link n`` columns of a table made by :func:`with_source_links`."""
    return [c for c in table.columns if re.fullmatch(r"Link \d+", str(c))]


def _date_text(values: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD``; missing ones empty (never ``None`` or ``NaT``)."""
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")


def _border_name(pairs: pd.Series, border_names: Mapping[str, str]) -> pd.Series:
    return pairs.fillna("").map(lambda p: border_names.get(p, p) if p else "")


def regime_table(regimes: pd.DataFrame, border_names: Mapping[str, str]) -> pd.DataFrame:
    """Border closures and barriers in force, with readable columns and linked sources."""
    table = pd.DataFrame(
        {
            "Regime": regimes["name"].to_numpy(),
            "Border": _border_name(regimes["border_pair"], border_names).to_numpy(),
            "From": _date_text(regimes["date_start"]).to_numpy(),
            "To": _date_text(regimes["date_end"]).to_numpy(),
            "Status": regimes["end_status"].map(END_STATUS_LABELS).fillna("").to_numpy(),
            "What": regimes["description"].to_numpy(),
        }
    )
    return _with_verification(with_source_links(table, regimes["sources"]), regimes)


def crossing_table(crossings: pd.DataFrame, border_names: Mapping[str, str]) -> pd.DataFrame:
    """Crossing points with readable columns and linked sources."""
    table = pd.DataFrame(
        {
            "Crossing": crossings["name"].to_numpy(),
            "Border": _border_name(crossings["border_pair"], border_names).to_numpy(),
            "Kind": crossings["kind"].str.capitalize().to_numpy(),
            "Location precision": crossings["location_precision"].astype("Int64").to_numpy(),
            "Status": crossings["status_note"].fillna("").to_numpy(),
        }
    )
    return _with_verification(with_source_links(table, crossings["sources"]), crossings)


def arrangement_table(
    arrangements: pd.DataFrame, country_names: Mapping[str, str], border_names: Mapping[str, str]
) -> pd.DataFrame:
    """Cooperation arrangements as analysts read them (the Data & sources preview)."""
    table = pd.DataFrame(
        {
            "Arrangement": arrangements["name"].to_numpy(),
            "Scope": arrangements["scope"].str.capitalize().to_numpy(),
            "Kind": arrangements["kind"].map(ARRANGEMENT_KINDS).to_numpy(),
            "Parties": arrangements["parties"]
            .map(lambda codes: ", ".join(country_names.get(c, c) for c in codes or ()))
            .to_numpy(),
            "Border": _border_name(arrangements["border_pair"], border_names).to_numpy(),
            "From": _date_text(arrangements["date_start"]).to_numpy(),
            "To": _date_text(arrangements["date_end"]).to_numpy(),
            "Status": arrangements["end_status"].map(END_STATUS_LABELS).fillna("").to_numpy(),
            "What": arrangements["description"].to_numpy(),
        }
    )
    return _with_verification(with_source_links(table, arrangements["sources"]), arrangements)


def period_table(periods: pd.DataFrame) -> pd.DataFrame:
    """The before/after counts (:func:`borderwatch.cooperation.windowed_counts`), readable;
    deaths as a range, with the incidents whose toll is unknown counted apart."""
    return pd.DataFrame(
        {
            "Period": periods["period"].str.capitalize(),
            "From": pd.to_datetime(periods["from"]).dt.strftime("%Y-%m-%d"),
            "To": pd.to_datetime(periods["to"]).dt.strftime("%Y-%m-%d"),
            "Incidents": periods["incidents"].astype(int),
            "Deaths": [
                _range_text(lo, hi, n, unknown)
                for lo, hi, n, unknown in zip(
                    periods["deaths_low"],
                    periods["deaths_high"],
                    periods["incidents"],
                    periods["unknown_tolls"],
                    strict=True,
                )
            ],
            "Incidents with unknown toll": periods["unknown_tolls"].astype(int),
        }
    )


def _range_text(low: object, high: object, incidents: int, unknown: int) -> str:
    """'12', '37–67', 'unknown' (every toll unknown) or '0' (no incidents)."""
    if incidents and unknown == incidents:
        return "unknown"
    lo, hi = int(low or 0), int(high or 0)  # type: ignore[call-overload]
    return f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"


def ranking_table(ranking: pd.DataFrame) -> pd.DataFrame:
    """Borders ranked by incidents in their zone (:func:`borderwatch.border_stats.zone_ranking`):
    deaths of the known tolls, empty ("unknown") where every toll in the zone is unknown,
    and the incidents whose toll is unknown."""
    return pd.DataFrame(
        {
            "Border": ranking["border"],
            "Incidents": ranking["incidents"].astype(int),
            "Deaths (low)": ranking["deaths_low"].astype("Int64"),
            "Deaths (best)": ranking["deaths_best"].astype("Int64"),
            "Deaths (high)": ranking["deaths_high"].astype("Int64"),
            "Incidents with unknown toll": ranking["unknown_tolls"].astype(int),
            "First year": ranking["first_year"].astype(int),
            "Last year": ranking["last_year"].astype(int),
        }
    )


def _with_verification(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    if "verification" not in rows:
        return table
    position = table.columns.get_loc("Sources")
    assert isinstance(position, int)
    table.insert(position, "Verification", rows["verification"].fillna("").to_numpy())
    return table


def arrangement_label(name: str, start: pd.Timestamp) -> str:
    """An arrangement's name with its start month, the year said once: "Accord (2014)"
    started in May 2014 reads "Accord (2014-05)", never "Accord (2014) (2014-05)"."""
    month = f"{start:%Y-%m}"
    year_suffix = f"({start:%Y})"
    if name.rstrip().endswith(year_suffix):
        return name.rstrip()[: -len(year_suffix)].rstrip() + f" ({month})"
    return f"{name} ({month})"


def key_dates_table(arrangements: pd.DataFrame) -> pd.DataFrame:
    """Dated arrangements (the rivalry's key dates): started, ended, what, linked sources."""
    table = pd.DataFrame(
        {
            "Started": _date_text(arrangements["date_start"]).to_numpy(),
            "Ended": _date_text(arrangements["date_end"]).to_numpy(),
            "Arrangement": arrangements["name"].to_numpy(),
            "Status": arrangements["end_status"].map(END_STATUS_LABELS).fillna("").to_numpy(),
            "What": arrangements["description"].to_numpy(),
        }
    )
    return _with_verification(with_source_links(table, arrangements["sources"]), arrangements)
