"""Source citations of the curated datasets: parsing and the checks the curation guide sets.

Every curated CSV (incidents, cooperation, crossings, capabilities) cites its sources in one
cell, entries separated by `` | ``. Each entry reads::

    Outlet: Title (YYYY-MM-DD) <https://url>

The title is optional (``Outlet (YYYY-MM-DD) <url>``), the date may be ``YYYY-MM`` or
``YYYY``, and the ``<url>`` is given only when the page was actually seen. A wire story or a
republished report names its originator first: ``AFP via Arab News: Title (...)``; the
originator is the outlet that counts for independence.

Beside the sources, a row records its ``verification`` (``two sources``, ``single source``
or ``disputed``) and what was ``checked`` (a ``;``-separated list from
:data:`CHECKED_ITEMS`). The rules are set out in ``geodata/README.md``.

The module is pure (no Streamlit, no pandas) so the app can use it to show sources as links.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Separator between the entries of a sources cell.
SOURCE_SEPARATOR = " | "
#: Separator between the items of a ``checked`` cell.
CHECKED_SEPARATOR = ";"

#: The accepted values of the ``verification`` column.
VERIFICATION_STATUSES: tuple[str, ...] = ("two sources", "single source", "disputed")

#: What a curator can have checked against the sources, with its meaning.
CHECKED_ITEMS: dict[str, str] = {
    "date": "when it happened, started or ended",
    "place": "where it happened or what it covers",
    "toll": "deaths and casualties",
    "perpetrator": "who carried it out, as attributed",
    "origin": "documented cross-border origin of attackers, training or weapons",
    "type": "what kind of event or arrangement it is",
    "parties": "who takes part",
    "status": "whether it is in force, ended, open or closed",
    "figure": "a number (expenditure, personnel, length)",
}

_URL = re.compile(r"\s*<(?P<url>[^<>\s]+)>\s*$")
_DATE = re.compile(r"\s*\((?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)\)\s*$")
_DATE_VALUE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_WIKIPEDIA = re.compile(r"\bwikipedia\b", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """One cited source.

    Parameters
    ----------
    outlet
        Who published it, as written (``"AFP via Arab News"``, ``"Libya Herald"``).
    title
        The article or page title, or ``None`` when the entry gives none.
    date
        The publication date as written (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), or
        ``None`` when the entry is undated.
    url
        The address of the page as seen, or ``None``.
    """

    outlet: str
    title: str | None = None
    date: str | None = None
    url: str | None = None

    @property
    def dated(self) -> bool:
        """Whether the entry carries a publication date."""
        return self.date is not None

    @property
    def originator(self) -> str:
        """The outlet that counts for independence (before any ``via``), as written."""
        return self.outlet.split(" via ", 1)[0].strip()

    def __str__(self) -> str:
        text = self.outlet
        if self.title:
            text += f": {self.title}"
        if self.date:
            text += f" ({self.date})"
        if self.url:
            text += f" <{self.url}>"
        return text


def _valid_date(text: str) -> bool:
    if not _DATE_VALUE.match(text):
        return False
    if len(text) == 10:  # a full date must exist in the calendar
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return False
    return True


def parse_citation(entry: str) -> Citation:
    """Parse one entry of a sources cell.

    Parameters
    ----------
    entry
        Text of the form ``Outlet: Title (date) <url>``; title, date and URL optional.

    Returns
    -------
    Citation
        The parts, stripped. Text that does not follow the form ends up in ``outlet``
        (and ``title``), never lost.

    Raises
    ------
    ValueError
        If the entry is empty, or its date is not a valid ``YYYY[-MM[-DD]]``.

    Examples
    --------
    >>> parse_citation("Libya Herald: Ghadames summit (2013-01-12) <https://libyaherald.com/x>")
    Citation(outlet='Libya Herald', title='Ghadames summit', date='2013-01-12', url='https://libyaherald.com/x')
    >>> parse_citation("Al Jazeera (2004)")
    Citation(outlet='Al Jazeera', title=None, date='2004', url=None)
    """
    text = entry.strip()
    if not text:
        raise ValueError("empty source entry")
    url = None
    match = _URL.search(text)
    if match:
        url = match.group("url")
        text = text[: match.start()].rstrip()
    date = None
    match = _DATE.search(text)
    if match:
        date = match.group("date")
        if not _valid_date(date):
            raise ValueError(f"{date!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        text = text[: match.start()].rstrip()
    outlet, _, title = text.partition(": ")
    outlet = outlet.strip()
    if not outlet:
        raise ValueError(f"source entry {entry!r} names no outlet")
    return Citation(outlet=outlet, title=title.strip() or None, date=date, url=url)


def parse_sources(text: str) -> tuple[Citation, ...]:
    """Parse a sources cell into its citations, in order.

    Parameters
    ----------
    text
        Entries separated by `` | `` (a bare ``|`` is accepted too). Empty text gives an
        empty tuple.

    Returns
    -------
    tuple of Citation

    Raises
    ------
    ValueError
        If an entry has an invalid date.
    """
    entries = (part.strip() for part in text.split("|"))
    return tuple(parse_citation(part) for part in entries if part)


def outlet_key(outlet: str) -> str:
    """Normalised name of the originating outlet, for counting independent sources.

    Any Wikipedia (any language, any article) is one outlet; ``"X via Y"`` counts as ``X``;
    parenthetical remarks and case are ignored.
    """
    origin = outlet.split(" via ", 1)[0]
    if _WIKIPEDIA.search(origin):
        return "wikipedia"
    origin = _PARENTHETICAL.sub("", origin)
    return " ".join(origin.casefold().split())


def distinct_outlets(citations: Iterable[Citation]) -> set[str]:
    """The distinct originating outlets among ``citations`` (see :func:`outlet_key`)."""
    return {outlet_key(c.outlet) for c in citations}


def parse_checked(text: str) -> tuple[str, ...]:
    """Split a ``checked`` cell into its items, in order, without empty items."""
    return tuple(item.strip() for item in text.split(CHECKED_SEPARATOR) if item.strip())


def citation_problems(sources: str, verification: str, checked: str) -> list[str]:
    """What breaks the curation rules in one row; empty when the row is fine.

    Parameters
    ----------
    sources
        The row's sources cell.
    verification
        Its ``verification`` cell.
    checked
        Its ``checked`` cell.

    Returns
    -------
    list of str
        One message per broken rule: at least one dated source; a known verification
        status; ``two sources`` needs two different outlets (Wikipedia at most one);
        ``checked`` non-empty and drawn from :data:`CHECKED_ITEMS`.
    """
    problems: list[str] = []
    try:
        citations = parse_sources(sources)
    except ValueError as exc:
        return [f"sources cannot be parsed: {exc}"]
    if not citations:
        problems.append("no source is cited")
    elif not any(c.dated for c in citations):
        problems.append("no source carries a date")
    if verification not in VERIFICATION_STATUSES:
        problems.append(
            f"verification {verification!r} is not one of: {', '.join(VERIFICATION_STATUSES)}"
        )
    elif verification == "two sources" and len(distinct_outlets(citations)) < 2:
        problems.append("'two sources' but fewer than two different outlets are cited")
    items = parse_checked(checked)
    if not items:
        problems.append("checked is empty: say what was verified")
    unknown = [item for item in items if item not in CHECKED_ITEMS]
    if unknown:
        problems.append(
            f"checked has {', '.join(map(repr, unknown))}, not in: {', '.join(CHECKED_ITEMS)}"
        )
    return problems
