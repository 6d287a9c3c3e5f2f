"""The build on tiny fixtures: it succeeds, and each kind of bad input fails it clearly and atomically."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from cungai.build.pipeline import build
from cungai.config import OUTPUTS, STORE_DIR
from cungai.errors import DataError
from cungai.paths import project_paths
from cungai.project.reader import read_project
from cungai.rdf.namespaces import CG, INFERRED_GRAPH, OA, ORG, RDF, source_graph

TRIG = "graph/mini-2020-01-01.trig"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_mini_build_writes_every_output(mini):
    result = build(root=mini)
    for name in OUTPUTS:
        assert (mini / "build" / name).is_file(), name
    report = json.loads((mini / "build" / "report.json").read_text(encoding="utf-8"))
    assert report["evidence"]["coverage"] == 1.0
    assert report["shacl"]["conforms"] is True
    assert report["reasoner"]["consistent"] is True
    inferred = result.graphs[INFERRED_GRAPH]
    # org:heldBy is the inverse of org:holds: the reasoner step adds it
    assert (URIRef("https://w3id.org/cungai/id/post/shili-shuji"), ORG.heldBy,
            URIRef("https://w3id.org/cungai/id/person/zhang-san")) in inferred


def test_mini_evidence_is_web_annotation(mini):
    result = build(root=mini)
    graph = result.graphs[source_graph("mini-2020-01-01")]
    text = (mini / "graph/sources/mini-2020-01-01.txt").read_text(encoding="utf-8")
    statements = set(graph.subjects(RDF.type, RDF.Statement))
    evidence_prefixes = tuple(f"https://w3id.org/cungai/id/{kind}/" for kind in ("statement", "annotation", "span"))
    facts = [t for t in graph if not str(t[0]).startswith(evidence_prefixes)
             and not (isinstance(t[2], Literal) and t[2].language == "en")]
    assert len(statements) == len(facts) == 28
    saidby = next(graph.subjects(RDF.predicate, CG.saidBy))
    annotation = next(graph.subjects(OA.hasBody, saidby))
    target = graph.value(annotation, OA.hasTarget)
    selectors = list(graph.objects(target, OA.hasSelector))
    position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
    quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
    start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
    assert text[start:end] == str(graph.value(quote, OA.exact)) == "张三"
    assert text[end] == "说"  # cg:after picked the second occurrence of 张三


def _refused_by_reader(mini: Path, mutate) -> str:
    """The project reader's DataError once ``mutate`` broke the project (what the build's load step reads)."""
    mutate()
    with pytest.raises(DataError) as failure:
        read_project(project_paths(mini))
    return str(failure.value)


def _refused_by_build(mini: Path, mutate) -> str:
    """The build's DataError once ``mutate`` broke the project; it leaves no build/ behind."""
    mutate()
    with pytest.raises(DataError) as failure:
        build(root=mini)
    assert not (mini / "build").exists()
    return str(failure.value)


def test_a_failed_build_leaves_the_last_good_one_and_a_rebuild_keeps_other_tools_files(mini):
    build(root=mini)
    (mini / "build" / "screenshots").mkdir()
    (mini / "build" / "screenshots" / "x.png").write_bytes(b"png")
    before = snapshot(mini / "build")
    good = (mini / TRIG).read_text(encoding="utf-8")
    _edit(mini / TRIG, '"示例工业园首期投产后,入驻企业12家"', '"示例工业园首期投产后,入驻企业13家"')
    with pytest.raises(DataError, match="evidence quote not found"):
        build(root=mini)
    assert snapshot(mini / "build") == before
    assert not list(mini.glob(".build.*"))  # no staging folder left behind
    (mini / TRIG).write_text(good, encoding="utf-8")
    build(root=mini)
    assert (mini / "build" / "screenshots" / "x.png").read_bytes() == b"png"
    assert not list(mini.glob(".build.*"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_quote_names_fact_file_and_line(mini):
    trig = mini / TRIG
    message = _refused_by_reader(
        mini, lambda: _edit(trig, '"示例工业园首期投产后,入驻企业12家"', '"示例工业园首期投产后,入驻企业13家"'))
    assert "evidence quote not found" in message
    line = trig.read_text(encoding="utf-8").split("\n").index("ev:park {") + 1
    assert f"{trig}:{line}:" in message
    assert "outcome:shili-qiye" in message  # a fact it was meant to support


def test_ambiguous_quote_asks_for_context(mini):
    trig = mini / TRIG
    message = _refused_by_reader(mini, lambda: _edit(trig, 'cg:after "说" .', "."))
    assert "ambiguous" in message and "2 times" in message and "cg:before" in message


def test_shacl_violation_names_label_and_rule(mini):
    trig = mini / TRIG
    message = _refused_by_build(
        mini, lambda: _edit(trig, "org:postIn body:shili-dangongwei ; ", ""))
    assert "SHACL" in message
    assert "示例街道党工委书记" in message  # the node's label
    assert "org:postIn" in message  # the rule


def test_inconsistent_fact_names_clashing_individual_and_classes(mini):
    trig = mini / TRIG
    # the park is also said to be an official: places and persons are disjoint
    message = _refused_by_build(
        mini, lambda: _edit(trig, "park:shili a cg:IndustrialPark ;", "park:shili a cg:IndustrialPark , cg:Official ;"))
    assert "inconsistent" in message
    assert "示例工业园" in message and "cg:Person" in message and "cg:Place" in message


def test_turtle_syntax_error_names_file_and_line(mini):
    meta = mini / "graph/sources/mini-2020-01-01.ttl"
    message = _refused_by_reader(
        mini, lambda: _edit(meta, 'dcterms:language "zh" ;', 'dcterms:language "zh ;'))
    assert f"{meta}:" in message and "syntax error" in message
    line = int(message.split(f"{meta}:")[1].split(":")[0])
    assert 10 <= line <= 13


def test_trig_syntax_error_names_file_and_line(mini):
    trig = mini / TRIG
    message = _refused_by_reader(mini, lambda: _edit(trig, "ev:quote {", "ev:quote {{"))
    assert f"{trig}:" in message and "syntax error" in message


def test_changed_source_text_is_refused(mini):
    text = mini / "graph/sources/mini-2020-01-01.txt"
    message = _refused_by_reader(mini, lambda: _edit(text, "12家", "13家"))
    assert "sha256" in message


def test_source_not_in_nfc_is_refused(mini):
    text = mini / "graph/sources/mini-2020-01-01.txt"
    message = _refused_by_reader(
        mini, lambda: text.write_text(text.read_text(encoding="utf-8") + "Cafe\u0301\n", encoding="utf-8"))
    assert "NFC" in message and ":3:" in message


def test_source_not_utf8_is_refused(mini):
    text = mini / "graph/sources/mini-2020-01-01.txt"
    message = _refused_by_reader(
        mini, lambda: text.write_bytes(text.read_text(encoding="utf-8").encode("gb18030")))
    assert "not UTF-8" in message


def test_source_with_a_byte_order_mark_is_refused(mini):
    text = mini / "graph/sources/mini-2020-01-01.txt"
    message = _refused_by_reader(mini, lambda: text.write_bytes(b"\xef\xbb\xbf" + text.read_bytes()))
    assert "byte order mark" in message and str(text) in message


def test_fact_outside_a_block_is_refused(mini):
    trig = mini / TRIG
    message = _refused_by_reader(mini, lambda: trig.write_text(
        trig.read_text(encoding="utf-8") + '\nperson:zhang-san rdfs:label "张先生"@zh .\n', encoding="utf-8"))
    assert "outside an evidence block" in message and "张先生" in message


def test_two_builds_are_byte_identical(mini, tmp_path):
    # separate processes with different hash seeds: set and dict order must not leak into outputs
    for seed, out in (("1", "a"), ("2", "b")):
        subprocess.run([sys.executable, "-m", "cungai", "build", "--root", str(mini), "--out", str(tmp_path / out)],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    # store/ is a RocksDB database: its files carry ids and timestamps of their own; its content is compared below
    a, b = ({name: digest for name, digest in files.items() if not name.startswith(f"{STORE_DIR}/")} for files in (a, b))
    assert set(a) == set(b) and {"kg.nt", "kg.trig", "ontology.owl", "views/index.html"} <= set(a)
    differ = sorted(name for name in a if a[name] != b[name])
    assert differ == ["report.json"], differ  # only its timings differ: every other output, byte for byte
    stores = [ox.Store.read_only(str(tmp_path / out / STORE_DIR)) for out in ("a", "b")]
    names = [sorted(g.value for g in store.named_graphs()) for store in stores]
    assert names[0] == names[1] and names[0]
    for name in [None, *names[0]]:  # the default graph (the union) and each named graph: the same up to blank nodes
        graph = ox.DefaultGraph() if name is None else ox.NamedNode(name)
        a_graph, b_graph = (Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph), format="nt")
                            for store in stores)
        assert len(a_graph) and isomorphic(a_graph, b_graph), name


def test_base_iri_is_configurable(mini, tmp_path):
    build(root=mini, out_dir=tmp_path / "out", base="https://example.org/kg/")
    nt = (tmp_path / "out" / "kg.nt").read_text(encoding="utf-8")
    assert "<https://example.org/kg/id/person/zhang-san>" in nt
    assert "https://w3id.org/cungai/" not in nt
    dataset = Dataset()
    dataset.parse(tmp_path / "out" / "kg.trig", format="trig")
    assert URIRef("https://example.org/kg/graph/source/mini-2020-01-01") in {g.identifier for g in dataset.graphs()}
