"""The synthetic district generator: seeded, its quotes resolve, and the normal build accepts it."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from cungai.build.pipeline import build
from cungai.cli import main
from cungai.project.evidence import locate, read_blocks
from conftest import load_sources
from cungai.synth.generate import MARKER, synthesize

SMALL = 8_000  # above the smallest report the generator writes (one town, ~6,400 built triples)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "district"
    synthesize(out, triples=SMALL, seed=0)
    return out


@pytest.fixture(scope="module")
def small_build(small: Path, tmp_path_factory):
    return build(root=small, out_dir=tmp_path_factory.mktemp("synth-build") / "build")


def test_same_seed_same_bytes_other_seed_other_bytes(small: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["synth", "--triples", str(SMALL), "--out", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    assert "cungai build --root" in result.output
    assert _files(tmp_path / "again") == _files(small)
    synthesize(tmp_path / "other", triples=SMALL, seed=1)
    other = _files(tmp_path / "other")
    assert other != _files(small)
    # writing again over a synthetic project replaces it; any other folder is refused (usage error)
    synthesize(tmp_path / "again", triples=SMALL, seed=0)
    assert _files(tmp_path / "again") == _files(small)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused = CliRunner().invoke(main, ["synth", "--triples", "100", "--out", str(tmp_path / "mine")])
    assert refused.exit_code == 2 and MARKER in refused.output
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_project_tree_is_complete(small: Path) -> None:
    for name in ("ontology/cungai.ttl", "ontology/vocabularies.ttl", "ontology/shapes.ttl", "graph/background.ttl"):
        assert (small / name).is_file(), name
    for source in load_sources(small / "graph" / "sources"):  # checks UTF-8, NFC and cg:sha256 itself
        assert source.language == "zh"
        assert unicodedata.is_normalized("NFC", source.text)
        assert hashlib.sha256(source.path.read_bytes()).hexdigest() in source.path.with_suffix(".ttl").read_text()
        assert (small / "graph" / f"{source.source_id}.trig").is_file()


@pytest.mark.parametrize("triples", [SMALL, 30_000])
def test_every_quote_occurs_once_or_is_disambiguated(tmp_path: Path, triples: int) -> None:
    root = tmp_path / "district"
    synthesize(root, triples=triples, seed=2)
    disambiguated = 0
    for source in load_sources(root / "graph" / "sources"):
        blocks, outside = read_blocks(root / "graph" / f"{source.source_id}.trig", source_language="zh")
        assert len(outside) == 0
        for block in blocks:
            occurrences = source.text.count(block.quote)
            assert occurrences >= 1, block.quote
            if occurrences > 1:
                assert block.before or block.after, f"{block.quote!r} occurs {occurrences} times, undisambiguated"
                disambiguated += 1
            span = locate(block, source)  # the build's own resolution: exactly one candidate
            assert source.text[span.start:span.end] == block.quote
    if triples > SMALL:
        assert disambiguated, "the repeated highlights should need cg:before somewhere"


def test_build_accepts_it(small_build) -> None:
    report = small_build.report
    assert report["evidence"]["coverage"] == 1.0
    assert report["shacl"]["conforms"], report["shacl"]
    assert report["reasoner"]["consistent"]
    assert abs(report["triples"] - SMALL) <= 0.15 * SMALL, report["triples"]
    classes = report["classes"]
    for cls in ("cg:Official", "cg:Post", "cg:VillageIndustrialPark", "cg:IndustrialPark", "cg:Project",
                "cg:QuantitativeOutcome", "cg:Plan", "cg:Enterprise", "cg:LandParcel", "time:Interval"):
        assert classes.get(cls, 0) > 0, cls
