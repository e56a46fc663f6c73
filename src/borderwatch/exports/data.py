"""Filtered incidents as data files (CSV, GeoJSON, GeoPackage, KML), each with its provenance.

Every format starts from one flat, typed table, :func:`export_table`:

- the columns of ``geodata/incidents.csv`` in layout order (``docs/dataset-layouts.md``),
  then where each row came from (:data:`ORIGIN_COLUMNS`: ``dataset_name``,
  ``source_dataset``, ``original_id``; curated rows: ``BorderWatch curated`` and their
  incident id), then ``border_distance_km`` and ``nearest_border`` when the incidents carry
  them;
- list cells joined as in the source files: ``origin_countries`` by ``;``, ``sources`` by
  `` | ``;
- dates as ISO ``YYYY-MM-DD`` text in every format. GeoJSON, CSV and KML have no date type,
  and one representation everywhere keeps the files interchangeable; ISO text sorts in date
  order, and GDAL readers (QGIS) recognise it as a date in GeoJSON;
- ``location_precision`` and the fatality figures as integers, unknown = null (an empty CSV
  cell, a JSON ``null``, a NULL in the GeoPackage, an absent ``SimpleData`` in KML), never 0;
- point geometry in EPSG:4326 (longitude, latitude).

For Google Earth, each KML placemark also has a ``<TimeSpan>`` (start to end date, so the
time slider works) and the shared ``<Style>`` of its event type and size (the map's colour
and proportions, from :mod:`borderwatch.mapping.style`).

Provenance travels inside each file where the format allows it: a ``provenance.json``
beside the CSV in a ZIP archive, a foreign member of the GeoJSON FeatureCollection, a
``provenance`` table in the GeoPackage, the ``<description>`` of the KML Document.

All functions are pure: they take data and return bytes; none imports Streamlit.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from borderwatch.exports.provenance import Provenance
from borderwatch.mapping import style
from borderwatch.schemas import CURATED_SOURCE, INCIDENTS

#: Format key -> (file extension without the dot, MIME type). The CSV export is a ZIP
#: archive (the table and its provenance sidecar), hence ``csv.zip``.
DATA_FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("csv.zip", "application/zip"),
    "geojson": ("geojson", "application/geo+json"),
    "gpkg": ("gpkg", "application/geopackage+sqlite3"),
    "kml": ("kml", "application/vnd.google-earth.kml+xml"),
}

#: Layer (GeoPackage, KML) and member (ZIP) names.
INCIDENTS_LAYER = "incidents"
PROVENANCE_LAYER = "provenance"
CSV_MEMBER = "incidents.csv"
#: Rows written at a time (CSV text, GeoJSON features), so a large export never holds all
#: its text at once.
WRITE_CHUNK_ROWS = 5_000
PROVENANCE_MEMBER = "provenance.json"

#: Foreign member of the GeoJSON FeatureCollection holding the provenance.
GEOJSON_PROVENANCE_MEMBER = "borderwatch_provenance"

#: Columns added by :func:`borderwatch.proximity.add_border_distance`, kept when present.
PROXIMITY_COLUMNS = ("border_distance_km", "nearest_border")

#: Where each row came from, after the layout columns in every export: the analyst's name
#: of its dataset (for a re-imported export, the name it was first exported under), the
#: source format and the source's own id. Re-importing an export keeps all three.
ORIGIN_COLUMNS = ("dataset_name", "source_dataset", "original_id")

#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_LIST_SEPARATORS = {"iso3_list": ";", "citations": " | "}


def _join_list(value: Any, separator: str) -> str:
    if isinstance(value, (tuple, list)):
        return separator.join(str(item) for item in value)
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _iso_dates(values: pd.Series) -> pd.Series:
    dates = pd.to_datetime(values)
    return pd.Series(
        [d.strftime("%Y-%m-%d") if pd.notna(d) else None for d in dates],
        index=values.index,
        dtype=object,
    )


def _text_or(source: pd.DataFrame, column: str, default: pd.Series | str) -> pd.Series:
    """``source[column]`` as text, ``default`` where it is empty or the column is absent."""
    fallback = (
        default
        if isinstance(default, pd.Series)
        else pd.Series(default, index=source.index, dtype=object)
    )
    if column not in source.columns:
        return fallback.astype(object)
    values = source[column].astype(object)
    empty = values.isna() | (values.astype("str") == "")
    return values.where(~empty, fallback).astype(object)


def _origin_columns(source: pd.DataFrame) -> dict[str, pd.Series]:
    """:data:`ORIGIN_COLUMNS` for every row; rows without them are curated."""
    source_dataset = _text_or(source, "source_dataset", CURATED_SOURCE)
    shown = _text_or(source, "dataset_name", _text_or(source, "dataset", CURATED_SOURCE))
    curated = source_dataset == CURATED_SOURCE
    shown = shown.where(~curated, CURATED_SOURCE)
    return {
        "dataset_name": _text_or(source, "origin_dataset_name", shown),
        "source_dataset": source_dataset,
        "original_id": _text_or(source, "original_id", source["incident_id"].astype(object)),
    }


def export_table(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The flat, typed table every data export is written from.

    Parameters
    ----------
    incidents
        Incidents as returned by :func:`borderwatch.loading.load_incidents`, possibly
        filtered and possibly with the ``border_distance_km`` and ``nearest_border``
        columns of :func:`borderwatch.proximity.add_border_distance`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per incident, index 0..n-1: the layout columns in layout order (list cells
        joined as text, dates as ``YYYY-MM-DD`` text, integers as nullable ``Int64``), then
        :data:`ORIGIN_COLUMNS`, then ``border_distance_km`` (km, rounded to 0.1) and
        ``nearest_border`` if present, and the point geometry in EPSG:4326.

    Raises
    ------
    ValueError
        If a layout column is missing.
    """
    missing = [name for name in INCIDENTS.column_names if name not in incidents.columns]
    if missing:
        raise ValueError(f"incidents lack the layout column(s): {', '.join(missing)}")
    source = incidents.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    for column in INCIDENTS.columns:
        values = source[column.name]
        if column.kind in _LIST_SEPARATORS:
            separator = _LIST_SEPARATORS[column.kind]
            columns[column.name] = values.map(lambda v, s=separator: _join_list(v, s))
        elif column.kind == "date":
            columns[column.name] = _iso_dates(values)
        elif column.kind == "int":
            columns[column.name] = values.astype("Int64")
        elif column.kind == "float":
            columns[column.name] = values.astype("float64")
        else:
            columns[column.name] = values
    columns |= _origin_columns(source)
    if "border_distance_km" in source.columns:
        columns["border_distance_km"] = source["border_distance_km"].astype("float64").round(1)
    if "nearest_border" in source.columns:
        columns["nearest_border"] = (
            source["nearest_border"].astype(object).where(source["nearest_border"].notna(), None)
        )
    geometry = source.geometry
    if geometry.crs is None:
        geometry = geometry.set_crs("EPSG:4326")
    elif geometry.crs.to_epsg() != 4326:
        geometry = geometry.to_crs("EPSG:4326")
    return gpd.GeoDataFrame(columns, geometry=geometry.values, crs="EPSG:4326")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` in which no text cell can be read as a spreadsheet formula.

    Every text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a single quote ``'`` in front (OWASP guidance on CSV injection). Numeric columns are
    left alone, so a negative longitude stays a number.

    Parameters
    ----------
    frame
        Any table; it is not modified.

    Returns
    -------
    pandas.DataFrame
        The neutralised copy.
    """
    out = frame.copy()
    for name in out.columns:
        values = out[name]
        if isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        out[name] = values.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
        )
    return out


def _provenance_json(provenance: Provenance) -> str:
    return json.dumps(provenance.as_dict(), ensure_ascii=False, indent=2) + "\n"


def to_csv(incidents: gpd.GeoDataFrame, provenance: Provenance) -> bytes:
    """A ZIP archive of ``incidents.csv`` and its ``provenance.json`` sidecar.

    The CSV is UTF-8 with a byte-order mark (so Excel reads Arabic and French names),
    RFC 4180 (comma, minimal quoting, CRLF), formula-neutralised by
    :func:`neutralise_formulas`; positions are the ``latitude`` and ``longitude`` columns
    (no WKT). CSV has nowhere to carry provenance, hence the sidecar.

    Parameters
    ----------
    incidents
        Incidents to export (see :func:`export_table`).
    provenance
        What the export shows and where its data came from.

    Returns
    -------
    bytes
        The ZIP archive.
    """
    table = neutralise_formulas(pd.DataFrame(export_table(incidents).drop(columns="geometry")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Written into the archive a few thousand rows at a time: the whole text at once
        # (a Python string, four bytes a character once one is Arabic) took gigabytes.
        with archive.open(CSV_MEMBER, "w") as member:
            text = io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
            table.to_csv(text, index=False, lineterminator="\r\n", chunksize=WRITE_CHUNK_ROWS)
            text.flush()
            text.detach()
        archive.writestr(PROVENANCE_MEMBER, _provenance_json(provenance).encode("utf-8"))
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    """A table cell as a JSON value: missing -> null, numpy scalars -> Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def to_geojson(incidents: gpd.GeoDataFrame, provenance: Provenance) -> bytes:
    """An RFC 7946 FeatureCollection (EPSG:4326, longitude then latitude), UTF-8.

    The provenance is the top-level foreign member ``borderwatch_provenance``.

    Parameters
    ----------
    incidents
        Incidents to export (see :func:`export_table`).
    provenance
        What the export shows and where its data came from.

    Returns
    -------
    bytes
        The GeoJSON document.
    """
    table = export_table(incidents)
    names = [c for c in table.columns if c != "geometry"]
    out = io.BytesIO()
    provenance_json = json.dumps(provenance.as_dict(), ensure_ascii=False, indent=1)
    out.write(
        f'{{\n "type": "FeatureCollection",\n "{GEOJSON_PROVENANCE_MEMBER}": '
        f'{provenance_json},\n "features": [\n'.encode()
    )
    # One feature at a time into the bytes: the whole collection as Python objects and
    # text at once took gigabytes for 100,000 incidents.
    rows = table[names].itertuples(index=False, name=None)
    for number, (row, point) in enumerate(zip(rows, table.geometry, strict=True)):
        geometry = (
            None
            if point is None or point.is_empty
            else {"type": "Point", "coordinates": [point.x, point.y]}
        )
        properties = {name: _json_value(value) for name, value in zip(names, row, strict=True)}
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        separator = ",\n" if number else ""
        out.write((separator + json.dumps(feature, ensure_ascii=False)).encode("utf-8"))
    out.write(b"\n ]\n}")
    return out.getvalue()


def provenance_table(provenance: Provenance) -> pd.DataFrame:
    """The provenance as a two-column table: ``key`` and ``value`` (the value as JSON text)."""
    items = provenance.as_dict().items()
    return pd.DataFrame(
        {
            "key": [key for key, _ in items],
            "value": [json.dumps(value, ensure_ascii=False) for _, value in items],
        }
    )


def to_gpkg(incidents: gpd.GeoDataFrame, provenance: Provenance) -> bytes:
    """A GeoPackage with the ``incidents`` point layer and a ``provenance`` table.

    Both are written by pyogrio (GDAL); ``provenance`` is a non-spatial (attributes) table
    with one row per provenance field, see :func:`provenance_table`.

    Parameters
    ----------
    incidents
        Incidents to export (see :func:`export_table`).
    provenance
        What the export shows and where its data came from.

    Returns
    -------
    bytes
        The GeoPackage file.
    """
    table = export_table(incidents)
    with tempfile.TemporaryDirectory(prefix="borderwatch-gpkg-") as directory:
        path = Path(directory) / "incidents.gpkg"
        pyogrio.write_dataframe(table, path, layer=INCIDENTS_LAYER, driver="GPKG")
        pyogrio.write_dataframe(
            provenance_table(provenance), path, layer=PROVENANCE_LAYER, driver="GPKG"
        )
        return path.read_bytes()


def _kml_description(provenance: Provenance) -> str:
    return "\n".join([provenance.title, *provenance.as_lines()])


#: KML's namespace (GDAL's KML driver writes KML 2.2).
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
#: The circle icon placemarks are drawn with. Google Earth knows this address and tints the
#: (white) icon with the style's colour; the file carries no image, so a viewer fetches it.
KML_ICON_HREF = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
#: An icon of scale 1 stands for a map marker of this radius (CSS pixels): the icons keep
#: the map markers' proportions (:func:`borderwatch.mapping.style.radius_for_fatalities`).
KML_UNIT_RADIUS_PX = 8.0


def kml_color(hex_color: str, opacity: float = 1.0) -> str:
    """A ``#rrggbb`` colour as KML's ``aabbggrr`` (alpha first, then blue, green, red)."""
    red, green, blue = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{round(opacity * 255):02x}{blue}{green}{red}".lower()


def kml_style_id(event_type: str, radius_px: float) -> str:
    """The id of the shared style of an event type drawn at a marker radius (rounded to a
    whole pixel): one style per type and size actually used."""
    safe = re.sub(r"[^A-Za-z0-9_]", "_", event_type or "unknown")
    return f"bw-{safe}-r{round(radius_px)}"


def _kml_style(event_type: str, radius_px: float) -> ET.Element:
    """``<Style>`` of one event type and size: the map's colour (and fill opacity) and
    size from the style table, the type's name as the label."""
    element = ET.Element(_kml("Style"), id=kml_style_id(event_type, radius_px))
    icon_style = ET.SubElement(element, _kml("IconStyle"))
    point = style.event_style(event_type)
    ET.SubElement(icon_style, _kml("color")).text = kml_color(
        point.color, style.INCIDENT_FILL_OPACITY
    )
    ET.SubElement(icon_style, _kml("scale")).text = f"{round(radius_px) / KML_UNIT_RADIUS_PX:g}"
    icon = ET.SubElement(icon_style, _kml("Icon"))
    ET.SubElement(icon, _kml("href")).text = KML_ICON_HREF
    return element


def _kml(tag: str) -> str:
    return f"{{{KML_NAMESPACE}}}{tag}"


def _time_and_style(placemark: ET.Element, begin: str | None, end: str | None, url: str) -> None:
    """Put a ``<TimeSpan>`` and a ``<styleUrl>`` where KML's schema wants them: after the
    name and description, before ``ExtendedData`` and the geometry."""
    position = sum(1 for child in placemark if child.tag in (_kml("name"), _kml("description")))
    added = []
    if begin or end:
        span = ET.Element(_kml("TimeSpan"))
        if begin:
            ET.SubElement(span, _kml("begin")).text = begin
        if end:
            ET.SubElement(span, _kml("end")).text = end
        added.append(span)
    style_url = ET.Element(_kml("styleUrl"))
    style_url.text = f"#{url}"
    added.append(style_url)
    for offset, element in enumerate(added):
        placemark.insert(position + offset, element)


def _kml_post_process(text: str, table: gpd.GeoDataFrame, provenance: Provenance) -> bytes:
    """GDAL's KML with the provenance as the Document's description, a ``<Style>`` per
    event type and size, and each placemark's ``<TimeSpan>`` (its start and end dates) and
    ``<styleUrl>``; placemarks are in the table's order."""
    ET.register_namespace("", KML_NAMESPACE)
    root = ET.fromstring(text)
    document = root.find(_kml("Document"))
    if document is None:
        raise RuntimeError("GDAL's KML driver wrote no <Document> element")
    placemarks = list(document.iter(_kml("Placemark")))
    if len(placemarks) != len(table):
        raise RuntimeError(f"GDAL wrote {len(placemarks)} placemarks for {len(table)} rows")
    best = pd.to_numeric(table["fatalities_best"], errors="coerce")
    radii = [style.radius_for_fatalities(None if pd.isna(b) else float(b)) for b in best]
    types = table["event_type"].astype(object).fillna("").astype(str).tolist()
    styles: dict[str, ET.Element] = {}
    for placemark, event_type, radius, begin, end in zip(
        placemarks, types, radii, table["date_start"], table["date_end"], strict=True
    ):
        key = kml_style_id(event_type, radius)
        if key not in styles:
            styles[key] = _kml_style(event_type, radius)
        _time_and_style(placemark, begin, end, key)
    description = ET.Element(_kml("description"))
    description.text = _kml_description(provenance)
    for offset, element in enumerate([description, *sorted(styles.values(), key=_style_id)]):
        document.insert(offset, element)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _style_id(element: ET.Element) -> str:
    return element.get("id", "")


def to_kml(incidents: gpd.GeoDataFrame, provenance: Provenance) -> bytes:
    """A KML document (Google Earth, QGIS) with one placemark per incident.

    Written by GDAL's ``KML`` driver, which every GDAL build has (``LIBKML`` is optional,
    nests a second Document and adds a zero altitude to every point). The placemark name is
    the incident name; every other column is ``ExtendedData`` under a typed ``Schema``
    (integers are written as 32-bit so the schema says ``int``). The provenance (title and
    :meth:`~borderwatch.exports.provenance.Provenance.as_lines`) is the ``<description>`` of
    the Document, its first element.

    For Google Earth's time slider and colours, each placemark has a ``<TimeSpan>`` from
    its start date to its end date (ISO ``YYYY-MM-DD``, the last day included as given) and
    a ``<styleUrl>`` to a shared ``<Style>`` of its event type and size: the map's colour
    for the type (:mod:`borderwatch.mapping.style`) and an icon scaled in proportion to the
    map marker's radius for its deaths (:data:`KML_UNIT_RADIUS_PX`).

    Parameters
    ----------
    incidents
        Incidents to export (see :func:`export_table`).
    provenance
        What the export shows and where its data came from.

    Returns
    -------
    bytes
        The KML document, UTF-8.

    Raises
    ------
    RuntimeError
        If GDAL wrote no ``<Document>`` element or not one placemark per row (not expected).
    """
    table = export_table(incidents)
    for name in table.columns:
        if isinstance(table[name].dtype, pd.Int64Dtype):
            table[name] = table[name].astype("Int32")
    with tempfile.TemporaryDirectory(prefix="borderwatch-kml-") as directory:
        path = Path(directory) / "incidents.kml"
        pyogrio.write_dataframe(
            table,
            path,
            layer=INCIDENTS_LAYER,
            driver="KML",
            dataset_options={"NameField": "name"},
        )
        text = path.read_text(encoding="utf-8")
    return _kml_post_process(text, table, provenance)


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, Provenance], bytes]] = {
    "csv": to_csv,
    "geojson": to_geojson,
    "gpkg": to_gpkg,
    "kml": to_kml,
}


def export_data(incidents: gpd.GeoDataFrame, provenance: Provenance, *, fmt: str) -> bytes:
    """The incidents in the data format ``fmt``, with their provenance.

    Parameters
    ----------
    incidents
        Incidents to export (see :func:`export_table`).
    provenance
        What the export shows and where its data came from.
    fmt
        A key of :data:`DATA_FORMATS`: ``csv``, ``geojson``, ``gpkg`` or ``kml``.

    Returns
    -------
    bytes
        The file's content; name it with the extension and serve it with the MIME type
        given by ``DATA_FORMATS[fmt]``.

    Raises
    ------
    ValueError
        If ``fmt`` is not a known format key.
    """
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown data format {fmt!r}; expected one of: {', '.join(DATA_FORMATS)}")
    return writer(incidents, provenance)
