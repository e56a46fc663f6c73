"""Google Earth: the KML export's TimeSpan and styles read back; GeoJSON dates are ISO."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pyogrio
import pytest

from borderwatch.exports.data import (
    KML_UNIT_RADIUS_PX,
    kml_color,
    kml_style_id,
    to_geojson,
    to_kml,
)
from borderwatch.exports.provenance import make_provenance
from borderwatch.mapping import style

KML = {"kml": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(scope="module")
def exported(geodata):
    """Every curated incident as KML, parsed, with the incidents in export order."""
    incidents = geodata.incidents.reset_index(drop=True)
    content = to_kml(incidents, make_provenance(title="Google Earth", filters="all"))
    return incidents, ET.fromstring(content), content


def test_every_placemark_has_its_time_span(exported):
    incidents, root, _ = exported
    placemarks = root.findall(".//kml:Placemark", KML)
    assert len(placemarks) == len(incidents)
    for placemark, start, end in zip(
        placemarks, incidents["date_start"], incidents["date_end"], strict=True
    ):
        begin = placemark.findtext("kml:TimeSpan/kml:begin", namespaces=KML)
        finish = placemark.findtext("kml:TimeSpan/kml:end", namespaces=KML)
        assert datetime.date.fromisoformat(begin) == start.date()
        assert datetime.date.fromisoformat(finish) == end.date()
    # KML's order: TimeSpan and styleUrl after the name, before ExtendedData and the point.
    tags = [child.tag.split("}")[1] for child in placemarks[0]]
    assert tags.index("name") < tags.index("TimeSpan") < tags.index("styleUrl")
    assert tags.index("styleUrl") < tags.index("ExtendedData") < tags.index("Point")


def test_styles_are_the_map_colours_and_sizes(exported):
    incidents, root, _ = exported
    document = root.find("kml:Document", KML)
    styles = {s.get("id"): s for s in document.findall("kml:Style", KML)}
    placemarks = root.findall(".//kml:Placemark", KML)
    used = set()
    for placemark, event_type, best in zip(
        placemarks, incidents["event_type"], incidents["fatalities_best"], strict=True
    ):
        radius = style.radius_for_fatalities(None if pd.isna(best) else float(best))
        url = placemark.findtext("kml:styleUrl", namespaces=KML)
        assert url == "#" + kml_style_id(event_type, radius)
        shared = styles[url[1:]]
        color = shared.findtext("kml:IconStyle/kml:color", namespaces=KML)
        # aabbggrr of the style table's colour, at the map's fill opacity.
        hex_color = style.event_style(event_type).color  # "other" is the table's grey
        assert color == kml_color(hex_color, style.INCIDENT_FILL_OPACITY)
        assert color[2:] == (hex_color[5:7] + hex_color[3:5] + hex_color[1:3]).lower()
        scale = float(shared.findtext("kml:IconStyle/kml:scale", namespaces=KML))
        assert scale == pytest.approx(round(radius) / KML_UNIT_RADIUS_PX)
        used.add(url[1:])
    assert set(styles) == used  # one style per type and size used, no more
    assert len({s.split("-r")[0] for s in used}) == incidents["event_type"].nunique()
    # The description (provenance) stays first, the styles come before the Schema.
    tags = [child.tag.split("}")[1] for child in document]
    assert tags[0] == "description"
    assert max(i for i, t in enumerate(tags) if t == "Style") < tags.index("Schema")


def test_bigger_tolls_get_bigger_icons(exported):
    _, root, _ = exported
    scales = {
        s.get("id"): float(s.findtext("kml:IconStyle/kml:scale", namespaces=KML))
        for s in root.iterfind(".//kml:Style", KML)
    }
    by_radius = sorted(scales.items(), key=lambda item: int(item[0].rsplit("-r", 1)[1]))
    assert [v for _, v in by_radius] == sorted(v for _, v in by_radius)


def test_kml_still_reads_back_through_gdal(exported, tmp_path):
    incidents, _, content = exported
    path = tmp_path / "incidents.kml"
    path.write_bytes(content)
    read = pyogrio.read_dataframe(path)
    assert list(read["incident_id"]) == list(incidents["incident_id"])
    assert list(read["date_start"]) == [f"{d:%Y-%m-%d}" for d in incidents["date_start"]]


def test_kml_colour_is_alpha_blue_green_red():
    assert kml_color("#D55E00") == "ff005ed5"
    assert kml_color("#0072B2", 0.5) == "80b27200"


def test_geojson_dates_are_iso(geodata):
    incidents = geodata.incidents.head(20)
    collection = json.loads(to_geojson(incidents, make_provenance(title="t", filters="f")))
    for feature, start, end in zip(
        collection["features"], incidents["date_start"], incidents["date_end"], strict=True
    ):
        properties = feature["properties"]
        assert datetime.date.fromisoformat(properties["date_start"]) == start.date()
        assert datetime.date.fromisoformat(properties["date_end"]) == end.date()
        assert len(properties["date_start"]) == 10  # YYYY-MM-DD, no time or zone
