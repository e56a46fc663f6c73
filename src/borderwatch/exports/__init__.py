"""Exports for briefings: map snapshots (PNG/SVG/PDF, standalone HTML) and filtered data
(CSV, GeoJSON, GeoPackage, KML), each carrying its provenance."""
