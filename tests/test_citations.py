"""The citation parser and the curation rules it checks (``borderwatch.citations``)."""

from __future__ import annotations

import pytest

from borderwatch.citations import (
    CHECKED_ITEMS,
    VERIFICATION_STATUSES,
    Citation,
    citation_problems,
    distinct_outlets,
    outlet_key,
    parse_checked,
    parse_citation,
    parse_sources,
)


def test_full_entry():
    citation = parse_citation(
        "Libya Herald: Ghadames summit: Libya, Algeria and Tunisia to intensify border "
        "security (2013-01-12) <http://www.libyaherald.com/2013/01/12/ghadames/>"
    )
    assert citation == Citation(
        outlet="Libya Herald",
        title="Ghadames summit: Libya, Algeria and Tunisia to intensify border security",
        date="2013-01-12",
        url="http://www.libyaherald.com/2013/01/12/ghadames/",
    )
    assert citation.dated


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("Al Jazeera (2004)", Citation("Al Jazeera", None, "2004", None)),
        ("Libya Herald (2015-11)", Citation("Libya Herald", None, "2015-11", None)),
        ("Wikipedia: Debdeb", Citation("Wikipedia", "Debdeb", None, None)),
        ("Djazairess", Citation("Djazairess", None, None, None)),
        (
            "Reuters via Africanews: Tunisia unveils barrier (2016-02-07) <http://a.b/c>",
            Citation(
                "Reuters via Africanews", "Tunisia unveils barrier", "2016-02-07", "http://a.b/c"
            ),
        ),
        (
            "Portuguese Ministry of National Defence: Iniciativa 5+5 Defesa <https://x.pt/rm>",
            Citation(
                "Portuguese Ministry of National Defence",
                "Iniciativa 5+5 Defesa",
                None,
                "https://x.pt/rm",
            ),
        ),
        (
            "Xinhua via SICO: Libya-Tunisia border crossing (Ras Ajdir) to reopen (2024-06-13)",
            Citation(
                "Xinhua via SICO",
                "Libya-Tunisia border crossing (Ras Ajdir) to reopen",
                "2024-06-13",
                None,
            ),
        ),
    ],
)
def test_partial_entries(entry, expected):
    assert parse_citation(entry) == expected


def test_round_trip_through_str():
    text = "AFP via Arab News: Libya, Algeria, Tunisia join forces (2013-01-12) <http://x.y/z>"
    assert str(parse_citation(text)) == text
    assert str(parse_citation("Al Jazeera (2004)")) == "Al Jazeera (2004)"


def test_parse_sources_splits_on_bars_and_keeps_order():
    cited = parse_sources("Al Jazeera (2004) | Wikipedia: Oujda |  | Zawya")
    assert [c.outlet for c in cited] == ["Al Jazeera", "Wikipedia", "Zawya"]
    assert parse_sources("") == ()


@pytest.mark.parametrize("bad", ["Outlet (2013-13-01)", "Outlet (2013-02-30x)", "Outlet (2013-00)"])
def test_invalid_dates_are_rejected_or_left_in_the_text(bad):
    try:
        citation = parse_citation(bad)
    except ValueError:
        return
    assert citation.date is None  # not a date form: it stays part of the outlet text


@pytest.mark.parametrize("date", ["2013-13", "2013-02-30", "2013-00-10"])
def test_impossible_dates_are_errors(date):
    with pytest.raises(ValueError, match="not a date"):
        parse_citation(f"Outlet: Title ({date})")


def test_empty_entry_is_an_error():
    with pytest.raises(ValueError):
        parse_citation("   ")


def test_outlet_key_counts_originators_and_one_wikipedia():
    assert outlet_key("AFP via Arab News") == outlet_key("AFP via The Nation") == "afp"
    assert outlet_key("Wikipedia (de)") == outlet_key("Wikipedia") == "wikipedia"
    assert outlet_key("Global Gong (quoting SIPRI)") == "global gong"
    cited = parse_sources("Wikipedia: A | Wikipedia (fr): B | Libya Herald (2013)")
    assert distinct_outlets(cited) == {"wikipedia", "libya herald"}


def test_parse_checked():
    assert parse_checked("date; place;;parties") == ("date", "place", "parties")
    assert set(CHECKED_ITEMS) >= {"date", "place", "toll", "status", "figure"}


GOOD = "Libya Herald: X (2013-01-12) | AFP via Arab News: Y (2013-01-12)"


def test_a_good_row_has_no_problems():
    assert citation_problems(GOOD, "two sources", "date;place") == []
    assert citation_problems("Zawya (2013-04)", "single source", "date") == []
    assert citation_problems(GOOD, "disputed", "date") == []


@pytest.mark.parametrize(
    ("sources", "verification", "checked", "message"),
    [
        ("", "single source", "date", "no source"),
        ("Wikipedia: Debdeb | Djazairess", "single source", "date", "no source carries a date"),
        (GOOD, "verified", "date", "not one of"),
        ("Zawya (2013-04) | Zawya: other (2014)", "two sources", "date", "two different outlets"),
        ("Wikipedia: A (2020) | Wikipedia (de): B (2021)", "two sources", "date", "two different"),
        ("AFP via X: a (2013) | AFP via Y: b (2013)", "two sources", "date", "two different"),
        (GOOD, "single source", "", "checked is empty"),
        (GOOD, "single source", "date;weather", "'weather'"),
        ("Outlet: T (2013-13-01)", "single source", "date", "cannot be parsed"),
    ],
)
def test_problems_are_named(sources, verification, checked, message):
    problems = citation_problems(sources, verification, checked)
    assert any(message in p for p in problems), problems


def test_vocabularies():
    assert VERIFICATION_STATUSES == ("two sources", "single source", "disputed")
