"""The benchmark harness (benchmarks/bench.py) at a tiny size: every section is there, both engines agree.

No timing is asserted: the numbers belong in docs/benchmarks.md, not in a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cungai.query import library

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks" / "bench.py"
TINY = 3_000  # one synthetic town: about 5k triples once built


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", str(TINY), "--runs", "1", "--work", str(work), "--out", str(out), "--fresh"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.with_suffix(".md").read_text(encoding="utf-8").count("|") > 100
    return json.loads(out.read_text(encoding="utf-8"))


def test_machine_is_described(results: dict) -> None:
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["ram_gb"] > 0 and machine["cpu"]
    assert machine["versions"]["rdflib"] and machine["versions"]["pyoxigraph"]
    size = results["sizes"][str(TINY)]
    assert len(size["load_average_before"]) == 3 and len(size["load_average_after"]) == 3


def test_every_section_is_measured(results: dict) -> None:
    size = results["sizes"][str(TINY)]
    build = size["build"]
    assert build["finished_runs"] == 1 and build["shacl_conforms"] is True
    assert set(build["steps_s"]) == {"load", "validate", "reason", "export"}
    assert all(v is not None for v in build["steps_s"].values())
    assert {"write_trig", "write_ntriples", "write_turtle", "write_views"} <= set(build["substeps_s"])
    assert build["peak_rss_mb"] > 0 and size["triples"] > TINY
    for key, engine, *_ in (("rdflib nt Graph.parse", "rdflib"), ("rdflib trig MemoryEngine", "rdflib"),
                            ("oxigraph nt Store.load", "oxigraph"), ("oxigraph trig Store.load", "oxigraph"),
                            ("oxigraph trig Store.bulk_load", "oxigraph"), ("oxigraph trig OxigraphEngine", "oxigraph")):
        assert size["load"][key]["median_s"] is not None and size["load"][key]["peak_rss_mb"] > 0, key
    # the same file gives the same number of triples (quads for TriG) on both engines
    assert size["load"]["rdflib nt Graph.parse"]["count"] == size["load"]["oxigraph nt Store.load"]["count"] == size["triples"]
    assert size["load"]["rdflib trig MemoryEngine"]["count"] == size["load"]["oxigraph trig Store.load"]["count"]
    for engine in ("rdflib", "oxigraph"):
        export = size["export"][engine]
        assert set(export["median_s"]) >= {"nt", "ttl", "jsonld", "trig"} and not export["timed_out"], engine
        assert all(n > 0 for n in export["bytes"].values())
    targets = size["targets"]
    for key in ("build_within_60s_4GB", "every_query_under_1s_on_oxigraph", "library_10x_faster_on_oxigraph",
                "load_and_export_within_2x"):
        assert isinstance(targets[key], bool), key
    assert targets["ratios_to_oxigraph"]


def test_every_query_gives_the_same_rows_on_both_engines(results: dict) -> None:
    queries = results["sizes"][str(TINY)]["queries"]
    comparison = queries["comparison"]
    assert set(library(REPO / "queries")) <= set(comparison)
    assert any(name.startswith("park-profile @") for name in comparison)  # bound to a synthetic park
    for engine in ("rdflib", "oxigraph"):
        errors = {name: q["error"] for name, q in queries[engine]["queries"].items() if "error" in q}
        assert not errors, (engine, errors)
    differing = {name: (row["rows_rdflib"], row["rows_oxigraph"]) for name, row in comparison.items() if not row["same_rows"]}
    assert not differing
    assert queries["all_same_rows"] is True
    assert sum(row["rows_rdflib"] for row in comparison.values()) > 0
