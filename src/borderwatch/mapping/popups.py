"""HTML shown when an incident is clicked. Every value is escaped: data is text, never markup."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape as html_escape
from typing import Any

import pandas as pd

from borderwatch.fatalities import format_incident_fatalities
from borderwatch.schemas import EVENT_TYPES, LOCATION_PRECISION, LOCATION_SOURCES


def escape(text: str) -> str:
    """HTML-escape ``text`` for a popup.

    folium places popup HTML inside a JavaScript template literal, where ``${...}`` would
    run as code, so ``$`` is escaped too (backticks are escaped by folium).
    """
    return html_escape(text, quote=True).replace("$", "&#36;")


def format_dates(start: pd.Timestamp, end: pd.Timestamp, precision: str) -> str:
    """'2013-01-16 to 2013-01-19', 'March 2016 (day unknown)', '2013 (month and day
    unknown)', '2013-01-17 (approximate)'."""
    if precision == "month":
        return f"{start:%B %Y} (day unknown)"
    if precision == "year":
        return f"{start:%Y} (month and day unknown)"
    text = f"{start:%Y-%m-%d}" if start == end else f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    return f"{text} (approximate)" if precision == "approximate" else text


#: A source entry ending in ``<https://…>`` (the curated citation form, see
#: :mod:`borderwatch.citations`): the text before it becomes the link's text.
_LINKED_SOURCE = re.compile(r"^(?P<text>.*?)\s*<(?P<url>https?://[^<>\s\"'`]+)>\s*$")


def source_html(entry: str) -> str:
    """One source as HTML: a link opening in a new tab where the entry gives a web address,
    else plain escaped text."""
    match = _LINKED_SOURCE.match(entry.strip())
    if not match:
        return escape(entry)
    text, url = match.group("text") or match.group("url"), match.group("url")
    return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'


def _sources_html(sources: Any) -> str:
    items = "".join(f"<li>{source_html(str(s))}</li>" for s in sources or ())
    return f"<div><b>Sources</b><ul>{items}</ul></div>"


def _verification_row(row: Mapping[str, Any]) -> list[str]:
    status = str(row.get("verification") or "")
    if not status:
        return []
    checked = str(row.get("checked") or "").replace(";", ", ")
    return [_row("Verification", escape(status + (f" (checked: {checked})" if checked else "")))]


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{value}</td></tr>"


def incident_popup_html(incident: Mapping[str, Any], country_names: Mapping[str, str]) -> str:
    """The popup body for one incident (a row of the incidents table)."""
    unverified = str(incident.get("unverified") or "")
    return (
        '<div class="bw-popup">'
        f"<h4>{escape(str(incident['name']))}</h4>"
        f'<table class="bw-popup-table">{"".join(_incident_rows(incident, country_names))}</table>'
        f"<p>{escape(str(incident['summary']))}</p>"
        + (f'<p class="bw-unverified">Not verified: {escape(unverified)}</p>' if unverified else "")
        + _sources_html(incident["sources"])
        + f'<div class="bw-id">{escape(str(incident["incident_id"]))}</div>'
        "</div>"
    )


def _incident_rows(incident: Mapping[str, Any], country_names: Mapping[str, str]) -> list[str]:
    """The popup table: date, place, type, perpetrator, deaths, location, origins, dataset."""
    country = str(incident["country_iso3"])
    event_type = EVENT_TYPES.get(str(incident["event_type"]), str(incident["event_type"]))
    subtype = str(incident.get("event_subtype") or "")
    dates = format_dates(
        incident["date_start"], incident["date_end"], str(incident["date_precision"])
    )
    rows = [
        _row("Date", escape(dates)),
        _row("Place", escape(f"{incident['place_name']}, {country_names.get(country, country)}")),
        _row("Type", escape(event_type + (f" ({subtype})" if subtype else ""))),
        _row("Perpetrator", escape(str(incident.get("perpetrator") or "not attributed"))),
        _row("Fatalities", _fatalities_html(incident)),
    ]
    if incident.get("other_casualties"):
        rows.append(_row("Other casualties", escape(str(incident["other_casualties"]))))
    precision = int(incident["location_precision"])
    location = (
        f"precision {precision}: {LOCATION_PRECISION[precision]}; "
        f"{LOCATION_SOURCES[str(incident['location_source'])]}"
    )
    rows.append(_row("Location", escape(location)))
    origins = ", ".join(country_names.get(c, c) for c in incident.get("origin_countries") or ())
    if origins:
        note = str(incident.get("cross_border_note") or "")
        rows.append(_row("Cross-border origin", escape(origins + (f" — {note}" if note else ""))))
    dataset = str(incident.get("source_dataset") or "")
    if dataset and dataset != "BorderWatch curated":
        name = str(incident.get("dataset_name") or dataset)
        shown = f"{name} ({dataset}, id {incident.get('original_id', '')})"
        rows.append(_row("Dataset", escape(shown)))
    also = incident.get("also_reported_as")
    if isinstance(also, tuple | list) and also:
        rows.append(_row("Also reported as", escape(", ".join(str(a) for a in also))))
    return rows + _verification_row(incident)


def _fatalities_html(incident: Mapping[str, Any]) -> str:
    fatalities = format_incident_fatalities(
        incident["fatalities_low"], incident["fatalities_best"], incident["fatalities_high"]
    )
    note = incident.get("fatalities_note")
    return escape(fatalities) + (f"<br><small>{escape(str(note))}</small>" if note else "")


def arrangement_popup_html(arrangement: Mapping[str, Any], country_names: Mapping[str, str]) -> str:
    """The popup body for one cooperation arrangement (a row of cooperation.csv)."""
    parties = ", ".join(country_names.get(c, c) for c in arrangement["parties"])
    start = arrangement["date_start"]
    precision = str(arrangement["date_start_precision"])
    started = {"day": f"{start:%Y-%m-%d}", "month": f"{start:%B %Y}"}.get(precision, f"{start:%Y}")
    end = arrangement["date_end"]
    status = str(arrangement["end_status"])
    if pd.notna(end):
        period = f"{started} to {end:%Y-%m-%d}"
    elif status == "ongoing":
        period = f"since {started} (ongoing)"
    else:
        period = f"since {started} (end not known)"
    rows = [
        _row("Kind", escape(str(arrangement["kind"]).replace("_", " "))),
        _row("Scope", escape(str(arrangement["scope"]))),
        _row("Parties", escape(parties)),
        _row("In force", escape(period)),
    ]
    if arrangement.get("members_note"):
        rows.append(_row("Members", escape(str(arrangement["members_note"]))))
    rows += _verification_row(arrangement)
    unverified = str(arrangement.get("unverified") or "")
    return (
        '<div class="bw-popup">'
        f"<h4>{escape(str(arrangement['name']))}</h4>"
        f'<table class="bw-popup-table">{"".join(rows)}</table>'
        f"<p>{escape(str(arrangement['description']))}</p>"
        + (f'<p class="bw-unverified">Not verified: {escape(unverified)}</p>' if unverified else "")
        + _sources_html(arrangement["sources"])
        + f'<div class="bw-id">{escape(str(arrangement["arrangement_id"]))}</div>'
        "</div>"
    )
