"""What the Incident map shows for a selection, from memory or from the team database.

:func:`select` is the one seam: given the prepared data, the sidebar's
:class:`~borderwatch.filters.IncidentFilter` and the data settings, it returns a
:class:`Selection` that answers the page's questions — the counters, the rows to draw
(the incidents when few enough are placed, grid cells otherwise), the table's rows (newest
first, capped), the trend per month or year by type, and the counts per country for the
shading. Embedded mode answers from the prepared frame exactly as the page always did
(:class:`FrameSelection`); team mode (``database_url`` set) answers each question with one
SQL query over the database (:class:`DatabaseSelection`), so a process holds only what a
page shows, never the imported events. Each answer is computed when first asked and kept.

No Streamlit here; ``tests/test_selection.py`` checks that both back ends give the same
answers on the same rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

import geopandas as gpd
import pandas as pd

from borderwatch.aggregate import cell_size_deg, grid_cells
from borderwatch.fatalities import FatalityRange, incident_bounds, sum_fatalities
from borderwatch.filters import IncidentFilter, filter_incidents
from borderwatch.links import cross_border_links
from borderwatch.mapping.playback import (
    Frames,
    PlaybackError,
    Step,
    build_frames,
    check_steps,
    frames_from_cell_counts,
    period_starts,
)
from borderwatch.mapping.view import Bounds, fit_bounds
from borderwatch.proximity import is_placed
from borderwatch.search import normalise, query_terms
from borderwatch.trends import Period, complete_trend, incident_trend

if TYPE_CHECKING:
    from borderwatch.app.prepared import DataSettings, PreparedData


@dataclass(frozen=True)
class Counters:
    """The counters of a selection: incidents, placed ones, deaths as a sourced range
    (sums of the known tolls), incidents of unknown toll, countries."""

    incidents: int
    placed: int
    deaths_low: int
    deaths_best: int
    deaths_high: int
    unknown_deaths: int
    countries: int


@dataclass(frozen=True)
class MapRows:
    """What the map draws: the placed incidents (``incidents``) when at most the configured
    maximum, else their ``cells`` of ``cell_deg`` degrees
    (:func:`~borderwatch.aggregate.grid_cells`)."""

    incidents: gpd.GeoDataFrame | None
    cells: pd.DataFrame | None
    cell_deg: float | None = None


@dataclass(frozen=True)
class TableRows:
    """The table's rows (newest first, at most the limit asked) and how many the selection
    holds: ``len(rows) < total`` means the table is capped."""

    rows: gpd.GeoDataFrame
    total: int

    @property
    def capped(self) -> bool:
        """Whether the selection holds more incidents than the table shows."""
        return len(self.rows) < self.total


class Selection(Protocol):
    """The answers the Incident map needs about one selection."""

    selection: IncidentFilter

    def counters(self) -> Counters: ...
    def bounds(self, countries: gpd.GeoDataFrame) -> Bounds: ...
    def map_rows(self, *, max_points: int, cell_deg: float) -> MapRows: ...
    def table(self, limit: int) -> TableRows: ...
    def trend(self, period: Period) -> pd.DataFrame: ...
    def per_country(self) -> pd.DataFrame: ...


def _per_country_frame(iso3: pd.Series, best: pd.Series) -> pd.DataFrame:
    """``country_iso3``, ``incidents``, ``deaths`` (best estimates, unknown as none), most
    incidents first."""
    table = pd.DataFrame({"country_iso3": iso3.to_numpy(), "deaths": best.fillna(0).to_numpy()})
    grouped = table.groupby("country_iso3")["deaths"].agg(["size", "sum"]).reset_index()
    grouped.columns = ["country_iso3", "incidents", "deaths"]
    grouped = grouped.astype({"incidents": "int64", "deaths": "int64"})
    return grouped.sort_values(
        ["incidents", "country_iso3"], ascending=[False, True], ignore_index=True
    )


@dataclass
class FrameSelection:
    """A selection of the prepared (in-memory) incidents: embedded mode."""

    selection: IncidentFilter
    #: The selected incidents (:func:`~borderwatch.filters.filter_incidents`).
    frame: gpd.GeoDataFrame

    def counters(self) -> Counters:
        """Counted as :func:`borderwatch.ui.widgets.incident_counters` counts."""
        deaths = sum_fatalities(self.frame)
        return Counters(
            incidents=len(self.frame),
            placed=int(is_placed(self.frame).sum()),
            deaths_low=deaths.low,
            deaths_best=deaths.best,
            deaths_high=deaths.high,
            unknown_deaths=deaths.unknown,
            countries=int(self.frame["country_iso3"].nunique()),
        )

    def bounds(self, countries: gpd.GeoDataFrame) -> Bounds:
        """The chosen countries (or the region), widened to every placed incident."""
        return fit_bounds(countries, focus_countries=self.selection.countries, incidents=self.frame)

    def map_rows(self, *, max_points: int, cell_deg: float) -> MapRows:
        """The placed incidents, or their grid cells above ``max_points``."""
        placed = is_placed(self.frame)
        if int(placed.sum()) > max_points:
            return MapRows(None, grid_cells(self.frame, cell_deg=cell_deg), cell_deg)
        return MapRows(self.frame[placed], None)

    def table(self, limit: int) -> TableRows:
        """The ``limit`` newest incidents (by start date)."""
        # argsort of one column, not a sort of the whole (possibly million-row) table
        newest = self.frame["date_start"].to_numpy().argsort(kind="stable")[::-1][:limit]
        return TableRows(self.frame.iloc[newest], len(self.frame))

    def trend(self, period: Period) -> pd.DataFrame:
        """:func:`borderwatch.trends.incident_trend` of the selection."""
        return incident_trend(self.frame, period)

    def per_country(self) -> pd.DataFrame:
        """Incidents and deaths per country, as the map's shading counts them."""
        _, best, _ = incident_bounds(self.frame)
        return _per_country_frame(self.frame["country_iso3"], best)


@dataclass(frozen=True)
class CrossBorderLinks:
    """A selection's cross-border links: those to draw, those whose origin is off the
    map, and how many incidents with an origin the selection has (``total``) against how
    many gave these links (``listed``, the newest)."""

    drawable: pd.DataFrame
    off_map: pd.DataFrame
    total: int
    listed: int

    @property
    def capped(self) -> bool:
        """Whether some incidents with an origin are left out."""
        return self.listed < self.total


@dataclass
class DatabaseSelection:
    """A selection of the incidents in the team database, over the curated layer and the
    enabled datasets the user may see. The counters, the counts per country, the trend
    and (for the expected cell size) the grid cells are counted in one scan
    (:func:`borderwatch.team.db.query.overview`); the table's rows and a small selection's
    incidents are fetched by key. Reports of one event in several datasets are not merged
    here."""

    selection: IncidentFilter
    url: str
    #: Keys of the datasets the user may not see.
    hidden: frozenset[str] = frozenset()
    #: The cell size the map will most likely ask for (:func:`expected_cell_deg`): its
    #: cells are counted in the same scan. ``None``: counted when asked.
    expected_cell_deg: float | None = None

    @cached_property
    def _overview(self) -> dict[str, pd.DataFrame]:
        from borderwatch.team.db import query

        return query.overview(
            self.url, self.selection, cell_deg=self.expected_cell_deg, hidden=self.hidden
        )

    @cached_property
    def _totals(self) -> pd.DataFrame:
        from borderwatch.team.db import query

        return query.totals_from_overview(self._overview["countries"])

    def counters(self) -> Counters:
        """Sums of the counts per country."""
        summed = self._totals.sum(numeric_only=True)
        return Counters(
            incidents=int(summed["incidents"]),
            placed=int(summed["placed"]),
            deaths_low=int(summed["deaths_low"]),
            deaths_best=int(summed["deaths_best"]),
            deaths_high=int(summed["deaths_high"]),
            unknown_deaths=int(summed["unknown_deaths"]),
            countries=int(self._totals["country_iso3"].notna().sum()),
        )

    def bounds(self, countries: gpd.GeoDataFrame) -> Bounds:
        """The chosen countries (or the region), widened to every placed incident."""
        totals = self._totals
        corners = pd.DataFrame(
            {
                "longitude": [totals["west"].min(), totals["east"].max()],
                "latitude": [totals["south"].min(), totals["north"].max()],
            }
        )
        return fit_bounds(countries, focus_countries=self.selection.countries, incidents=corners)

    def map_rows(self, *, max_points: int, cell_deg: float) -> MapRows:
        """The placed incidents, or their grid cells above ``max_points``."""
        from borderwatch.team.db import query

        if self.counters().placed > max_points:
            if cell_deg == self.expected_cell_deg:
                cells = query.cells_from_overview(self._overview["cells"])
            else:
                cells = query.grid_cells(
                    self.url, self.selection, cell_deg=cell_deg, hidden=self.hidden
                )
            return MapRows(None, cells, cell_deg)
        placed = query.select_incidents(
            self.url, self.selection, hidden=self.hidden, placed_only=True
        )
        return MapRows(placed, None)

    def newest(self, limit: int) -> gpd.GeoDataFrame:
        """The ``limit`` newest incidents (by start date): the table's rows."""
        from borderwatch.team.db import query

        return query.select_incidents(self.url, self.selection, limit=limit, hidden=self.hidden)

    def table(self, limit: int) -> TableRows:
        """The ``limit`` newest incidents (by start date)."""
        return TableRows(self.newest(limit), self.counters().incidents)

    def playback_frames(
        self, *, step: Step, window: int, bounds: Bounds, max_points: int
    ) -> tuple[Frames, gpd.GeoDataFrame | None]:
        """Playback frames of the selection, and the placed rows they were made from: up
        to ``max_points`` placed incidents, the rows themselves (fetched; a frame's
        snapshot draws them); above, cell counts made in SQL (no rows)."""
        from borderwatch.team.db import query

        check_steps(step, window)
        placed, first, last = query.placed_span(self.url, self.selection, hidden=self.hidden)
        if not placed or first is None or last is None:
            raise PlaybackError("No incident in the selection has both a place and a date to play.")
        if placed <= max_points:
            rows = query.select_incidents(
                self.url, self.selection, hidden=self.hidden, placed_only=True
            )
            frames = build_frames(
                rows, step=step, window=window, bounds=bounds, max_points=max_points
            )
            return frames, rows
        cell_deg = cell_size_deg(bounds)
        counted = query.frame_cell_counts(
            self.url,
            self.selection,
            origin=period_starts(first, first, step)[0],
            step=step,
            window=window,
            frames=len(period_starts(first, last, step)),
            cell_deg=cell_deg,
            hidden=self.hidden,
        )
        frames = frames_from_cell_counts(
            counted, span=(first, last), step=step, window=window, cell_deg=cell_deg
        )
        return frames, None

    def links(self, anchors: Mapping[str, tuple[float, float]], *, limit: int) -> CrossBorderLinks:
        """The cross-border links of the newest ``limit`` incidents that name an origin
        country other than their own (:func:`borderwatch.links.cross_border_links`), and
        how many such incidents the selection has."""
        from borderwatch.team.db import query

        total, rows = query.incidents_with_origin(
            self.url, self.selection, limit=limit, hidden=self.hidden
        )
        drawable, off_map = cross_border_links(rows, anchors)
        return CrossBorderLinks(drawable, off_map, total, len(rows))

    def dataset_rows(self) -> dict[str, int]:
        """How many incidents of the selection each dataset holds (``curated`` included)."""
        from borderwatch.team.db import query

        return query.dataset_rows(self.url, self.selection, hidden=self.hidden)

    def unit_months(self, zone_km: float) -> dict[str, pd.DataFrame]:
        """Incidents and deaths per month, per country and per border zone of ``zone_km``
        (:func:`borderwatch.team.db.query.unit_months`)."""
        from borderwatch.team.db import query

        return query.unit_months(self.url, self.selection, zone_km=zone_km, hidden=self.hidden)

    def zone_counts_by_year(self, width_km: float) -> pd.DataFrame:
        """Incidents and deaths per border pair and year within ``width_km`` of the border
        (:func:`borderwatch.border_stats.zone_counts_by_year`' columns)."""
        from borderwatch.team.db import query

        return query.zone_counts_by_year(
            self.url, self.selection, width_km=width_km, hidden=self.hidden
        )

    def possibly_in_zone(self, width_km: float, *, limit: int) -> tuple[int, list[str]]:
        """How many incidents lie outside ``width_km`` of their border but could be inside
        given their location precision, and the ids of the newest ``limit``."""
        from borderwatch.team.db import query

        return query.possibly_in_zone(
            self.url, self.selection, width_km=width_km, limit=limit, hidden=self.hidden
        )

    def security_by_country_year(self, width_km: float) -> pd.DataFrame:
        """Incidents and deaths per country and year, and those within ``width_km`` of a
        border (before :func:`borderwatch.factors.with_border_share`)."""
        from borderwatch.team.db import query

        return query.security_by_country_year(
            self.url, self.selection, width_km=width_km, hidden=self.hidden
        )

    def sums_by_start(
        self, periods: dict[str, tuple[pd.Timestamp, pd.Timestamp]]
    ) -> dict[str, tuple[int, FatalityRange]]:
        """The incidents that start in each period (name -> (first day, day after the
        last)) and their deaths, as :func:`borderwatch.cooperation.period_counts` takes
        them; every period counted in one scan."""
        from borderwatch.team.db import query

        days = {name: (begin.date(), end.date()) for name, (begin, end) in periods.items()}
        sums = query.sums_by_start(self.url, self.selection, days, hidden=self.hidden)
        return {
            name: (
                summed.incidents,
                FatalityRange(
                    low=summed.deaths_low,
                    best=summed.deaths_best,
                    high=summed.deaths_high,
                    unknown=summed.unknown_deaths,
                ),
            )
            for name, summed in sums.items()
        }

    def trend(self, period: Period) -> pd.DataFrame:
        """The trend counted in SQL, completed as :func:`borderwatch.trends.incident_trend`."""
        from borderwatch.team.db import query

        counts = self._overview["years" if period == "year" else "months"]
        if counts.empty:
            return complete_trend(counts, period)
        return complete_trend(query.trend_from_overview(counts, period), period)

    def per_country(self) -> pd.DataFrame:
        """Incidents and deaths per country, as the map's shading counts them."""
        totals = self._totals.dropna(subset=["country_iso3"])
        out = totals[["country_iso3", "incidents", "deaths_best"]].rename(
            columns={"deaths_best": "deaths"}
        )
        return out.sort_values(
            ["incidents", "country_iso3"], ascending=[False, True], ignore_index=True
        ).astype({"incidents": "int64", "deaths": "int64"})


def expected_cell_deg(prepared: PreparedData, selection: IncidentFilter) -> float:
    """The grid cell size of the map of ``selection`` when its incidents lie inside the
    chosen countries (or the region): the size the page then asks for."""
    return cell_size_deg(
        fit_bounds(prepared.display_countries, focus_countries=selection.countries)
    )


def database_selection(
    prepared: PreparedData, selection: IncidentFilter, data_settings: DataSettings | None
) -> DatabaseSelection | None:
    """The team database's answers about ``selection`` when ``data_settings`` names a
    database (over the datasets the user may see); ``None`` in the embedded mode."""
    if data_settings is None or not data_settings.database_url:
        return None
    return DatabaseSelection(
        selection,
        data_settings.database_url,
        frozenset(data_settings.hidden_datasets),
        expected_cell_deg(prepared, selection),
    )


def select(
    prepared: PreparedData, selection: IncidentFilter, data_settings: DataSettings
) -> Selection:
    """The page's answers about ``selection``: from the prepared frame (embedded), or from
    the team database when ``data_settings`` names one."""
    database = database_selection(prepared, selection, data_settings)
    if database is not None:
        return database
    return FrameSelection(selection, filter_incidents(prepared.incidents, selection))


@dataclass(frozen=True)
class Hits:
    """Incidents a search found: the first few (best first) and how many match."""

    rows: gpd.GeoDataFrame
    total: int


def search_database(
    data_settings: DataSettings,
    text: str,
    country_names: Mapping[str, Iterable[str]],
    *,
    limit: int,
) -> Hits:
    """Team mode's search, in SQL: every word of ``text`` must be in an incident's id, name,
    place, perpetrator or summary, or in one of its country's ``country_names`` (ISO3 ->
    names in any language), ignoring case and Latin accents (PostgreSQL's ``unaccent``;
    the embedded search also folds Arabic letter variants, this one does not). At most
    ``limit`` rows: an exact id first, then name matches, newest first."""
    from borderwatch.team.db import query

    terms = query_terms(text)
    folded = {
        code: " ".join(normalise(n) for n in names if isinstance(n, str) and n)
        for code, names in country_names.items()
    }
    codes = tuple(tuple(c for c, names in folded.items() if term in names) for term in terms)
    rows, total = query.search(
        data_settings.database_url,
        terms,
        codes,
        limit=limit,
        hidden=data_settings.hidden_datasets,
    )
    return Hits(rows, total)


def incidents_by_id(
    data_settings: DataSettings, ids: Collection[str], selection: IncidentFilter | None = None
) -> gpd.GeoDataFrame:
    """Team mode: the shown incidents whose ids are in ``ids`` (those ``selection`` keeps,
    when given), with every column, from the database."""
    from borderwatch.team.db import query

    return query.incidents_by_id(
        data_settings.database_url,
        ids,
        selection=selection,
        hidden=data_settings.hidden_datasets,
    )


@dataclass(frozen=True)
class IncidentMapAnswers:
    """Everything the Incident map shows of one selection, computed at once: what a page
    keeps (and a server may share between sessions asking the same)."""

    counters: Counters
    bounds: Bounds
    map_rows: MapRows
    per_country: pd.DataFrame
    trends: Mapping[str, pd.DataFrame]
    table: TableRows


def incident_map_answers(
    answers: Selection,
    countries: gpd.GeoDataFrame,
    *,
    max_points: int,
    table_limit: int,
) -> IncidentMapAnswers:
    """The Incident map's answers about a selection (``countries``: the display layer the
    map fits). In team mode the table's rows are fetched while the counts are made, on
    another connection: two queries at once instead of one after the other."""
    if isinstance(answers, DatabaseSelection):
        with ThreadPoolExecutor(max_workers=1) as pool:
            newest = pool.submit(answers.newest, table_limit)
            counted = answers.counters()
            table = TableRows(newest.result(), counted.incidents)
    else:
        table = answers.table(table_limit)
    bounds = answers.bounds(countries)
    return IncidentMapAnswers(
        counters=answers.counters(),
        bounds=bounds,
        map_rows=answers.map_rows(max_points=max_points, cell_deg=cell_size_deg(bounds)),
        per_country=answers.per_country(),
        trends={period: answers.trend(period) for period in ("year", "month")},
        table=table,
    )
