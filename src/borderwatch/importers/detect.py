"""Tell which known layout a table follows from its header.

The layouts are those of the project's data-source research note (ACLED current and c.2017
exports, UCDP GED, GTD) and BorderWatch's own incident layout. Each layout is recognised by
the columns its mapper needs; other columns may be present or absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from borderwatch.importers.base import ImportFormatError
from borderwatch.schemas import AUDIT_COLUMNS, INCIDENTS


@dataclass(frozen=True)
class Layout:
    """A known file layout.

    Attributes
    ----------
    key
        What :func:`detect_format` returns.
    label
        How analysts know it.
    required
        Columns that must all be present (the mapper reads them), in the source's order.
    id_column
        The column holding the source's own id.
    """

    key: str
    label: str
    required: tuple[str, ...]
    id_column: str


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "acled",
        "ACLED export (lower-case column names)",
        (
            "event_id_cnty",
            "event_date",
            "time_precision",
            "event_type",
            "sub_event_type",
            "actor1",
            "country",
            "location",
            "latitude",
            "longitude",
            "geo_precision",
            "source",
            "notes",
            "fatalities",
        ),
        "event_id_cnty",
    ),
    Layout(
        "acled_legacy",
        "ACLED export of c.2017 (upper-case column names)",
        (
            "EVENT_ID_CNTY",
            "EVENT_DATE",
            "TIME_PRECISION",
            "EVENT_TYPE",
            "ACTOR1",
            "COUNTRY",
            "LOCATION",
            "LATITUDE",
            "LONGITUDE",
            "GEO_PRECISION",
            "SOURCE",
            "NOTES",
            "FATALITIES",
        ),
        "EVENT_ID_CNTY",
    ),
    Layout(
        "ucdp_ged",
        "UCDP Georeferenced Event Dataset (GED)",
        (
            "id",
            "type_of_violence",
            "dyad_name",
            "side_a",
            "where_prec",
            "latitude",
            "longitude",
            "country",
            "date_prec",
            "date_start",
            "date_end",
            "best",
            "high",
            "low",
        ),
        "id",
    ),
    Layout(
        "gtd",
        "Global Terrorism Database (GTD)",
        (
            "eventid",
            "iyear",
            "imonth",
            "iday",
            "country_txt",
            "latitude",
            "longitude",
            "specificity",
            "attacktype1_txt",
            "nkill",
        ),
        "eventid",
    ),
    Layout(
        "borderwatch_csv",
        "BorderWatch incident layout (CSV or GeoJSON export)",
        tuple(name for name in INCIDENTS.column_names if name not in AUDIT_COLUMNS),
        "incident_id",
    ),
)

LAYOUTS_BY_KEY: dict[str, Layout] = {layout.key: layout for layout in LAYOUTS}


def _clean(name: object) -> str:
    return str(name).replace("\ufeff", "").strip()


def detect_format(header: list[str]) -> str:
    """The layout a table follows, judged from its column names.

    Parameters
    ----------
    header
        Column names as read (surrounding spaces and byte-order marks are ignored).

    Returns
    -------
    str
        ``"acled"``, ``"acled_legacy"``, ``"ucdp_ged"``, ``"gtd"`` or ``"borderwatch_csv"``.

    Raises
    ------
    ImportFormatError
        When no layout has all its required columns; the message lists what each layout
        needs and which of its columns are missing for the closest one.
    """
    names = {_clean(name) for name in header}
    for layout in LAYOUTS:
        if names.issuperset(layout.required):
            return layout.key

    def share_present(layout: Layout) -> float:
        return sum(column in names for column in layout.required) / len(layout.required)

    closest = max(LAYOUTS, key=share_present)
    missing = [column for column in closest.required if column not in names]
    folded = {name.casefold() for name in names}
    same_but_case = [
        layout
        for layout in LAYOUTS
        if all(column.casefold() in folded for column in layout.required)
    ]
    lines = ["The columns of this file match none of the layouts BorderWatch can import."]
    if same_but_case:
        lines.append(
            f"They are those of the {same_but_case[0].label} except for upper/lower case: "
            "keep the column names exactly as the source exports them."
        )
    elif share_present(closest) > 0:
        lines.append(
            f"Closest: {closest.label}, which lacks {len(missing)} of its "
            f"{len(closest.required)} required columns: {', '.join(missing)}."
        )
    else:
        shown = ", ".join(sorted(names)[:8]) or "(none)"
        lines.append(f"None of the expected column names was found (the file has: {shown}).")
        if len(names) == 1 and any(sep in next(iter(names)) for sep in (";", "\t", "|")):
            lines.append(
                "The header looks like one column: is the file separated by something other "
                "than commas?"
            )
    lines.append("Each layout needs these columns:")
    lines.extend(f"- {layout.label}: {', '.join(layout.required)}" for layout in LAYOUTS)
    raise ImportFormatError("\n".join(lines))
