"""Arrangements in force, and border regimes (closures, barriers) for a given year."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd


def in_force(arrangements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Arrangements in force at some point in ``year``.

    Started on or before the year's end, and either ongoing, of unknown end (assumed still
    in force: the data says when that is unverified), or ended no earlier than the year's
    start.
    """
    started = arrangements["date_start"].dt.year <= year
    ended_before = arrangements["date_end"].notna() & (arrangements["date_end"].dt.year < year)
    return arrangements[started & ~ended_before]


def border_regimes(arrangements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Closures and unilateral border measures tied to one border, in force in ``year``."""
    current = in_force(arrangements, year)
    is_regime = (current["kind"] == "border_closure") | (
        (current["scope"] == "unilateral") & (current["kind"] == "border_security")
    )
    return current[is_regime & (current["border_pair"] != "")]


def regime_lines(
    regimes: pd.DataFrame, borders: gpd.GeoDataFrame, barriers: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Lines to draw for border regimes.

    A barrier with a line in ``barriers`` (matched on ``arrangement_id``) is drawn there; any
    other regime (closures) along its whole border line.
    """
    border_lines = borders.set_index("pair")["geometry"]
    barrier_lines = barriers.set_index("arrangement_id")
    geometries, notes = [], []
    for regime in regimes.itertuples():
        if regime.arrangement_id in barrier_lines.index:
            geometries.append(barrier_lines.loc[regime.arrangement_id, "geometry"])
            notes.append(barrier_lines.loc[regime.arrangement_id, "geometry_note"])
        else:
            geometries.append(border_lines.get(regime.border_pair))
            notes.append("")
    out = gpd.GeoDataFrame(regimes.copy(), geometry=geometries, crs="EPSG:4326")
    out["geometry_note"] = notes
    return out[out.geometry.notna()]
