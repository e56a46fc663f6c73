"""Exports for briefings: map snapshots (PNG/SVG/PDF, standalone HTML) and filtered data
(CSV, GeoJSON, GeoPackage, KML), each carrying its provenance."""

#: Snapshot formats and their MIME types. Here rather than in ``exports.snapshot`` so that
#: offering them does not import matplotlib (only rendering one does).
SNAPSHOT_FORMATS: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
