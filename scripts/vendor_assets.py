"""Fetch the map's JavaScript and CSS from the npm registry into static/vendor/.

The app serves these files itself so that maps draw with no internet. For each package
the script keeps the files the map uses, the package's licence, and a record (version,
licence, npm integrity, sha256 of each kept file) in static/vendor/assets.json.

Run: ``make vendor`` (needs ``npm``); the result is committed, so users never run it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor"

#: npm package -> (version, licence, files kept from the package's directory).
PACKAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "leaflet": (
        "1.9.4",
        "BSD-2-Clause",
        (
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
            "LICENSE",
        ),
    ),
    # folium builds popups with jQuery: `$(`<div>…</div>`)[0]`.
    "jquery": ("3.7.1", "MIT", ("dist/jquery.min.js", "LICENSE.txt")),
    "leaflet.markercluster": (
        "1.5.3",
        "MIT",
        (
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
            "MIT-LICENCE.txt",
        ),
    ),
    # The heat-map layer option (package.json names no licence; LICENSE is BSD-2-Clause).
    "leaflet.heat": ("0.2.0", "BSD-2-Clause", ("dist/leaflet-heat.js", "LICENSE")),
    # Playback: Leaflet.TimeDimension needs nezasa's ISO 8601 period parser loaded first.
    # The package ships no licence file; its README states the Apache-2.0 licence
    # (LICENCE_NOTES below writes where that statement is).
    "iso8601-js-period": ("0.2.1", "Apache-2.0", ("iso8601.js", "README.md")),
    # Its control CSS is left out: it loads Bootstrap's icon font from a CDN. BorderWatch
    # styles the control itself (mapping/playback_layer.py).
    "leaflet-timedimension": (
        "1.1.1",
        "MIT",
        ("dist/leaflet.timedimension.min.js", "LICENSE"),
    ),
}

#: Packages that ship no licence file: a note naming where the package states its licence.
LICENCE_NOTES: dict[str, str] = {
    "iso8601-js-period": (
        "iso8601-js-period 0.2.1 ships no licence file. Its README.md (kept beside this note),\n"
        'its package.json ("license": "Apache-2.0") and the header of iso8601.js state:\n'
        "Published under Apache 2.0 license, (c) Nezasa, 2012-2013.\n"
        "Licence text: https://www.apache.org/licenses/LICENSE-2.0\n"
    ),
}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendor(name: str, version: str, licence: str, files: tuple[str, ...]) -> dict:
    target = VENDOR_DIR / f"{name}-{version}"
    meta = json.loads(
        subprocess.run(
            ["npm", "view", f"{name}@{version}", "dist", "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        if target.exists():
            shutil.rmtree(target)
        for relative in files:
            source = Path(tmp) / "package" / relative
            destination = target / relative.removeprefix("dist/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    if name in LICENCE_NOTES:
        (target / "LICENCE-NOTE.txt").write_text(LICENCE_NOTES[name], encoding="utf-8")
    kept = sorted(p for p in target.rglob("*") if p.is_file())
    return {
        "package": name,
        "version": version,
        "licence": licence,
        "npm_integrity": meta["integrity"],
        "directory": target.name,
        "files": {str(p.relative_to(target)): sha256_of(p) for p in kept},
    }


def main(only: list[str] | None = None) -> None:
    """Vendor every package, or only the named ones (the others' records are kept)."""
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    manifest = VENDOR_DIR / "assets.json"
    kept = {r["package"]: r for r in json.loads(manifest.read_text())} if manifest.exists() else {}
    records = [
        vendor(name, *spec) if not only or name in only else kept[name]
        for name, spec in PACKAGES.items()
    ]
    manifest.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {manifest}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:] or None)
