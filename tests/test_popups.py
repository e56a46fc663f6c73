"""Popups: sources with a web address become links; everything else stays escaped text."""

from __future__ import annotations

from borderwatch.mapping.popups import source_html


def test_a_cited_address_becomes_a_link_opening_in_a_new_tab():
    html = source_html(
        "Reuters: Attack on border post (2016-03-07) <https://example.org/a?b=1&c=2>"
    )
    assert html.startswith('<a href="https://example.org/a?b=1&amp;c=2" target="_blank"')
    assert 'rel="noopener noreferrer"' in html
    assert ">Reuters: Attack on border post (2016-03-07)</a>" in html


def test_plain_text_stays_plain_and_escaped():
    assert source_html("Al Jazeera (2004)") == "Al Jazeera (2004)"
    html = source_html('<script>alert(1)</script> "x" ${boom}')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "${" not in html


def test_only_web_addresses_become_links():
    for entry in ("Note <javascript:alert(1)>", "Note <file:///etc/passwd>", "x <http://a b>"):
        assert "<a " not in source_html(entry)
