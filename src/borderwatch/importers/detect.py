"""Tell which known layout a table follows from its header.

The layouts are declared in :mod:`borderwatch.importers.layouts` (ACLED current and c.2017
exports, UCDP GED, GTD, BorderWatch's own incident layout). Each is recognised by its
required columns; other columns may be present or absent.
"""

from __future__ import annotations

from borderwatch.importers.base import ImportFormatError
from borderwatch.importers.layouts import LAYOUTS, LAYOUTS_BY_KEY, Layout

__all__ = ["LAYOUTS", "LAYOUTS_BY_KEY", "Layout", "detect_format"]


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
