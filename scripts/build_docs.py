"""Write the importer sections of docs/dataset-layouts.md from the importers' declarations.

The curated layouts above them are written by hand; the part between the marker lines
(file types and encodings read, the imported-incident contract, and each source's columns
with the incident columns they feed) comes from :mod:`borderwatch.importers.layout_docs`.

Run: ``make docs`` (or ``python scripts/build_docs.py``); ``--check`` only reports whether
the document is up to date (exit status 1 when not).
"""

from __future__ import annotations

import argparse
import sys

from borderwatch import paths
from borderwatch.importers.layout_docs import with_importer_layouts

DOCUMENT = paths.REPO_ROOT / "docs" / "dataset-layouts.md"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, only compare) the generated part of the document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not write")
    check = parser.parse_args(argv).check
    current = DOCUMENT.read_text(encoding="utf-8")
    updated = with_importer_layouts(current)
    relative = DOCUMENT.relative_to(paths.REPO_ROOT)
    if updated == current:
        print(f"{relative} is up to date")
        return 0
    if check:
        print(f"{relative} is out of date: run `make docs`", file=sys.stderr)
        return 1
    DOCUMENT.write_text(updated, encoding="utf-8")
    print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
