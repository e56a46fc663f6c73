"""Plausibility of mapped incidents: dates in a sane span, points inside their country.

The contract (:mod:`~borderwatch.importers.contract`) checks that a row is well formed; this
checks that it is believable, with bounds stated in :mod:`borderwatch.config`:

- dates: from 1 January of ``earliest_event_year`` (1900) to ``future_event_days`` (366)
  after today. A row outside is rejected: a year such as 0000 or 2913 is a typing or
  conversion error, and such a date would break every page that draws a timeline.
- death tolls are bounded where they are read (:func:`~borderwatch.importers.convert.
  as_death_counts`, ``max_event_deaths``).
- places: a point that lies outside the country the row names, by more than its location
  precision allows (:data:`PLACE_TOLERANCE_KM`), is *flagged*: accepted, with a note in its
  ``unverified`` column and a line in :attr:`~borderwatch.importers.ImportResult.flags`.
  A point whose latitude and longitude, swapped, fall inside the named country while the
  point as given does not is *rejected* as a latitude/longitude swap. Only points inside the
  area the bundled country layer covers are checked (outside it there is nothing to check
  against).

Distances are geodesic (WGS84) from the point to the nearest point of the country's
outline found in longitude/latitude; near the equator and at these distances the
difference from the true nearest point is well below the tolerances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from borderwatch.config import Settings, settings
from borderwatch.importers.base import Rejections, empty_rejections

#: How far outside its country (km) a point may lie, by location precision code, before
#: it is flagged: the precision's expected error plus 5 km for the generalised outline
#: (Natural Earth 1:10m) and coastal events.
PLACE_TOLERANCE_KM: dict[int, float] = {1: 10.0, 2: 35.0, 3: 65.0, 4: 155.0}
_UNKNOWN_PRECISION_KM = 155.0
_GEOD = Geod(ellps="WGS84")

#: Columns of the flag table.
FLAG_COLUMNS = ("row", "original_id", "field", "note")


def empty_flags() -> pd.DataFrame:
    """A flag table with no rows."""
    return empty_rejections().rename(columns={"reason": "note"})


@dataclass(frozen=True)
class DateBounds:
    """The span of dates an imported event may have."""

    earliest: pd.Timestamp
    latest: pd.Timestamp

    @classmethod
    def from_config(cls, config: Settings | None = None) -> DateBounds:
        config = config or settings()
        today = pd.Timestamp(dt.date.today())
        return cls(
            earliest=pd.Timestamp(year=max(int(config.earliest_event_year), 1), month=1, day=1),
            latest=today + pd.Timedelta(days=int(config.future_event_days)),
        )

    def describe(self) -> str:
        return f"{self.earliest:%Y-%m-%d} to {self.latest:%Y-%m-%d}"


def implausible_dates(incidents: pd.DataFrame, bounds: DateBounds) -> dict[str, pd.Series]:
    """Per date column, true where the date lies outside ``bounds``."""
    out = {}
    for column in ("date_start", "date_end"):
        values = incidents[column]
        # Compare as integers: years such as 0000 are outside what Timestamps represent.
        days = values.to_numpy(dtype="datetime64[D]").astype("int64")
        nat = values.isna().to_numpy()
        earliest = np.datetime64(bounds.earliest.date(), "D").astype("int64")
        latest = np.datetime64(bounds.latest.date(), "D").astype("int64")
        out[column] = pd.Series(~nat & ((days < earliest) | (days > latest)), index=values.index)
    return out


def _date_text(values: pd.Series) -> pd.Series:
    return pd.Series(
        np.datetime_as_string(values.to_numpy(dtype="datetime64[D]"), unit="D"), index=values.index
    )


def check_dates(incidents: pd.DataFrame, bounds: DateBounds | None = None) -> pd.DataFrame:
    """Rejections (standard columns, ``row`` = index + 1) of rows dated outside the bounds."""
    bounds = bounds or DateBounds.from_config()
    rejections = Rejections(
        incidents["original_id"].astype("str").set_axis(pd.RangeIndex(len(incidents)))
    )
    for column, bad in implausible_dates(incidents, bounds).items():
        mask = bad.to_numpy()
        if not mask.any():
            continue
        text = _date_text(incidents[column]).set_axis(pd.RangeIndex(len(incidents)))
        reasons = (
            "'"
            + text[mask]
            + f"' is outside the plausible span {bounds.describe()}: correct the date in the "
            "file (a mistyped or spreadsheet-converted year?) and import it again"
        )
        rejections.add(mask, column, reasons)
    table = rejections.table()
    table["row"] = np.asarray(incidents.index, dtype="int64")[table["row"].to_numpy() - 1] + 1
    return table


@dataclass(frozen=True)
class PlaceCheck:
    """What :func:`check_places` found, by position in the incident table."""

    swapped: np.ndarray  # bool: latitude and longitude swapped (reject)
    outside_km: np.ndarray  # float: km outside the named country (NaN: inside or unchecked)
    tolerance_km: np.ndarray  # float: what the row's precision allows


def check_places(incidents: pd.DataFrame, countries: gpd.GeoDataFrame | None) -> PlaceCheck:
    """Points outside their named country beyond their precision, and lat/lon swaps."""
    count = len(incidents)
    swapped = np.zeros(count, dtype=bool)
    outside = np.full(count, np.nan)
    precision = incidents["location_precision"].astype("Float64").to_numpy(na_value=np.nan)
    tolerance = (
        np.array(
            [
                PLACE_TOLERANCE_KM.get(int(p), _UNKNOWN_PRECISION_KM)
                if p == p
                else _UNKNOWN_PRECISION_KM
                for p in precision
            ]
        )
        if count
        else np.zeros(0)
    )
    if countries is None or countries.empty or count == 0:
        return PlaceCheck(swapped, outside, tolerance)
    lat = incidents["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = incidents["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    iso3 = incidents["country_iso3"].astype("str").to_numpy()
    west, south, east, north = countries.total_bounds

    def inside_layer(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= west) & (x <= east) & (y >= south) & (y <= north)

    shapes = dict(zip(countries["iso3"], countries.geometry, strict=False))
    for code in pd.unique(iso3):
        shape = shapes.get(code)
        if shape is None or shape.is_empty:
            continue
        rows = np.flatnonzero((iso3 == code) & ~np.isnan(lat) & ~np.isnan(lon))
        rows = rows[inside_layer(lon[rows], lat[rows])]
        if not len(rows):
            continue
        shapely.prepare(shape)
        within = shapely.contains_xy(shape, lon[rows], lat[rows]) | shapely.intersects_xy(
            shape, lon[rows], lat[rows]
        )
        out_rows = rows[~within]
        if not len(out_rows):
            continue
        as_swapped = inside_layer(lat[out_rows], lon[out_rows])
        swapped_in = np.zeros(len(out_rows), dtype=bool)
        if as_swapped.any():
            candidates = out_rows[as_swapped]
            swapped_in[as_swapped] = shapely.contains_xy(shape, lat[candidates], lon[candidates])
        swapped[out_rows[swapped_in]] = True
        far_rows = out_rows[~swapped_in]
        if not len(far_rows):
            continue
        points = shapely.points(lon[far_rows], lat[far_rows])
        nearest = shapely.get_point(shapely.shortest_line(shape, points), 0)
        _, _, metres = _GEOD.inv(
            lon[far_rows], lat[far_rows], shapely.get_x(nearest), shapely.get_y(nearest)
        )
        outside[far_rows] = np.asarray(metres) / 1000.0
    return PlaceCheck(swapped, outside, tolerance)
