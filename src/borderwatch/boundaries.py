"""Build the country and border layers from Natural Earth admin-0 (1:10m).

Used by ``scripts/build_geodata.py``; the app itself only reads the committed results.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry

from borderwatch.geodesy import geodesic_length_km

#: Natural Earth ADM0_A3 codes of the countries the product is about.
FOCUS_ADM0 = ("MAR", "SAH", "DZA", "TUN", "LBY", "EGY", "MRT", "MLI", "NER", "TCD", "SDN")
#: Degrees added around the focus countries' bounds to show their neighbours.
VIEW_MARGIN_DEG = 1.0
#: Coordinates kept to 5 decimals (~1 m), far finer than 1:10m source accuracy.
COORDINATE_DECIMALS = 5

#: Features whose status the map must present as contested, with the wording shown.
STATUS_NOTES = {
    "ESH": (
        "Disputed territory: claimed and largely administered by Morocco, claimed by the "
        "Sahrawi Arab Democratic Republic (Polisario Front); listed by the UN as a "
        "non-self-governing territory."
    ),
    "BRT": "Bir Tawil: claimed by neither Egypt nor Sudan (terra nullius).",
    "HLB": (
        "Disputed territory: the Halaib Triangle, administered by Egypt (Red Sea Governorate) "
        "and claimed by Sudan; the 1899 political boundary (22nd parallel) puts it in Egypt, "
        "the 1902 administrative boundary in Sudan. Schematic outline: the 1902 line is not in "
        "the source data, so its north-west edge is drawn straight from Bir Tawil's north-east "
        "corner to Shalateen on the coast; it covers about 17,900 km² against the 20,580 km² "
        "usually given."
    ),
}

#: The Halaib Triangle is not a feature of Natural Earth's admin-0 countries (it lies inside
#: Egypt's polygon, down to the 22nd parallel). BorderWatch carves it out of Egypt as a
#: separate disputed feature, as Natural Earth does for Western Sahara and Bir Tawil.
HALAIB = {
    "iso3": "HLB",
    "name_en": "Halaib Triangle",
    "name_fr": "Triangle de Hala'ib",
    "name_ar": "مثلث حلايب",
}
#: Shalateen (lon, lat), on the coast at the 1902 administrative boundary: 23°08'N 35°36'E
#: (Wikipedia infobox; the town's last street is the boundary). The schematic north-west
#: edge of the Halaib Triangle runs from Bir Tawil's north-east corner through this point.
SHALATEEN = (35.6, 23.1333)


@dataclass(frozen=True)
class NaturalEarthSource:
    """The Natural Earth admin-0 shapefile inside a zip archive."""

    zip_path: Path
    layer: str = "ne_10m_admin_0_countries_deu"

    @property
    def uri(self) -> str:
        return f"zip://{self.zip_path}!{self.layer}.shp"

    def version(self) -> str:
        with zipfile.ZipFile(self.zip_path) as archive:
            return archive.read(f"{self.layer}.VERSION.txt").decode().strip()


def _iso3(row: gpd.GeoSeries) -> str:
    # Natural Earth gives -99 to features without an ISO code (Bir Tawil, bases);
    # ISO_A3_EH fills some gaps, ADM0_A3 is always set.
    for key in ("ISO_A3_EH", "ISO_A3"):
        if row[key] and row[key] != "-99":
            return row[key]
    return row["ADM0_A3"]


def read_countries(source: NaturalEarthSource) -> tuple[gpd.GeoDataFrame, tuple[float, ...]]:
    """Read, repair and label the countries in the North Africa view.

    Returns
    -------
    countries
        Unclipped, valid geometries in EPSG:4326 with the layer's properties.
    view_bounds
        (minx, miny, maxx, maxy) of the focus countries plus a margin.
    """
    raw = gpd.read_file(source.uri, encoding="UTF-8")
    focus = raw[raw["ADM0_A3"].isin(FOCUS_ADM0)]
    minx, miny, maxx, maxy = focus.total_bounds
    view = (
        minx - VIEW_MARGIN_DEG,
        miny - VIEW_MARGIN_DEG,
        maxx + VIEW_MARGIN_DEG,
        maxy + VIEW_MARGIN_DEG,
    )
    in_view = raw[raw.intersects(shapely.box(*view))].copy()
    # Egypt's source polygon self-intersects; make_valid keeps all its area.
    in_view["geometry"] = shapely.make_valid(in_view.geometry.values)
    countries = gpd.GeoDataFrame(
        {
            "iso3": in_view.apply(_iso3, axis=1),
            "name_en": in_view["NAME_EN"],
            "name_fr": in_view["NAME_FR"],
            "name_ar": in_view["NAME_AR"],
            "focus": in_view["ADM0_A3"].isin(FOCUS_ADM0),
        },
        geometry=in_view.geometry.values,
        crs="EPSG:4326",
    )
    countries = carve_halaib(countries)
    countries["disputed"] = countries["iso3"].isin(STATUS_NOTES)
    countries["status_note"] = countries["iso3"].map(STATUS_NOTES).fillna("")
    return countries.sort_values("iso3").reset_index(drop=True), view


def halaib_outline(egypt: BaseGeometry, bir_tawil: BaseGeometry) -> BaseGeometry:
    """The schematic Halaib Triangle: Egypt's land south-east of the line from Bir Tawil's
    north-east corner (on the 22nd parallel) through Shalateen.

    The true north-west edge is the jagged 1902 administrative boundary, which the source
    data does not carry; the straight line gives about 17,900 km² against 20,580 km².
    """
    coords = shapely.get_coordinates(bir_tawil)
    north = coords[coords[:, 1] >= coords[:, 1].max() - 1e-3]
    corner = tuple(north[north[:, 0].argmax()])
    dx, dy = SHALATEEN[0] - corner[0], SHALATEEN[1] - corner[1]
    beyond = (SHALATEEN[0] + 3 * dx, SHALATEEN[1] + 3 * dy)  # past the coast
    south_east = shapely.Polygon(
        [corner, SHALATEEN, beyond, (beyond[0], corner[1] - 1), (corner[0], corner[1] - 1)]
    )
    return shapely.make_valid(egypt.intersection(south_east))


def carve_halaib(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Split the Halaib Triangle off Egypt as its own (non-focus) feature."""
    index = countries.set_index("iso3").index
    if "HLB" in index or not {"EGY", "BRT"} <= set(index):
        return countries
    egypt_row = int((countries["iso3"] == "EGY").to_numpy().argmax())
    egypt = countries.geometry.iloc[egypt_row]
    bir_tawil = countries.geometry[countries["iso3"] == "BRT"].iloc[0]
    halaib = halaib_outline(egypt, bir_tawil)
    out = countries.copy()
    out.loc[out.index[egypt_row], "geometry"] = shapely.make_valid(egypt.difference(halaib))
    feature = gpd.GeoDataFrame([{**HALAIB, "focus": False}], geometry=[halaib], crs=out.crs)
    return pd.concat([out, feature], ignore_index=True)


def _shared_line(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry | None:
    shared = a.boundary.intersection(b.boundary)
    lines = [g for g in shapely.get_parts(shared) if g.geom_type == "LineString"]
    if not lines:
        return None  # touching at a point only, or not at all
    return shapely.line_merge(MultiLineString(lines))


def derive_borders(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """International land borders as lines, one feature per pair of neighbours.

    Only pairs with at least one focus country are kept. Lengths are geodesic (WGS84)
    over the whole border, measured before any clipping.
    """
    records = []
    left, right = countries.sindex.query(countries.geometry, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = countries.iloc[i], countries.iloc[j]
        if not (a["focus"] or b["focus"]):
            continue
        line = _shared_line(a.geometry, b.geometry)
        if line is None:
            continue
        first, second = sorted((a["iso3"], b["iso3"]))
        names = dict(zip((a["iso3"], b["iso3"]), (a["name_en"], b["name_en"]), strict=True))
        records.append(
            {
                "pair": f"{first}-{second}",
                "iso3_a": first,
                "iso3_b": second,
                "name": f"{names[first]} – {names[second]}",
                "length_km": round(geodesic_length_km(line), 1),
                "disputed": bool(a["disputed"] or b["disputed"]),
                "geometry": line,
            }
        )
    borders = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    return borders.sort_values("pair").reset_index(drop=True)


def clip_to_view(countries: gpd.GeoDataFrame, view: tuple[float, ...]) -> gpd.GeoDataFrame:
    """Clip neighbours to the view; focus countries stay whole by construction of the view."""
    clipped = countries.clip(shapely.box(*view))
    clipped["geometry"] = shapely.make_valid(clipped.geometry.values)
    return clipped.sort_values("iso3").reset_index(drop=True)


def round_coordinates(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Round coordinates and repair anything rounding made invalid."""
    out = frame.copy()
    rounded = shapely.set_precision(out.geometry.values, 10**-COORDINATE_DECIMALS)
    out["geometry"] = shapely.make_valid(rounded)
    return out
