"""The incident filter and the map's aggregations, run in the team database.

With a million imported events a page need not hold them: :func:`where_clause` turns an
:class:`~borderwatch.filters.IncidentFilter` (countries, years, dates, event types,
perpetrator, deaths, location precision, datasets, two sources, border zone, nearest
borders) plus a bounding box into SQL on the shown incidents (the curated layer and the
enabled datasets a user may see), and :func:`summary`, :func:`grid_cells`,
:func:`counts_per_country` and :func:`select_incidents` answer from the indexes (GiST on
the points, B-trees on dates, country and date, border and distance). :func:`map_data` is
what a map needs after a filter change: the incidents themselves when few enough are
placed, grid cells otherwise.

Each function gives what its in-memory counterpart gives on the same rows
(:func:`borderwatch.filters.filter_incidents`, :func:`borderwatch.aggregate.grid_cells`,
:func:`borderwatch.fatalities.incident_bounds`); ``tests/test_team_db_query.py`` checks
that. One difference: reports of the same event in several datasets are not merged here
(merging compares every pair of nearby reports, :mod:`borderwatch.dedupe`), so counts are
of reports.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
import psycopg
import sqlalchemy as sa

from borderwatch.aggregate import CELL_SIZES_DEG
from borderwatch.filters import TWO_SOURCES, IncidentFilter
from borderwatch.schemas import CURATED_DATASET, LOCATION_ERROR_KM
from borderwatch.search import normalise
from borderwatch.team.db.copying import (
    CONTRACT_COLUMNS,
    MEASURED_COLUMNS,
    read_incidents_csv,
    select_list,
)
from borderwatch.team.db.engine import connection
from borderwatch.team.db.store import FACT_COLUMNS

#: Columns of both incident tables that the queries read.
_SHOWN_COLUMNS = ", ".join(("position", "row_index", *CONTRACT_COLUMNS, *MEASURED_COLUMNS, "geom"))
#: Per-incident death bounds as :func:`borderwatch.fatalities.incident_bounds` makes them.
_LOW = "coalesce(fatalities_low, fatalities_best, fatalities_high)"
_BEST = "coalesce(fatalities_best, fatalities_low, fatalities_high)"
_HIGH = "coalesce(fatalities_high, fatalities_best, fatalities_low)"
DEATHS_LOW = f"least({_LOW}, {_BEST}, {_HIGH})"
DEATHS_BEST = _BEST
DEATHS_HIGH = f"greatest({_LOW}, {_BEST}, {_HIGH})"

BBox = tuple[float, float, float, float]
#: Columns of :func:`grid_cells`' result.
_CELL_COLUMNS = (
    *("longitude", "latitude", "incidents", "deaths_low", "deaths_best", "deaths_high"),
    *("main_type", "first", "last", "unknown_deaths"),
)
_NEWEST_FIRST = " ORDER BY date_start DESC, dataset, position"
#: A ``:name`` parameter of :func:`where_clause` (not a ``::type`` cast).
_PARAMETER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)\b")


#: Per row, once: placed or not, and the tolls (as :func:`borderwatch.fatalities.incident_bounds`).
_ROW_TOLLS = (
    "latitude IS NOT NULL AND longitude IS NOT NULL AS placed, "
    f"{DEATHS_LOW} AS low, {DEATHS_BEST} AS best, {DEATHS_HIGH} AS high"
)
#: The same and the grid cell, for :func:`overview`'s scan (once per row, not once per set).
_OVERVIEW_ROW = (
    f"{_ROW_TOLLS}, "
    "floor(longitude / :cell)::bigint AS cell_x, floor(latitude / :cell)::bigint AS cell_y"
)
#: What :func:`overview` counts per group, from rows carrying :data:`_ROW_TOLLS`; also what
#: ``incident_counts`` holds per row.
_PLACED = "FILTER (WHERE placed)"
_OVERVIEW_AGGREGATES = (
    f"count(*) AS incidents, count(*) {_PLACED} AS placed, sum(low) AS deaths_low, "
    "sum(best) AS deaths_best, sum(high) AS deaths_high, "
    "count(*) FILTER (WHERE low IS NULL) AS unknown_deaths, "
    f"min(longitude) {_PLACED} AS west, min(latitude) {_PLACED} AS south, "
    f"max(longitude) {_PLACED} AS east, max(latitude) {_PLACED} AS north, "
    f"sum(longitude) {_PLACED} AS sum_longitude, sum(latitude) {_PLACED} AS sum_latitude, "
    "min(date_start) AS first, max(date_start) AS last"
)
#: Adding up counted rows (counts as bigint, as count(*) gives them: a sum of bigints is
#: numeric): what cells and the rest share, then the rest's extent.
_COUNTED_SUMS = (
    "sum(incidents)::bigint AS incidents, sum(deaths_low) AS deaths_low, "
    "sum(deaths_best) AS deaths_best, sum(deaths_high) AS deaths_high, "
    "sum(unknown_deaths)::bigint AS unknown_deaths, sum(sum_longitude) AS sum_longitude, "
    "sum(sum_latitude) AS sum_latitude, min(first) AS first, max(last) AS last"
)
_COUNTED_AGGREGATES = (
    f"{_COUNTED_SUMS}, sum(placed)::bigint AS placed, min(west) AS west, "
    "min(south) AS south, max(east) AS east, max(north) AS north"
)
#: ``GROUPING()`` bits of each set, most significant first: country, year, month, cell_x,
#: cell_y, type (a bit is set when the set leaves its column out).
_OVERVIEW_MASKS = {"countries": 0b011111, "years": 0b101110, "months": 0b110110, "cells": 0b111000}


#: The columns of ``incident_cell_counts`` (migration 0005) after ``dataset``.
CELL_COUNT_COLUMNS = (
    "cell_deg, country_iso3, event_type, start_year, end_year, cell_x, cell_y, incidents, "
    "deaths_low, deaths_best, deaths_high, unknown_deaths, sum_longitude, sum_latitude, "
    "first, last"
)


def cell_counts_select(source: str) -> str:
    """SQL counting the placed incidents of ``source`` (as :func:`counts_select`) per grid
    cell of each size in ``:cell_sizes`` (one scan for all), as ``incident_cell_counts``
    holds them (:data:`CELL_COUNT_COLUMNS` in order): per country, event type, year of the
    start and year of the end."""
    return (
        "SELECT cell_deg, country_iso3, event_type, "
        "extract(year FROM date_start)::integer AS start_year, "
        "extract(year FROM date_end)::integer AS end_year, "
        "floor(longitude / cell_deg)::bigint AS cell_x, "
        "floor(latitude / cell_deg)::bigint AS cell_y, count(*) AS incidents, "
        "sum(low) AS deaths_low, sum(best) AS deaths_best, sum(high) AS deaths_high, "
        "count(*) FILTER (WHERE low IS NULL) AS unknown_deaths, "
        "sum(longitude) AS sum_longitude, sum(latitude) AS sum_latitude, "
        "min(date_start) AS first, max(date_start) AS last "
        f"FROM (SELECT *, {_ROW_TOLLS} FROM {source}) AS facts "
        "CROSS JOIN unnest(CAST(:cell_sizes AS float8[])) AS sizes (cell_deg) "
        "WHERE placed GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


def shown_incidents(
    groups: tuple[str, ...] | None = None, *, narrow: bool = False, hidden: bool = False
) -> str:
    """SQL of the incidents shown: curated ones and those of enabled datasets (with
    ``groups``, only datasets open to everyone or to one of those groups; with ``hidden``,
    none whose key is in the ``:hidden`` parameter). ``narrow``: only the columns filters
    and counts read, from ``incident_facts`` (a fraction of the bytes to scan)."""
    columns, imported = (
        (FACT_COLUMNS, "incident_facts") if narrow else (_SHOWN_COLUMNS, "incidents")
    )
    return (
        f"(SELECT {columns} FROM curated_incidents UNION ALL "
        f"SELECT {columns} FROM {imported} WHERE {imported}.dataset IN "
        f"{_visible_datasets(groups, hidden)}) AS shown"
    )


def _visible_datasets(groups: tuple[str, ...] | None, hidden: bool) -> str:
    """SQL of the keys of the datasets shown (see :func:`shown_incidents`)."""
    visible = "datasets.enabled"
    if groups is not None:
        visible += " AND (datasets.groups = '{}' OR datasets.groups && CAST(:groups AS text[]))"
    if hidden:
        visible += " AND NOT (datasets.key = ANY(CAST(:hidden AS text[])))"
    return f"(SELECT key FROM datasets WHERE {visible})"


#: The columns of ``incident_counts`` (migration 0004) after ``dataset``.
COUNT_COLUMNS = (
    "country_iso3, event_type, month, end_year, incidents, placed, deaths_low, deaths_best, "
    "deaths_high, unknown_deaths, west, south, east, north, sum_longitude, sum_latitude, "
    "first, last"
)


def counts_select(source: str) -> str:
    """SQL counting the incidents of ``source`` (``table [WHERE …]`` with the columns of
    ``incident_facts``) as ``incident_counts`` holds them, :data:`COUNT_COLUMNS` in order:
    per country, event type, month of the start and year of the end, the sums and extremes
    the overview adds up."""
    return (
        "SELECT country_iso3, event_type, "
        "date_trunc('month', date_start::timestamp)::date AS month, "
        f"extract(year FROM date_end)::integer AS end_year, {_OVERVIEW_AGGREGATES} "
        f"FROM (SELECT *, {_ROW_TOLLS} FROM {source}) AS facts "
        "GROUP BY country_iso3, event_type, month, end_year"
    )


def where_clause(
    selection: IncidentFilter, bbox: BBox | None = None
) -> tuple[str, dict[str, object]]:
    """The WHERE condition (on ``shown``) keeping what ``selection`` keeps, and its
    parameters; with ``bbox`` (west, south, east, north), only points inside it."""
    clauses, params = ["TRUE"], dict[str, object]()
    if selection.countries:
        clauses.append("country_iso3 = ANY(:countries)")
        params["countries"] = list(selection.countries)
    if selection.years is not None:
        clauses.append("date_end >= :year_first AND date_start <= :year_last")
        params["year_first"] = datetime.date(selection.years[0], 1, 1)
        params["year_last"] = datetime.date(selection.years[1], 12, 31)
    if selection.event_types:
        clauses.append("event_type = ANY(:event_types)")
        params["event_types"] = list(selection.event_types)
    if selection.border_zone_km is not None:
        clauses.append("border_distance_km <= :zone_km")
        params["zone_km"] = float(selection.border_zone_km)
    if selection.border_pairs:
        clauses.append("nearest_border = ANY(:border_pairs)")
        params["border_pairs"] = list(selection.border_pairs)
    if selection.dates is not None:
        clauses.append("date_end >= :day_first AND date_start <= :day_last")
        params["day_first"], params["day_last"] = selection.dates
    if selection.actor.strip():
        clauses.append("strpos(lower(unaccent(coalesce(perpetrator, ''))), :actor) > 0")
        params["actor"] = normalise(selection.actor)
    if selection.min_deaths is not None or not selection.unknown_deaths:
        known = f"{DEATHS_BEST} >= :min_deaths"
        unknown = f" OR {DEATHS_BEST} IS NULL" if selection.unknown_deaths else ""
        clauses.append(f"({known}{unknown})")
        params["min_deaths"] = int(selection.min_deaths or 0)
    if selection.precisions:
        clauses.append("location_precision = ANY(:precisions)")
        params["precisions"] = [int(p) for p in selection.precisions]
    if selection.datasets:
        clauses.append("dataset = ANY(:datasets)")
        params["datasets"] = list(selection.datasets)
    if selection.two_sources_only:
        clauses.append("verification = :two_sources")
        params["two_sources"] = TWO_SOURCES
    if bbox is not None:
        # On the coordinates, not the geometry: the same points (both inclusive), and a
        # scan of a million rows is about twice as fast without reading each geometry.
        clauses.append("longitude BETWEEN :west AND :east AND latitude BETWEEN :south AND :north")
        params.update(zip(("west", "south", "east", "north"), map(float, bbox), strict=True))
    return " AND ".join(clauses), params


@dataclass(frozen=True)
class Summary:
    """Counters of a selection: incidents, placed ones, deaths as a range, unknown tolls."""

    incidents: int
    placed: int
    deaths_low: int
    deaths_best: int
    deaths_high: int
    unknown_deaths: int


def _query(
    selection: IncidentFilter,
    bbox: BBox | None,
    groups: tuple[str, ...] | None,
    hidden: Collection[str] = (),
    *,
    narrow: bool = True,
) -> tuple[str, dict[str, object]]:
    """``FROM … WHERE …`` over the narrow columns (all columns unless ``narrow``), and its
    parameters; datasets whose keys are in ``hidden`` are left out."""
    where, params = where_clause(selection, bbox)
    if groups is not None:
        params["groups"] = list(groups)
    if hidden:
        params["hidden"] = sorted(hidden)
    shown = shown_incidents(groups, narrow=narrow, hidden=bool(hidden))
    return f"FROM {shown} WHERE {where}", params


def summary(
    url: str,
    selection: IncidentFilter,
    *,
    bbox: BBox | None = None,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> Summary:
    """Counters of the incidents ``selection`` keeps (see :class:`Summary`)."""
    source, params = _query(selection, bbox, groups, hidden)
    statement = sa.text(
        "SELECT count(*), count(*) FILTER (WHERE latitude IS NOT NULL AND longitude IS NOT "
        f"NULL), coalesce(sum({DEATHS_LOW}), 0), coalesce(sum({DEATHS_BEST}), 0), "
        f"coalesce(sum({DEATHS_HIGH}), 0), count(*) FILTER (WHERE {DEATHS_LOW} IS NULL) " + source
    )
    with connection(url) as conn:
        row = conn.execute(statement, params).one()
    return Summary(*(int(value) for value in row))


def grid_cells(
    url: str,
    selection: IncidentFilter,
    *,
    cell_deg: float,
    bbox: BBox | None = None,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Placed incidents counted per ``cell_deg`` cell, as
    :func:`borderwatch.aggregate.grid_cells` gives them (one row per occupied cell)."""
    source, params = _query(selection, bbox, groups, hidden)
    params["cell"] = float(cell_deg)
    statement = sa.text(
        "SELECT avg(longitude) AS longitude, avg(latitude) AS latitude, count(*) AS incidents, "
        f"coalesce(sum({DEATHS_LOW}), 0)::float8 AS deaths_low, "
        f"coalesce(sum({DEATHS_BEST}), 0)::float8 AS deaths_best, "
        f"coalesce(sum({DEATHS_HIGH}), 0)::float8 AS deaths_high, "
        "mode() WITHIN GROUP (ORDER BY event_type) AS main_type, "
        "min(date_start) AS first, max(date_start) AS last, "
        f"count(*) FILTER (WHERE {DEATHS_LOW} IS NULL) AS unknown_deaths "
        f"{source} AND latitude IS NOT NULL AND longitude IS NOT NULL "
        "GROUP BY floor(longitude / :cell), floor(latitude / :cell) "
        "ORDER BY floor(longitude / :cell), floor(latitude / :cell)"
    )
    with connection(url) as conn:
        cells = pd.DataFrame(conn.execute(statement, params).mappings().all())
    if cells.empty:
        return pd.DataFrame(columns=list(_CELL_COLUMNS))
    cells["incidents"] = cells["incidents"].astype("int64")
    cells["unknown_deaths"] = cells["unknown_deaths"].astype("int64")
    for column in ("first", "last"):
        cells[column] = pd.to_datetime(cells[column]).astype("datetime64[us]")
    return cells


def counts_per_country(
    url: str,
    selection: IncidentFilter,
    *,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Incidents and deaths (best estimates of known tolls) per country, most first."""
    source, params = _query(selection, None, groups, hidden)
    statement = sa.text(
        f"SELECT country_iso3, count(*) AS incidents, coalesce(sum({DEATHS_BEST}), 0) AS deaths "
        f"{source} GROUP BY country_iso3 ORDER BY count(*) DESC, country_iso3"
    )
    with connection(url) as conn:
        return pd.DataFrame(
            conn.execute(statement, params).all(), columns=["country_iso3", "incidents", "deaths"]
        )


def select_incidents(
    url: str,
    selection: IncidentFilter,
    *,
    limit: int | None = None,
    bbox: BBox | None = None,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
    placed_only: bool = False,
) -> gpd.GeoDataFrame:
    """The incidents ``selection`` keeps (newest first, at most ``limit``), typed as the
    incident contract says, with ``border_distance_km`` and ``nearest_border``;
    ``placed_only``: only those with coordinates."""

    source, params = _query(selection, bbox, groups, hidden)
    if placed_only:
        source += " AND latitude IS NOT NULL AND longitude IS NOT NULL"
    limited = f" LIMIT {int(limit)}" if limit is not None else ""
    # Which rows, from the narrow columns; then all their columns by primary key.
    chosen = sa.text(f"SELECT dataset, position {source}{_NEWEST_FIRST}{limited}")
    with connection(url) as conn:
        keys = [(key, int(position)) for key, position in conn.execute(chosen, params).all()]
        return _rows_by_key(conn, keys)


#: Rows fetched by key at a time (:func:`_rows_by_key`).
FETCH_CHUNK_ROWS = 10_000


def _rows_by_key(conn: sa.Connection, keys: list[tuple[str, int]]) -> gpd.GeoDataFrame:
    """Every column of the incidents with these (``dataset``, ``position``) keys, in their
    order, typed as the incident contract says."""
    from borderwatch.team.db.copying import copy_out

    # The keys were chosen among the shown rows: the tables are read here without the
    # visibility condition, and the keys given as arrays, so the planner looks each row up
    # by its primary key (a join with the choosing query made it scan every wide row).
    every = (
        f"(SELECT {_SHOWN_COLUMNS} FROM curated_incidents UNION ALL "
        f"SELECT {_SHOWN_COLUMNS} FROM incidents) AS shown"
    )
    statement = (
        "SELECT {} FROM unnest(%(keys)s::text[], %(positions)s::int[]) "
        "WITH ORDINALITY AS chosen(dataset, position, n) JOIN {} USING (dataset, position) "
        "ORDER BY chosen.n"
    ).format(select_list("shown"), every)
    # COPY binds no parameters: psycopg binds them client-side, in its own placeholders.
    # A few thousand rows at a time: 100,000 rows' CSV, its Arrow table and the frame
    # being built at once took a gigabyte.
    frames = []
    for start in range(0, max(len(keys), 1), FETCH_CHUNK_ROWS):
        chunk = keys[start : start + FETCH_CHUNK_ROWS]
        params = {"keys": [key for key, _ in chunk], "positions": [p for _, p in chunk]}
        frames.append(read_incidents_csv(copy_out(conn, statement, params), measured=True))
    frame = pd.concat(frames) if len(frames) > 1 else frames[0]
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class MapData:
    """What a map draws for a selection: its incidents when few enough, else grid cells."""

    summary: Summary
    incidents: gpd.GeoDataFrame | None
    cells: pd.DataFrame | None


def map_data(
    url: str,
    selection: IncidentFilter,
    *,
    bbox: BBox,
    max_points: int,
    cell_deg: float,
    groups: tuple[str, ...] | None = None,
) -> MapData:
    """The map's data after a filter change: the placed incidents in ``bbox`` when at most
    ``max_points``, else their grid cells; with counters either way.

    One scan: the cells are counted first and the counters summed from them (inside a
    bounding box every incident is placed); only a small selection is then fetched whole.
    """
    cells = grid_cells(url, selection, cell_deg=cell_deg, bbox=bbox, groups=groups)
    counted = Summary(
        incidents=int(cells["incidents"].sum()),
        placed=int(cells["incidents"].sum()),
        deaths_low=int(cells["deaths_low"].sum()),
        deaths_best=int(cells["deaths_best"].sum()),
        deaths_high=int(cells["deaths_high"].sum()),
        unknown_deaths=int(cells["unknown_deaths"].sum()),
    )
    if counted.placed <= max_points:
        return MapData(counted, select_incidents(url, selection, bbox=bbox, groups=groups), None)
    return MapData(counted, None, cells)


def country_totals(
    url: str,
    selection: IncidentFilter,
    *,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Per country (``country_iso3``, NULL for none) of the selection, in one scan:
    ``incidents``, ``placed``, ``deaths_low`` / ``deaths_best`` / ``deaths_high`` (sums of
    the known tolls), ``unknown_deaths``, and the placed incidents' extent (``west``,
    ``south``, ``east``, ``north``). The counters, the countries and the map's extent of a
    selection are sums and extremes of these rows."""
    source, params = _query(selection, None, groups, hidden)
    placed = "FILTER (WHERE latitude IS NOT NULL AND longitude IS NOT NULL)"
    statement = sa.text(
        "SELECT country_iso3, count(*) AS incidents, "
        f"count(*) {placed} AS placed, coalesce(sum({DEATHS_LOW}), 0) AS deaths_low, "
        f"coalesce(sum({DEATHS_BEST}), 0) AS deaths_best, "
        f"coalesce(sum({DEATHS_HIGH}), 0) AS deaths_high, "
        f"count(*) FILTER (WHERE {DEATHS_LOW} IS NULL) AS unknown_deaths, "
        f"min(longitude) {placed} AS west, min(latitude) {placed} AS south, "
        f"max(longitude) {placed} AS east, max(latitude) {placed} AS north "
        f"{source} GROUP BY country_iso3 ORDER BY count(*) DESC, country_iso3"
    )
    columns = [
        *("country_iso3", "incidents", "placed", "deaths_low", "deaths_best", "deaths_high"),
        *("unknown_deaths", "west", "south", "east", "north"),
    ]
    with connection(url) as conn:
        table = pd.DataFrame(conn.execute(statement, params).all(), columns=columns)
    for column in columns[1:7]:
        table[column] = table[column].astype("int64")
    for column in columns[7:]:
        table[column] = table[column].astype("float64")
    return table


#: Incidents and the sums of their death bounds, per group of a grouping query.
_INCIDENTS_AND_DEATHS = (
    f"count(*) AS incidents, sum({DEATHS_LOW}) AS deaths_low, "
    f"sum({DEATHS_BEST}) AS deaths_best, sum({DEATHS_HIGH}) AS deaths_high"
)
#: Sums of death bounds in a grouped table: floats, missing where every toll is unknown.
_DEATH_SUMS = ("deaths_low", "deaths_best", "deaths_high")


def _grouped_table(
    url: str,
    statement: sa.TextClause,
    params: dict[str, object],
    columns: list[str],
    *,
    text: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    hashed: bool = False,
) -> pd.DataFrame:
    """The rows of a grouping query as a frame: ``text`` columns as Python objects,
    ``dates`` as timestamps, the death sums as floats (missing where none is known), every
    other column as int64. ``hashed``: groups hashed in ``work_mem`` 64 MB and no JIT (a
    scan of a million rows into a few thousand groups), for this query only."""
    with connection(url) as conn:
        if hashed:
            conn.execute(sa.text("SET LOCAL work_mem = '64MB'"))
            conn.execute(sa.text("SET LOCAL jit = off"))
        table = pd.DataFrame(conn.execute(statement, params).all(), columns=columns)
    for column in columns:
        if column in text:
            table[column] = table[column].astype(object)
        elif column in dates:
            table[column] = pd.to_datetime(table[column]).astype("datetime64[ns]")
        elif column in _DEATH_SUMS:
            table[column] = pd.to_numeric(table[column]).astype("float64")
        else:
            table[column] = table[column].astype("int64")
    return table


#: The year an incident starts in.
_START_YEAR = "extract(year FROM date_start)::integer"
#: Incidents whose toll is unknown (no bound given), per group.
_UNKNOWN_TOLLS = f"count(*) FILTER (WHERE {DEATHS_BEST} IS NULL)"


def _tally(
    url: str,
    source: str,
    params: dict[str, object],
    by: dict[str, str],
    more: dict[str, str],
    *,
    text: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Incidents and their death sums per group of ``by`` (column -> SQL), with the
    counts ``more`` adds (column -> SQL), over ``source`` (``FROM … WHERE …``) whose ``by``
    values are all known; ordered by the groups. As
    :func:`borderwatch.fatalities.tally` counts in memory."""
    keys = ", ".join(f"{sql} AS {name}" for name, sql in by.items())
    extra = "".join(f", {sql} AS {name}" for name, sql in more.items())
    known = "".join(f" AND {sql} IS NOT NULL" for sql in by.values())
    groups = ", ".join(str(n) for n in range(1, len(by) + 1))
    statement = sa.text(
        f"SELECT {keys}, {_INCIDENTS_AND_DEATHS}{extra} {source}{known} "
        f"GROUP BY {groups} ORDER BY {groups}"
    )
    columns = [*by, "incidents", *_DEATH_SUMS, *more]
    return _grouped_table(url, statement, params, columns, text=text, dates=dates)


#: ``date_trunc`` units of the trend's periods.
_TRUNC_UNITS = {"year": "year", "month": "month"}


def trend_counts(
    url: str,
    selection: IncidentFilter,
    period: str,
    *,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Incidents and deaths per period (of the start date) and event type, grouped in SQL:
    ``period`` (first day), ``event_type``, ``incidents``, ``deaths_low`` / ``deaths_best``
    / ``deaths_high`` (sums of the known tolls; missing where every toll is unknown) and
    ``unknown_tolls``; :func:`borderwatch.trends.complete_trend` finishes it."""
    source, params = _query(selection, None, groups, hidden)
    started = f"date_trunc('{_TRUNC_UNITS[period]}', date_start::timestamp)::date"
    return _tally(
        url,
        source,
        params,
        {"period": started, "event_type": "event_type"},
        {"unknown_tolls": _UNKNOWN_TOLLS},
        text=("event_type",),
        dates=("period",),
    )


def _fetch(
    url: str, source: str, params: dict[str, object], *, order: str, limit: int | None
) -> gpd.GeoDataFrame:
    """Every column of the rows of ``source`` (``FROM … WHERE …`` over all columns), in
    ``order``, at most ``limit``, typed as the incident contract says."""
    from borderwatch.team.db.copying import copy_out

    limited = f" LIMIT {int(limit)}" if limit is not None else ""
    query = _PARAMETER.sub(r"%(\1)s", f"SELECT {select_list('shown')} {source}{order}{limited}")
    with connection(url) as conn:
        frame = read_incidents_csv(copy_out(conn, query, params), measured=True)
    return frame.reset_index(drop=True)


def incidents_by_id(
    url: str,
    ids: Collection[str],
    *,
    selection: IncidentFilter | None = None,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> gpd.GeoDataFrame:
    """The shown incidents whose ``incident_id`` is one of ``ids`` (only those
    ``selection`` keeps, when given), newest first."""
    source, params = _query(selection or IncidentFilter(), None, groups, hidden, narrow=False)
    params["ids"] = sorted(set(map(str, ids)))
    return _fetch(
        url, f"{source} AND incident_id = ANY(%(ids)s)", params, order=_NEWEST_FIRST, limit=None
    )


#: A search longer than this is stopped (it reads every imported row's text).
SEARCH_TIMEOUT_S = 15


class SearchTooSlowError(RuntimeError):
    """A search in the team database took longer than :data:`SEARCH_TIMEOUT_S`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"the search took longer than {seconds} s and was stopped")


#: The searched text of a row, as :data:`borderwatch.search.SEARCH_FIELDS` lists it.
_SEARCHED = (
    "lower(unaccent(concat_ws(chr(31), incident_id, name, place_name, perpetrator, summary)))"
)


def search(
    url: str,
    terms: tuple[str, ...],
    country_codes: tuple[tuple[str, ...], ...],
    *,
    limit: int,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> tuple[gpd.GeoDataFrame, int]:
    """Shown incidents matching every one of ``terms`` (normalised words,
    :func:`borderwatch.search.query_terms`) in their id, name, place, perpetrator or summary
    (lower case, accents removed by ``unaccent``), or whose country is one of the term's
    ``country_codes``; at most ``limit`` of them (an exact id first, then those whose name
    matches, newest first) and how many match."""
    source, params = _query(IncidentFilter(), None, groups, hidden, narrow=False)
    conditions = []
    for number, (term, codes) in enumerate(zip(terms, country_codes, strict=True)):
        params[f"t{number}"], params[f"c{number}"] = term, list(codes)
        conditions.append(
            f"(strpos({_SEARCHED}, :t{number}) > 0 OR country_iso3 = ANY(:c{number}))"
        )
    params["exact"] = terms[0] if len(terms) == 1 else "\x1f"
    in_name = " AND ".join(
        f"strpos(lower(unaccent(coalesce(name, ''))), :t{n}) > 0" for n in range(len(terms))
    )
    # One scan: the best keys and how many match (a window count over every match).
    statement = sa.text(
        "SELECT dataset, position, count(*) OVER () "
        f"{source} AND {' AND '.join(conditions or ['FALSE'])} "
        f"ORDER BY (lower(incident_id) = :exact) DESC, ({in_name}) DESC, "
        f"date_start DESC, dataset, position LIMIT {int(limit)}"
    )
    with connection(url) as conn:
        conn.execute(sa.text(f"SET LOCAL statement_timeout = '{SEARCH_TIMEOUT_S}s'"))
        try:
            found = conn.execute(statement, params).all()
        except sa.exc.OperationalError as error:
            if isinstance(error.orig, psycopg.errors.QueryCanceled):
                raise SearchTooSlowError(SEARCH_TIMEOUT_S) from None
            raise
        keys = [(key, int(position)) for key, position, _ in found]
        return _rows_by_key(conn, keys), int(found[0][2]) if found else 0


class ShownSpan(NamedTuple):
    """What the shown incidents cover: the countries where they happened (sorted), the
    years (first start, last end) and the first and last start date (``None`` when there
    is no incident)."""

    countries: tuple[str, ...]
    years: tuple[int, int] | None
    starts: tuple[pd.Timestamp, pd.Timestamp] | None


def shown_span(
    url: str, *, groups: tuple[str, ...] | None = None, hidden: Collection[str] = ()
) -> ShownSpan:
    """What the shown incidents cover (:class:`ShownSpan`), in one scan: what the sidebar
    and the Trends page's windows offer."""
    source, params = _query(IncidentFilter(), None, groups, hidden)
    statement = sa.text(
        "SELECT array_agg(DISTINCT country_iso3) FILTER (WHERE country_iso3 IS NOT NULL), "
        "min(extract(year FROM date_start))::int, max(extract(year FROM date_end))::int, "
        f"min(date_start), max(date_start) {source}"
    )
    with connection(url) as conn:
        countries, first, last, first_day, last_day = conn.execute(statement, params).one()
    return ShownSpan(
        tuple(sorted(countries or ())),
        None if first is None or last is None else (int(first), int(last)),
        None if first_day is None else (pd.Timestamp(first_day), pd.Timestamp(last_day)),
    )


#: The groups :func:`overview` counts in one scan, by the ``GROUPING()`` bits they leave
#: unset (country; year and type; month and type; cell and type).
_OVERVIEW_SETS = {
    "countries": "(country_iso3)",
    "years": "(year, event_type)",
    "months": "(month, event_type)",
    "cells": "(cell_x, cell_y, event_type)",
}


def overview(
    url: str,
    selection: IncidentFilter,
    *,
    cell_deg: float | None = None,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> dict[str, pd.DataFrame]:
    """What a page shows of a selection: per country (as :func:`country_totals`), per year
    and per month by event type (as :func:`trend_counts`), and with ``cell_deg`` per grid
    cell and event type (:func:`cells_from_overview` makes them :func:`grid_cells`' cells).

    A selection of countries, years and event types only is answered from
    ``incident_counts`` (a few thousand rows, counted at import) and, for the cells, one
    scan of those incidents; any other filter needs the incidents themselves, all four
    counted in one scan (one ``GROUP BY GROUPING SETS``).
    """
    source, params = _query(selection, None, groups, hidden)
    params["cell"] = float(cell_deg or 1.0)
    counted = _counted_selection(selection)
    if counted:
        sets = ["countries", "years", "months"]  # the cells: a scan of their own, below
        statement = _overview_from_counts(selection, groups, hidden, params)
    else:
        # Every grouping set must name the columns GROUPING() names: without a cell size
        # the cells are still grouped (by whole degrees) and left out of the result.
        sets = list(_OVERVIEW_SETS)
        statement = (
            "SELECT GROUPING(country_iso3, year, month, cell_x, cell_y, event_type) AS grouped, "
            "country_iso3, year, month, cell_x, cell_y, event_type, "
            f"{_OVERVIEW_AGGREGATES} FROM (SELECT country_iso3, event_type, date_start, "
            f"longitude, latitude, {_OVERVIEW_ROW}, {_TRUNCATED} {source}) AS chosen "
            f"GROUP BY GROUPING SETS ({', '.join(_OVERVIEW_SETS.values())})"
        )
    with connection(url) as conn:
        # Hash the groups (a few thousand; the default 4 MB makes the planner sort a
        # million rows on disk instead, several times slower), and no JIT compilation
        # (a third of a second, more than it saves on one scan). For these queries only.
        conn.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        conn.execute(sa.text("SET LOCAL jit = off"))
        rows = pd.DataFrame(conn.execute(sa.text(statement), params).mappings().all())
        per_set = {
            name: (
                rows[rows["grouped"] == _OVERVIEW_MASKS[name]].reset_index(drop=True)
                if not rows.empty
                else pd.DataFrame(columns=["grouped"])
            )
            for name in sets
            if name != "cells" or cell_deg is not None
        }
        if counted and cell_deg is not None:
            cells = (
                _cells_from_counts(selection, groups, hidden, params)
                if float(cell_deg) in CELL_SIZES_DEG
                else f"SELECT {_OVERVIEW_MASKS['cells']} AS grouped, cell_x, cell_y, "
                f"event_type, {_OVERVIEW_AGGREGATES} FROM (SELECT event_type, date_start, "
                f"longitude, latitude, {_OVERVIEW_ROW} {source}) AS chosen "
                "GROUP BY cell_x, cell_y, event_type"
            )
            per_cell = pd.DataFrame(conn.execute(sa.text(cells), params).mappings().all())
            per_set["cells"] = per_cell if not per_cell.empty else pd.DataFrame(columns=["grouped"])
    return per_set


#: Dates truncated to the year and month of the start, as timestamps without a time zone:
#: a date alone is truncated as a timestamp with one, a time-zone conversion per row (a
#: fifth of the overview's scan).
_TRUNCATED = (
    "date_trunc('year', date_start::timestamp)::date AS year, "
    "date_trunc('month', date_start::timestamp)::date AS month"
)


def _counted_selection(selection: IncidentFilter) -> bool:
    """Whether ``incident_counts`` can answer ``selection``: it filters on countries, whole
    years, event types and datasets, nothing else."""
    rest = replace(selection, countries=(), years=None, event_types=(), datasets=())
    return rest == IncidentFilter()


def _counts_where(selection: IncidentFilter, params: dict[str, object], *, started: str) -> str:
    """The WHERE condition on counted rows keeping what ``selection`` keeps; ``started``
    says "starts in or before the last year" in the table's own start column."""
    clauses = ["TRUE"]
    if selection.countries:
        clauses.append("country_iso3 = ANY(:countries)")
    if selection.years is not None:
        # Kept if any of its days falls in the years: it ends in or after the first and
        # starts in or before the last.
        clauses.append(f"end_year >= :first_year AND {started}")
        first, last = (int(year) for year in selection.years)
        params.update(first_year=first, last_year=last, last_month=datetime.date(last, 12, 1))
    if selection.event_types:
        clauses.append("event_type = ANY(:event_types)")
    if selection.datasets:
        clauses.append("dataset = ANY(:datasets)")
    return " AND ".join(clauses)


def _cells_from_counts(
    selection: IncidentFilter,
    groups: tuple[str, ...] | None,
    hidden: Collection[str],
    params: dict[str, object],
) -> str:
    """:func:`overview`'s per-cell rows of ``:cell`` degrees, from ``incident_cell_counts``
    (and the curated incidents, counted on the fly)."""
    where = _counts_where(selection, params, started="start_year <= :last_year")
    counts = (
        f"SELECT dataset, {CELL_COUNT_COLUMNS} FROM incident_cell_counts WHERE cell_deg = :cell "
        f"AND dataset IN {_visible_datasets(groups, bool(hidden))} UNION ALL SELECT "
        f"'{CURATED_DATASET}' AS dataset, * FROM ({cell_counts_select('curated_incidents')}) AS c"
    )
    params["cell_sizes"] = [params["cell"]]  # the curated ones: this size only
    return (
        f"SELECT {_OVERVIEW_MASKS['cells']} AS grouped, cell_x, cell_y, event_type, "
        f"{_COUNTED_SUMS}, sum(incidents)::bigint AS placed FROM ({counts}) AS counts "
        f"WHERE {where} GROUP BY cell_x, cell_y, event_type"
    )


def _overview_from_counts(
    selection: IncidentFilter,
    groups: tuple[str, ...] | None,
    hidden: Collection[str],
    params: dict[str, object],
) -> str:
    """:func:`overview`'s per-country and per-period rows, from ``incident_counts`` (and the
    curated incidents, counted on the fly: a hundred rows)."""
    where = _counts_where(selection, params, started="month <= :last_month")
    counts = (
        f"SELECT dataset, {COUNT_COLUMNS} FROM incident_counts WHERE dataset IN "
        f"{_visible_datasets(groups, bool(hidden))} UNION ALL SELECT "
        f"'{CURATED_DATASET}' AS dataset, * FROM ({counts_select('curated_incidents')}) AS c"
    )
    grouped = "GROUPING(country_iso3, year, month, event_type)"
    return (
        f"SELECT CASE {grouped} WHEN 7 THEN {_OVERVIEW_MASKS['countries']} "
        f"WHEN 10 THEN {_OVERVIEW_MASKS['years']} WHEN 12 THEN {_OVERVIEW_MASKS['months']} "
        "END AS grouped, country_iso3, year, month, event_type, "
        f"{_COUNTED_AGGREGATES} FROM (SELECT *, "
        "date_trunc('year', month::timestamp)::date AS year "
        f"FROM ({counts}) AS counts WHERE {where}) AS chosen "
        "GROUP BY GROUPING SETS ((country_iso3), (year, event_type), (month, event_type))"
    )


def totals_from_overview(per_country: pd.DataFrame) -> pd.DataFrame:
    """:func:`country_totals`' table from :func:`overview`'s ``countries`` rows."""
    columns = [
        *("country_iso3", "incidents", "placed", "deaths_low", "deaths_best", "deaths_high"),
        *("unknown_deaths", "west", "south", "east", "north"),
    ]
    table = per_country.reindex(columns=columns)
    for column in columns[1:7]:
        table[column] = pd.to_numeric(table[column]).fillna(0).astype("int64")
    for column in columns[7:]:
        table[column] = pd.to_numeric(table[column]).astype("float64")
    table["country_iso3"] = table["country_iso3"].astype("str").where(table["country_iso3"].notna())
    return table.sort_values(
        ["incidents", "country_iso3"], ascending=[False, True], ignore_index=True
    )


def trend_from_overview(per_period: pd.DataFrame, period: str) -> pd.DataFrame:
    """:func:`trend_counts`' table from :func:`overview`'s ``years`` or ``months`` rows."""
    column = "year" if period == "year" else "month"
    table = pd.DataFrame(
        {
            "period": pd.to_datetime(per_period.get(column, pd.Series(dtype=object))).astype(
                "datetime64[ns]"
            ),
            "event_type": per_period.get("event_type", pd.Series(dtype=object)).astype(object),
        }
    )
    table["incidents"] = pd.to_numeric(per_period.get("incidents")).astype("int64")
    for name in ("deaths_low", "deaths_best", "deaths_high"):
        table[name] = pd.to_numeric(per_period.get(name)).astype("float64")
    best_unknown = pd.to_numeric(per_period.get("unknown_deaths")).astype("int64")
    table["unknown_tolls"] = best_unknown  # a toll is unknown when none of its figures is
    return table.sort_values(["period", "event_type"], ignore_index=True)


def cells_from_overview(per_cell: pd.DataFrame) -> pd.DataFrame:
    """:func:`grid_cells`' table from :func:`overview`'s ``cells`` rows (cell and type)."""
    placed = per_cell[per_cell["cell_x"].notna() & per_cell["cell_y"].notna()]
    if placed.empty:
        return pd.DataFrame(columns=list(_CELL_COLUMNS))
    # The main type: most incidents, ties to the first in alphabetical order (as mode()).
    ranked = placed.sort_values(
        ["cell_x", "cell_y", "incidents", "event_type"], ascending=[True, True, False, True]
    )
    main = ranked.drop_duplicates(["cell_x", "cell_y"]).set_index(["cell_x", "cell_y"])
    numeric = placed.assign(
        **{
            name: pd.to_numeric(placed[name]).fillna(0).astype("float64")
            for name in ("deaths_low", "deaths_best", "deaths_high")
        },
        sum_longitude=pd.to_numeric(placed["sum_longitude"]).astype("float64"),
        sum_latitude=pd.to_numeric(placed["sum_latitude"]).astype("float64"),
    )
    cells = numeric.groupby(["cell_x", "cell_y"], sort=True).agg(
        incidents=("incidents", "sum"),
        deaths_low=("deaths_low", "sum"),
        deaths_best=("deaths_best", "sum"),
        deaths_high=("deaths_high", "sum"),
        sum_longitude=("sum_longitude", "sum"),
        sum_latitude=("sum_latitude", "sum"),
        first=("first", "min"),
        last=("last", "max"),
        unknown_deaths=("unknown_deaths", "sum"),
    )
    cells["longitude"] = cells["sum_longitude"] / cells["incidents"]
    cells["latitude"] = cells["sum_latitude"] / cells["incidents"]
    cells["main_type"] = main["event_type"].reindex(cells.index)
    cells["incidents"] = cells["incidents"].astype("int64")
    cells["unknown_deaths"] = cells["unknown_deaths"].astype("int64")
    for column in ("first", "last"):
        cells[column] = pd.to_datetime(cells[column]).astype("datetime64[us]")
    return cells.reset_index(drop=True)[list(_CELL_COLUMNS)]


def unit_months(
    url: str,
    selection: IncidentFilter,
    *,
    zone_km: float,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> dict[str, pd.DataFrame]:
    """Incidents and deaths per month of the start, counted in one scan: per country
    (``"country"``), per border zone of ``zone_km`` (``"zone"``: incidents within it, by
    their nearest border, as :func:`borderwatch.changes.unit_labels` says) and for the
    whole selection (``"all"``, whose ``unit`` is empty).

    Each frame has ``unit``, ``month`` (first day), ``incidents``, ``deaths_low`` /
    ``deaths_best`` / ``deaths_high`` (sums of the known tolls; missing where every toll
    is unknown) and ``unknown_tolls``, one row per occupied pair, ordered so:
    :func:`borderwatch.trends.complete_unit_series` and
    :func:`borderwatch.changes.change_table_from_months` take them as they are.
    """
    source, params = _query(selection, None, groups, hidden)
    params["unit_zone_km"] = float(zone_km)
    statement = sa.text(
        "SELECT GROUPING(country_iso3, zone) AS grouped, country_iso3, zone, month, "
        "count(*) AS incidents, sum(low) AS deaths_low, sum(best) AS deaths_best, "
        "sum(high) AS deaths_high, count(*) FILTER (WHERE best IS NULL) AS unknown_tolls "
        "FROM (SELECT country_iso3, CASE WHEN border_distance_km <= :unit_zone_km THEN "
        f"nearest_border END AS zone, {_ROW_TOLLS}, "
        f"date_trunc('month', date_start::timestamp)::date AS month {source}) AS chosen "
        "GROUP BY GROUPING SETS ((country_iso3, month), (zone, month), (month)) "
        "ORDER BY 1, 2, 3, 4"
    )
    columns = [
        *("grouped", "country_iso3", "zone", "month", "incidents"),
        *("deaths_low", "deaths_best", "deaths_high", "unknown_tolls"),
    ]
    rows = _grouped_table(
        url,
        statement,
        params,
        columns,
        text=("country_iso3", "zone"),
        dates=("month",),
        hashed=True,
    )
    # GROUPING() bits: country, zone (set where the set leaves the column out).
    kinds = {"country": (0b01, "country_iso3"), "zone": (0b10, "zone"), "all": (0b11, None)}
    out = {}
    for kind, (mask, unit) in kinds.items():
        part = rows[rows["grouped"] == mask]
        if unit is not None:
            part = part[part[unit].notna()]
        out[kind] = pd.DataFrame(
            {
                "unit": (part[unit] if unit else pd.Series("", index=part.index)).astype(object),
                **{c: part[c] for c in rows.columns[3:]},
            }
        ).reset_index(drop=True)
    return out


def zone_counts_by_year(
    url: str,
    selection: IncidentFilter,
    *,
    width_km: float,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Per border pair and year of the start, the incidents of ``selection`` within
    ``width_km`` of their nearest border: what
    :func:`borderwatch.border_stats.zone_counts_by_year` gives (``pair``, ``year``,
    ``incidents``, ``deaths_low`` / ``deaths_best`` / ``deaths_high`` (missing where every
    toll is unknown), ``unknown_tolls``), grouped in SQL."""
    zoned = replace(selection, border_zone_km=float(width_km))
    source, params = _query(zoned, None, groups, hidden)
    return _tally(
        url,
        source,
        params,
        {"pair": "nearest_border", "year": _START_YEAR},
        {"unknown_tolls": _UNKNOWN_TOLLS},
        text=("pair",),
    )


def possibly_in_zone(
    url: str,
    selection: IncidentFilter,
    *,
    width_km: float,
    limit: int,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> tuple[int, list[str]]:
    """How many incidents of ``selection`` (its zone aside) lie outside ``width_km`` of
    their nearest border but could be inside given their location precision (as
    :func:`borderwatch.border_stats.possibly_in_zone` says), and the ids of the first
    ``limit`` (newest first)."""
    unzoned = replace(selection, border_zone_km=None)
    source, params = _query(unzoned, None, groups, hidden, narrow=False)
    params["width_km"] = float(width_km)
    error = " ".join(f"WHEN {code} THEN {km}" for code, km in LOCATION_ERROR_KM.items())
    statement = sa.text(
        "SELECT count(*) OVER () AS total, incident_id FROM (SELECT incident_id, date_start, "
        f"border_distance_km, location_precision {source}) AS chosen "
        "WHERE border_distance_km > :width_km AND border_distance_km - "
        f"(CASE location_precision {error} END) <= :width_km "
        f"ORDER BY date_start DESC, incident_id LIMIT {int(limit)}"
    )
    with connection(url) as conn:
        rows = conn.execute(statement, params).all()
    return (int(rows[0][0]) if rows else 0), [str(row[1]) for row in rows]


def security_by_country_year(
    url: str,
    selection: IncidentFilter,
    *,
    width_km: float,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Per country and year of the start: what :func:`borderwatch.factors.security_by_country_year`
    gives before its share (``country_iso3``, ``year``, ``incidents``, ``deaths_low`` /
    ``deaths_best`` / ``deaths_high`` (missing where every toll is unknown),
    ``in_border_zone``: those within ``width_km`` of a border), grouped in SQL."""
    source, params = _query(selection, None, groups, hidden)
    params["width_km"] = float(width_km)
    return _tally(
        url,
        source,
        params,
        {"country_iso3": "country_iso3", "year": _START_YEAR},
        {"in_border_zone": "count(*) FILTER (WHERE border_distance_km <= :width_km)"},
        text=("country_iso3",),
    )


def sums_by_start(
    url: str,
    selection: IncidentFilter,
    periods: dict[str, tuple[datetime.date, datetime.date]],
    *,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> dict[str, Summary]:
    """Counters (:class:`Summary`) of the incidents ``selection`` keeps that start in each
    period (name -> (first day, day after the last)), counted in one scan."""
    source, params = _query(selection, None, groups, hidden)
    columns = []
    for number, (begin, after) in enumerate(periods.values()):
        params[f"begin_{number}"], params[f"after_{number}"] = begin, after
        within = f"date_start >= :begin_{number} AND date_start < :after_{number}"
        columns += [
            *(f"count(*) FILTER (WHERE {also}{within})" for also in ("", "placed AND ")),
            *(f"coalesce(sum({b}) FILTER (WHERE {within}), 0)" for b in ("low", "best", "high")),
            f"count(*) FILTER (WHERE low IS NULL AND {within})",
        ]
    statement = sa.text(
        f"SELECT {', '.join(columns)} FROM (SELECT date_start, {_ROW_TOLLS} {source}) AS chosen"
    )
    with connection(url) as conn:
        row = [int(value) for value in conn.execute(statement, params).one()]
    return {name: Summary(*row[6 * n : 6 * n + 6]) for n, name in enumerate(periods)}


def dataset_rows(
    url: str,
    selection: IncidentFilter,
    *,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> dict[str, int]:
    """How many incidents of ``selection`` each dataset holds (``curated`` for the
    curated layer): what an export's provenance names."""
    source, params = _query(selection, None, groups, hidden)
    statement = sa.text(f"SELECT dataset, count(*) {source} GROUP BY dataset ORDER BY dataset")
    with connection(url) as conn:
        return {str(key): int(n) for key, n in conn.execute(statement, params).all()}


#: The last day of a placed incident, as playback counts it (no end, or an end before the
#: start: the start).
_LAST_DAY = "greatest(coalesce(date_end, date_start), date_start)"
_PLACED_ROWS = " AND latitude IS NOT NULL AND longitude IS NOT NULL AND date_start IS NOT NULL"


def placed_span(
    url: str,
    selection: IncidentFilter,
    *,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> tuple[int, pd.Timestamp | None, pd.Timestamp | None]:
    """How many incidents of ``selection`` are placed, the first start and the last day
    among them: what playback frames need before anything else."""
    source, params = _query(selection, None, groups, hidden)
    statement = sa.text(
        f"SELECT count(*), min(date_start), max({_LAST_DAY}) {source}{_PLACED_ROWS}"
    )
    with connection(url) as conn:
        placed, first, last = conn.execute(statement, params).one()
    if not placed:
        return 0, None, None
    return int(placed), pd.Timestamp(first), pd.Timestamp(last)


def frame_cell_counts(
    url: str,
    selection: IncidentFilter,
    *,
    origin: pd.Timestamp,
    step: str,
    window: int,
    frames: int,
    cell_deg: float,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> pd.DataFrame:
    """Placed incidents of ``selection`` per playback frame, grid cell and event type, as
    :func:`borderwatch.mapping.playback.frames_from_cell_counts` takes them: frames are
    numbered by month or year (``step``) from ``origin``'s; an incident counts in the
    frames from its start's to ``window - 1`` after its last day's (at most the last of
    ``frames``)."""
    source, params = _query(selection, None, groups, hidden)
    params.update(
        origin_year=origin.year,
        origin_month=origin.month,
        window=int(window),
        frames=int(frames),
        cell=float(cell_deg),
    )

    def period(day: str) -> str:
        years = f"(extract(year FROM {day})::integer - :origin_year)"
        if step == "year":
            return years
        return f"({years} * 12 + extract(month FROM {day})::integer - :origin_month)"

    statement = sa.text(
        "SELECT frame, cell_x, cell_y, event_type, count(*) AS incidents FROM (SELECT "
        "floor(longitude / :cell)::bigint AS cell_x, floor(latitude / :cell)::bigint AS cell_y, "
        f"event_type, {period('date_start')} AS first, "
        f"least({period(_LAST_DAY)} + :window - 1, :frames - 1) AS leave "
        f"{source}{_PLACED_ROWS}) AS placed "
        "CROSS JOIN LATERAL generate_series(first, leave) AS frame GROUP BY 1, 2, 3, 4"
    )
    columns = ["frame", "cell_x", "cell_y", "event_type", "incidents"]
    table = _grouped_table(url, statement, params, columns, text=("event_type",), hashed=True)
    # As the in-memory frames name a missing type (its text).
    table["event_type"] = (
        table["event_type"].astype(object).where(table["event_type"].notna(), "nan")
    )
    return table


def incidents_with_origin(
    url: str,
    selection: IncidentFilter,
    *,
    limit: int,
    groups: tuple[str, ...] | None = None,
    hidden: Collection[str] = (),
) -> tuple[int, gpd.GeoDataFrame]:
    """How many incidents of ``selection`` name an origin country other than their own
    (a cross-border link, :func:`borderwatch.links.cross_border_links`), and the newest
    ``limit`` of them, every column."""
    source, params = _query(selection, None, groups, hidden, narrow=False)
    # The cardinality test is what migration 0006's partial indexes are on; the EXISTS
    # leaves out an origin that is the incident's own country.
    source += (
        " AND cardinality(origin_countries) > 0 AND EXISTS (SELECT 1 FROM "
        "unnest(origin_countries) AS origin WHERE origin IS DISTINCT FROM country_iso3)"
    )
    with connection(url) as conn:
        total = int(conn.execute(sa.text(f"SELECT count(*) {source}"), params).scalar_one())
    return total, _fetch(url, source, params, order=_NEWEST_FIRST, limit=limit)
