"""The pages beside the Incident map, team mode (PostGIS) beside the embedded mode, same events.

Uses the data :mod:`benchmarks.bench_team_browser` builds (``--build``: 1,000,000 synthetic
events in a private cluster and in a file store under ``--root``). Each mode runs in a
process of its own, one after the other, ``--runs`` times (alternating, so a slow spell of
this shared machine falls on both), and times what each page asks after a filter change,
through the application layer's own functions (the ones the pages call):

- Trends and changes: the monthly series per country and per border zone, the change table;
- Borders: one border's zone (team: counters, map rows, newest rows, per-year counts, the
  possibly-inside; embedded: the zone's frames and counts);
- Cooperation: a zone before and after an arrangement;
- Regional factors: incidents per country and year with the border share;
- playback frames by year (team: cell counts in SQL above 5,000 placed incidents);
- a data file (CSV) of the newest 50,000 incidents of the selection (``export_row_limit``).

Each selection is asked once per process (nothing is cached between them), and each process
prints its peak resident memory: the team process holds no imported event, the embedded one
holds them all. Prints one JSON document (medians per function, mode and selection).

    python benchmarks/bench_team_pages.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).parent
REPO = BENCHMARKS.parent

SELECTIONS: dict[str, dict[str, Any]] = {
    "everything": {},
    "countries": {"countries": ("LBY", "TUN")},
    "years": {"years": (2015, 2017)},
    "zone and deaths": {"border_zone_km": 50.0, "min_deaths": 1},
}
#: What a team data file carries at most (the ``export_row_limit`` default).
EXPORT_ROWS = 50_000


def _measure(mode: str, root: Path, port: int) -> dict:
    """Every page function on every selection in this process; times and peak memory."""
    import pandas as pd

    from borderwatch.app.borders import database_border_zone, select_border
    from borderwatch.app.cooperation import select_before_after
    from borderwatch.app.factors import select_security
    from borderwatch.app.prepared import DataSettings, prepare_data
    from borderwatch.app.selection import DatabaseSelection, select
    from borderwatch.app.trends import select_changes, select_trends
    from borderwatch.changes import ChangeWindows
    from borderwatch.exports.data import export_data
    from borderwatch.exports.provenance import make_provenance
    from borderwatch.filters import IncidentFilter, filter_incidents
    from borderwatch.mapping.playback import build_frames

    team = mode == "team"
    url = f"postgresql+psycopg://borderwatch_app@127.0.0.1:{port}/borderwatch"
    settings = replace(
        DataSettings.from_config(), store_dir=root / "store", database_url=url if team else ""
    )
    started = time.perf_counter()
    prepared = prepare_data(settings)
    ready_s = time.perf_counter() - started
    windows = ChangeWindows(pd.Timestamp("2019-12-01"), 6, 24)
    arrangement = pd.Timestamp("2015-01-01")
    chosen = settings if team else None

    def frames(selection: IncidentFilter):
        answers = select(prepared, selection, settings)
        bounds = answers.bounds(prepared.display_countries)
        if isinstance(answers, DatabaseSelection):
            return answers.playback_frames(step="year", window=1, bounds=bounds, max_points=5000)
        return build_frames(
            filter_incidents(prepared.incidents, selection), step="year", window=1, bounds=bounds
        )

    def export(selection: IncidentFilter) -> bytes:
        answers = select(prepared, selection, settings)
        if isinstance(answers, DatabaseSelection):
            rows = answers.newest(EXPORT_ROWS)
        else:
            kept = filter_incidents(prepared.incidents, selection)
            rows = kept.sort_values("date_start", ascending=False, kind="stable")[:EXPORT_ROWS]
        provenance = make_provenance(title="bench", filters="bench", incidents=rows)
        return export_data(rows, provenance, fmt="csv")

    def border(selection: IncidentFilter):
        if team:
            return database_border_zone(
                prepared,
                selection,
                width_km=50,
                pairs=("DZA-LBY",),
                data_settings=settings,
                max_points=1500,
                table_limit=1000,
            )
        return select_border(prepared, selection, width_km=50, pairs=("DZA-LBY",), regime_year=2019)

    functions = {
        "trends per country": lambda s: select_trends(
            prepared, s, kind="country", zone_km=50, data_settings=chosen
        ),
        "trends per border zone": lambda s: select_trends(
            prepared, s, kind="zone", zone_km=50, data_settings=chosen
        ),
        "change table": lambda s: select_changes(
            prepared, s, windows=windows, zone_km=50, data_settings=chosen
        ),
        "border zone": border,
        "before and after": lambda s: select_before_after(
            prepared,
            s,
            pair="DZA-TUN",
            width_km=50,
            start=arrangement,
            window_years=3,
            data_settings=chosen,
        ),
        "security per country and year": lambda s: select_security(
            prepared, s, width_km=50, data_settings=chosen
        ),
        "playback frames": frames,
        f"CSV of the newest {EXPORT_ROWS:,}": export,
    }
    times: dict[str, dict[str, float]] = {}
    for name, function in functions.items():
        for label, fields in SELECTIONS.items():
            started = time.perf_counter()
            function(IncidentFilter(**fields))
            times.setdefault(name, {})[label] = round(time.perf_counter() - started, 3)
        print(f"{mode}: {name} {times[name]}", file=sys.stderr, flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"ready_s": round(ready_s, 2), "times": times, "peak_rss_mb": round(peak_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/tmp/bwtq-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=("team", "embedded"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    built = json.loads((options.root / "built.json").read_text())
    if options.mode:  # one process's measurements
        print(json.dumps(_measure(options.mode, options.root, built["port"])))
        return
    environment = {**os.environ, "PGROOT": str(options.root / "pg"), "PGPORT": str(built["port"])}
    # The cluster's messages on stderr: stdout is the JSON document.
    subprocess.run(
        [REPO / "scripts" / "pg.sh", "start"], env=environment, check=True, stdout=sys.stderr
    )
    runs: dict[str, list[dict]] = {"team": [], "embedded": []}
    try:
        for _ in range(options.runs):
            for mode in runs:
                out = subprocess.run(
                    [sys.executable, __file__, "--root", str(options.root), "--mode", mode],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs[mode].append(json.loads(out.stdout))
    finally:
        subprocess.run(
            [REPO / "scripts" / "pg.sh", "stop"], env=environment, check=True, stdout=sys.stderr
        )

    def median(mode: str, name: str, label: str) -> float:
        return round(statistics.median(r["times"][name][label] for r in runs[mode]), 3)

    names = runs["team"][0]["times"]
    summary = {
        "events": built["events"],
        "runs": options.runs,
        "seconds, median (team / embedded)": {
            name: {
                label: [median("team", name, label), median("embedded", name, label)]
                for label in SELECTIONS
            }
            for name in names
        },
        "process ready, s (team / embedded)": [
            statistics.median(r["ready_s"] for r in runs[m]) for m in runs
        ],
        "peak memory, MB (team / embedded)": [max(r["peak_rss_mb"] for r in runs[m]) for m in runs],
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
