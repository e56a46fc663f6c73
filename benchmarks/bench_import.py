"""Benchmark importing a large ACLED export, this tree against an earlier revision side by
side (issue 11 targets: 1,000,000 rows imported in <= 30 s on a 2-core machine, peak memory
under 2 GB). Prints figures as JSON; asserts nothing.

A synthetic CSV in the current ACLED layout (the 31 columns of
``/work/shared/research/data-sources.md``) is written to a temporary directory by a child
process, so that writing it does not count towards the measured peak memory. Values are
spread over lon -17..38, lat 8..37 and 2011-2019; about 1.5 % of rows have a bad date,
1.5 % no coordinates (kept as "not placed") and 0.5 % only one coordinate (rejected).

Each side then runs in its own child process (``old``: the code of ``--before``, extracted
with ``git archive`` and put first on ``PYTHONPATH``, as ``bench_startup.py`` does; ``new``:
this tree), which times each step:

1. reading the file into memory (what the Data page does with an upload),
2. ``borderwatch.importers.import_file``,
3. ``DatasetStore.save`` into a temporary store,
4. ``DatasetStore.load_enabled``,
5. ``borderwatch.dedupe.merge_duplicates`` of the curated layer with the imported rows
   (what every page does when datasets are enabled; not part of the import target).

Peak RSS is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the child, reported after every
step, so the step that sets the peak can be read off; the import target is the peak after
step 2.

Run: ``python benchmarks/bench_import.py [ROWS] [--before REV] [--only old|new]``
(default 1,000,000 rows; ``--before`` defaults to the last revision that read CSV files
whole).
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from revisions import extract_revision

#: The current ACLED export layout (31 columns).
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

# (country, ISO numeric, ISO3, ACLED region)
COUNTRIES = (
    ("Algeria", 12, "DZA", "Northern Africa"),
    ("Tunisia", 788, "TUN", "Northern Africa"),
    ("Libya", 434, "LBY", "Northern Africa"),
    ("Egypt", 818, "EGY", "Northern Africa"),
    ("Morocco", 504, "MAR", "Northern Africa"),
    ("Western Sahara", 732, "ESH", "Northern Africa"),
    ("Mauritania", 478, "MRT", "Western Africa"),
    ("Mali", 466, "MLI", "Western Africa"),
    ("Niger", 562, "NER", "Western Africa"),
    ("Chad", 148, "TCD", "Middle Africa"),
    ("Sudan", 729, "SDN", "Northern Africa"),
)
# (disorder_type, event_type, sub_event_type)
EVENTS = (
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Battles", "Government regains territory"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Demonstrations", "Riots", "Violent demonstration"),
    ("Strategic developments", "Strategic developments", "Looting/property destruction"),
)
ACTORS = (
    "Military Forces of Algeria (1999-)",
    "AQIM: Al Qaeda in the Islamic Maghreb",
    "JNIM: Jama'a Nusrat al-Islam wal Muslimin",
    "Islamic State (Libya)",
    "LNA: Libyan National Army",
    "Unidentified Armed Group (Libya)",
    "Protesters (Tunisia)",
    "Civilians (Mali)",
    "Police Forces of Egypt (2014-)",
)
SOURCES = (
    "Reuters",
    "Libya Observer; Libya Herald",
    "Agence France-Presse",
    "Al Jazeera; Associated Press",
    "Sahara Medias",
    "Mosaique FM",
)
PLACES = ("Ghat", "Ubari", "Kidal", "Gao", "Tamanrasset", "Kasserine", "Sabha", "Agadez", "Arlit")


def generate(rows: int, path: Path, seed: int = 2026) -> None:
    """Write a synthetic ACLED export of ``rows`` rows to ``path``."""
    rng = np.random.default_rng(seed)
    country = rng.integers(len(COUNTRIES), size=rows)
    event = rng.integers(len(EVENTS), size=rows)
    day = np.datetime64("2011-01-01") + rng.integers(0, 3287, size=rows).astype("timedelta64[D]")
    date_text = pd.Series(np.datetime_as_string(day, unit="D"), dtype=object)
    year = day.astype("datetime64[Y]").astype(int) + 1970

    latitude = pd.Series(np.round(rng.uniform(8.0, 37.0, rows), 4)).astype(str)
    longitude = pd.Series(np.round(rng.uniform(-17.0, 38.0, rows), 4)).astype(str)
    share = rng.uniform(size=rows)
    bad_date = share < 0.015
    no_coordinates = (share >= 0.015) & (share < 0.03)
    one_coordinate = (share >= 0.03) & (share < 0.035)
    bad_values = np.array(["2013-02-30", "soon", "", "31/12/2014"], dtype=object)
    date_text[bad_date] = bad_values[rng.integers(len(bad_values), size=int(bad_date.sum()))]
    latitude[no_coordinates] = ""
    longitude[no_coordinates | one_coordinate] = ""

    place = np.array(PLACES, dtype=object)[rng.integers(len(PLACES), size=rows)]
    names = np.array([c[0] for c in COUNTRIES], dtype=object)[country]
    fatalities = rng.poisson(0.8, size=rows) * (rng.uniform(size=rows) < 0.6)
    actor1 = np.array(ACTORS, dtype=object)[rng.integers(len(ACTORS), size=rows)]
    notes = [
        f'On {d}, "{a}" clashed near {p}, {n}; {f} reported killed, others wounded.'
        for d, a, p, n, f in zip(date_text, actor1, place, names, fatalities, strict=True)
    ]
    table = pd.DataFrame(
        {
            "event_id_cnty": [f"{COUNTRIES[c][2]}{i + 1}" for i, c in enumerate(country)],
            "event_date": date_text,
            "year": year,
            "time_precision": rng.integers(1, 4, size=rows),
            "disorder_type": np.array([e[0] for e in EVENTS], dtype=object)[event],
            "event_type": np.array([e[1] for e in EVENTS], dtype=object)[event],
            "sub_event_type": np.array([e[2] for e in EVENTS], dtype=object)[event],
            "actor1": actor1,
            "assoc_actor_1": np.where(rng.uniform(size=rows) < 0.1, "Tuareg Ethnic Group", ""),
            "inter1": rng.integers(1, 9, size=rows),
            "actor2": np.array(ACTORS, dtype=object)[rng.integers(len(ACTORS), size=rows)],
            "assoc_actor_2": "",
            "inter2": rng.integers(0, 9, size=rows),
            "interaction": rng.integers(10, 89, size=rows),
            "civilian_targeting": np.where(event >= 5, "Civilian targeting", ""),
            "iso": np.array([c[1] for c in COUNTRIES])[country],
            "region": np.array([c[3] for c in COUNTRIES], dtype=object)[country],
            "country": names,
            "admin1": place,
            "admin2": place,
            "admin3": "",
            "location": place,
            "latitude": latitude,
            "longitude": longitude,
            "geo_precision": rng.integers(1, 4, size=rows),
            "source": np.array(SOURCES, dtype=object)[rng.integers(len(SOURCES), size=rows)],
            "source_scale": "National",
            "notes": notes,
            "fatalities": fatalities,
            "tags": np.where(rng.uniform(size=rows) < 0.05, "crowd size=no report", ""),
            "timestamp": rng.integers(1_550_000_000, 1_700_000_000, size=rows),
        },
        columns=list(ACLED_COLUMNS),
    )
    table.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def _importer():
    try:
        from borderwatch.importers import import_file
    except ImportError as error:
        sys.exit(
            "bench_import: borderwatch.importers.import_file is not available "
            f"({error}); the importer must exist before this benchmark can run."
        )
    return import_file


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


#: The last revision that read a CSV file whole before mapping it.
BEFORE = "9cb4797"
REPO_ROOT = Path(__file__).resolve().parents[1]


def measure(path: Path) -> dict:
    """Import ``path`` with whatever ``borderwatch`` is first on the path; figures per step."""
    import_file = _importer()
    from borderwatch import loading
    from borderwatch.dedupe import merge_duplicates
    from borderwatch.store import DatasetStore

    steps: dict[str, dict[str, float]] = {}

    def step(name: str, started: float) -> None:
        steps[name] = {
            "seconds": round(time.perf_counter() - started, 3),
            "peak_rss_mb": _peak_mb(),
        }

    curated = loading.load_incidents()
    started = time.perf_counter()
    data = path.read_bytes()
    step("read_file", started)

    options: dict[str, object] = {"file_name": path.name, "dataset": "ACLED synthetic"}
    if "max_bytes" in inspect.signature(import_file).parameters:
        options["max_bytes"] = len(data) + 1
    started = time.perf_counter()
    result = import_file(data, **options)
    step("import_file", started)
    accepted, rejected = len(result.incidents), len(result.rejected)
    rejected_rows = int(result.rejected["row"].nunique()) if "row" in result.rejected else rejected
    del data

    with tempfile.TemporaryDirectory(prefix="bench-import-store-") as scratch:
        store = DatasetStore(Path(scratch) / "store")
        started = time.perf_counter()
        info = store.save(
            result.incidents,
            name="ACLED synthetic",
            source_format=str(getattr(result, "format", "ACLED")),
            source_file=path.name,
            rejected=rejected_rows,
        )
        step("store_save", started)
        parquet_mb = round((store.directory / info.file).stat().st_size / 2**20, 1)
        del result

        started = time.perf_counter()
        imported = store.load_enabled()
        step("load_enabled", started)

    started = time.perf_counter()
    combined = pd.concat(
        [
            curated.assign(
                dataset="curated",
                source_dataset="BorderWatch curated",
                original_id=curated["incident_id"],
            ),
            imported,
        ],
        ignore_index=True,
    )
    merged = merge_duplicates(combined)
    step("merge_duplicates", started)
    return {
        "accepted": accepted,
        "rejected": rejected,
        "rejected_rows": rejected_rows,
        "parquet_mb": parquet_mb,
        "loaded_rows": len(imported),
        "merged_rows": len(merged),
        "steps": steps,
        "peak_rss_mb": _peak_mb(),
    }


def _run_side(root: Path, path: Path) -> dict:
    """``measure`` in a child process with ``root``'s code first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    env.pop("BORDERWATCH_GEODATA_DIR", None)
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--only", choices=("old", "new"))
    arguments = parser.parse_args()
    rows = arguments.rows
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        path = Path(scratch) / "acled-synthetic.csv"
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", str(rows), str(path)], check=True)
        generate_s = round(time.perf_counter() - started, 3)
        sides: dict[str, dict] = {}
        if arguments.only != "new":
            sides[f"old ({arguments.before})"] = _run_side(
                extract_revision(arguments.before, Path(scratch)), path
            )
        if arguments.only != "old":
            sides["new (this tree)"] = _run_side(REPO_ROOT, path)
        summary = {
            name: {
                "import_file_s": side["steps"]["import_file"]["seconds"],
                "import_peak_rss_mb": side["steps"]["import_file"]["peak_rss_mb"],
                "peak_rss_mb_all_steps": side["peak_rss_mb"],
                "import_file_s <= 30": side["steps"]["import_file"]["seconds"] <= 30,
                "import peak < 2 GB": side["steps"]["import_file"]["peak_rss_mb"] < 2048,
            }
            for name, side in sides.items()
        }
        print(
            json.dumps(
                {
                    "rows_in_file": rows,
                    "csv_mb": round(path.stat().st_size / 2**20, 1),
                    "generate_csv_s (child process, not measured)": generate_s,
                    "cpus": os.cpu_count(),
                    "side_by_side": summary,
                    "sides": sides,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        generate(int(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main()
