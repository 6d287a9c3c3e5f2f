"""The curator's loop of graph/README.md, end to end, with a second source: an INVENTED test fixture.

tests/data/second-source/ holds a short invented news item (marked as such in its text and here)
and the blocks a curator writes for it; the first source is the mini project's. The loop:
`cungai source add` → the skeleton (the build leaves the unfinished source out, and says so) →
write the blocks → `cungai check` → `cungai check --register` → `cungai build`; then the library's
questions for many sources answer from both sources, with their ids, titles and dates.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cungai.cli import main
from cungai.project.iris import read_registry
from cungai.project.slugs import propose
from cungai.query.library import run_query

from conftest import DATA, REPO, copy_project

SECOND = DATA / "second-source"
SOURCE_ID = "shili-2020-03-01"
FIRST_ID = "mini-2020-01-01"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _rows(name: str, build: Path, **params: str) -> list[dict[str, str]]:
    result = run_query(name, params=params, build_dir=build, engine="oxigraph")
    return [{v: ("" if value is None else str(value)) for v, value in zip(result.variables, row)} for row in result.rows]


@pytest.fixture(scope="module")
def loop(tmp_path_factory) -> dict:
    """The mini project taken through the whole loop once; what each step said."""
    root = copy_project(tmp_path_factory.mktemp("loop") / "project", graph=DATA / "mini" / "graph")
    said = {"add": _cli("source", "add", str(SECOND / f"{SOURCE_ID}.txt"), "--id", SOURCE_ID,
                        "--title-en", "Shili renovation goes further (invented test news item)", "--root", str(root))}
    said["skeleton"] = (root / "graph" / f"{SOURCE_ID}.trig").read_text(encoding="utf-8")
    said["first-build"] = _cli("build", "--root", str(root), "--no-register")
    said["first-report"] = json.loads((root / "build" / "report.json").read_text(encoding="utf-8"))
    shutil.copy(SECOND / f"{SOURCE_ID}.trig", root / "graph" / f"{SOURCE_ID}.trig")  # the curator's blocks
    said["check"] = _cli("check", SOURCE_ID, "--root", str(root))
    said["register"] = _cli("check", SOURCE_ID, "--register", "--root", str(root))
    said["build"] = _cli("build", "--root", str(root))
    said["root"] = root
    return said


def test_source_add_writes_text_metadata_and_a_skeleton_naming_known_entities(loop):
    root = loop["root"]
    text = (root / "graph" / "sources" / f"{SOURCE_ID}.txt").read_text(encoding="utf-8")
    assert text == (SECOND / f"{SOURCE_ID}.txt").read_text(encoding="utf-8")
    metadata = (root / "graph" / "sources" / f"{SOURCE_ID}.ttl").read_text(encoding="utf-8")
    assert '"2020-03-01"^^xsd:date' in metadata  # the first date the text writes
    assert "测试用虚构新闻" in metadata  # the title is the text's first line, marked as invented
    skeleton = loop["skeleton"]
    assert "@prefix ev:" in skeleton and "# ev:s3 {" in skeleton
    assert "# known / 已知: person:zhang-san “张三” (cg:Official)" in skeleton
    assert "# known / 已知: project:shili-shouqi “示例工业园首期” (cg:ProjectPhase)" in skeleton
    assert "5 sentence(s)" in loop["add"]


def test_an_unfinished_source_is_left_out_and_reported(loop):
    assert loop["first-report"]["unfinished_sources"] == {SOURCE_ID: f"{SOURCE_ID}.trig has no evidence block yet / 尚无证据块"}
    assert f"unfinished source, left out / 未完成的来源（未纳入）: {SOURCE_ID}" in loop["first-build"].replace("\n", " ")
    assert list(loop["first-report"]["evidence"]["sources"]) == [FIRST_ID]


def test_check_passes_and_lists_the_new_iris_then_registers_them(loop):
    assert "0 error(s)" in loop["check"] and "new IRI(s)" in loop["check"]
    assert "outcome/shili-qiye-2020-03> 入驻企业十五家" in loop["check"]
    assert "cungai check --register shili-2020-03-01" in loop["check"]
    assert "registered / 已登记" in loop["register"]
    registered = {entry.iri.rsplit("/", 2)[-2] + ":" + entry.iri.rsplit("/", 1)[-1]
                  for entry in read_registry(loop["root"] / "graph" / "iris.tsv")}
    assert {"outcome:shili-qiye-2020-03", "outcome:shili-yue-chanzhi", "source:shili-2020-03-01"} <= registered


def test_the_build_registers_what_check_did_not(loop):
    # the first source's IRIs were never registered in the mini project: the build did it, and said so
    assert "registered" in loop["build"] and "id/park/shili " in loop["build"]
    report = json.loads((loop["root"] / "build" / "report.json").read_text(encoding="utf-8"))
    assert report["unfinished_sources"] == {} and set(report["evidence"]["sources"]) == {FIRST_ID, SOURCE_ID}
    assert report["evidence"]["coverage"] == 1.0


def test_facts_stated_by_both_sources_carry_both_sources(loop):
    rows = _rows("facts-in-several-sources", loop["root"] / "build")
    holds = [r for r in rows if r["subject"] == "张三" and r["object"] == "示例街道党工委书记"]
    assert [(r["sourceId"], r["issued"], r["quote"], r["sources"]) for r in holds] == [
        (FIRST_ID, "2020-01-01", "示例街道党工委书记张三", "2"),
        (SOURCE_ID, "2020-03-01", "示例街道党工委书记张三", "2"),
    ]
    assert {r["title"] for r in holds} == {"示例街道村改", "示例街道村改再进一步(测试用虚构新闻,并非真实报道 / an invented test fixture, not a real news item)"}
    assert {(r["property"], r["sourceId"]) for r in rows if r["subject"] == "村改要靠人做"} == {
        ("文字", FIRST_ID), ("文字", SOURCE_ID), ("说话人", FIRST_ID), ("说话人", SOURCE_ID)}


def test_figures_of_two_sources_for_one_indicator_subject_and_period_side_by_side(loop):
    rows = _rows("quantities-across-sources", loop["root"] / "build")
    assert [(r["indicatorName"], r["subject"], r["value"], r["figures"], r["sourceId"], r["quote"]) for r in rows] == [
        ("入驻企业数", "示例工业园首期", "12", "2", FIRST_ID, "示例工业园首期投产后,入驻企业12家"),
        ("入驻企业数", "示例工业园首期", "15", "2", SOURCE_ID, "示例工业园首期已入驻企业十五家"),
    ]
    # 四千万元 in the text is the 40,000,000 yuan of the data; one source only, so not listed here
    outcomes = _rows("quantitative-outcomes", loop["root"] / "build")
    assert any(r["value"] == "40000000" and r["quote"] == "示例工业园首期已入驻企业十五家,月产值达四千万元" for r in outcomes)


def test_slug_follows_the_convention_and_checks_the_registry():
    proposal = propose("北海工业区", root=REPO)
    assert proposal.slug == "beihai-gongyequ"
    assert [entry.iri for entry in proposal.taken] == ["https://w3id.org/cungai/id/park/beihai-gongyequ"]
    assert propose("北海工业区", kind="project", root=REPO).free
    assert propose("张三", kind="person", root=REPO).slug == "zhang-san"
    result = CliRunner().invoke(main, ["slug", "北海工业区"])
    assert result.exit_code == 0 and result.output.split("\n")[0] == "beihai-gongyequ"
    assert CliRunner().invoke(main, ["slug", "北海工业区", "--kind", "park"]).exit_code == 1


def test_source_add_refuses_to_overwrite_and_bad_ids(tmp_path):
    root = copy_project(tmp_path / "p", graph=DATA / "mini" / "graph")
    text = SECOND / f"{SOURCE_ID}.txt"
    result = CliRunner().invoke(main, ["source", "add", str(text), "--id", FIRST_ID, "--root", str(root)])
    assert result.exit_code == 2 and "exists already" in result.output
    result = CliRunner().invoke(main, ["source", "add", str(text), "--id", "Bad Id", "--root", str(root)])
    assert result.exit_code == 2 and "lowercase" in result.output


def test_entity_pages_name_the_source_and_date_of_each_quote(loop):
    page = (loop["root"] / "build" / "views" / "entity" / "person" / "zhang-san.html").read_text(encoding="utf-8")
    assert "《测试短文》2020-01-01 原文 0–11" in page  # the first source's label and date
    assert "《示例街道村改再进一步(测试用虚构新闻,并非真实报道 / an invented test fixture, not a real news item)》2020-03-01 原文 87–98" in page
