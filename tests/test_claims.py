"""The claim model: who asserts a fact, its status and precision, curator judgements, one IRI per thing.

Checked on the evidence code with the tiny fixture project, and on the real article's built graph.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from cungai.checks.identity import check_names, shared_names
from cungai.errors import DataError
from cungai.project.evidence import resolve_source
from cungai.rdf.namespaces import BACKGROUND_GRAPH, CG, OA, ORG, RDF, RDFS, SCHEMA, ID
from cungai.paths import project_paths
from cungai.project.reader import read_project

from conftest import load_sources

TRIG = Path("graph") / "mini-2020-01-01.trig"
STATUS = lambda name: ID[f"status/{name}"]  # noqa: E731
PERSON, ACTIVITY, BODY, MEASURE = (lambda slug, kind=kind: ID[f"{kind}/{slug}"]
                                   for kind in ("person", "activity", "body", "measure"))
DCTERMS_REPLACED = URIRef("http://purl.org/dc/terms/isReplacedBy")


def _resolve(mini: Path):
    source = next(s for s in load_sources(mini / "graph" / "sources"))
    return resolve_source(source, mini / TRIG)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _evidence(mini: Path) -> Graph:
    return Graph().parse(data=_resolve(mini).evidence, format="nt")


def test_a_block_without_qualifiers_is_the_sources_own_voice_reported(mini):
    evidence = _evidence(mini)
    annotations = set(evidence.subjects(RDF.type, OA.Annotation))
    assert annotations
    for annotation in annotations:
        assert list(evidence.objects(annotation, CG.accordingTo)) == [URIRef("https://w3id.org/cungai/source/mini-2020-01-01")]
        assert list(evidence.objects(annotation, CG.claimStatus)) == [STATUS("reported")]


def test_a_blocks_qualifiers_go_on_each_of_its_annotations_only(mini):
    _edit(mini / TRIG, 'ev:quote cg:quote "村改要靠人做。" .',
          'ev:quote cg:quote "村改要靠人做。" ; cg:accordingTo person:zhang-san ; cg:claimStatus <https://w3id.org/cungai/id/status/opinion> ;\n'
          '        cg:curatorNote "读法"@zh .')
    evidence = _evidence(mini)
    opinion = set(evidence.subjects(CG.claimStatus, STATUS("opinion")))
    bodies = {evidence.value(evidence.value(a, OA.hasBody), RDF.subject) for a in opinion}
    assert bodies == {ID["quotation/kao-ren-zuo"]}  # the facts of that block, and no other
    for annotation in opinion:
        assert evidence.value(annotation, CG.accordingTo) == PERSON("zhang-san")
        assert evidence.value(annotation, CG.curatorNote) == Literal("读法", lang="zh")


def test_one_fact_on_one_quote_with_two_statuses_is_refused_naming_both_blocks(mini):
    trig = mini / TRIG
    trig.write_text(trig.read_text(encoding="utf-8") + '''
ev:quote-again {
    ev:quote-again cg:quote "村改要靠人做。" ; cg:claimStatus <https://w3id.org/cungai/id/status/planned> .
    quotation:kao-ren-zuo cg:text "村改要靠人做。" .
}
''', encoding="utf-8")
    with pytest.raises(DataError) as error:
        _resolve(mini)
    message = str(error.value)
    assert "block ev:quote-again" in message and "block ev:quote (" in message and "qualifiers" in message
    assert "quotation:kao-ren-zuo cg:text" in message


def test_two_values_of_one_qualifier_are_refused(mini):
    _edit(mini / TRIG, 'ev:quote cg:quote "村改要靠人做。" .',
          'ev:quote cg:quote "村改要靠人做。" ; cg:claimStatus <https://w3id.org/cungai/id/status/opinion> , '
          '<https://w3id.org/cungai/id/status/planned> .')
    with pytest.raises(DataError, match="claimStatus"):
        _resolve(mini)


def test_two_entities_of_one_class_with_one_name_stop_the_build_naming_both(mini):
    _edit(mini / TRIG, 'rdfs:label "示例工业园"@zh , "Shili Industrial Park"@en ;',
          'rdfs:label "示例工业园"@zh , "Shili Industrial Park"@en ;\n        skos:altLabel "示例街道党工委"@zh ;')
    _edit(mini / TRIG, 'park:shili a cg:IndustrialPark ;', 'park:shili a cg:IndustrialPark , cg:PartyBody ;')
    with pytest.raises(DataError) as error:
        check_names(read_project(project_paths(mini)))
    message = str(error.value)
    assert "park/shili" in message and "body/shili-dangongwei" in message and "示例街道党工委" in message
    assert f"{TRIG.name}:" in message and "block" in message  # where each name is written


def test_shared_names_compares_labels_and_aliases_within_a_class_only():
    a, b, c = (URIRef(f"https://w3id.org/cungai/id/park/{x}") for x in "abc")
    park, body = CG.IndustrialPark, CG.WorkingGroup
    triples = [(a, RDF.type, park), (b, RDF.type, park), (c, RDF.type, body),
               (a, RDFS.label, Literal("北海工业区", lang="zh")), (b, URIRef(str(RDFS.label)), Literal("南海工业区", lang="zh")),
               (c, RDFS.label, Literal("北海工业区", lang="zh")), (b, RDFS.label, Literal("Beihai", lang="en")),
               (a, RDFS.label, Literal("Beihai", lang="en"))]
    assert shared_names(triples) == []  # same English name, or same name in another class: not a clash
    triples.append((b, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("北海工业区 ", lang="zh")))
    [shared] = shared_names(triples)
    problem = shared.describe({triples[3]: "x.trig:3 block ev:a"})
    assert str(a) in problem and str(b) in problem and "x.trig:3 block ev:a" in problem
    assert shared_names(triples, exempt={park}) == []  # outcomes and periods are told apart otherwise


# ---------------------------------------------------------------- the article, built


@pytest.fixture(scope="module")
def kg(built) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(built.out_dir / "kg.trig", format="trig")
    return dataset


def _annotations_of(kg, s, p, o) -> list:
    return [a for st in kg.subjects(RDF.subject, s) if (st, RDF.predicate, p) in kg and (st, RDF.object, o) in kg
            for a in kg.subjects(OA.hasBody, st)]


def test_every_annotation_says_who_asserts_it_and_how(kg):
    annotations = set(kg.subjects(RDF.type, OA.Annotation))
    assert len(annotations) > 900
    for annotation in annotations:
        assert len(list(kg.objects(annotation, CG.accordingTo))) == 1, annotation
        assert len(list(kg.objects(annotation, CG.claimStatus))) == 1, annotation


def test_what_the_text_attributes_is_attributed(kg):
    lu = PERSON("lu-dequan")
    opinion = _annotations_of(kg, ID["outcome/cungai-tuidong-zuoyong"], CG.outcomeOf, ID["policy/cungai"])
    assert [(kg.value(a, CG.accordingTo), kg.value(a, CG.claimStatus)) for a in opinion] == [(lu, STATUS("opinion"))]
    reported_speech = _annotations_of(kg, ID["strategy/lunjiao-celue"], CG.contributesTo, ID["task/lunjiao-nianei-cungai-renwu"])
    assert {kg.value(a, CG.accordingTo) for a in reported_speech} == {lu}


def test_plans_are_planned_and_not_facts(kg):
    yunmi, park = ID["enterprise/yunmi-keji"], ID["park/yangdalu-bei-gongyequ"]
    assert (yunmi, CG.basedIn, park) not in kg
    attracts = _annotations_of(kg, ID["plan/yangdalu-bei-gongyequ-zhichuang-weilai"], CG.attracts, yunmi)
    assert attracts and {kg.value(a, CG.claimStatus) for a in attracts} == {STATUS("planned")}
    for plan in kg.subjects(RDF.type, CG.Plan):
        assert kg.value(plan, CG.status) == STATUS("planned"), plan


def test_over_reach_is_gone(kg):
    ran_yong = PERSON("ran-yong")
    for work in ("huaxing-jiancai-dikuai-shouchu", "huanan-jixiecheng-xiangmu-erqi-konggui-tiaozheng"):
        assert not [p for p in kg.predicates(ACTIVITY(work), ran_yong)], work
    # counts and states are statistics, not outcomes of Lunjiao; an upper bound on a period is not a value
    for indicator in ("village-industrial-parks", "renovation-paths", "development-intensity", "time-in-post"):
        assert not [q for q in kg.subjects(CG.indicator, ID[f"indicator/{indicator}"])
                    if (q, RDF.type, CG.QuantitativeOutcome) in kg], indicator
    assert not list(kg.triples((ID["path/ergaisan"], CG.hasGoal, None)))  # Lunjiao's aims stay Lunjiao's


def test_measures_reach_the_work_that_carries_them_out(kg):
    def implemented(activity: URIRef) -> set:
        seen, todo = set(), [activity]
        while todo:
            node = todo.pop()
            seen.add(node)
            todo += [w for w in kg.objects(node, CG.partOf) if w not in seen]
        return {m for node in seen for m in kg.objects(node, CG.implements)}

    assert MEASURE("xuanjiang-kailu") in implemented(ACTIVITY("xuanjiang-ganbu-xuanjianghui"))
    assert MEASURE("zhifa-gongjian") in implemented(ACTIVITY("lianhe-zhifa-xingdong"))
    group = BODY("lianhe-zhifa-gongzuozu")
    assert (group, CG.responsibleFor, ACTIVITY("lianhe-zhifa")) in kg
    assert (group, ORG.unitOf, BODY("lunjiao-jiedao")) in kg
    assert kg.value(ID["post/lianhe-zhifazu-fuzuzhang"], ORG.postIn) == group


def test_bounds_carry_their_precision(kg):
    intensity = ID["statistic/lunjiao-kaifa-qiangdu"]
    assert kg.value(intensity, SCHEMA.minValue).toPython() == 50
    assert kg.value(intensity, CG.precision) == ID["precision/more-than"]
    period = ID["period/xuanjiang-ganbu-ruzhi-buliangyue"]
    assert kg.value(period, CG.precision) == ID["precision/less-than"]


def test_every_curator_judgement_names_a_fact_of_the_background(kg, built):
    background = built.graphs[BACKGROUND_GRAPH]
    judgements = list(background.subjects(RDF.type, CG.CuratorJudgement))
    assert len(judgements) >= 12
    for judgement in judgements:
        fact = tuple(background.value(judgement, p) for p in (CG.judgedSubject, CG.judgedProperty, CG.judgedObject))
        assert fact in background, judgement
        assert not _annotations_of(kg, *fact), f"{judgement}: a judged fact is not also text evidence"
    assert (ID["quotation/jinju-kao-ren-zuo"], CG.saidBy, PERSON("lu-dequan")) in background
    assert (ID["quotation/jinju-gaige-zhentong"], CG.saidBy, None) not in kg  # no basis in the text: no speaker


def test_one_iri_per_thing_in_the_article(kg, built):
    curated = [t for name, g in built.graphs.items()
               if name == BACKGROUND_GRAPH or "/graph/source/" in str(name) for t in g]
    assert shared_names(curated) == []
    for retired, successor in kg.subject_objects(DCTERMS_REPLACED):
        assert not list(kg.objects(retired, RDF.type)), retired
        assert list(kg.objects(successor, RDF.type)), successor
