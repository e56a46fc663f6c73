"""Benchmark the static map snapshot (target: 100,000 incidents as a 150 dpi PNG in <= 5 s on
the 2-core reference machine). Prints figures; asserts nothing.

Draws the committed country and border layers (simplified for display, as the app does) and
synthetic incidents spread uniformly over the focus countries' extent, with random event
types and death tolls (some unknown, a few without coordinates), on the default 11 x 8.5 in
page. Reports the wall time of :func:`render_snapshot` (best and median of a few runs, after
one warm-up run that pays matplotlib's one-off font loading), the PNG's bytes and pixel size.

Run: ``python benchmarks/bench_snapshot.py [N] [--out FILE.png]``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time

import numpy as np
import pandas as pd
from PIL import Image

from borderwatch import loading
from borderwatch.exports.provenance import make_provenance
from borderwatch.exports.snapshot import render_snapshot
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.mapping.view import Bounds, MapView, fit_bounds
from borderwatch.schemas import EVENT_TYPES


def synthetic_incidents(n: int, bounds: Bounds) -> pd.DataFrame:
    """``n`` incidents over ``bounds``: random types and tolls, 1 in 1,000 without place."""
    rng = np.random.default_rng(2026)
    minx, miny, maxx, maxy = bounds
    lon = rng.uniform(minx, maxx, n)
    lat = rng.uniform(miny, maxy, n)
    lon[:: max(n // 1000, 1)] = np.nan
    deaths = pd.array(np.floor(rng.pareto(1.2, n) * 3).astype(int), dtype="Int64")
    deaths[rng.random(n) < 0.1] = pd.NA
    return pd.DataFrame(
        {
            "longitude": lon,
            "latitude": lat,
            "event_type": rng.choice(list(EVENT_TYPES), n),
            "fatalities_best": deaths,
        }
    )


def main(n: int = 100_000, *, runs: int = 3, out: str | None = None) -> None:
    geodata = loading.load_geodata()
    countries = simplify_for_display(geodata.countries)
    borders = simplify_for_display(geodata.borders)
    bounds = fit_bounds(countries)
    view = MapView(
        title="Snapshot benchmark",
        filter_description=f"{n:,} synthetic incidents",
        countries=countries,
        borders=borders,
        incidents=synthetic_incidents(n, bounds),
        bounds=bounds,
    )
    provenance = make_provenance(title="Benchmark", filters=view.filter_description)

    def render() -> tuple[float, bytes]:
        start = time.perf_counter()
        png = render_snapshot(view, provenance=provenance, fmt="png", dpi=150)
        return time.perf_counter() - start, png

    first_s, png = render()
    times = [render()[0] for _ in range(runs)]
    with Image.open(io.BytesIO(png)) as image:
        size = image.size
    if out:
        with open(out, "wb") as handle:
            handle.write(png)
    print(
        json.dumps(
            {
                "incidents": n,
                "format": "png",
                "dpi": 150,
                "first_run_wall_s": round(first_s, 3),
                "best_wall_s": round(min(times), 3),
                "median_wall_s": round(statistics.median(times), 3),
                "target_s": 5.0,
                "output_bytes": len(png),
                "image_px": list(size),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", help="also write the PNG here")
    args = parser.parse_args()
    main(args.n, runs=args.runs, out=args.out)
