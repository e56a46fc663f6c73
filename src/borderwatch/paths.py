"""Where the project's files live, resolved from the package location."""

from __future__ import annotations

from pathlib import Path

#: Repository root (``src/borderwatch/paths.py`` is three levels below it).
REPO_ROOT = Path(__file__).resolve().parents[2]
GEODATA_DIR = REPO_ROOT / "geodata"
STATIC_DIR = REPO_ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"

COUNTRIES_FILE = GEODATA_DIR / "countries.geojson"
BORDERS_FILE = GEODATA_DIR / "borders.geojson"
INCIDENTS_FILE = GEODATA_DIR / "incidents.csv"
COOPERATION_FILE = GEODATA_DIR / "cooperation.csv"
CROSSINGS_FILE = GEODATA_DIR / "crossings.csv"
CAPABILITIES_FILE = GEODATA_DIR / "capabilities.csv"
BORDER_LENGTHS_FILE = GEODATA_DIR / "border_lengths.csv"
BARRIERS_FILE = GEODATA_DIR / "barriers.geojson"
MANIFEST_FILE = GEODATA_DIR / "manifest.json"

#: Environment variable that points the app at another copy of the data layer.
GEODATA_DIR_VARIABLE = "BORDERWATCH_GEODATA_DIR"


def geodata_dir() -> Path:
    """The data layer the app reads: ``$BORDERWATCH_GEODATA_DIR`` or ``geodata/``."""
    from borderwatch.config import settings  # config imports this module

    return settings().geodata_dir


#: The command that regenerates the derived geodata files; quoted in error messages.
REBUILD_COMMAND = "make geodata"
