"""The same incident reported by several datasets: find the reports and merge them.

Two rows are *reports of one incident* when they come from different datasets, their start
dates are at most ``max_days`` apart and their locations at most ``max_km`` apart on the
WGS84 ellipsoid. Rows without both coordinates or without a start date are never matched.

Datasets: an imported row belongs to the dataset named in its ``dataset`` column; a row
with no ``dataset`` value (the curated layer has no such column) or whose
``source_dataset`` is ``"BorderWatch curated"`` belongs to the curated layer, which counts as
one dataset. Rows of one dataset are never merged with each other: the source already
decided they are different events.

Method, vectorised throughout:

1. Each dataset's rows get a k-d tree over 4-D points: geocentric (ECEF, WGS84) x, y, z in
   metres and the start day scaled so that ``max_days + 0.5`` days span the search radius.
   Each pair of datasets is searched with the Chebyshev (max-coordinate) metric at a radius
   a little above ``max_km``. The ECEF chord between two points is never longer than the
   geodesic between them, and the search box contains the chord ball, so no true pair is
   missed; the time axis keeps the candidates few even where thousands of events share
   one town centroid.
2. The candidate pairs are checked exactly: geodesic distance (Karney, via PROJ) and the
   difference of start days.
3. Clusters are the connected components of the accepted pairs (``scipy.sparse.csgraph``).
   A component that would hold two rows of one dataset (A1 ~ B ~ A2) is split instead:
   its pairs are joined closest first, skipping any join that would put two rows of one
   dataset in a cluster.

Start dates are compared as given: a row known only to the month or year is compared by its
first day, so it merges only with reports near that day (the merge errs on the side of
keeping reports apart).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from borderwatch.geodesy import WGS84
from borderwatch.schemas import CURATED_DATASET, CURATED_SOURCE, shown_dataset_names

__all__ = ["CURATED_SOURCE", "combined_incidents", "find_duplicates", "merge_duplicates"]

#: Relative and absolute margin added to the search radius against rounding.
_RADIUS_MARGIN = 1e-6
_RADIUS_SLACK_M = 1.0
_TO_ECEF = Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)


@dataclass(frozen=True)
class _Clusters:
    """Rows (by position) in clusters of two or more, the preferred member first."""

    position: np.ndarray  # row positions, grouped by cluster, preferred member first
    cluster: np.ndarray  # cluster number of each, 0.. in order of first appearance
    keep: np.ndarray  # True for the member that a merge keeps


def _require(incidents: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in incidents.columns]
    if missing:
        raise ValueError(f"the incident table lacks column(s): {', '.join(missing)}")


def _text(incidents: pd.DataFrame, column: str) -> np.ndarray:
    if column not in incidents.columns:
        return np.full(len(incidents), "", dtype=object)
    values = incidents[column]
    return values.astype(object).where(values.notna(), "").astype(str).to_numpy(dtype=object)


def _as_tuple(value: object) -> tuple:
    return tuple(value) if isinstance(value, tuple | list | np.ndarray) else ()


def _datasets(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dataset code of each row (0 = curated) and whether the row is curated."""
    dataset = _text(incidents, "dataset")
    curated = (dataset == "") | (_text(incidents, "source_dataset") == CURATED_SOURCE)
    code, _ = pd.factorize(np.where(curated, "", dataset))
    return code, curated


def _candidate_pairs(
    lon: np.ndarray,
    lat: np.ndarray,
    day: np.ndarray,
    code: np.ndarray,
    max_days: int,
    max_km: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j) of rows of different datasets that match, with their distance in m."""
    radius = max_km * 1000.0 * (1.0 + _RADIUS_MARGIN) + _RADIUS_SLACK_M
    x, y, z = _TO_ECEF.transform(lon, lat, np.zeros_like(lon))
    points = np.column_stack([x, y, z, day * (radius / (max_days + 0.5))])
    members = [np.flatnonzero(code == c) for c in np.unique(code)]
    trees = [cKDTree(points[rows]) for rows in members]
    first, second = [], []
    for a, b in itertools.combinations(range(len(members)), 2):
        found = trees[a].sparse_distance_matrix(trees[b], radius, p=np.inf, output_type="ndarray")
        first.append(members[a][found["i"]])
        second.append(members[b][found["j"]])
    if not first:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0)
    i, j = np.concatenate(first), np.concatenate(second)
    _, _, metres = WGS84.inv(lon[i], lat[i], lon[j], lat[j])
    metres = np.asarray(metres, dtype="float64").reshape(-1)
    ok = (metres <= max_km * 1000.0) & (np.abs(day[i] - day[j]) <= max_days)
    return i[ok], j[ok], metres[ok]


def _split_conflicts(
    n: int, i: np.ndarray, j: np.ndarray, metres: np.ndarray, code: np.ndarray
) -> np.ndarray:
    """Cluster label of each node; no cluster holds two nodes of one dataset."""
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    nodes = pd.DataFrame({"label": label, "code": code})
    clashing = np.unique(label[nodes.duplicated(["label", "code"]).to_numpy()])
    if len(clashing) == 0:
        return label
    # Greedy constrained single linkage on the few components that clash, closest first.
    parent: dict[int, int] = {}
    codes: dict[int, set[int]] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    involved = np.isin(label[i], clashing)
    order = np.argsort(metres[involved], kind="stable")
    for a, b in zip(i[involved][order], j[involved][order], strict=True):
        ra, rb = root(int(a)), root(int(b))
        if ra == rb:
            continue
        ca = codes.setdefault(ra, {int(code[ra])})
        cb = codes.setdefault(rb, {int(code[rb])})
        if ca & cb:
            continue
        parent[rb] = ra
        codes[ra] = ca | cb
    label = label.copy()
    fresh = label.max() + 1
    for node in np.flatnonzero(np.isin(label, clashing)):
        label[node] = fresh + root(int(node))
    return label


def _clusters(incidents: pd.DataFrame, max_days: int, max_km: float) -> _Clusters:
    if max_days < 0:
        raise ValueError("max_days must be >= 0")
    if not max_km >= 0:  # also refuses NaN; 0 means "at the very same place"
        raise ValueError("max_km must be >= 0")
    _require(incidents, ("incident_id", "date_start", "latitude", "longitude"))
    code, curated = _datasets(incidents)
    lon = pd.to_numeric(incidents["longitude"], errors="coerce").to_numpy("float64")
    lat = pd.to_numeric(incidents["latitude"], errors="coerce").to_numpy("float64")
    start = pd.to_datetime(incidents["date_start"], errors="coerce")
    day = start.to_numpy("datetime64[s]").astype("int64") / 86400.0
    usable = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & start.notna().to_numpy())

    empty = _Clusters(np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty(0, bool))
    if len(usable) < 2:
        return empty
    i, j, metres = _candidate_pairs(
        lon[usable], lat[usable], day[usable], code[usable], max_days, max_km
    )
    if len(i) == 0:
        return empty
    label = _split_conflicts(len(usable), i, j, metres, code[usable])
    _, inverse, counts = np.unique(label, return_inverse=True, return_counts=True)
    in_cluster = counts[inverse.reshape(-1)] >= 2
    position, label = usable[in_cluster], label[in_cluster]

    # Preferred member: curated, then best (lowest) location precision, then most sources,
    # then the first in the table.
    if "location_precision" in incidents.columns:
        precision = pd.to_numeric(incidents["location_precision"], errors="coerce")
        precision = precision.to_numpy("float64", na_value=np.nan)[position]
    else:
        precision = np.zeros(len(position))
    precision = np.where(np.isnan(precision), np.inf, precision)
    if "sources" in incidents.columns:
        values = incidents["sources"].to_numpy(dtype=object)[position]
        n_sources = np.array([len(_as_tuple(v)) for v in values], dtype=int)
    else:
        n_sources = np.zeros(len(position), dtype=int)
    # Clusters numbered by their first row in the table.
    first = pd.Series(position).groupby(label).transform("min").to_numpy()
    order = np.lexsort((position, -n_sources, precision, ~curated[position], first))
    position, first = position[order], first[order]
    cluster = np.unique(first, return_inverse=True)[1].reshape(-1)
    keep = np.r_[True, cluster[1:] != cluster[:-1]]
    return _Clusters(position, cluster, keep)


def find_duplicates(
    incidents: pd.DataFrame, *, max_days: int = 3, max_km: float = 10.0
) -> pd.DataFrame:
    """Rows reported by more than one dataset, grouped into clusters.

    Parameters
    ----------
    incidents
        Curated and imported incidents in one table (``incident_id``, ``date_start``,
        ``latitude``, ``longitude``; ``dataset`` / ``source_dataset`` identify datasets;
        ``location_precision`` and ``sources`` decide which member is preferred).
    max_days
        Largest difference of start dates, in days.
    max_km
        Largest geodesic distance, in kilometres.

    Returns
    -------
    pandas.DataFrame
        One row per incident in a cluster of two or more: ``incident_id``, ``cluster``
        (0, 1, ... in the order of the clusters' first rows in ``incidents``) and ``keep``
        (True for the member :func:`merge_duplicates` keeps). Sorted by cluster, the
        kept member first. Incidents without duplicates are not listed.
    """
    found = _clusters(incidents, max_days, max_km)
    ids = incidents["incident_id"].to_numpy(dtype=object)[found.position]
    return pd.DataFrame({"incident_id": ids, "cluster": found.cluster, "keep": found.keep})


def _unique(values: list) -> tuple:
    return tuple(dict.fromkeys(values))


def merge_duplicates(
    incidents: pd.DataFrame, *, max_days: int = 3, max_km: float = 10.0
) -> pd.DataFrame:
    """One row per incident: each cluster of :func:`find_duplicates` becomes its kept member.

    The kept member is the curated record if there is one, else the one with the best
    location precision, then the most sources. Its ``sources`` tuple gains every other
    member's sources (in preference order, without repeats) and ``also_reported_as`` lists
    the other members' incident ids. Every other row passes through unchanged, with an
    empty ``also_reported_as``. Row order and index labels are those of ``incidents``
    (a GeoDataFrame stays one).
    """
    _require(incidents, ("sources",))
    found = _clusters(incidents, max_days, max_km)
    n = len(incidents)
    also: list[tuple] = [()] * n
    sources = incidents["sources"].to_numpy(dtype=object).copy()
    ids = incidents["incident_id"].to_numpy(dtype=object)
    boundaries = np.flatnonzero(found.keep)
    stops = np.append(boundaries, len(found.position))[1:]
    for start, stop in zip(boundaries, stops, strict=True):
        members = found.position[start:stop]
        kept, others = members[0], members[1:]
        merged = [s for m in members for s in _as_tuple(sources[m])]
        sources[kept] = _unique(merged)
        also[kept] = tuple(ids[others])
    out = incidents.copy()
    out["sources"] = pd.Series(sources, index=out.index, dtype=object)
    out["also_reported_as"] = pd.Series(also, index=out.index, dtype=object)
    if not len(found.position):
        return out
    dropped = np.zeros(n, dtype=bool)
    dropped[found.position[~found.keep]] = True
    return out.iloc[np.flatnonzero(~dropped)]


def combined_incidents(
    curated: gpd.GeoDataFrame,
    imported: gpd.GeoDataFrame,
    *,
    max_days: int,
    max_km: float,
    dataset_names: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Curated and enabled imported incidents, the same event reported twice merged.

    ``dataset_names`` maps stored datasets' keys to the names the analyst gave them; each
    row's ``dataset_name`` is :func:`~borderwatch.schemas.shown_dataset_names` of it.

    Returns
    -------
    geopandas.GeoDataFrame
        The incident table the pages work on, :data:`~borderwatch.schemas.SHOWN_INCIDENTS`.
    """
    curated = curated.assign(
        dataset=CURATED_DATASET,
        source_dataset=CURATED_SOURCE,
        original_id=curated["incident_id"],
        origin_dataset_name=pd.Series("", index=curated.index, dtype="str"),
    )
    if imported.empty:
        nothing_merged = pd.Series([()] * len(curated), index=curated.index, dtype=object)
        merged = curated.assign(also_reported_as=nothing_merged)
    else:
        both = pd.concat([curated, imported], ignore_index=True)
        merged = merge_duplicates(both, max_days=max_days, max_km=max_km)
    merged["dataset_name"] = shown_dataset_names(
        merged["dataset"], merged.get("origin_dataset_name"), dict(dataset_names or {})
    )
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
