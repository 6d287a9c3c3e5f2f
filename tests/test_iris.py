"""IRIs that last: the build keeps every registered IRI, and a changed slug is caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from cungai.cli import main
from cungai.project.iris import check_ids, compare, read_registry, registry_path, update_ids
from cungai.paths import project_paths

REPO = Path(__file__).resolve().parent.parent
TRIG = "graph/mini-2020-01-01.trig"


def test_build_keeps_every_registered_iri_and_registers_every_new_one(built):
    path = registry_path(project_paths(REPO).graph_dir)
    diff = compare(built.graphs, read_registry(path))
    assert diff.ok, diff.explain(path)


def test_registry_holds_things_and_sources_not_evidence():
    iris = [r.iri for r in read_registry(registry_path(project_paths(REPO).graph_dir))]
    assert "https://w3id.org/cungai/id/park/beihai-gongyequ" in iris
    assert "https://w3id.org/cungai/source/lunjiao-2019-12-06" in iris
    assert "https://w3id.org/cungai/id/place/adcode-440606000000" in iris
    assert not [i for i in iris if "/id/statement/" in i or "/id/annotation/" in i or "/id/span/" in i]
    assert iris == sorted(iris)


def test_changed_slug_is_reported_as_dropped_and_new(mini):
    path, added = update_ids(mini, today=dt.date(2026, 1, 1))
    assert "https://w3id.org/cungai/id/park/shili" in added.new
    assert check_ids(mini)[1].ok
    trig = mini / TRIG
    trig.write_text(trig.read_text(encoding="utf-8").replace("park:shili ", "park:shili-gongyeyuan "), encoding="utf-8")
    _, diff = check_ids(mini)
    assert [r.iri for r in diff.dropped] == ["https://w3id.org/cungai/id/park/shili"]
    assert list(diff.new) == ["https://w3id.org/cungai/id/park/shili-gongyeyuan"]
    result = CliRunner().invoke(main, ["ids", "--root", str(mini)])
    assert result.exit_code == 1
    assert "park/shili" in result.output and "cungai ids --update" in result.output
    refused = CliRunner().invoke(main, ["ids", "--update", "--root", str(mini)])
    assert refused.exit_code == 1  # --update never hides a dropped IRI
    assert len(read_registry(path)) == len(added.new)


def test_update_appends_and_keeps_existing_lines(mini):
    path, first = update_ids(mini, today=dt.date(2026, 1, 1))
    trig = mini / TRIG
    trig.write_text(trig.read_text(encoding="utf-8").replace(
        'park:shili a cg:IndustrialPark ;', 'park:shili a cg:IndustrialPark ; cg:hasProject project:shili-erqi ;'),
        encoding="utf-8")
    _, second = update_ids(mini, today=dt.date(2026, 2, 2))
    assert list(second.new) == ["https://w3id.org/cungai/id/project/shili-erqi"]
    entries = {r.iri: r for r in read_registry(path)}
    assert entries["https://w3id.org/cungai/id/park/shili"].since.endswith("2026-01-01")
    assert entries["https://w3id.org/cungai/id/project/shili-erqi"].since.endswith("2026-02-02")
    assert entries["https://w3id.org/cungai/id/park/shili"].label_zh == "示例工业园"
    assert len(entries) == len(first.new) + 1
