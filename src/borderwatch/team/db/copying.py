"""Incident tables in and out of PostgreSQL by COPY (CSV), the fast path for a million rows.

Writing: each column is turned into CSV text the way PostgreSQL reads it (dates as ISO
days, tuples as array literals, points as hex EWKB, texts quoted, missing values empty).
Reading: ``COPY (SELECT …) TO STDOUT`` is parsed by pandas and typed as the incident
contract says (:data:`~borderwatch.schemas.IMPORTED_INCIDENTS`), so a table loaded from the
database is the table the file store would give.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
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


def _array_literal(values: object) -> str:
    """A tuple of texts as a PostgreSQL array literal, ``{"a","b"}``."""
    if not isinstance(values, tuple | list) or not values:
        return "{}"
    joined = '","'.join(map(str, values))
    if "\\" in joined or joined.count('"') != 2 * (len(values) - 1):
        # Some item holds a quote or a backslash: escape item by item (rare).
        joined = '","'.join(str(item).replace("\\", "\\\\").replace('"', '\\"') for item in values)
    return '{"' + joined + '"}'


def incidents_csv(
    table: gpd.GeoDataFrame, *, first_position: int = 0, columns: Sequence[str] = COPY_COLUMNS
) -> bytes:
    """``table`` (contract columns, ``border_distance_km``, ``nearest_border``, geometry) as
    CSV in :data:`COPY_COLUMNS` order, for ``COPY … FROM STDIN (FORMAT csv)``; rows are
    numbered (``position``) from ``first_position``. ``columns`` picks some of them (the
    narrow ``incident_facts`` copy), in that order.

    Written by Arrow's CSV writer (about twenty times faster than pandas on long texts):
    every text is quoted, so an empty text stays empty and only a missing value (written
    unquoted and empty) becomes NULL.
    """
    index = table.index
    row_index = (
        index.to_numpy(dtype="int64")
        if pd.api.types.is_integer_dtype(index.dtype)
        else np.arange(len(table), dtype="int64")
    )
    arrays = {
        "position": pa.array(np.arange(first_position, first_position + len(table))),
        "row_index": pa.array(row_index),
    }
    for column in (*CONTRACT_COLUMNS, *MEASURED_COLUMNS):
        values = table[column] if column in table.columns else pd.Series("", index=index)
        arrays[column] = _arrow_column(column, values.reset_index(drop=True))
    geometry = np.asarray(table.geometry.values, dtype=object)
    present = pd.notna(geometry)
    ewkb = np.full(len(table), None, dtype=object)
    ewkb[present] = shapely.to_wkb(
        shapely.set_srid(geometry[present], 4326), hex=True, include_srid=True
    )
    arrays["geom"] = pa.array(ewkb, type=pa.string())
    buffer = io.BytesIO()
    pa_csv.write_csv(
        pa.table({name: arrays[name] for name in columns}),
        buffer,
        pa_csv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    return buffer.getvalue()


def _arrow_column(name: str, values: pd.Series) -> pa.Array:
    """One column as Arrow: tuples as array literals, dates as days, NaN/NA as null."""
    if name in ARRAY_COLUMNS:
        return pa.array([_array_literal(v) for v in values.to_numpy(dtype=object)], pa.string())
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pa.array(values.to_numpy(dtype="datetime64[us]"), from_pandas=True).cast(pa.date32())
    if isinstance(values.dtype, pd.Int64Dtype) or pd.api.types.is_integer_dtype(values.dtype):
        return pa.array(values.astype("Int64"), type=pa.int64(), from_pandas=True)
    if pd.api.types.is_float_dtype(values.dtype):
        return pa.array(values.to_numpy(dtype="float64"), from_pandas=True)
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return pa.array(values).cast(pa.string())  # already Arrow: no copy through Python
    return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _header(data: bytes) -> list[str]:
    """Column names of a CSV with a header line (names are plain identifiers)."""
    return data.split(b"\n", 1)[0].decode().strip().split(",")


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
    """The CSV of ``COPY (SELECT select_list …) TO STDOUT (FORMAT csv, HEADER)`` as a
    typed incident table indexed by ``row_index`` (plus the measured columns if asked).

    PostgreSQL writes NULL unquoted and empty, an empty text quoted: Arrow's reader keeps
    the two apart."""
    table = pa_csv.read_csv(
        io.BytesIO(data),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(_header(data), pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )

    def column_values(name: str) -> np.ndarray:
        return table.column(name).to_numpy(zero_copy_only=False)

    frame = pd.DataFrame(index=pd.Index(column_values("row_index").astype("int64")))
    for column in IMPORTED_INCIDENTS.columns:
        values = column_values(column.name)
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
        frame["border_distance_km"] = pd.to_numeric(column_values("border_distance_km"))
        frame["nearest_border"] = column_values("nearest_border")
    hexes = column_values("geom")
    geometry = np.full(len(frame), None, dtype=object)
    present = pd.notna(hexes)
    geometry[present] = shapely.from_wkb(hexes[present].astype(str))
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geometry, index=frame.index, crs="EPSG:4326")
    )


def copy_into(
    conn: Connection, table: str, data: bytes, columns: Sequence[str] = COPY_COLUMNS
) -> None:
    """COPY the CSV of :func:`incidents_csv` (of ``columns``) into ``table`` on ``conn``'s
    transaction."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
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
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)") as copy:
            chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)


def _driver(conn: Connection) -> psycopg.Connection:
    """The psycopg connection under ``conn`` (same transaction)."""
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection), "team mode needs the psycopg driver"
    return driver
