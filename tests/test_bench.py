"""The benchmark harness (benchmarks/bench.py) at a tiny size: every section is there and both query
engines agree.

No timing is asserted: the numbers belong in docs/benchmarks.md, not in a test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cungai.query.library import library

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks" / "bench.py"
TINY = 3_000  # one synthetic town: about 5k triples once built
STEPS = {"load", "validate", "reason", "export"}
PARTS = {"load.read", "load.assemble", "load.offsets", "export.dumps", "export.void", "export.views"}
FORMATS = {"nt", "ttl", "jsonld", "trig"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH), *args], cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench.json"
    done = _run("--sizes", str(TINY), "--runs", "1", "--work", str(work), "--out", str(out), "--fresh")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def results(out: Path) -> dict:
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def size(results: dict) -> dict:
    return results["sizes"][str(TINY)]


def test_machine_is_described(results: dict, size: dict) -> None:
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["ram_gb"] > 0 and machine["cpu"]
    assert machine["versions"]["rdflib"] and machine["versions"]["pyoxigraph"]
    assert len(size["load_average_before"]) == 3 and len(size["load_average_after"]) == 3


def test_the_build_runs_with_every_step_and_part_timed(size: dict) -> None:
    build = size["build"]["oxigraph"]
    assert build["store"] == "oxigraph" and build["finished_runs"] == build["runs"] == 1
    assert build["checks"] == "full" and build["shacl_engine"] == "pySHACL"  # tiny: auto is full
    assert build["shacl_conforms"] is True and build["reasoner"]["checks"] == "full"
    timings = build["timings_s"]
    assert STEPS | PARTS <= set(timings)
    assert all(isinstance(timings[k], float) for k in STEPS | PARTS), timings
    assert list(timings)[:2] == ["load", "load.read"]  # each step, then its parts
    assert build["total_s"] == pytest.approx(sum(timings[k] for k in STEPS), abs=0.01)
    assert build["wall_s"] >= build["total_s"] and build["peak_rss_mb"] > 0
    assert Path(build["out_dir"], "kg.trig").is_file()


def test_the_build_is_measured_on_its_own_files(size: dict) -> None:
    build = size["build"]["oxigraph"]
    assert build["triples"] == size["triples"] > TINY and build["inferred_triples"] > 0
    assert size["graph_files"] == "kg.trig and kg.nt of the Oxigraph build"


def test_every_load_is_measured(size: dict) -> None:
    for key in ("rdflib nt Graph.parse", "rdflib trig MemoryEngine", "oxigraph nt Store.load",
                "oxigraph trig Store.load", "oxigraph trig Store.bulk_load", "oxigraph trig OxigraphEngine"):
        assert size["load"][key]["median_s"] is not None and size["load"][key]["peak_rss_mb"] > 0, key
    # the same file gives the same number of triples (quads for TriG) on both engines
    assert size["load"]["rdflib nt Graph.parse"]["count"] == size["load"]["oxigraph nt Store.load"]["count"] == size["triples"]
    assert size["load"]["rdflib trig MemoryEngine"]["count"] == size["load"]["oxigraph trig Store.load"]["count"]


def test_every_export_engine_writes_every_format(size: dict) -> None:
    export = size["export"]
    assert set(export) == {"rdflib", "project oxigraph", "oxigraph own"}
    for engine, measured in export.items():
        assert FORMATS <= set(measured["median_s"]) and not measured["timed_out"], engine
        assert set(measured["bytes"]) == FORMATS and all(n > 0 for n in measured["bytes"].values()), engine
        assert measured["total_s"] > 0, engine
    project = export["project oxigraph"]
    assert {"sort", "write_store_dumps"} <= set(project["median_s"])
    assert project["same_bytes_as_write_store_dumps"] is True
    assert project["total_s"] == pytest.approx(sum(project["median_s"][f] for f in FORMATS | {"sort"}), abs=1e-3)


def test_targets_are_judged(size: dict) -> None:
    targets = size["targets"]
    for key in ("build_within_60s_4GB", "every_query_under_1s_on_oxigraph", "library_10x_faster_on_oxigraph",
                "load_and_export_within_2x"):
        assert isinstance(targets[key], bool), key
    assert targets["build_checks"] == "full"
    assert targets["build_wall_s"] == size["build"]["oxigraph"]["wall_s"]
    ratios = targets["ratios_to_oxigraph"]
    assert len(targets["target_ratios"]) == 3 and set(targets["target_ratios"]) <= set(ratios)
    within = all(ratios[name] <= 2 for name in targets["target_ratios"])
    assert targets["load_and_export_within_2x"] is within


def test_every_query_gives_the_same_rows_on_both_engines(size: dict) -> None:
    queries = size["queries"]
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


def test_the_summary_has_every_table(out: Path) -> None:
    text = out.with_suffix(".md").read_text(encoding="utf-8")
    assert f"| | {TINY:,}: Oxigraph |" in text
    for row in ("| load |", "| · read |", "| · views |", "| **total** (steps) |", "| checks | full |",
                "| project oxigraph sort |", "| oxigraph own trig |", "| build_within_60s_4GB |"):
        assert row in text, row


def test_report_only_rewrites_the_summary(out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bench.json"
    shutil.copy(out, copy)
    done = _run("--report-only", "--out", str(copy))
    assert done.returncode == 0, done.stdout + done.stderr
    assert copy.with_suffix(".md").read_text(encoding="utf-8") == out.with_suffix(".md").read_text(encoding="utf-8")
    assert json.loads(copy.read_text(encoding="utf-8")) == json.loads(out.read_text(encoding="utf-8"))
