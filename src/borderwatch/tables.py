"""Tables shown under maps and offered for download: plain columns, readable values."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from borderwatch.fatalities import incident_bounds
from borderwatch.schemas import EVENT_TYPES


def incident_table(incidents: pd.DataFrame, country_names: Mapping[str, str]) -> pd.DataFrame:
    """One row per incident with the columns an analyst scans first."""
    low, best, high = incident_bounds(incidents)
    table = pd.DataFrame(
        {
            "ID": incidents["incident_id"],
            "Start": incidents["date_start"].dt.date,
            "End": incidents["date_end"].dt.date,
            "Country": incidents["country_iso3"].map(lambda c: country_names.get(c, c)),
            "Place": incidents["place_name"],
            "Incident": incidents["name"],
            "Type": incidents["event_type"].map(lambda t: EVENT_TYPES.get(t, t)),
            "Perpetrator": incidents["perpetrator"],
            "Deaths (low)": low.astype("Int64"),
            "Deaths (best)": best.astype("Int64"),
            "Deaths (high)": high.astype("Int64"),
            "Location precision": incidents["location_precision"],
            "Cross-border origin": incidents["origin_countries"].map(
                lambda codes: ", ".join(country_names.get(c, c) for c in codes)
            ),
            "Sources": incidents["sources"].map(" | ".join),
        }
    )
    if "source_dataset" in incidents:
        # The analyst's name of the dataset, with its source format: "Libya 2019 (ACLED)".
        source = incidents["source_dataset"].astype("str")
        name = incidents["dataset_name"].astype("str") if "dataset_name" in incidents else source
        table.insert(1, "Dataset", name.where(name == source, name + " (" + source + ")"))
    if "border_distance_km" in incidents:
        table.insert(8, "Nearest border", incidents["nearest_border"])
        table.insert(9, "Border distance (km)", incidents["border_distance_km"].round(1))
    return table.reset_index(drop=True)
