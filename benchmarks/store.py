"""Cold-process query benchmark: the build's on-disk store against loading kg.trig at every call (issue 14).

    python benchmarks/store.py --build /tmp/district/build              # every query, 3 runs each
    python benchmarks/store.py --build /tmp/district/build --runs 1 --baseline-runs 1

What a researcher waits for when typing ``cungai query NAME`` in a fresh shell: every measurement
is a new ``python -m cungai`` process, timed from start to exit (wall clock). Four ways:

- ``startup``: ``cungai query --help``, the CLI's own start-up (Python, click, the package);
- ``store``: ``cungai query NAME --format csv`` on the build as it is, so Oxigraph opens
  ``build/store/`` read-only (the default);
- ``per-call load``: the same command on a folder holding only (links to) ``kg.trig`` and ``kg.nt``,
  so that every call loads the graph into memory with Oxigraph first, as ``cungai query`` with
  Oxigraph did before the build wrote a store (the default then, rdflib, is slower still);
- ``batch``: one process running the whole library on the store (``query.run_query`` in a loop),
  as a notebook or a script would.

Every query of ``queries/`` runs at its default parameters. Results: a Markdown table on stdout and
JSON in ``--out`` (default ``build/store-bench.json``), with the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BATCH = """
import sys, time
from pathlib import Path
from cungai.query.library import library, run_query
started = time.perf_counter()
for query in library(Path(sys.argv[2])).values():
    run_query(query, build_dir=Path(sys.argv[1]))
print(time.perf_counter() - started)
"""


def timed(command: list[str], *, timeout: float) -> float:
    """Wall seconds of one fresh process; raises if it fails."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - started


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cungai", *args]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True, help="a build folder with store/, kg.trig and kg.nt")
    parser.add_argument("--queries", type=Path, default=REPO / "queries", help="the library (its names run through the CLI)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each store measurement (median)")
    parser.add_argument("--baseline-runs", type=int, default=1, help="runs of each per-call load measurement")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "store-bench.json")
    args = parser.parse_args()
    build = args.build.resolve()
    names = sorted(p.stem for p in args.queries.glob("*.rq"))
    load_before = os.getloadavg()[0]
    startup = [timed(cli("query", "--help"), timeout=args.timeout) for _ in range(args.runs)]
    rows = {}
    with tempfile.TemporaryDirectory() as bare:
        for name in ("kg.trig", "kg.nt"):
            os.symlink(build / name, Path(bare) / name)
        for name in names:
            common = ["query", name, "--format", "csv"]
            store = [timed(cli(*common, "--build", str(build)), timeout=args.timeout) for _ in range(args.runs)]
            loaded = [timed(cli(*common, "--build", bare), timeout=args.timeout) for _ in range(args.baseline_runs)]
            rows[name] = {"store": median(store), "per-call load": median(loaded)}
            print(f"{name}: store {rows[name]['store']} s, per-call load {rows[name]['per-call load']} s", file=sys.stderr)
    batch = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", BATCH, str(build), str(args.queries)], check=True, cwd=REPO,
                       env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL, timeout=args.timeout)
        batch.append(time.perf_counter() - started)
    totals = {way: round(sum(r[way] for r in rows.values()), 3) for way in ("store", "per-call load")}
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "build": str(build),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load average before/after": [load_before, os.getloadavg()[0]]},
        "triples": json.loads((build / "report.json").read_text(encoding="utf-8")).get("triples"),
        "startup": median(startup), "queries": rows, "totals": totals, "batch process": median(batch),
        "speed-up": {"cold processes": round(totals["per-call load"] / totals["store"], 1),
                     "batch": round(totals["per-call load"] / median(batch), 1)},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"| query | store (cold process) | per-call load (cold process) |\n|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['store']} | {row['per-call load']} |")
    print(f"| **library, one process per query** | **{totals['store']}** | **{totals['per-call load']}** |")
    print(f"\nCLI start-up (`cungai query --help`): {result['startup']} s; the library as one batch process on the "
          f"store: {result['batch process']} s; speed-up {result['speed-up']}; triples {result['triples']}; "
          f"load average {load_before:.2f} → {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
