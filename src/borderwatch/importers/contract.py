"""Hold mapped incidents to the imported-incident contract, rejecting the rows that break it.

The contract is :data:`borderwatch.schemas.IMPORTED_INCIDENTS` (the curated layout with
coordinates allowed to be missing, plus ``dataset``, ``source_dataset`` and
``original_id``), checked by :func:`borderwatch.validation.find_violations`, the very
checker the curated files go through. Here its findings become rejections of single rows
instead of failing the whole file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from borderwatch.importers.base import Rejections
from borderwatch.schemas import IMPORTED_INCIDENTS
from borderwatch.validation import find_violations


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
    for violation in find_violations(incidents, IMPORTED_INCIDENTS):
        rejections.add(violation.rows, violation.field, violation.reason)
    rejected = rejections.table()
    # Back from positions in ``incidents`` to rows of the source file.
    source_rows = np.asarray(incidents.index, dtype="int64") + 1
    rejected["row"] = source_rows[rejected["row"].to_numpy() - 1]
    return rejections.accepted, rejected.sort_values("row", kind="stable", ignore_index=True)
