"""Benchmark incident search over many incidents (default 1,000,000). Prints figures; asserts
nothing.

The curated incidents are repeated to the size asked for, each copy with its own id, so the
text is real (accents, long summaries) and about as long per row as an imported ACLED
event. Reports the time to build the :class:`~borderwatch.search.SearchIndex` (once per
prepared data layer), its memory, and the wall time of typical queries (best of three):
a rare word, a common word, a phrase of two words, an id, a country by its Arabic name, a
single letter (the worst case: every row matches).

Run: ``python benchmarks/bench_search.py [N]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from borderwatch import loading
from borderwatch.search import SearchIndex, country_search_names

QUERIES = ("tiguentourine", "tunis", "ben guerdane", "x:123456", "الجزائر", "a", "zzzz")


def main(n: int = 1_000_000) -> None:
    geodata = loading.load_geodata()
    curated = geodata.incidents
    incidents = curated.iloc[np.arange(n) % len(curated)].reset_index(drop=True)
    incidents["incident_id"] = [f"x:{i}" for i in range(n)]
    # Imported summaries are all different: so are these (folding works on each).
    incidents["summary"] = incidents["summary"] + [f" Report {i}." for i in range(n)]
    started, cpu = time.perf_counter(), time.process_time()
    index = SearchIndex(incidents, country_search_names(geodata.countries))
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"incidents: {n:,}")
    print(f"index build: {build_s:.2f} s wall, {build_cpu:.2f} s CPU, {index.nbytes / 1e6:.0f} MB")
    for query in QUERIES:
        walls, cpus = [], []
        for _ in range(3):
            started, cpu = time.perf_counter(), time.process_time()
            result = index.search(query)
            result.hits(incidents)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        print(
            f"query {query!r}: {min(walls) * 1000:.0f} ms wall, {min(cpus) * 1000:.0f} ms CPU, "
            f"{result.total:,} matches"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
