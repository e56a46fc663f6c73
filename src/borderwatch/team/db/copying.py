"""Incident tables in and out of PostgreSQL by COPY (CSV), the fast path for a million rows.

Writing: each column is turned into CSV text the way PostgreSQL reads it (dates as ISO
days, tuples as array literals, points as hex EWKB, missing values as ``\\N``).
Reading: ``COPY (SELECT …) TO STDOUT`` is parsed by pandas and typed as the incident
contract says (:data:`~borderwatch.schemas.IMPORTED_INCIDENTS`), so a table loaded from the
database is the table the file store would give.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from sqlalchemy.engine import Connection

from borderwatch.schemas import IMPORTED_INCIDENTS

#: Contract columns stored as they are, in order.
CONTRACT_COLUMNS = tuple(IMPORTED_INCIDENTS.column_names)
#: Columns holding tuples of text (``text[]`` in the database).
ARRAY_COLUMNS = tuple(c.name for c in IMPORTED_INCIDENTS.columns if c.dtype == "object")
#: Columns measured at import, stored beside the contract's.
MEASURED_COLUMNS = ("nearest_border", "border_distance_km")
#: Every column written by :func:`incidents_csv`, in order.
COPY_COLUMNS = ("position", "row_index", *CONTRACT_COLUMNS, *MEASURED_COLUMNS, "geom")
NULL = r"\N"


def _array_literal(values: object) -> str:
    items = values if isinstance(values, tuple | list) else ()
    quoted = ('"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "{" + ",".join(quoted) + "}"


def incidents_csv(table: gpd.GeoDataFrame) -> bytes:
    """``table`` (contract columns, ``border_distance_km``, ``nearest_border``, geometry) as
    CSV in :data:`COPY_COLUMNS` order, for ``COPY … FROM STDIN (FORMAT csv, NULL '\\N')``.

    A text that is exactly ``\\N`` would read back as missing: no source uses it.
    """
    out = pd.DataFrame(index=range(len(table)))
    out["position"] = np.arange(len(table), dtype="int64")
    index = table.index
    out["row_index"] = (
        index.to_numpy(dtype="int64")
        if pd.api.types.is_integer_dtype(index.dtype)
        else np.arange(len(table), dtype="int64")
    )
    for column in (*CONTRACT_COLUMNS, *MEASURED_COLUMNS):
        values = table[column] if column in table.columns else pd.Series("", index=index)
        values = values.reset_index(drop=True)
        if column in ARRAY_COLUMNS:
            values = values.map(_array_literal)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.strftime("%Y-%m-%d")
        out[column] = values
    geometry = np.asarray(table.geometry.values, dtype=object)
    present = pd.notna(geometry)
    ewkb = np.full(len(table), None, dtype=object)
    ewkb[present] = shapely.to_wkb(
        shapely.set_srid(geometry[present], 4326), hex=True, include_srid=True
    )
    out["geom"] = ewkb
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, header=False, na_rep=NULL, quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue().encode("utf-8")


def select_list(table: str) -> str:
    """The SELECT list that :func:`read_incidents_csv` parses, from ``table``."""
    parts = ["row_index"]
    for column in (*CONTRACT_COLUMNS, *MEASURED_COLUMNS):
        if column in ARRAY_COLUMNS:
            parts.append(f"array_to_json({table}.{column})::text AS {column}")
        else:
            parts.append(f"{table}.{column}")
    parts.append(f"encode(ST_AsBinary({table}.geom), 'hex') AS geom")
    return ", ".join(parts)


def read_incidents_csv(data: bytes, *, measured: bool = False) -> gpd.GeoDataFrame:
    """The CSV of ``COPY (SELECT select_list …) TO STDOUT (FORMAT csv, HEADER, NULL '\\N')``
    as a typed incident table indexed by ``row_index`` (plus the measured columns if asked)."""
    raw = pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[NULL], quotechar='"'
    )
    frame = pd.DataFrame(index=pd.Index(raw["row_index"].astype("int64").to_numpy()))
    for column in IMPORTED_INCIDENTS.columns:
        values = raw[column.name].to_numpy(dtype=object)
        if column.dtype == "object":
            frame[column.name] = pd.Series(
                [tuple(json.loads(v)) if isinstance(v, str) else () for v in values],
                index=frame.index,
                dtype=object,
            )
        elif column.dtype == "Int64":
            frame[column.name] = pd.array(pd.to_numeric(values), dtype="Int64")
        elif column.dtype == "float64":
            frame[column.name] = pd.to_numeric(values).astype("float64")
        elif column.dtype.startswith("datetime64"):
            frame[column.name] = pd.to_datetime(values, format="%Y-%m-%d").astype(column.dtype)
        else:
            frame[column.name] = pd.Series(values, index=frame.index, dtype="str")
    if measured:
        frame["border_distance_km"] = pd.to_numeric(raw["border_distance_km"].to_numpy())
        frame["nearest_border"] = raw["nearest_border"].to_numpy(dtype=object)
    hexes = raw["geom"].to_numpy(dtype=object)
    geometry = np.full(len(raw), None, dtype=object)
    present = pd.notna(hexes)
    geometry[present] = shapely.from_wkb(hexes[present].astype(str))
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geometry, index=frame.index, crs="EPSG:4326")
    )


def copy_into(conn: Connection, table: str, data: bytes) -> None:
    """COPY the CSV of :func:`incidents_csv` into ``table`` on ``conn``'s transaction."""
    columns = ", ".join(COPY_COLUMNS)
    statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
    with _driver(conn).cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(data), 1 << 20):
            copy.write(data[start : start + (1 << 20)])


def copy_out(
    conn: Connection, query: str, params: Sequence[object] | Mapping[str, object] = ()
) -> bytes:
    """The rows of ``query`` (psycopg ``%s`` or ``%(name)s`` parameters) as CSV with a
    header, by COPY."""
    chunks: list[bytes] = []
    # A client-side cursor: COPY takes no server-side parameters, so they are bound here.
    with psycopg.ClientCursor(_driver(conn)) as cursor:
        sql = cursor.mogrify(query, params) if params else query
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER, NULL '\\N')") as copy:
            chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)


def _driver(conn: Connection) -> psycopg.Connection:
    """The psycopg connection under ``conn`` (same transaction)."""
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection), "team mode needs the psycopg driver"
    return driver
