"""The on-disk copy of prepared data: fast to read back, safe to lose.

A copy is a folder ``<key>.prepared/`` holding the incident table as an uncompressed
Arrow IPC file and everything else pickled. The incident table is written in a shape that
reads back quickly at a million rows: one record batch (memory-mapped on reading, so text
columns are not copied), tuple cells (sources, origins) as codes into a small table of
distinct tuples, point geometries as x/y columns. A folder is written under a
temporary name and renamed, so a reader never sees half of one; a damaged or unreadable
copy is removed and rebuilt, never an error.
"""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import shapely
from geopandas.array import GeometryArray

if TYPE_CHECKING:
    from borderwatch.app.prepared import PreparedData

SUFFIX = ".prepared"
_TABLE, _REST = "incidents.arrow", "rest.pickle"
_X, _Y = "__x", "__y"


@dataclass(frozen=True)
class _TableLayout:
    """What turns the stored Arrow table back into the incident table."""

    index: pd.Index
    columns: list[str]
    crs: object
    #: Per object column: the distinct values its codes point into.
    distinct: dict[str, np.ndarray]
    #: Geometry stored as x/y (points) rather than WKB.
    points: bool


def _encode(incidents: gpd.GeoDataFrame) -> tuple[pd.DataFrame, _TableLayout]:
    table = pd.DataFrame(incidents.drop(columns="geometry")).reset_index(drop=True)
    distinct: dict[str, np.ndarray] = {}
    for column in [c for c in table.columns if pd.api.types.is_object_dtype(table[c])]:
        codes, values = pd.factorize(table[column], use_na_sentinel=False)
        table[column] = codes.astype("int32")
        distinct[column] = np.asarray(values, dtype=object)
    geometry = incidents.geometry.array
    kinds = shapely.get_type_id(geometry)
    points = bool(np.isin(kinds, (-1, 0)).all())  # missing or Point only
    if points:
        table[_X], table[_Y] = shapely.get_x(geometry), shapely.get_y(geometry)
        table[_X] = table[_X].where(kinds == 0)
    else:
        table[_X] = shapely.to_wkb(geometry)
    layout = _TableLayout(incidents.index, list(incidents.columns), incidents.crs, distinct, points)
    return table, layout


def _decode(table: pd.DataFrame, layout: _TableLayout) -> gpd.GeoDataFrame:
    for column, values in layout.distinct.items():
        table[column] = pd.Series(values[table[column].to_numpy()], dtype=object)
    if layout.points:
        x, y = table.pop(_X).to_numpy(), table.pop(_Y).to_numpy()
        geometry = shapely.points(x, y)
        geometry[np.isnan(x)] = None
    else:
        geometry = shapely.from_wkb(table.pop(_X).to_numpy())
    table.index = layout.index
    points = gpd.GeoSeries(GeometryArray(geometry, crs=layout.crs), index=table.index)
    return gpd.GeoDataFrame(table, geometry=points)[layout.columns]


def write(folder: Path, prepared: PreparedData, *, keep: int = 2) -> None:
    """Store ``prepared`` as ``folder`` (``<key>.prepared``), keeping the ``keep`` newest
    copies beside it. A copy that cannot be written only costs the next start time."""
    table, layout = _encode(prepared.incidents)
    rest = replace(prepared, incidents=prepared.incidents.iloc[:0])
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
        feather.write_feather(
            pa.Table.from_pandas(table, preserve_index=False),
            temporary / _TABLE,
            compression="uncompressed",
            # One chunk per column: selecting rows of a many-chunk Arrow string column is
            # ten times slower, and every filter selects rows.
            chunksize=max(len(table), 1),
        )
        with (temporary / _REST).open("wb") as stream:
            pickle.dump((rest, layout), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.rename(temporary, folder)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return
    copies = sorted(folder.parent.glob(f"*{SUFFIX}"), key=os.path.getmtime, reverse=True)
    for stale in copies[keep:]:
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Reading makes a million small objects (distinct tuples, geometries) that all live on;
    # the cyclic collector would walk them again and again while they are made.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(folder: Path) -> PreparedData | None:
    """The prepared data stored in ``folder``, or ``None`` if there is no usable copy."""
    from borderwatch.app.prepared import PreparedData

    if not folder.is_dir():
        return None
    try:
        with _collector_paused(), (folder / _REST).open("rb") as stream:
            rest, layout = pickle.load(stream)
            # Memory-mapped: text columns stay in the file's pages, shared and not copied.
            # Copies are written once under a new name and never changed in place.
            # (A copy is one batch already; combining one chunk copies nothing.)
            table = feather.read_table(folder / _TABLE, memory_map=True).combine_chunks()
            prepared = replace(rest, incidents=_decode(table.to_pandas(), layout))
    except Exception:  # a damaged or stale copy is rebuilt, never fatal
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return prepared if isinstance(prepared, PreparedData) else None
