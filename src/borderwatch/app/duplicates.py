"""The Data page's view of merged duplicates: list the merged groups with why they were
merged, split a wrong merge, switch merging off per dataset. No Streamlit here.

A merge is made by :mod:`borderwatch.dedupe` when the prepared data is built
(:mod:`borderwatch.app.prepared`); the analyst's choices live in the store
(:class:`~borderwatch.store.DatasetStore`): a dataset's ``merge_duplicates`` flag in the
registry, and the pairs of incidents declared distinct in ``distinct.json``. Changing
either changes the store's files, so the prepared data is built again on the next run.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pandas as pd

from borderwatch.app.backend import DatasetStoreBackend
from borderwatch.store import DatasetInfo, DistinctPair

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped: imported text is shown as
    text, never as links, emphasis or HTML."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(text).split()))


@dataclass(frozen=True)
class MergedGroup:
    """One incident shown in place of several reports.

    Attributes
    ----------
    kept_id
        The report kept (shown), first of ``members``.
    members
        Every report's incident id, the kept one first.
    name, date, place, dataset_name
        Of the kept report, to recognise the incident.
    reason
        Why each other report was merged into it (one item per report).
    """

    kept_id: str
    members: tuple[str, ...]
    name: str
    date: str
    place: str
    dataset_name: str
    reason: str

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Every pair of reports in the group: declaring them distinct splits it whole."""
        return list(itertools.combinations(self.members, 2))


def merged_groups(incidents: pd.DataFrame, *, limit: int | None = None) -> list[MergedGroup]:
    """The merged groups of the prepared incidents, newest first.

    Parameters
    ----------
    incidents
        Prepared incidents (:data:`~borderwatch.schemas.SHOWN_INCIDENTS`).
    limit
        At most this many groups (``None``: all).
    """
    if "also_reported_as" not in incidents.columns or incidents.empty:
        return []
    merged = incidents[incidents["also_reported_as"].map(len) > 0]
    if merged.empty:
        return []
    merged = merged.sort_values("date_start", ascending=False, kind="stable")
    if limit is not None:
        merged = merged.head(limit)
    reasons = merged["merge_reason"] if "merge_reason" in merged.columns else None
    names = merged["dataset_name"] if "dataset_name" in merged.columns else merged["dataset"]
    return [
        MergedGroup(
            kept_id=str(row.incident_id),
            members=(str(row.incident_id), *map(str, row.also_reported_as)),
            name=str(row.name),
            date=f"{row.date_start:%Y-%m-%d}" if pd.notna(row.date_start) else "",
            place=str(row.place_name),
            dataset_name=str(dataset_name),
            reason="" if reasons is None else str(reason),
        )
        for row, dataset_name, reason in zip(
            merged[
                ["incident_id", "also_reported_as", "name", "date_start", "place_name"]
            ].itertuples(index=False),
            names,
            reasons if reasons is not None else [""] * len(merged),
            strict=True,
        )
    ]


def count_merged(incidents: pd.DataFrame) -> int:
    """How many shown incidents stand for several reports."""
    if "also_reported_as" not in incidents.columns:
        return 0
    return int((incidents["also_reported_as"].map(len) > 0).sum())


def split_group(store: DatasetStoreBackend, group: MergedGroup) -> list[DistinctPair]:
    """Declare the group's reports distinct from one another: they are shown apart from
    the next build of the data on. Returns every pair now declared."""
    return store.declare_distinct(group.pairs)


def split_pairs(store: DatasetStoreBackend) -> list[DistinctPair]:
    """The pairs of reports the analyst declared distinct, in the order declared."""
    return store.distinct_pairs()


def undo_split(store: DatasetStoreBackend, pair: DistinctPair) -> list[DistinctPair]:
    """Let the two reports of ``pair`` be merged again; returns the pairs still declared."""
    return store.forget_distinct([pair.ids])


def set_merging(store: DatasetStoreBackend, key: str, merge: bool) -> DatasetInfo:
    """Let a dataset's reports be merged with other datasets' (or keep them all apart)."""
    return store.set_merge_duplicates(key, merge)
