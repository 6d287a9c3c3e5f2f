"""Every query of the library on one build, timed on Oxigraph beside the same file at another git revision.

For a change to the query files (issue 13's source columns): is any question slower than before, and
does it give as many rows? Each query runs at its default parameters, ``--runs`` times; the table
gives the median seconds and the rows, before and after (``-`` where the file is new).

    python benchmarks/queries_against.py --build /tmp/district-200k/build --against 84043da [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from cungai.query.library import StoredQuery, load_query
from cungai.query.stores import OxigraphEngine

REPO = Path(__file__).resolve().parent.parent


def query_at(revision: str, path: Path, folder: Path) -> StoredQuery | None:
    """The query file ``path`` as it was at ``revision`` (copied into ``folder``), None if it did not exist."""
    shown = subprocess.run(["git", "show", f"{revision}:queries/{path.name}"], cwd=REPO, capture_output=True,
                           text=True)
    if shown.returncode != 0:
        return None
    (folder / path.name).write_text(shown.stdout, encoding="utf-8")
    return load_query(folder / path.name)


def timed(engine: OxigraphEngine, query: StoredQuery | None, runs: int) -> tuple[str, str]:
    """Median seconds and rows of ``query``, or ``-`` twice."""
    if query is None:
        return "-", "-"
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = engine.run(query.text, query.bindings())
        seconds.append(time.perf_counter() - started)
    return f"{statistics.median(seconds):.3f}", str(len(result.rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="a build folder (its kg.trig)")
    parser.add_argument("--against", required=True, help="the git revision to compare with, e.g. main")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    engine = OxigraphEngine(args.build / "kg.trig")
    print(f"| query | {args.against} s | rows | now s | rows |\n| --- | --- | --- | --- | --- |")
    folder = Path(tempfile.mkdtemp(prefix="queries-"))
    for path in sorted((REPO / "queries").glob("*.rq")):
        before = timed(engine, query_at(args.against, path, folder), args.runs)
        now = timed(engine, load_query(path), args.runs)
        print(f"| {path.stem} | {before[0]} | {before[1]} | {now[0]} | {now[1]} |")


if __name__ == "__main__":
    main()
