"""The build's on-disk Oxigraph store: written inside the build, opened read-only with no load step."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import rows_of
from cungai.cli import main
from cungai.query.library import library, run_query
from cungai.query.stores import OxigraphEngine, oxigraph_source
from cungai.rdf.diskstore import rebuild_store, store_path

REPO = Path(__file__).resolve().parent.parent
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def test_the_build_writes_a_store_that_answers_like_kg_trig(built):
    folder = store_path(built.out_dir)
    assert oxigraph_source(built.out_dir) == folder
    on_disk, loaded = OxigraphEngine(folder), OxigraphEngine(built.out_dir / "kg.trig")
    assert rows_of(on_disk.run(COUNT)) == rows_of(loaded.run(COUNT))
    assert int(on_disk.run(COUNT).rows[0][0]) == built.report["triples"]  # the default graph is the union, each triple once
    assert rows_of(on_disk.run(PER_GRAPH)) == rows_of(loaded.run(PER_GRAPH))
    for query in library(REPO / "queries").values():
        assert rows_of(on_disk.run(query.text, query.bindings())) == rows_of(loaded.run(query.text, query.bindings())), query.name


def test_the_store_is_read_only_and_opens_in_many_processes_at_once(built):
    folder = store_path(built.out_dir)
    engine = OxigraphEngine(folder)
    with pytest.raises(RuntimeError, match="read-write"):
        engine.store.update("INSERT DATA { <urn:x> <urn:y> <urn:z> }")
    script = ("import sys; from cungai.query.stores import OxigraphEngine; "
              "print(OxigraphEngine(sys.argv[1]).run('ASK { ?s ?p ?o }').boolean)")
    children = [subprocess.Popen([sys.executable, "-c", script, str(folder)], stdout=subprocess.PIPE, text=True,
                                 cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}) for _ in range(3)]
    assert [child.communicate(timeout=60)[0].strip() for child in children] == ["True"] * 3
    assert engine.run("ASK { ?s ?p ?o }").boolean


def test_cungai_store_writes_the_store_a_build_lacks(built, tmp_path):
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    shutil.copy(built.out_dir / "kg.trig", build_dir / "kg.trig")  # no kg.nt: the union is computed
    assert oxigraph_source(build_dir) == build_dir / "kg.trig"  # until then, kg.trig is loaded
    result = CliRunner().invoke(main, ["store", "--build", str(build_dir)])
    assert result.exit_code == 0, result.output
    assert oxigraph_source(build_dir) == store_path(build_dir)
    fresh = run_query("officials", build_dir=build_dir, queries_dir=REPO / "queries")
    assert rows_of(fresh) == rows_of(run_query("officials", build_dir=built.out_dir, queries_dir=REPO / "queries"))
    assert rows_of(OxigraphEngine(store_path(build_dir)).run(COUNT)) == rows_of(OxigraphEngine(store_path(built.out_dir)).run(COUNT))
    rebuild_store(build_dir)  # a second time replaces the first
    assert sorted(p.name for p in build_dir.iterdir()) == ["kg.trig", "store"]


def test_no_store_and_no_trig_is_a_usage_error_in_both_languages(tmp_path):
    for command in (["query", "officials"], ["sparql", COUNT], ["store"]):
        result = CliRunner().invoke(main, [*command, "--build", str(tmp_path)])
        assert result.exit_code == 2, command
        assert "cungai build" in result.output and "请先运行" in result.output, result.output


def test_csv_with_a_byte_order_mark_for_excel(built):
    plain = CliRunner().invoke(main, ["query", "officials", "--format", "csv", "--build", str(built.out_dir)])
    marked = CliRunner().invoke(main, ["query", "officials", "--format", "csv", "--bom", "--build", str(built.out_dir)])
    assert plain.exit_code == marked.exit_code == 0
    assert marked.output == "\ufeff" + plain.output and "卢德全" in plain.output
    table = CliRunner().invoke(main, ["query", "officials", "--bom", "--build", str(built.out_dir)])
    assert not table.output.startswith("\ufeff")  # only csv and tsv carry it


def test_the_endpoint_workers_follow_a_new_store(built, tmp_path):
    """A build swaps a new store into place while `cungai serve` runs: the next query sees it."""
    from cungai.serve.workers import WorkerPool

    build_dir = tmp_path / "build"
    build_dir.mkdir()
    shutil.copy(built.out_dir / "kg.trig", build_dir / "kg.trig")
    rebuild_store(build_dir)
    pool = WorkerPool(store_path(build_dir), size=1)
    try:
        before = pool.run(COUNT, "csv", max_rows=None, timeout=30).body
        (build_dir / "kg.trig").write_text("<urn:g> { <urn:a> <urn:b> <urn:c> . }\n", encoding="utf-8")
        rebuild_store(build_dir)
        after = pool.run(COUNT, "csv", max_rows=None, timeout=30).body
    finally:
        pool.close()
    assert before.split()[-1] == str(built.report["triples"]).encode()
    assert after.split()[-1] == b"1"
