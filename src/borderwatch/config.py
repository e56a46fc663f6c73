"""Every setting of BorderWatch in one place: its default, its environment variable, its check.

Settings are read from the environment on every call of :func:`settings` (a dozen look-ups:
cheap, and tests can change a variable between calls). Each one is documented in the README's
"Configuration" table; ``tests/test_config.py`` keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from borderwatch import paths

#: Prefix of every BorderWatch environment variable.
ENV_PREFIX = "BORDERWATCH_"


class ConfigError(ValueError):
    """An environment variable holds a value BorderWatch cannot use."""


@dataclass(frozen=True)
class Settings:
    """BorderWatch's settings. Field ``x`` is read from ``BORDERWATCH_X``."""

    #: The curated data layer the app reads.
    geodata_dir: Path = paths.GEODATA_DIR
    #: Where imported datasets are stored (GeoParquet files and their registry).
    data_dir: Path = paths.REPO_ROOT / "data" / "imports"
    #: Where prepared data is kept between starts (keyed by what it was built from).
    cache_dir: Path = paths.REPO_ROOT / "data" / "cache"
    #: Largest file accepted by an import, in MB (the browser upload limit is set to match).
    max_import_mb: int = 500
    #: Largest file imported from a path on the server, in MB. Larger than the upload limit:
    #: a path is how analysts bring files too large for the browser. Bounded by memory only
    #: (an import holds the file and its table, a few times the file's size).
    max_server_file_mb: int = 4_096
    #: Imported events dated before 1 January of this year are rejected as implausible.
    earliest_event_year: int = 1900
    #: … and so are events dated more than this many days after today.
    future_event_days: int = 366
    #: Largest death toll accepted for one imported event (deaths, low, best or high).
    max_event_deaths: int = 1_000_000
    #: Largest workbook sheet read, in cells (declared and actual); larger ones are refused.
    max_workbook_cells: int = 40_000_000
    #: Folders a path on the server may be imported from, separated by ``os.pathsep``
    #: (``:``). Empty: the server user's home folder while the app listens on a local
    #: address only, none otherwise (the "file on the server" tab is then closed).
    server_import_dirs: str = ""
    #: Duplicate detection across datasets: start dates at most this many days apart …
    dedupe_days: int = 3
    #: … and positions at most this many km apart.
    dedupe_km: float = 10.0
    #: Above this many placed incidents a map draws grid cells instead of markers.
    max_individual_points: int = 1_500
    #: Playback draws each incident up to this many placed incidents in the selection; above
    #: it every frame is the count of its incidents per grid cell (a light page, quick frames).
    playback_max_points: int = 5_000
    #: Rows shown in an incidents table (the newest first); exports carry all rows.
    table_row_limit: int = 1_000
    #: Team mode: the most incidents one data file carries (the newest first), fetched from
    #: the database when the file is made (a KML file: at most 10,000); a larger selection
    #: is better read in QGIS. 50,000 keeps the app process under 1 GB while it writes.
    export_row_limit: int = 50_000
    #: Border-zone width the sidebar starts with, in km.
    default_zone_km: int = 50
    #: Chromium binary for browser tests and benchmarks (default: ``chromium`` on PATH).
    chromium: str = ""
    #: "What changed": a border zone or country is tested only when its recent and baseline
    #: windows hold at least this many incidents together; fewer is reported as too thin.
    change_min_count: int = 5
    #: … and a rise or fall is flagged when the test's two-sided p-value is below this.
    change_alpha: float = 0.05
    #: Team mode: a PostgreSQL + PostGIS database (SQLAlchemy URL, e.g.
    #: ``postgresql+psycopg://borderwatch_app@127.0.0.1:55432/borderwatch``) that holds the
    #: imported datasets and the audit trail. Empty: files in :attr:`data_dir` (one machine).
    database_url: str = ""
    #: Team mode: require sign-in with OpenID Connect (``st.login``; the provider is set in
    #: ``.streamlit/secrets.toml`` ``[auth]``). Off: no sign-in, one local user with every
    #: right (the one-machine default).
    auth: bool = False
    #: The ID-token claim holding the user's roles (``viewer``, ``analyst``, ``admin``).
    roles_claim: str = "roles"
    #: The ID-token claim holding the user's groups (dataset access, roles by group).
    groups_claim: str = "groups"
    #: A TOML file giving roles by user (e-mail or subject) and by group; see the README.
    #: Empty: roles come from the claim only.
    roles_file: str = ""
    #: Role of a signed-in user whom neither the claim nor the roles file gives one:
    #: ``viewer``, ``analyst``, ``admin`` or ``none`` (such a user is refused).
    default_role: str = "viewer"
    #: A sign-in older than this many hours is refused (sign in again), whatever the
    #: browser's cookie says.
    session_hours: float = 12.0
    #: Team mode: the URL of the role that owns the schema (runs migrations and loads the
    #: curated layers: ``python -m borderwatch.team.db``). Never needed by the app itself,
    #: whose role in :attr:`database_url` cannot change the schema.
    database_owner_url: str = ""

    @property
    def max_import_bytes(self) -> int:
        """:attr:`max_import_mb` in bytes."""
        return self.max_import_mb * 2**20

    @property
    def max_server_file_bytes(self) -> int:
        """:attr:`max_server_file_mb` in bytes."""
        return self.max_server_file_mb * 2**20


def environment_variable(name: str) -> str:
    """The environment variable that sets field ``name``."""
    return ENV_PREFIX + name.upper()


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _parse_bool(name: str, raw: str) -> bool:
    if raw.strip().lower() in _TRUE + _FALSE:
        return raw.strip().lower() in _TRUE
    raise ConfigError(
        f"{environment_variable(name)}={raw!r} is not on or off; use one of "
        f"{', '.join(_TRUE + _FALSE)}."
    )


def _parse(name: str, kind: type, raw: str) -> object:
    if kind is bool:
        return _parse_bool(name, raw)
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(
            f"{environment_variable(name)}={raw!r} is not a valid {kind.__name__}; "
            "unset it or give a valid value."
        ) from None
    if isinstance(value, int | float) and value < 0:
        raise ConfigError(f"{environment_variable(name)}={raw!r} must not be negative.")
    return value


_KINDS: dict[str, type] = {"Path": Path, "int": int, "float": float, "str": str, "bool": bool}

#: Settings with a narrower range than "not negative": (lowest, highest), both allowed, and
#: what the value means, for the message.
_RANGES: dict[str, tuple[float, float, str]] = {
    "change_min_count": (1, 1e9, "a count of incidents, at least 1"),
    "change_alpha": (1e-9, 0.5, "a significance level between 0 and 0.5, e.g. 0.05"),
}


def _check_range(name: str, value: object) -> None:
    if name not in _RANGES or not isinstance(value, int | float):
        return
    low, high, meaning = _RANGES[name]
    if not low <= value <= high:
        raise ConfigError(f"{environment_variable(name)}={value!r} must be {meaning}.")


def settings() -> Settings:
    """The settings in force: defaults overridden by ``BORDERWATCH_*`` environment variables."""
    overrides: dict[str, object] = {}
    for field in fields(Settings):
        raw = os.environ.get(environment_variable(field.name))
        if raw:
            overrides[field.name] = _parse(field.name, _KINDS[str(field.type)], raw)
            _check_range(field.name, overrides[field.name])
    chosen = Settings(**overrides)  # type: ignore[arg-type]
    if chosen.default_role not in ("viewer", "analyst", "admin", "none"):
        raise ConfigError(
            f"{environment_variable('default_role')}={chosen.default_role!r} is not a role; "
            "use viewer, analyst, admin or none."
        )
    return chosen
