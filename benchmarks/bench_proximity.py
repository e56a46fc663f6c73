"""Benchmark border proximity (issue #3 target: 1,000,000 points in <= 10 s on one core,
memory under 2 GB). Prints figures; asserts nothing.

Runs single-threaded (BLAS/OpenMP pools pinned to one thread, the k-d tree queried with one
worker) on synthetic points spread uniformly over the region. Reports wall time, CPU time,
peak resident memory of the process, and the share of points within 50 km of a border.

Run: ``make bench`` (or ``python benchmarks/bench_proximity.py [N]``).
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from borderwatch import loading  # noqa: E402
from borderwatch.proximity import BorderIndex  # noqa: E402


def main(n: int = 1_000_000) -> None:
    borders = loading.load_borders()
    rng = np.random.default_rng(2026)
    lon = rng.uniform(-17.0, 38.0, n)
    lat = rng.uniform(8.0, 37.0, n)
    # A few points without coordinates, as imported data will have.
    lon[:: max(n // 1000, 1)] = np.nan

    wall, cpu = time.perf_counter(), time.process_time()
    index = BorderIndex.from_borders(borders)
    build_s = time.perf_counter() - wall
    distance, pair = index.nearest(lon, lat)
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    placed = distance[np.isfinite(distance)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "points": n,
                "index_build_s": round(build_s, 3),
                "total_wall_s": round(wall_s, 3),
                "total_cpu_s": round(cpu_s, 3),
                "points_per_s": round(n / wall_s),
                "peak_rss_mb": round(peak_mb, 1),
                "not_placed": int(np.isnan(distance).sum()),
                "share_within_50_km": round(float(np.mean(placed <= 50)), 4),
                "pairs_seen": len(set(pair[pair != None])),  # noqa: E711
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
