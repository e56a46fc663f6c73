"""One mapper per source layout: a source table (every cell text) to BorderWatch incidents.

Each lives in the module of its source (:mod:`~borderwatch.importers.acled`,
:mod:`~borderwatch.importers.ucdp`, :mod:`~borderwatch.importers.gtd`,
:mod:`~borderwatch.importers.borderwatch`) and reads only the columns its layout declares
(:mod:`~borderwatch.importers.layouts`), through the converters of
:mod:`~borderwatch.importers.convert`. A mapper rejects a row, with the source column and a
reason, when its date cannot be read or is impossible, its coordinates are out of range or
only half given, its id is missing, repeated or mangled, or a code it needs (precision,
event type, country) is unknown. The remaining checks of the incident contract are made on
the mapped rows by :mod:`~borderwatch.importers.contract`.
"""

from __future__ import annotations

from collections.abc import Callable

from borderwatch.importers.acled import map_acled, map_acled_legacy
from borderwatch.importers.base import MappedRows
from borderwatch.importers.borderwatch import map_borderwatch
from borderwatch.importers.gtd import map_gtd
from borderwatch.importers.ucdp import map_ucdp_ged

__all__ = ["MAPPERS", "map_acled", "map_acled_legacy", "map_borderwatch", "map_gtd", "map_ucdp_ged"]

#: Layout key (see :func:`~borderwatch.importers.detect.detect_format`) -> mapper.
MAPPERS: dict[str, Callable[..., MappedRows]] = {
    "acled": map_acled,
    "acled_legacy": map_acled_legacy,
    "ucdp_ged": map_ucdp_ged,
    "gtd": map_gtd,
    "borderwatch_csv": map_borderwatch,
}
