"""The prepared data layer every page shows: curated geodata plus enabled imported datasets,
duplicates merged (as the analyst chose: datasets whose merging is off, merges split),
border distances measured, display geometries simplified.

:func:`prepare_data` is the one way to build it, from explicit :class:`DataSettings`. Its
result is kept on disk (``cache_dir``), keyed by :func:`data_fingerprint` — the files it
was built from, the duplicate thresholds and the code that built it — so a restart with
nothing changed reads one file instead of loading, merging and measuring a million rows
again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch import loading, paths
from borderwatch.app import prepared_cache
from borderwatch.app.backend import DatasetStoreBackend
from borderwatch.config import Settings, settings
from borderwatch.errors import DataFileError
from borderwatch.filters import year_span
from borderwatch.importers.plausibility import DateBounds, implausible_dates
from borderwatch.links import country_anchors
from borderwatch.loading import GeoData
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.proximity import BorderIndex, add_border_distance
from borderwatch.schemas import IMPORTED_INCIDENTS
from borderwatch.store import DatasetStore, empty_incidents
from borderwatch.team.audit import AUDIT_FILE_NAME
from borderwatch.validation import find_violations
from borderwatch.zones import border_zones

#: Bump when the stored layout of :class:`PreparedData` changes incompatibly.
CACHE_FORMAT = 4
#: The last result in this process, by fingerprint: the launcher's warm-up prepares the
#: data before the first request, and that request must not read it from disk again.
_recent: dict[str, PreparedData] = {}
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataSettings:
    """What the prepared data is built from.

    Parameters
    ----------
    geodata_dir
        The curated data layer (``geodata/``).
    store_dir
        The store of imported datasets.
    dedupe_days, dedupe_km
        The same event in two datasets: start dates at most ``dedupe_days`` apart and
        positions at most ``dedupe_km`` apart.
    hidden_datasets
        Keys of stored datasets left out whatever their state: those restricted to groups
        the user is not in (:func:`borderwatch.team.access.hidden_dataset_keys`). Part of
        the key of every cached copy, so one user's copy never serves another who may see
        less.
    database_url
        Team mode: the database holding the imported datasets (``store_dir`` is then
        unused). Empty: the files in ``store_dir``.
    """

    geodata_dir: Path
    store_dir: Path
    dedupe_days: int
    dedupe_km: float
    hidden_datasets: frozenset[str] = frozenset()
    database_url: str = ""

    def store(self) -> DatasetStoreBackend:
        """The store of imported datasets these settings name."""
        if self.database_url:
            from borderwatch.team.db import open_dataset_store

            return open_dataset_store(self.database_url)
        return DatasetStore(self.store_dir)

    @classmethod
    def from_config(
        cls,
        config: Settings | None = None,
        *,
        store_dir: Path | None = None,
        dedupe_days: int | None = None,
        dedupe_km: float | None = None,
        hidden_datasets: frozenset[str] = frozenset(),
    ) -> DataSettings:
        """Settings from the configuration; the store, the duplicate thresholds and the
        datasets hidden from the user may be given instead."""
        config = config or settings()
        return cls(
            geodata_dir=config.geodata_dir,
            store_dir=config.data_dir if store_dir is None else store_dir,
            dedupe_days=config.dedupe_days if dedupe_days is None else int(dedupe_days),
            dedupe_km=config.dedupe_km if dedupe_km is None else float(dedupe_km),
            hidden_datasets=frozenset(hidden_datasets),
            database_url=config.database_url if store_dir is None else "",
        )


@dataclass(frozen=True)
class SetAside:
    """A stored dataset left out of the prepared data because the pages cannot show it."""

    key: str
    name: str
    message: str
    #: The file concerned, when one is (a damaged dataset or registry file).
    path: Path | None = None


@dataclass(frozen=True)
class PreparedData:
    """The data layer plus what every page derives from it, computed once."""

    geodata: GeoData
    #: Incidents (curated and enabled imports, duplicates merged) with
    #: ``border_distance_km`` and ``nearest_border``.
    incidents: gpd.GeoDataFrame
    anchors: dict[str, tuple[float, float]]
    display_countries: gpd.GeoDataFrame
    display_borders: gpd.GeoDataFrame
    #: Countries where incidents happened, and the years they cover (computed once: the
    #: sidebar needs them on every rerun, over possibly a million rows).
    incident_countries: tuple[str, ...] = ()
    incident_years: tuple[int, int] = (2011, 2019)
    #: The first and last start date of every incident shown (``None``: no incident): the
    #: months the Trends page's windows can end in, and whether they lie inside the data.
    incident_starts: tuple[pd.Timestamp, pd.Timestamp] | None = None
    #: The key it was built under (see :func:`data_fingerprint`).
    fingerprint: str = field(default="", compare=False)
    #: Enabled datasets left out because they cannot be shown (the Data page says why).
    set_aside: tuple[SetAside, ...] = ()
    #: Team mode: ``incidents`` holds the curated layer only; the imported events stay in
    #: the database and pages ask it (:mod:`borderwatch.app.selection`).
    events_in_database: bool = False
    #: Team mode: keys of the enabled datasets the user may see (the dataset filter's
    #: choices, which ``incidents`` cannot give there).
    database_datasets: tuple[str, ...] = ()

    @property
    def country_names(self) -> dict[str, str]:
        return self.geodata.country_names()

    @property
    def border_names(self) -> dict[str, str]:
        borders = self.geodata.borders
        return dict(zip(borders["pair"], borders["name"], strict=True))


def _files_state(directory: Path) -> list[tuple[str, int, int]]:
    if not directory.is_dir():
        return []
    # The audit trail grows with every sign-in and export and changes nothing shown.
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.name != AUDIT_FILE_NAME)
    return [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files]


@cache
def _code_digest() -> str:
    # Any change to the package's code may change what is prepared: key on all of it
    # (about 60 small files, read once per process).
    package = paths.REPO_ROOT / "src" / "borderwatch"
    digest = hashlib.sha256()
    root = package if package.is_dir() else Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _store_state(data_settings: DataSettings) -> tuple:
    """What identifies the imported datasets' current state: the store's files (name, size,
    modification time), or in team mode the database's change counter and registry, read
    afresh on every call so that a change made by another app process is seen at once."""
    if not data_settings.database_url:
        return (str(data_settings.store_dir.resolve()), _files_state(data_settings.store_dir))
    from borderwatch.team.db.engine import safe_url
    from borderwatch.team.db.store import PostgisDatasetStore

    store = PostgisDatasetStore(data_settings.database_url)
    return (safe_url(data_settings.database_url), store.version(), store.list())


def data_fingerprint(data_settings: DataSettings) -> str:
    """A key that changes whenever the prepared data would: a file in the data layer or the
    import store changes (name, size, modification time; in team mode, anything in the
    database), a threshold changes, or the code that prepares it changes."""
    state = repr(
        (
            CACHE_FORMAT,
            str(data_settings.geodata_dir.resolve()),
            _files_state(data_settings.geodata_dir),
            _store_state(data_settings),
            data_settings.dedupe_days,
            data_settings.dedupe_km,
            sorted(data_settings.hidden_datasets),
            _code_digest(),
        )
    )
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def _contiguous(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The same table with each Arrow-backed column in one chunk: selecting rows of a
    many-chunk string column is about ten times slower, and every filter selects rows."""
    out = incidents.copy(deep=False)
    for column in out.columns:
        array = out[column].array
        chunked = getattr(array, "_pa_array", None)
        if chunked is not None and chunked.num_chunks > 1:
            out[column] = pd.Series(
                type(array)(chunked.combine_chunks()), index=out.index, name=column
            )
    return out


def _unshowable(frame: gpd.GeoDataFrame) -> str | None:
    """Why a stored dataset cannot be shown (it breaks the import contract or holds dates
    outside the plausible span), or ``None``."""
    problems = [
        f"{violation.field}: "
        + (violation.reason if isinstance(violation.reason, str) else str(violation.reason.iloc[0]))
        + f" (rows {_rows(violation.rows)})"
        for violation in find_violations(frame, IMPORTED_INCIDENTS)
    ]
    bounds = DateBounds.from_config()
    for column, bad in implausible_dates(frame, bounds).items():
        if bad.any():
            problems.append(
                f"{column}: {int(bad.sum()):,} dates outside {bounds.describe()} "
                f"(rows {_rows(bad)})"
            )
    return "; ".join(problems[:5]) if problems else None


def _rows(mask) -> str:
    positions = [int(p) + 1 for p in np.flatnonzero(np.asarray(mask, dtype=bool))[:5]]
    return ", ".join(map(str, positions)) + (", …" if int(np.sum(mask)) > 5 else "")


def _as_store(store: Path | DatasetStoreBackend) -> DatasetStoreBackend:
    return DatasetStore(store) if isinstance(store, Path) else store


def load_shown_datasets(
    store_dir: Path | DatasetStoreBackend, hidden: frozenset[str] = frozenset()
) -> tuple[gpd.GeoDataFrame, tuple[SetAside, ...]]:
    """The enabled datasets the pages can show, in one table, and those set aside.
    Datasets whose keys are in ``hidden`` are neither loaded nor named.

    A dataset whose file cannot be read, or whose rows the pages cannot show (dates such as
    0000-01-01, rows breaking the import contract), is set aside with the reason; the other
    datasets are shown. An unreadable registry sets every dataset aside. ``store_dir`` is
    the file store's folder, or any store (the team database's).
    """
    store = _as_store(store_dir)
    try:
        infos = [info for info in store.list() if info.enabled and info.key not in hidden]
    except DataFileError as error:
        return empty_incidents(), (
            SetAside("", "the dataset registry", f"{error.summary()} {error.remedy}", error.path),
        )
    frames, set_aside = [], []
    for info in infos:
        path = None
        try:
            frame = store.load(info.key)
            reason = _unshowable(frame)
        except DataFileError as error:
            reason, path = f"{error.summary()} {error.remedy}", error.path
        except Exception as error:  # a damaged file must never stop the pages
            _LOG.exception("stored dataset %s cannot be loaded", info.key)
            reason = f"it cannot be read ({type(error).__name__}: {str(error)[:200]})"
        if reason is None:
            frames.append(frame)
        else:
            set_aside.append(SetAside(info.key, info.name, reason, path))
    if not frames:
        return empty_incidents(), tuple(set_aside)
    combined = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")
    return combined.reset_index(drop=True), tuple(set_aside)


def dataset_names(
    store_dir: Path | DatasetStoreBackend, hidden: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Stored datasets' keys -> the names the analyst gave them, without those in
    ``hidden`` (empty if the registry cannot be read: the pages then show keys)."""
    try:
        return {
            info.key: info.name for info in _as_store(store_dir).list() if info.key not in hidden
        }
    except DataFileError:
        return {}


@dataclass(frozen=True)
class MergeChoices:
    """The analyst's choices about merging: datasets whose merging is off, and pairs of
    incidents declared distinct (split merges)."""

    unmerged: tuple[str, ...] = ()
    distinct: tuple[tuple[str, str], ...] = ()


def merge_choices(store_dir: Path | DatasetStoreBackend) -> MergeChoices:
    """:class:`MergeChoices` from the store. An unreadable registry leaves them out (its
    datasets are set aside anyway); an unreadable list of split merges is logged and
    ignored, so the pages still show the data (the Data page reports it)."""
    store = _as_store(store_dir)
    try:
        unmerged = tuple(info.key for info in store.list() if not info.merge_duplicates)
    except DataFileError:
        unmerged = ()
    try:
        distinct = tuple(pair.ids for pair in store.distinct_pairs())
    except DataFileError:
        _LOG.exception("the list of split merges cannot be read")
        distinct = ()
    return MergeChoices(unmerged, distinct)


def _curated_only(
    geodata: GeoData, data_settings: DataSettings, index: BorderIndex
) -> gpd.GeoDataFrame:
    """The curated incidents alone, as the pages show them (reports of one event merged,
    border distances measured)."""
    from borderwatch.dedupe import combined_incidents

    return add_border_distance(
        combined_incidents(
            geodata.incidents,
            empty_incidents(),
            max_days=data_settings.dedupe_days,
            max_km=data_settings.dedupe_km,
        ),
        index,
    )


def _start_span(incidents: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last start date of ``incidents`` (``None`` when there is none)."""
    dates = incidents["date_start"]
    return None if dates.empty else (pd.Timestamp(dates.min()), pd.Timestamp(dates.max()))


def _build_team(data_settings: DataSettings, fingerprint: str) -> PreparedData:
    """Team mode: the curated layer only, with the countries and years of everything shown
    (asked of the database), so a process's memory does not grow with the imported events."""
    from borderwatch.team.db import query

    geodata = loading.load_geodata(data_settings.geodata_dir)
    incidents = _curated_only(geodata, data_settings, BorderIndex.from_borders(geodata.borders))
    hidden = data_settings.hidden_datasets
    shown_span = query.shown_span(data_settings.database_url, hidden=hidden)
    store = data_settings.store()
    shown = tuple(info.key for info in store.list() if info.enabled and info.key not in hidden)
    return PreparedData(
        geodata=geodata,
        incidents=_contiguous(incidents),
        incident_countries=shown_span.countries,
        incident_years=shown_span.years or year_span(incidents),
        incident_starts=shown_span.starts,
        anchors=country_anchors(geodata.countries),
        display_countries=simplify_for_display(geodata.countries),
        display_borders=simplify_for_display(geodata.borders),
        fingerprint=fingerprint,
        events_in_database=True,
        database_datasets=shown,
    )


def _build(data_settings: DataSettings, fingerprint: str) -> PreparedData:
    if data_settings.database_url:
        return _build_team(data_settings, fingerprint)
    # Only a build needs duplicate merging (scipy): a start that reads a stored copy
    # does not import it.
    from borderwatch.dedupe import combined_incidents

    geodata = loading.load_geodata(data_settings.geodata_dir)
    hidden = data_settings.hidden_datasets
    store = data_settings.store()
    imported, set_aside = load_shown_datasets(store, hidden)
    names = dataset_names(store, hidden)
    choices = merge_choices(store)
    index = BorderIndex.from_borders(geodata.borders)
    try:
        incidents = add_border_distance(
            combined_incidents(
                geodata.incidents,
                imported,
                max_days=data_settings.dedupe_days,
                max_km=data_settings.dedupe_km,
                dataset_names=names,
                distinct=choices.distinct,
                unmerged=choices.unmerged,
            ),
            index,
        )
        years = year_span(incidents)
    except Exception:  # imported rows the pages cannot combine: show the curated layer
        if imported.empty:
            raise
        _LOG.exception("imported datasets cannot be combined with the curated incidents")
        set_aside += tuple(
            SetAside(key, "", "it could not be combined with the other data (see the log)")
            for key in imported["dataset"].unique()
        )
        incidents = _curated_only(geodata, data_settings, index)
        years = year_span(incidents)
    return PreparedData(
        geodata=geodata,
        incidents=_contiguous(incidents),
        incident_countries=tuple(sorted(incidents["country_iso3"].dropna().unique())),
        incident_years=years,
        incident_starts=_start_span(incidents),
        anchors=country_anchors(geodata.countries),
        display_countries=simplify_for_display(geodata.countries),
        display_borders=simplify_for_display(geodata.borders),
        fingerprint=fingerprint,
        set_aside=set_aside,
    )


def prepare_data(data_settings: DataSettings, *, cache_dir: Path | None = None) -> PreparedData:
    """The prepared data layer for ``data_settings``.

    Parameters
    ----------
    data_settings
        Where the data is and how duplicates are recognised.
    cache_dir
        Keep the result here, keyed by :func:`data_fingerprint`, and reuse it while nothing
        it was built from has changed. ``None`` builds it every time.

    Raises
    ------
    borderwatch.errors.DataFileError
        A curated file or a stored dataset cannot be read; it names the file and what to do.
    """
    fingerprint = data_fingerprint(data_settings)
    if (prepared := _recent.get(fingerprint)) is not None:
        return prepared
    stored = None if cache_dir is None else cache_dir / f"{fingerprint}{prepared_cache.SUFFIX}"
    prepared = None if stored is None else prepared_cache.read(stored)
    if prepared is None:
        prepared = _build(data_settings, fingerprint)
        if stored is not None:
            prepared_cache.write(stored, prepared)
    _recent.clear()
    _recent[fingerprint] = prepared
    return prepared


def display_zones(prepared: PreparedData, width_km: float) -> gpd.GeoDataFrame:
    """Border zones of ``width_km`` on each side of every border, simplified for drawing."""
    return simplify_for_display(border_zones(prepared.geodata.borders, width_km))
