"""The build holds the graph in one engine, Oxigraph, and either mode of checks gives the same graph.

``--checks scale`` swaps pySHACL and HermiT for SPARQL inside Oxigraph: the article must come out
the same, byte for byte in ``kg.nt``, whichever way it was checked.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset
from rdflib.compare import isomorphic

from cungai.build.pipeline import build, choose_checks
from cungai.cli import main

from conftest import REPO


@pytest.fixture(scope="module")
def scale_build(tmp_path_factory):
    return build(root=REPO, out_dir=tmp_path_factory.mktemp("scale") / "build", checks="scale")


def test_the_build_offers_one_store():
    result = CliRunner().invoke(main, ["build", "--help"])
    assert result.exit_code == 0 and "--store" not in result.output and "Oxigraph" in result.output
    refused = CliRunner().invoke(main, ["build", "--store", "memory"])
    assert refused.exit_code == 2 and "--store" in refused.output


def test_scale_build_writes_the_same_named_graphs(built, scale_build):
    def named(path):
        dataset = Dataset()
        dataset.parse(path, format="trig")
        return {g.identifier: g for g in dataset.graphs() if str(g.identifier).startswith("https://")}

    full, scale = named(built.out_dir / "kg.trig"), named(scale_build.out_dir / "kg.trig")
    assert set(full) == set(scale) and len(full) >= 5
    for name in full:
        assert isomorphic(full[name], scale[name]), name


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


def test_report_says_which_engine_and_checks_ran(built):
    report = json.loads((built.out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["store"] == "oxigraph"
    assert report["shacl"]["engine"] == "pySHACL"
    assert report["reasoner"]["checks"] == "full"
    assert {"load", "validate", "reason", "export", "export.dumps", "export.views"} <= set(report["timings"])
