"""One map view: what a map shows, where it looks, how it is titled, credited and keyed.

A :class:`MapView` is built once per map by a page-level builder
(:func:`borderwatch.mapping.incident_map.incident_map_view` and its siblings) and handed, as
it is, to every renderer: the Leaflet map (:func:`borderwatch.mapping.folium_map.folium_map`),
the static snapshot (:func:`borderwatch.exports.snapshot.render_snapshot`), the standalone
HTML export and the export panel. None of them recomputes the bounds or the legend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import pandas as pd

from borderwatch.mapping.legend import LegendSection, legend_for

if TYPE_CHECKING:
    from borderwatch.mapping.playback import Playback

#: The map's credit line (no tile layer gives one).
ATTRIBUTION = "Borders: Natural Earth (public domain) · Incidents: BorderWatch, cited per incident"


class Bounds(NamedTuple):
    """The extent a map must show, in degrees: ``(west, south, east, north)``.

    As a tuple it reads as ``(minx, miny, maxx, maxy)``, the order of
    :attr:`geopandas.GeoSeries.total_bounds`.
    """

    west: float
    south: float
    east: float
    north: float

    @property
    def corners(self) -> list[list[float]]:
        """``[[south, west], [north, east]]``, the order of Leaflet's ``fitBounds``."""
        return [[self.south, self.west], [self.north, self.east]]


def fit_bounds(
    countries: gpd.GeoDataFrame,
    *,
    focus_countries: tuple[str, ...] = (),
    geometries: gpd.GeoSeries | None = None,
    incidents: pd.DataFrame | None = None,
) -> Bounds:
    """The extent around what the analyst selected: the one place bounds are computed.

    Parameters
    ----------
    countries
        The country layer, with ``iso3`` and ``focus`` columns.
    focus_countries
        Countries chosen by the analyst; empty means every focus country of the region.
    geometries
        Geometries the view must show instead of the countries (e.g. a border zone).
    incidents
        Incidents the view must include; rows without coordinates are ignored.

    Returns
    -------
    Bounds
        The chosen geometries if given, else the chosen countries, else all focus
        countries; widened to include the placed incidents.
    """
    if geometries is not None and not geometries.empty:
        minx, miny, maxx, maxy = geometries.total_bounds
    else:
        chosen = countries["iso3"].isin(focus_countries) if focus_countries else countries["focus"]
        minx, miny, maxx, maxy = countries[chosen].total_bounds
    if incidents is not None and not incidents.empty:
        placed = incidents[["longitude", "latitude"]].dropna()
        if not placed.empty:
            minx = min(minx, placed["longitude"].min())
            maxx = max(maxx, placed["longitude"].max())
            miny = min(miny, placed["latitude"].min())
            maxy = max(maxy, placed["latitude"].max())
    return Bounds(float(minx), float(miny), float(maxx), float(maxy))


@dataclass(frozen=True, eq=False)
class ArrangementLayer:
    """Cooperation arrangements as the cooperation map draws them.

    Parameters
    ----------
    table
        The arrangements shown (rows of ``cooperation.csv``, already limited to a year and
        the analyst's filters).
    lines
        Their border lines and arcs (:func:`borderwatch.mapping.cooperation_map.arrangement_lines`).
    shown_multilateral
        ``arrangement_id`` of the multilateral arrangement whose members are shaded; on the
        interactive map the others are layers the analyst can switch on.
    """

    table: pd.DataFrame
    lines: gpd.GeoDataFrame
    shown_multilateral: str | None = None

    @property
    def multilateral(self) -> pd.DataFrame:
        """The multilateral arrangements, drawn as their member states."""
        return self.table[self.table["scope"] == "multilateral"]

    def shown(self) -> pd.Series | None:
        """The row of the shaded multilateral arrangement, or ``None``."""
        if self.shown_multilateral is None:
            return None
        return self.table.set_index("arrangement_id").loc[self.shown_multilateral]


@dataclass(frozen=True)
class Focus:
    """An incident the map should show: centre on it and open its popup, in place.

    Set by the page (e.g. from a table row the analyst picked); the map applies a focus
    once, when it changes, and otherwise keeps the analyst's pan and zoom.

    Parameters
    ----------
    incident_id
        The incident whose popup opens (an ``incident_id`` of the view's incidents).
    latitude, longitude
        Where to centre, in degrees.
    zoom
        The zoom level to show it at.
    """

    incident_id: str
    latitude: float
    longitude: float
    zoom: int = 8

    def __post_init__(self) -> None:
        if not (math.isfinite(self.latitude) and math.isfinite(self.longitude)):
            raise ValueError(f"focus needs a finite position, got {self!r}")


#: Columns each layer must have for every renderer to draw it.
REQUIRED_COLUMNS: dict[str, frozenset[str]] = {
    "countries": frozenset({"iso3", "name_en", "focus", "disputed"}),
    "borders": frozenset({"pair", "disputed"}),
    "incidents": frozenset({"longitude", "latitude", "event_type", "fatalities_best"}),
    "zones": frozenset({"width_km"}),
    "links": frozenset({"origin_lon", "origin_lat", "target_lon", "target_lat"}),
    "crossings": frozenset({"longitude", "latitude", "name"}),
    "regimes": frozenset({"kind"}),
    "changes": frozenset({"flag", "name", "detail"}),
}
_GEO_LAYERS = ("countries", "borders", "zones", "regimes", "changes")


@dataclass(frozen=True, eq=False, kw_only=True)
class MapView:
    """Everything one map shows, for every renderer. Build it with a page-level builder.

    Layers are in EPSG:4326 longitude/latitude (a projected GeoDataFrame is converted when
    the view is made). ``legend`` and ``files`` are derived from the layers, once.

    Parameters
    ----------
    title
        What the map shows; the default title of its exports.
    filter_description
        The filters behind the view, in words (printed on exports).
    countries
        Country polygons: the basemap (``iso3``, ``name_en``, ``focus``, ``disputed``).
    borders
        Border lines (``pair``, ``disputed``; ``name`` and ``length_km`` for tooltips).
    bounds
        The extent to show (:func:`fit_bounds`); a snapshot widens it to fill its frame.
    country_names
        ISO3 -> English name, for popups.
    incidents
        Incidents to draw (``longitude``, ``latitude``, ``event_type``, ``fatalities_best``),
        or ``None`` for a map that is not about incidents (then no incident legend and no
        "no incidents match" note).
    zones
        Border-zone polygons with ``width_km``, or ``None``.
    links
        Cross-border links (:func:`borderwatch.links.cross_border_links`), or ``None``.
    crossings
        Border crossing points (``longitude``, ``latitude``, ``name``), or ``None``.
    regimes
        Border regime lines with ``kind``: ``"border_closure"`` is a closed border, any other
        kind a barrier; or ``None``.
    regime_year
        The year the regimes are in force, named in the layer control.
    highlight_pairs
        Border pairs drawn heavier, as the selected borders.
    arrangements
        Cooperation arrangements (:class:`ArrangementLayer`), or ``None``.
    attribution
        The credit line shown on the map.
    focus
        An incident to centre on and open (:class:`Focus`), or ``None``. The interactive
        map applies it in place; exports ignore it.
    changes
        Border zones and countries whose incidents rose or fell significantly
        (:mod:`borderwatch.changes`): polygons with ``flag`` (``"rise"`` or ``"fall"``),
        ``name`` and ``detail`` (the figures, in words), or ``None``.
    cells, cell_deg
        The incidents already counted per grid cell of ``cell_deg`` degrees
        (:func:`borderwatch.aggregate.grid_cells`' columns), drawn instead of ``incidents``
        (which may then be empty): team mode counts them in the database. ``None``: the
        renderer counts ``incidents`` itself when there are many.
    country_counts
        Incidents and deaths per country (``country_iso3``, ``incidents``, ``deaths``) for
        the shading, when counted elsewhere (team mode); ``None``: from ``incidents``.
    playback
        The incidents as frames played in the browser
        (:class:`~borderwatch.mapping.playback.Playback`), or ``None``. The interactive map
        then draws the frames instead of all incidents at once; exports draw ``incidents``
        (:func:`~borderwatch.mapping.playback.frame_view` narrows them to one frame).

    Raises
    ------
    ValueError
        If ``bounds`` is not four finite numbers or a layer lacks a column it needs.
    """

    title: str
    filter_description: str
    countries: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    bounds: Bounds
    country_names: Mapping[str, str] = field(default_factory=dict)
    incidents: pd.DataFrame | None = None
    zones: gpd.GeoDataFrame | None = None
    links: pd.DataFrame | None = None
    crossings: pd.DataFrame | None = None
    regimes: gpd.GeoDataFrame | None = None
    regime_year: int | None = None
    highlight_pairs: tuple[str, ...] = ()
    arrangements: ArrangementLayer | None = None
    attribution: str = ATTRIBUTION
    focus: Focus | None = None
    changes: gpd.GeoDataFrame | None = None
    playback: Playback | None = None
    cells: pd.DataFrame | None = None
    cell_deg: float | None = None
    country_counts: pd.DataFrame | None = None
    #: Legend sections, derived from the layers (:func:`borderwatch.mapping.legend.legend_for`).
    legend: tuple[LegendSection, ...] = field(init=False)
    #: Files of the data layer the view is drawn from, for the exports' provenance.
    files: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        # Frozen: derived and normalised fields are set once, here, through object.__setattr__.
        object.__setattr__(self, "bounds", _checked_bounds(self.bounds))
        for name in _GEO_LAYERS:
            object.__setattr__(self, name, _in_lonlat(getattr(self, name)))
        for name, columns in REQUIRED_COLUMNS.items():
            _check_columns(name, getattr(self, name), columns)
        object.__setattr__(self, "legend", legend_for(self))
        object.__setattr__(self, "files", _source_files(self))
        if self.attribution == ATTRIBUTION:  # the default: credit what is drawn, no more
            object.__setattr__(self, "attribution", _credits(self))

    @property
    def zone_km(self) -> float | None:
        """Width of the border zones drawn, or ``None`` when none are."""
        if self.zones is None or self.zones.empty:
            return None
        return float(self.zones["width_km"].iloc[0])


def _checked_bounds(bounds: tuple[float, float, float, float]) -> Bounds:
    values = tuple(float(v) for v in bounds)
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"bounds must be four finite numbers, got {bounds!r}")
    return Bounds(*values)


def _in_lonlat(frame: Any) -> Any:
    """A GeoDataFrame in EPSG:4326 (one without a CRS is taken as it); others unchanged."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        return frame
    return frame if frame.crs.equals("EPSG:4326") else frame.to_crs("EPSG:4326")


def _check_columns(name: str, frame: pd.DataFrame | None, columns: frozenset[str]) -> None:
    if frame is None:
        return
    missing = sorted(columns - set(frame.columns))
    if missing:
        raise ValueError(f"the {name} layer lacks column(s) {', '.join(missing)}")


def _credits(view: MapView) -> str:
    """The credit line for what the view draws (a map without incidents names none)."""
    parts = ["Borders: Natural Earth (public domain)"]
    if view.incidents is not None:
        parts.append("Incidents: BorderWatch, cited per incident")
    drawn_regimes = view.regimes is not None and not view.regimes.empty
    if view.arrangements is not None or drawn_regimes:
        parts.append("Arrangements: BorderWatch, cited per arrangement")
    if view.crossings is not None and not view.crossings.empty:
        parts.append("Crossings: BorderWatch, cited per crossing")
    if view.changes is not None:
        parts.append("Changes: tested on BorderWatch incidents")
    return " · ".join(parts)


def _source_files(view: MapView) -> tuple[str, ...]:
    """The data-layer files behind the drawn layers, in a fixed order."""
    regimes = view.regimes
    barriers = regimes is not None and bool((regimes["kind"] != "border_closure").any())
    wanted = [
        ("incidents.csv", view.incidents is not None or view.changes is not None),
        ("cooperation.csv", view.arrangements is not None),
        ("borders.geojson", True),
        ("countries.geojson", True),
        ("crossings.csv", view.crossings is not None and not view.crossings.empty),
        ("cooperation.csv", regimes is not None and not regimes.empty),
        ("barriers.geojson", barriers),
    ]
    return tuple(dict.fromkeys(name for name, used in wanted if used))
