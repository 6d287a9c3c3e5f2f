"""`cungai check`: the curator's loop on the real article and on copies broken on purpose.

Each break is what a curator really does (a label the quote does not say, a mistyped IRI, an
undefined indicator); each must fail `cungai check` naming file, line and block, with a suggestion
where one exists. Numbers are compared in every form the texts write them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cungai.checks.curation import check
from cungai.checks.numbers import numbers_in, says_number
from cungai.checks.stated import in_list
from cungai.cli import main
from cungai.errors import DataError, UsageError

from conftest import DATA, REPO, copy_project

ARTICLE = "lunjiao-2019-12-06"
TRIG = Path("graph") / f"{ARTICLE}.trig"


@pytest.mark.parametrize(("text", "value"), [
    ("月产值达4000万元", 40_000_000), ("月产值达四千万元", 40_000_000), ("1.2亿元", 120_000_000),
    ("共开展宣讲会12场次", 12), ("开发强度已超过50%", 50), ("百分之五十", 50), ("二〇二〇年", 2020),
    ("十二个村", 12), ("两年", 2), ("1,500家", 1500), ("入驻企业十五家", 15),
])
def test_a_number_is_said_in_any_form_the_text_writes(text, value):
    assert says_number(value, text)


@pytest.mark.parametrize(("text", "value"), [("月产值达4000万元", 4_000_000), ("12场次", 13), ("万众一心", 10_000)])
def test_a_number_the_text_does_not_write_is_not_said(text, value):
    assert not says_number(value, text)


def test_unit_factors_of_the_vocabularies_convert_the_text_numbers():
    assert says_number(6666.7, "收储土地10亩", factors=[666.67])
    assert not says_number(6666.7, "收储土地10亩")
    assert numbers_in("四千万") == {4000.0, 40_000_000.0}


def test_an_item_of_a_list_that_shares_its_head_is_said():
    assert in_list("羊额工业区", "乡村振兴,羊额、仕版工业区整村提升。")
    assert in_list("联合执法工作组", "形成项目策划、政策宣讲、联合执法等工作组")
    assert not in_list("羊额工业区", "羊额村与仕版村")


def test_the_article_passes_check():
    report = check([ARTICLE], root=REPO)
    assert report.ok, "\n".join(map(str, report.problems))
    (result,) = report.sources
    assert result.blocks > 50 and result.facts > 1000 and not result.new_iris


@pytest.fixture()
def article(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def _break(root: Path, find, old: str, new: str) -> tuple[int, str]:
    """Replace ``old`` by ``new`` on the first line that ``find`` accepts; that line's block and its line."""
    path = root / TRIG
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if find(line))
    lines[at] = lines[at].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    opening = next(i for i in range(at, -1, -1) if re.match(r"^\S+ \{$", lines[i]))
    return opening + 1, lines[opening].split()[0]


def _only_error(root: Path):
    report = check([ARTICLE], root=root)
    errors = [p for p in report.problems if p.severity == "error"]
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def test_a_label_not_in_its_quote_fails_naming_file_line_block_and_fact(article):
    line, block = _break(article, lambda l: '"书记"@zh' in l, '"书记"@zh', '"副书记"@zh')
    problem = _only_error(article)
    assert (problem.path, problem.line, problem.block) == (TRIG, line, block)
    assert '"副书记"@zh' in problem.fact and "副书记" in problem.message
    assert "cg:curatorNote" in problem.hint and "skos:altLabel" in problem.hint


def test_a_translated_description_needs_the_words_it_translates(article):
    line, block = _break(article, lambda l: 'cg:approach "每天开着自己的车"@zh , ' in l,
                         'cg:approach "每天开着自己的车"@zh , ', "cg:approach ")
    problem = _only_error(article)
    assert (problem.path, problem.line, problem.block) == (TRIG, line, block)
    assert "every day, driving his own car" in problem.fact and "translation" in problem.message
    assert '"…"@zh' in problem.hint


def test_a_curator_note_that_names_the_value_records_the_judgement(article):
    line, block = _break(article, lambda l: '"书记"@zh' in l, '"书记"@zh', '"副书记"@zh')
    path = article / TRIG
    text = path.read_text(encoding="utf-8").replace(
        f"{block} cg:quote", f'{block} cg:curatorNote "副书记: a reading of the curator, for this test"@en ; cg:quote', 1)
    path.write_text(text, encoding="utf-8")
    assert check([ARTICLE], root=article).ok


def test_a_mistyped_iri_fails_with_did_you_mean(article):
    line, block = _break(article, lambda l: "activity:lunjiao-chaichu" in l and "activity:lunjiao-chaichu a " not in l,
                         "activity:lunjiao-chaichu", "activity:lunjiao-chaichuu")
    problem = _only_error(article)
    assert (problem.path, problem.line, problem.block) == (TRIG, line, block)
    assert "activity:lunjiao-chaichuu" in problem.message and "undefined" in problem.message
    assert re.search(r"did you mean / 是否应为: activity:lunjiao-chaichu[,?]", problem.hint)  # the closest first


def test_an_undefined_indicator_fails_with_a_suggestion_and_where_to_define_it(article):
    line, block = _break(article, lambda l: "indicator:monthly-output-value" in l,
                         "indicator:monthly-output-value", "indicator:monthly-output")
    report = check([ARTICLE], root=article)
    errors = [p for p in report.problems if p.severity == "error"]
    undefined = [p for p in errors if "undefined indicator" in p.message]
    assert len(undefined) == 1
    assert (undefined[0].path, undefined[0].line, undefined[0].block) == (TRIG, line, block)
    assert "indicator:monthly-output-value" in undefined[0].hint and "vocabularies.ttl" in undefined[0].hint
    # the shapes say it too, in the same block, at the line of the fact: an outcome needs one indicator
    lines = (article / TRIG).read_text(encoding="utf-8").split("\n")
    written = next(number for number, text in enumerate(lines, start=1) if "indicator:monthly-output " in text)
    assert all((p.path, p.block) == (TRIG, block) for p in errors)
    assert [p.line for p in errors if p.message.startswith("SHACL")] == [written]


def test_cli_check_exits_1_and_prints_file_line_and_block(article):
    line, block = _break(article, lambda l: '"书记"@zh' in l, '"书记"@zh', '"副书记"@zh')
    result = CliRunner().invoke(main, ["check", ARTICLE, "--root", str(article)])
    assert result.exit_code == 1
    assert f"{TRIG}:{line} block {block}" in result.output
    assert "副书记" in result.output and "mend / 修改" in result.output


def test_unknown_source_is_a_usage_error_with_a_suggestion():
    with pytest.raises(UsageError, match="did you mean lunjiao-2019-12-06"):
        check(["lunjiao-2019-12-07"], root=REPO)


def test_without_arguments_check_takes_the_sources_changed_since_the_build(mini):
    (mini / "build").mkdir()
    (mini / "build" / "report.json").write_text("{}", encoding="utf-8")
    assert check(root=mini).sources == []
    trig = mini / "graph" / "mini-2020-01-01.trig"
    trig.write_text(trig.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert [s.source_id for s in check(root=mini).sources] == ["mini-2020-01-01"]


def test_the_build_fails_on_a_block_that_does_not_say_its_facts(mini, tmp_path):
    from cungai.build.pipeline import build

    trig = mini / "graph" / "mini-2020-01-01.trig"
    trig.write_text(trig.read_text(encoding="utf-8").replace('"张三"@zh', '"张四"@zh'), encoding="utf-8")
    line = trig.read_text(encoding="utf-8").split("\n").index("ev:post {") + 1
    with pytest.raises(DataError) as raised:
        build(root=mini, out_dir=tmp_path / "out")
    assert f"graph/mini-2020-01-01.trig:{line} block ev:post" in str(raised.value).replace(str(mini) + "/", "")
    assert "张四" in str(raised.value)
    assert not (tmp_path / "out").exists()


def test_register_waits_for_a_clean_source(mini):
    from cungai.project.scaffold import add_source

    second = DATA / "second-source"
    add_source(second / "shili-2020-03-01.txt", source_id="shili-2020-03-01", title="测试用虚构新闻", root=mini)
    shutil.copy(second / "shili-2020-03-01.trig", mini / "graph")
    registry = mini / "graph" / "iris.tsv"
    report = check(["shili-2020-03-01"], root=mini, register=True)
    assert not report.ok and not registry.exists()  # no English label of the source yet: nothing registered
    assert any(p.path == Path("graph/sources/shili-2020-03-01.ttl") and "rdfs:label@en" in p.message
               for p in report.problems)


def test_a_judged_value_builds_and_its_evidence_carries_the_note(mini, tmp_path):
    from cungai.build.pipeline import build
    from rdflib import Literal

    from cungai.rdf.namespaces import CG, OA, RDF

    trig = mini / "graph" / "mini-2020-01-01.trig"
    note = "张四: a curator's reading, for this test"
    trig.write_text(trig.read_text(encoding="utf-8").replace('"张三"@zh', '"张四"@zh').replace(
        'ev:post cg:quote', f'ev:post cg:curatorNote "{note}" ; cg:quote'), encoding="utf-8")
    assert check(["mini-2020-01-01"], root=mini).ok
    result = build(root=mini, out_dir=tmp_path / "out")
    noted = [(s, str(o)) for g in result.graphs.values() for s, o in g.subject_objects(CG.curatorNote)]
    # a note on a block qualifies every annotation of the block (as cg:accordingTo and cg:claimStatus do)
    assert noted and all(text == note and "/id/annotation/" in str(a) for a, text in noted)
    kg = result.graphs
    statements = {s for g in kg.values() for s in g.subjects(RDF.object, Literal("张四", lang="zh"))}
    bodies = {b for g in kg.values() for a, _ in noted for b in g.objects(a, OA.hasBody)}
    assert statements and statements <= bodies
