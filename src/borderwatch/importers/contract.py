"""Check mapped incidents against the imported-incident contract (``docs/import-design.md``).

The contract is the curated layout, :data:`borderwatch.schemas.INCIDENTS`, with coordinates
(and so the location precision) allowed to be missing, plus ``dataset``, ``source_dataset``
and ``original_id``. The checks follow :mod:`borderwatch.validation` (the same vocabulary,
bounds and cross-column rules, with its wording), but on the typed table the mappers build,
and they reject the offending rows instead of failing the whole file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from borderwatch.importers.base import (
    EXTRA_COLUMNS,
    SOURCE_NAMES,
    Rejections,
    map_unique,
    quoted,
)
from borderwatch.schemas import INCIDENTS
from borderwatch.validation import ISO3_PATTERN

#: Layout columns that may be empty on an imported incident (not placed on the map).
OPTIONAL_WHEN_NOT_PLACED = ("latitude", "longitude", "location_precision")


def _bound_message(values: pd.Series, minimum: float | None, maximum: float | None) -> pd.Series:
    shown = values.astype("str")
    if minimum is not None and maximum is not None:
        return shown + f" is outside {minimum:g}..{maximum:g}"
    if minimum is not None:
        return shown + f" is below {minimum:g}"
    return shown + f" is above {maximum:g}"


def check_incidents(incidents: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Find the mapped incidents that break the contract.

    Parameters
    ----------
    incidents
        Mapped incidents (:attr:`borderwatch.importers.base.MappedRows.incidents`), whose
        index is the 0-based position of each row in the source file.

    Returns
    -------
    tuple of numpy.ndarray and pandas.DataFrame
        A boolean array, true for the rows that pass, and the rejection table for the others
        (``row`` = index + 1; ``field`` = the BorderWatch column concerned).
    """
    ids = incidents["original_id"].astype("str")
    rejections = Rejections(ids.set_axis(pd.RangeIndex(len(ids))))
    table = incidents.reset_index(drop=True)
    placed = table["latitude"].notna() & table["longitude"].notna()

    for column in INCIDENTS.columns:
        values = table[column.name]
        if column.kind in ("str", "date"):
            empty = values.isna() if column.kind == "date" else values.fillna("").eq("")
            if column.required:
                rejections.add(empty, column.name, "is empty but required")
            if column.allowed is not None:
                bad = ~empty & ~values.isin(column.allowed)
                rejections.add(
                    bad,
                    column.name,
                    quoted(values[bad]) + f" is not one of: {', '.join(column.allowed)}",
                )
        elif column.kind in ("int", "float"):
            if column.required and column.name not in OPTIONAL_WHEN_NOT_PLACED:
                rejections.add(values.isna(), column.name, "is empty but required")
            out = pd.Series(False, index=values.index)
            if column.minimum is not None:
                out |= (values < column.minimum).fillna(False).astype(bool)
            if column.maximum is not None:
                out |= (values > column.maximum).fillna(False).astype(bool)
            rejections.add(
                out, column.name, _bound_message(values[out], column.minimum, column.maximum)
            )
        elif column.kind == "iso3_list":
            bad = map_unique(
                values, lambda codes: any(not ISO3_PATTERN.match(str(c)) for c in codes)
            ).astype(bool)
            rejections.add(
                bad,
                column.name,
                values[bad].map(";".join).pipe(quoted)
                + " is not a ';'-separated list of ISO3 codes (e.g. LBY;MLI)",
            )
        elif column.kind == "citations":
            empty = values.map(len) == 0
            rejections.add(empty, column.name, "is empty but required")

    rejections.add(
        placed & table["location_precision"].isna(),
        "location_precision",
        "is empty but required for an incident with coordinates",
    )
    rejections.add(
        table["latitude"].isna() != table["longitude"].isna(),
        "latitude",
        "latitude and longitude must both be given or both be empty",
    )
    country = table["country_iso3"].astype("str")
    bad_country = (country != "") & ~country.str.fullmatch(r"[A-Z]{3}")
    rejections.add(bad_country, "country_iso3", quoted(country[bad_country]) + " is not ISO3")

    for name in EXTRA_COLUMNS:
        rejections.add(table[name].fillna("").eq(""), name, "is empty but required")
    bad_source = ~table["source_dataset"].isin(SOURCE_NAMES)
    rejections.add(
        bad_source,
        "source_dataset",
        quoted(table["source_dataset"][bad_source]) + f" is not one of: {', '.join(SOURCE_NAMES)}",
    )
    repeated = table["incident_id"].duplicated(keep="first")
    rejections.add(
        repeated, "incident_id", quoted(table["incident_id"][repeated]) + " is used twice"
    )

    for rule in INCIDENTS.rules:
        broken = rule.violated(table).fillna(False).astype(bool)
        rejections.add(broken, rule.field, rule.message)

    rejected = rejections.table()
    # Back from positions in ``incidents`` to rows of the source file.
    source_rows = np.asarray(incidents.index, dtype="int64") + 1
    rejected["row"] = source_rows[rejected["row"].to_numpy() - 1]
    return rejections.accepted, rejected.sort_values("row", kind="stable", ignore_index=True)
