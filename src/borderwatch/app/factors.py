"""The Regional factors page's selection: security incidents per country and year, from
the prepared frame or the team database. No Streamlit."""

from __future__ import annotations

import pandas as pd

from borderwatch.app.prepared import DataSettings, PreparedData
from borderwatch.app.selection import database_selection
from borderwatch.factors import security_by_country_year, with_border_share
from borderwatch.filters import IncidentFilter, filter_incidents


def select_security(
    prepared: PreparedData,
    selection: IncidentFilter,
    *,
    width_km: float,
    data_settings: DataSettings | None = None,
) -> pd.DataFrame:
    """:func:`borderwatch.factors.security_by_country_year` of the incidents ``selection``
    keeps: counted in the team database when ``data_settings`` names one."""
    database = database_selection(prepared, selection, data_settings)
    if database is not None:
        return with_border_share(database.security_by_country_year(width_km))
    return security_by_country_year(filter_incidents(prepared.incidents, selection), width_km)
