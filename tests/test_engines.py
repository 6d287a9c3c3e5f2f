"""The build on either engine and in either mode of checks gives the same graph.

rdflib (``--store memory``) and Oxigraph hold the graph differently, and ``--checks scale`` swaps
pySHACL and HermiT for SPARQL inside Oxigraph: the article must come out the same, byte for byte
in ``kg.nt``, whichever way it was built.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset
from rdflib.compare import isomorphic

from cungai.build.pipeline import build, choose_checks
from cungai.cli import main
from cungai.errors import UsageError

from conftest import REPO


@pytest.fixture(scope="module")
def memory_build(tmp_path_factory):
    return build(root=REPO, out_dir=tmp_path_factory.mktemp("memory") / "build", store="memory")


@pytest.fixture(scope="module")
def scale_build(tmp_path_factory):
    return build(root=REPO, out_dir=tmp_path_factory.mktemp("scale") / "build", store="oxigraph", checks="scale")


def test_both_engines_build_the_same_bytes(built, memory_build):
    assert built.report["store"] == "oxigraph" and memory_build.report["store"] == "memory"
    assert (built.out_dir / "kg.nt").read_bytes() == (memory_build.out_dir / "kg.nt").read_bytes()
    assert built.report["graphs"] == memory_build.report["graphs"]
    assert built.report["classes"] == memory_build.report["classes"]


def test_both_engines_write_the_same_named_graphs(built, memory_build):
    def named(path):
        dataset = Dataset()
        dataset.parse(path, format="trig")
        return {g.identifier: g for g in dataset.graphs() if str(g.identifier).startswith("https://")}

    oxigraph, memory = named(built.out_dir / "kg.trig"), named(memory_build.out_dir / "kg.trig")
    assert set(oxigraph) == set(memory) and len(oxigraph) >= 5
    for name in oxigraph:
        assert isomorphic(oxigraph[name], memory[name]), name


def test_scale_checks_agree_with_pyshacl_and_hermit_on_the_article(built, scale_build):
    assert built.report["reasoner"]["checks"] == "full"
    assert scale_build.report["reasoner"]["checks"] == "scale"
    assert scale_build.report["shacl"]["conforms"] and scale_build.report["reasoner"]["consistent"]
    assert scale_build.report["reasoner"]["ontology"]["consistent"]  # HermiT still checks the ontology
    assert (scale_build.out_dir / "kg.nt").read_bytes() == (built.out_dir / "kg.nt").read_bytes()
    assert scale_build.report["reasoner"]["inferred_triples"] == built.report["reasoner"]["inferred_triples"] > 0


def test_auto_checks_switch_at_the_documented_size():
    assert choose_checks("auto", 10_977) == "full"
    assert choose_checks("auto", 1_000_000) == "scale"
    assert choose_checks("full", 1_000_000) == "full"


def test_scale_checks_need_oxigraph(tmp_path):
    with pytest.raises(UsageError, match="--store oxigraph"):
        build(root=REPO, out_dir=tmp_path / "out", store="memory", checks="scale")
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out"), "--store", "memory", "--checks", "scale"])
    assert result.exit_code == 2 and "--store oxigraph" in result.output


def test_report_says_which_engine_and_checks_ran(built):
    report = json.loads((built.out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["store"] == "oxigraph"
    assert report["shacl"]["engine"] == "pySHACL"
    assert report["reasoner"]["checks"] == "full"
    assert {"load", "validate", "reason", "export", "export.dumps", "export.views"} <= set(report["timings"])
