"""Finding incidents by what an analyst remembers of them: a name, a place, an actor, a
word of the summary, an id, or the country in English, French or Arabic.

Matching ignores case and accents (``Algérie`` finds ``algerie``, ``ALGERIE``), Arabic short
vowels, hamza forms and the tatweel (``الجزائر`` finds ``الجزاءر``, ``الـجزائر``). Every
word of the query must match (in any field of the incident, or its country's names).

:class:`SearchIndex` normalises the searchable text of every incident once: it keeps one
UTF-8 buffer of all rows and scans it with one compiled pattern per word, so a query over a
million incidents takes a fraction of a second (``benchmarks/bench_search.py``). Build it
once per prepared data layer and keep it (the Streamlit layer caches it per fingerprint).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from borderwatch.mapping.view import Focus

#: Columns whose text is searched, in the order they are stored.
SEARCH_FIELDS: tuple[str, ...] = ("incident_id", "name", "place_name", "perpetrator", "summary")
#: Hits listed at most (the total is always counted).
DEFAULT_LIMIT = 10

_FIELD_SEP = "\x1f"
_ROW_SEP = b"\x1e"
# Combining marks left by NFKD (Latin accents, Arabic harakat, hamza above/below, superscript
# alef) and the Arabic tatweel.
_MARKS = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0621": "",  # lone hamza (e.g. الجزاءر, a common spelling variant)
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)
_SPACES = re.compile(r"\s+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_SEPARATORS = re.compile("[\x1e\x1f]")
#: Rows folded at once: long strings keep the work in C.
_CHUNK_ROWS = 20_000


def fold(text: str) -> str:
    """``text`` case-folded, accents and Arabic diacritics removed, Arabic letter variants
    folded; white space is left as it is."""
    if text.isascii():
        return text.lower()
    folded = _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    if _ARABIC.search(folded):
        folded = folded.translate(_ARABIC_FOLD)
    return unicodedata.normalize("NFC", folded)


def normalise(text: str) -> str:
    """``text`` as it is matched (:func:`fold`), runs of white space made one space."""
    return _SPACES.sub(" ", fold(text)).strip()


def query_terms(query: str) -> tuple[str, ...]:
    """The words of a query, normalised, without repeats (empty for a blank query)."""
    # Separators inside the stored text must never be part of a term.
    cleaned = normalise(query).replace(_FIELD_SEP, " ").replace("\x1e", " ")
    return tuple(dict.fromkeys(cleaned.split()))


@dataclass(frozen=True)
class SearchResult:
    """The incidents that match a query.

    Attributes
    ----------
    positions
        Row positions (in the indexed table) of every match, best first.
    total
        How many incidents match.
    """

    positions: np.ndarray
    total: int

    def hits(self, incidents: pd.DataFrame, limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
        """The first ``limit`` matching rows of ``incidents`` (the table indexed)."""
        return incidents.iloc[self.positions[:limit]]


class SearchIndex:
    """The searchable text of a table of incidents, normalised once.

    Parameters
    ----------
    incidents
        The incident table (any index; results are row positions). Missing text columns
        are treated as empty.
    country_names
        ISO3 -> names of the country in any language (English, French, Arabic, …); an
        incident matches a word that one of its country's names contains.
    """

    def __init__(
        self, incidents: pd.DataFrame, country_names: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self._size = len(incidents)
        columns = [_text_column(incidents, name) for name in SEARCH_FIELDS]
        # Rows are joined (fields by \x1f, rows by \x1e) and folded a chunk at a time:
        # folding keeps the separators, and the row ends are found in the bytes afterwards.
        chunks = []
        for first in range(0, self._size, _CHUNK_ROWS):
            rows = zip(*(c[first : first + _CHUNK_ROWS] for c in columns), strict=True)
            text = _ROW_SEP.decode().join(map(_FIELD_SEP.join, rows)) + _ROW_SEP.decode()
            if text.isascii():
                chunks.append(text.lower().encode())
            else:  # most rows are still ASCII: fold row by row, each the quick way if it can
                parts = text.split(_ROW_SEP.decode())
                chunks.append(_ROW_SEP.decode().join(map(fold, parts)).encode())
        self._buffer = b"".join(chunks)
        ends = np.flatnonzero(np.frombuffer(self._buffer, dtype=np.uint8) == _ROW_SEP[0])
        #: Row i spans starts[i] up to its \x1e.
        self._starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)[: self._size]
        self._dates = (
            incidents["date_start"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
            if "date_start" in incidents
            else np.zeros(self._size, dtype=np.int64)
        )
        self._country_codes, self._country_of_row = _factorize(incidents.get("country_iso3"))
        self._country_text = {
            code: _FIELD_SEP.join(normalise(n) for n in names if isinstance(n, str) and n)
            for code, names in (country_names or {}).items()
        }

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """Memory held by the normalised text and its offsets, in bytes."""
        return len(self._buffer) + self._starts.nbytes + self._dates.nbytes

    def _rows_containing(self, term: str) -> np.ndarray:
        """Sorted positions of the rows whose text contains ``term``."""
        # Match the term, then skip to the end of the row: one match per row at most.
        pattern = re.compile(re.escape(term.encode()) + b"[^\x1e]*")
        found = np.fromiter((m.start() for m in pattern.finditer(self._buffer)), dtype=np.int64)
        return np.searchsorted(self._starts, found, side="right") - 1

    def _rows_of_countries(self, term: str) -> np.ndarray:
        codes = [c for c, text in self._country_text.items() if term in text]
        if not codes or self._country_of_row is None:
            return np.zeros(0, dtype=np.int64)
        wanted = np.flatnonzero(self._country_codes.isin(codes))
        return np.flatnonzero(np.isin(self._country_of_row, wanted))

    def search(self, query: str) -> SearchResult:
        """Incidents matching every word of ``query``: an exact id first, then those whose
        name matches, then the rest; newest first within each."""
        terms = query_terms(query)
        if not terms or not self._size:
            return SearchResult(np.zeros(0, dtype=np.int64), 0)
        matched: np.ndarray | None = None
        for term in sorted(terms, key=len, reverse=True):  # longer words: fewer hits
            rows = np.union1d(self._rows_containing(term), self._rows_of_countries(term))
            matched = rows if matched is None else np.intersect1d(matched, rows, True)
            if not len(matched):
                break
        assert matched is not None
        return SearchResult(self._ranked(matched, terms), len(matched))

    def _ranked(self, rows: np.ndarray, terms: tuple[str, ...]) -> np.ndarray:
        exact = np.zeros(len(rows), dtype=bool)
        # An id is one word; the row whose first field is exactly the query comes first.
        if len(terms) == 1 and (row := self._row_with_id(terms[0])) is not None:
            exact = rows == row
        in_name = np.zeros(len(rows), dtype=bool)
        if len(rows) <= 20_000:  # beyond that, ranking by date alone is what helps
            in_name = np.array([self._name_matches(int(r), terms) for r in rows], dtype=bool)
        # lexsort: the last key sorts first.
        order = np.lexsort((-self._dates[rows], ~in_name, ~exact))
        return rows[order]

    def _row_with_id(self, term: str) -> int | None:
        """The row whose id is ``term`` (folded), if any."""
        key = term.encode() + b"\x1f"
        if self._buffer.startswith(key):
            return 0
        at = self._buffer.find(_ROW_SEP + key)
        return None if at < 0 else int(np.searchsorted(self._starts, at + 1, side="right") - 1)

    def _name_matches(self, row: int, terms: tuple[str, ...]) -> bool:
        after_id = self._buffer.index(b"\x1f", int(self._starts[row])) + 1
        name = self._buffer[after_id : self._buffer.index(b"\x1f", after_id)]
        return all(t.encode() in name for t in terms)


def _text_column(incidents: pd.DataFrame, name: str) -> list[str]:
    if name not in incidents:
        return [""] * len(incidents)
    values = [v if isinstance(v, str) else "" for v in incidents[name].tolist()]
    if any("\x1e" in v or "\x1f" in v for v in values):  # never let one split a row
        values = [_SEPARATORS.sub(" ", v) for v in values]
    return values


def _factorize(iso3: pd.Series | None) -> tuple[pd.Index, np.ndarray | None]:
    if iso3 is None:
        return pd.Index([]), None
    codes, uniques = pd.factorize(iso3.astype(object).where(iso3.notna(), ""))
    return pd.Index(uniques), codes


def country_search_names(countries: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """ISO3 -> the country's English, French and Arabic names (what the data holds)."""
    columns = [c for c in ("name_en", "name_fr", "name_ar") if c in countries]
    return {
        str(row["iso3"]): tuple(str(row[c]) for c in columns if isinstance(row[c], str))
        for _, row in countries.iterrows()
    }


def find_incident(incidents: pd.DataFrame, incident_id: str | None) -> pd.Series | None:
    """The row of ``incident_id``, or ``None`` when it is not in ``incidents``."""
    if not incident_id or "incident_id" not in incidents:
        return None
    rows = incidents[incidents["incident_id"] == incident_id]
    return None if rows.empty else rows.iloc[0]


def focus_for(incidents: pd.DataFrame, incident_id: str | None, *, zoom: int = 8) -> Focus | None:
    """Where the map should look to show ``incident_id`` with its popup open, or ``None``
    when the incident is not in ``incidents`` or has no coordinates."""
    row = find_incident(incidents, incident_id)
    if row is None:
        return None
    if pd.isna(row.get("latitude")) or pd.isna(row.get("longitude")):
        return None
    return Focus(
        incident_id=str(row["incident_id"]),
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        zoom=zoom,
    )
