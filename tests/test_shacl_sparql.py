"""The shapes compiled to SPARQL (``cungai.checks.shacl_sparql``) report exactly what pySHACL reports.

Real data and real pySHACL: the article build, a synthetic district of 10k triples, the two together
broken on purpose (every supported constraint at least once), extra shapes for the components the
project's shapes do not use yet, and shapes the compiler must refuse rather than half-check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.term import Node

from cungai.build.pipeline import BuildResult, build
from cungai.errors import DataError
from cungai.rdf.namespaces import BASE, CG, GRAPH, OA, ORG, SCHEMA, bind_prefixes
from cungai.checks.shacl_sparql import compile_shapes, validate_store
from cungai.synth.generate import synthesize
from cungai.rdf.terms import OxigraphTerms
from cungai.checks.validate import Violation, validate

REPO = Path(__file__).resolve().parent.parent
Triple = tuple[Node, Node, Node]
TIME = Namespace("http://www.w3.org/2006/time#")  # plain namespaces: rdflib's closed ones warn when pytest
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # looks for fixtures among a module's names


def _key(v: Violation) -> tuple[str, str, str, str, str]:
    return (v.node, v.path, v.rule, v.value, v.severity)


@dataclass
class Data:
    """The same graph twice: named graphs in an Oxigraph store, and their union in rdflib for pySHACL."""

    store: ox.Store
    union: Graph

    def change(self, remove: list[Triple], add: list[Triple]) -> None:
        terms = OxigraphTerms()
        for triple in remove:
            self.union.remove(triple)
            for quad in list(self.store.quads_for_pattern(*(terms.term(t) for t in triple), None)):
                self.store.remove(quad)
        for triple in add:
            self.union.add(triple)
        self.store.extend(terms.quads(add, GRAPH["test/mutations"]))


def load(trig: Path) -> Data:
    """kg.trig read by each library on its own."""
    store, dataset = ox.Store(), Dataset()
    store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    dataset.parse(trig, format="trig")
    union = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads():
        union.add((s, p, o))
    return Data(store, union)


def merge(*parts: Data) -> Data:
    """A new graph holding all of ``parts``, which stay as they were."""
    store, union = ox.Store(), bind_prefixes(Graph())
    for part in parts:
        store.extend(part.store)
        union += part.union
    return Data(store, union)


def both(data: Data, shapes: Graph) -> list[Violation]:
    """validate_store's violations, after checking that pySHACL gives the same ones, as often each."""
    ours = validate_store(data.store, shapes)
    theirs = validate(data.union, shapes)
    assert sorted(map(_key, ours)) == sorted(map(_key, theirs))
    assert ours == sorted(ours, key=lambda v: (v.node, v.rule, v.path, v.value))
    return ours


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(REPO / "ontology" / "shapes.ttl")


@pytest.fixture(scope="module")
def article(built: BuildResult) -> Path:
    return built.out_dir / "kg.trig"


@pytest.fixture(scope="module")
def article_data(article: Path) -> Data:
    """The article, loaded once for the tests that only read it."""
    return load(article)


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """A synthetic district of 10k triples, built the way a large project is (checked inside Oxigraph)."""
    root = tmp_path_factory.mktemp("district") / "project"
    synthesize(root, triples=10_000, seed=3)
    return build(root=root, out_dir=root.parent / "build", checks="scale").out_dir / "kg.trig"


@pytest.fixture(scope="module")
def district_data(district: Path) -> Data:
    return load(district)


def test_article_agrees_with_pyshacl(article_data: Data, shapes: Graph) -> None:
    assert len(article_data.union) > 5_000
    both(article_data, shapes)


def test_district_agrees_with_pyshacl(district_data: Data, shapes: Graph) -> None:
    assert len(district_data.union) > 8_000
    both(district_data, shapes)


# --- the article and the district together, broken on purpose ------------------------------------

@dataclass
class Mutation:
    """A change to the graph and the (focus node, path) results it must cause in both validators."""

    remove: list[Triple] = field(default_factory=list)
    add: list[Triple] = field(default_factory=list)
    expect: list[tuple[Node, str]] = field(default_factory=list)
    touched: set[Node] = field(default_factory=set)  # other focus nodes it may break
    quiet: set[Node] = field(default_factory=set)  # focus nodes it changes and must not break


class Picker:
    """Picks, in IRI order, nodes of the unbroken graph that no other mutation has picked."""

    def __init__(self, graph: Graph) -> None:
        self.graph, self.used = graph, set()

    def node(self, cls: URIRef, *having: URIRef) -> URIRef:
        """The first unused instance of ``cls`` (or of a subclass) with a value for each of ``having``."""
        classes = set(self.graph.transitive_subjects(RDFS.subClassOf, cls))
        for node in sorted({n for c in classes for n in self.graph.subjects(RDF.type, c)}, key=str):
            if node not in self.used and all((node, p, None) in self.graph for p in having):
                self.used.add(node)
                return node
        raise AssertionError(f"no unused {cls} with {having} in the test data")

    def value(self, node: Node, predicate: URIRef, *, lang: str | None = None) -> Node:
        values = [o for o in self.graph.objects(node, predicate)
                  if lang is None or getattr(o, "language", None) == lang]
        assert values, (node, predicate, lang)
        return sorted(values, key=str)[0]

    def triples(self, node: Node, predicate: URIRef) -> list[Triple]:
        return list(self.graph.triples((node, predicate, None)))


TEST = Namespace(BASE + "id/test/")


def no_zh_label(pick: Picker) -> Mutation:
    x = pick.node(CG.Village)
    return Mutation(remove=[(x, RDFS.label, pick.value(x, RDFS.label, lang="zh"))], expect=[(x, "rdfs:label")])


def no_en_label(pick: Picker) -> Mutation:
    x = pick.node(CG.Enterprise)
    return Mutation(remove=[(x, RDFS.label, pick.value(x, RDFS.label, lang="en"))], expect=[(x, "rdfs:label")])


def label_in_french(pick: Picker) -> Mutation:  # sh:languageIn ( "zh" ) in the qualified value shape
    x = pick.node(CG.Indicator)
    zh = pick.value(x, RDFS.label, lang="zh")
    return Mutation(remove=[(x, RDFS.label, zh)], add=[(x, RDFS.label, Literal(str(zh), lang="fr"))],
                    expect=[(x, "rdfs:label")])


def two_english_labels(pick: Picker) -> Mutation:
    x = pick.node(CG.Unit)
    return Mutation(add=[(x, RDFS.label, Literal("another name", lang="en"))], expect=[(x, "rdfs:label")])


def post_without_organization(pick: Picker) -> Mutation:
    x = pick.node(ORG.Post, ORG.postIn)
    return Mutation(remove=pick.triples(x, ORG.postIn), expect=[(x, "org:postIn")])


def post_in_a_literal(pick: Picker) -> Mutation:  # sh:class on a literal
    x = pick.node(ORG.Post, ORG.postIn)
    return Mutation(remove=pick.triples(x, ORG.postIn), add=[(x, ORG.postIn, Literal("某机构", lang="zh"))],
                    expect=[(x, "org:postIn")])


def holds_a_village(pick: Picker) -> Mutation:  # sh:class on an IRI of another class
    x = pick.node(FOAF.Person, ORG.holds)  # a cg:Official: sh:targetClass follows rdfs:subClassOf
    return Mutation(add=[(x, ORG.holds, pick.node(CG.Village))], expect=[(x, "org:holds")])


def second_indicator(pick: Picker) -> Mutation:
    x = pick.node(CG.QuantitativeOutcome, CG.indicator)
    other = next(i for i in sorted(pick.graph.subjects(RDF.type, CG.Indicator), key=str)
                 if (x, CG.indicator, i) not in pick.graph)
    return Mutation(add=[(x, CG.indicator, other)], expect=[(x, "cg:indicator")])


def value_as_text(pick: Picker) -> Mutation:  # sh:or of datatypes on a property
    x = pick.node(CG.QuantitativeOutcome, SCHEMA.value)
    return Mutation(remove=pick.triples(x, SCHEMA.value), add=[(x, SCHEMA.value, Literal("many"))],
                    expect=[(x, "schema:value")])


def value_ill_formed(pick: Picker) -> Mutation:  # an ill-typed literal matches no datatype
    x = pick.node(CG.QuantitativeOutcome, SCHEMA.value)
    return Mutation(remove=pick.triples(x, SCHEMA.value),
                    add=[(x, SCHEMA.value, Literal("lots", datatype=XSD.integer))], expect=[(x, "schema:value")])


def outcome_without_number(pick: Picker) -> Mutation:  # sh:or of property shapes on the node
    x = pick.node(CG.QuantitativeOutcome, SCHEMA.value)
    return Mutation(remove=pick.triples(x, SCHEMA.value) + pick.triples(x, SCHEMA.minValue), expect=[(x, "")])


def instant_with_year_as_text(pick: Picker) -> Mutation:
    x = pick.node(TIME.Instant, TIME.inXSDgYear)
    year = pick.value(x, TIME.inXSDgYear)
    return Mutation(remove=pick.triples(x, TIME.inXSDgYear), add=[(x, TIME.inXSDgYear, Literal(str(year)))],
                    expect=[(x, "")])


def instant_with_impossible_date(pick: Picker) -> Mutation:
    x = pick.node(TIME.Instant, TIME.inXSDgYear)
    return Mutation(remove=pick.triples(x, TIME.inXSDgYear) + pick.triples(x, TIME.inXSDgYearMonth),
                    add=[(x, TIME.inXSDDate, Literal("2021-02-30", datatype=XSD.date))], expect=[(x, "")])


def interval_without_beginning(pick: Picker) -> Mutation:
    x = pick.node(TIME.Interval, TIME.hasBeginning)
    return Mutation(remove=pick.triples(x, TIME.hasBeginning) + pick.triples(x, TIME.hasXSDDuration), expect=[(x, "")])


def plan_without_period_or_place(pick: Picker) -> Mutation:
    x = pick.node(CG.Plan)
    return Mutation(remove=pick.triples(x, CG.hasPeriod) + pick.triples(x, CG.appliesTo), expect=[(x, "")])


def strategy_without_measure(pick: Picker) -> Mutation:
    x = pick.node(CG.Strategy, CG.hasMeasure)
    return Mutation(remove=pick.triples(x, CG.hasMeasure), expect=[(x, "cg:hasMeasure")])


def quotation_without_text(pick: Picker) -> Mutation:
    x = pick.node(CG.Quotation, CG.text)
    return Mutation(remove=pick.triples(x, CG.text), expect=[(x, "cg:text")])


def role_outside_scheme(pick: Picker) -> Mutation:
    x = pick.node(CG.Role, SKOS.inScheme)
    return Mutation(remove=pick.triples(x, SKOS.inScheme), expect=[(x, "skos:inScheme")])


def source_without_title(pick: Picker) -> Mutation:
    x = pick.node(CG.SourceDocument, DCTERMS.title)
    return Mutation(remove=pick.triples(x, DCTERMS.title), expect=[(x, "dcterms:title")])


def source_issued_twice(pick: Picker) -> Mutation:
    x = pick.node(CG.SourceDocument, DCTERMS.issued)
    return Mutation(add=[(x, DCTERMS.issued, Literal("1999-01-01", datatype=XSD.date))], expect=[(x, "dcterms:issued")])


def statement_with_two_subjects(pick: Picker) -> Mutation:
    x = pick.node(RDF.Statement, RDF.subject)
    return Mutation(add=[(x, RDF.subject, TEST["subject"])], expect=[(x, "rdf:subject")])


def statement_without_evidence(pick: Picker) -> Mutation:  # sh:inversePath; its annotations lose their body
    x = pick.node(RDF.Statement)
    bodies = list(pick.graph.triples((None, OA.hasBody, x)))
    pick.used.update(a for a, _, _ in bodies)
    return Mutation(remove=bodies, expect=[(x, "(complex path)")], touched={a for a, _, _ in bodies})


def annotation_with_text_body(pick: Picker) -> Mutation:  # a second body, and not a statement
    x = pick.node(OA.Annotation, OA.hasBody)
    return Mutation(add=[(x, OA.hasBody, Literal("not a statement"))], expect=[(x, "oa:hasBody")])


def target_without_source(pick: Picker) -> Mutation:
    x = pick.node(OA.SpecificResource, OA.hasSource)
    return Mutation(remove=pick.triples(x, OA.hasSource), expect=[(x, "oa:hasSource")])


def target_with_two_quote_selectors(pick: Picker) -> Mutation:  # sh:qualifiedMaxCount
    x = pick.node(OA.SpecificResource, OA.hasSelector)
    extra = TEST["quote-selector"]
    return Mutation(add=[(x, OA.hasSelector, extra), (extra, RDF.type, OA.TextQuoteSelector),
                         (extra, OA.exact, Literal("原文"))], expect=[(x, "oa:hasSelector")])


def target_without_position_selector(pick: Picker) -> Mutation:  # sh:qualifiedMinCount with sh:class
    x = pick.node(OA.SpecificResource, OA.hasSelector)
    position = next(s for s in pick.graph.objects(x, OA.hasSelector)
                    if (s, RDF.type, OA.TextPositionSelector) in pick.graph)
    sharing = set(pick.graph.subjects(OA.hasSelector, position))
    pick.used.update(sharing | {position})
    return Mutation(remove=[(position, RDF.type, OA.TextPositionSelector)], expect=[(x, "oa:hasSelector")],
                    touched=sharing)


def start_equals_end(pick: Picker) -> Mutation:  # sh:lessThan
    x = pick.node(OA.TextPositionSelector, OA.start)
    return Mutation(remove=pick.triples(x, OA.start), add=[(x, OA.start, pick.value(x, OA.end))],
                    expect=[(x, "oa:start")])


def negative_start(pick: Picker) -> Mutation:  # sh:minInclusive
    x = pick.node(OA.TextPositionSelector, OA.start)
    return Mutation(remove=pick.triples(x, OA.start), add=[(x, OA.start, Literal(-1))], expect=[(x, "oa:start")])


def start_as_text(pick: Picker) -> Mutation:  # sh:datatype; text is not comparable with numbers either
    x = pick.node(OA.TextPositionSelector, OA.start)
    return Mutation(remove=pick.triples(x, OA.start), add=[(x, OA.start, Literal("seven"))], expect=[(x, "oa:start")])


def end_as_decimal(pick: Picker) -> Mutation:
    x = pick.node(OA.TextPositionSelector, OA.end)
    end = pick.value(x, OA.end)
    return Mutation(remove=pick.triples(x, OA.end), add=[(x, OA.end, Literal(f"{end}.5", datatype=XSD.decimal))],
                    expect=[(x, "oa:end")])


def end_twice(pick: Picker) -> Mutation:
    x = pick.node(OA.TextPositionSelector, OA.end)
    return Mutation(add=[(x, OA.end, Literal(10**6))], expect=[(x, "oa:end")])


def empty_exact(pick: Picker) -> Mutation:  # sh:minLength
    x = pick.node(OA.TextQuoteSelector, OA.exact)
    return Mutation(remove=pick.triples(x, OA.exact), add=[(x, OA.exact, Literal(""))], expect=[(x, "oa:exact")])


# Changes at the edge of a constraint that break nothing: an off-by-one in the compiled SPARQL would.

def one_character_exact(pick: Picker) -> Mutation:
    x = pick.node(OA.TextQuoteSelector, OA.exact)
    return Mutation(remove=pick.triples(x, OA.exact), add=[(x, OA.exact, Literal("村"))], quiet={x})


def start_just_below_end(pick: Picker) -> Mutation:
    x = pick.node(OA.TextPositionSelector, OA.start)
    end = pick.value(x, OA.end)
    return Mutation(remove=pick.triples(x, OA.start), add=[(x, OA.start, Literal(int(end) - 1))], quiet={x})


def start_at_zero(pick: Picker) -> Mutation:
    x = pick.node(OA.TextPositionSelector, OA.start)
    return Mutation(remove=pick.triples(x, OA.start), add=[(x, OA.start, Literal(0))], quiet={x})


def label_in_traditional_chinese(pick: Picker) -> Mutation:  # zh-Hant is in sh:languageIn ( "zh" )
    x = pick.node(CG.Village)
    zh = pick.value(x, RDFS.label, lang="zh")
    return Mutation(remove=[(x, RDFS.label, zh)], add=[(x, RDFS.label, Literal(str(zh), lang="zh-Hant"))], quiet={x})


def value_as_decimal(pick: Picker) -> Mutation:
    x = pick.node(CG.QuantitativeOutcome, SCHEMA.value)
    return Mutation(remove=pick.triples(x, SCHEMA.value), add=[(x, SCHEMA.value, Literal("2.5", datatype=XSD.decimal))],
                    quiet={x})


EDGES: dict[str, Callable[[Picker], Mutation]] = {f.__name__: f for f in (
    one_character_exact, start_just_below_end, start_at_zero, label_in_traditional_chinese, value_as_decimal,
)}
MUTATIONS: dict[str, Callable[[Picker], Mutation]] = {f.__name__: f for f in (
    no_zh_label, no_en_label, label_in_french, two_english_labels, post_without_organization, post_in_a_literal,
    holds_a_village, second_indicator, value_as_text, value_ill_formed, outcome_without_number,
    instant_with_year_as_text, instant_with_impossible_date, interval_without_beginning,
    plan_without_period_or_place, strategy_without_measure, quotation_without_text, role_outside_scheme,
    source_without_title, source_issued_twice, statement_with_two_subjects, statement_without_evidence,
    annotation_with_text_body, target_without_source, target_with_two_quote_selectors,
    target_without_position_selector, start_equals_end, negative_start, start_as_text, end_as_decimal, end_twice,
    empty_exact,
)}


@dataclass
class Broken:
    data: Data
    mutations: dict[str, Mutation]
    before: list[Violation]  # what the unbroken graph already breaks
    violations: list[Violation]  # reported alike by both validators


@pytest.fixture(scope="module")
def broken(article_data: Data, district_data: Data, shapes: Graph) -> Broken:
    """Every mutation applied at once, each to its own nodes of the article + district graph: one
    pySHACL run instead of one per mutation. A violation names its focus node, so each mutation's
    results can be told apart. Both projects name a few shared roles (two English labels for one
    role): those nodes are left alone, and their violations are in both reports as well."""
    data = merge(article_data, district_data)
    before = validate_store(data.store, shapes)
    pick = Picker(data.union)
    pick.used.update(URIRef(v.node) for v in before)
    mutations = {name: make(pick) for name, make in {**MUTATIONS, **EDGES}.items()}
    for mutation in mutations.values():
        data.change(mutation.remove, mutation.add)
    return Broken(data, mutations, before, both(data, shapes))


def test_every_violation_comes_from_a_mutation(broken: Broken) -> None:
    mutations = broken.mutations
    new = Counter(map(_key, broken.violations)) - Counter(map(_key, broken.before))
    assert sum(new.values()) == len(broken.violations) - len(broken.before)  # nothing was fixed on the way
    expected = {str(node) for m in mutations.values() for node, _ in m.expect}
    touched = {str(node) for m in mutations.values() for node in m.touched}
    assert expected <= {node for node, *_ in new} <= expected | touched


def test_changes_on_the_edge_of_a_constraint_are_reported_by_neither(broken: Broken) -> None:
    quiet = {str(node) for name in EDGES for node in broken.mutations[name].quiet}
    assert len(quiet) == len(EDGES)
    assert not [v for v in broken.violations if v.node in quiet]


@pytest.mark.parametrize("name", MUTATIONS)
def test_mutation_is_reported_by_both(name: str, broken: Broken) -> None:
    for node, path in broken.mutations[name].expect:  # ``broken.violations``: the same in both validators
        assert any(v.node == str(node) and v.path == path for v in broken.violations), (name, node, path)


def test_every_component_of_the_shapes_is_broken(broken: Broken, shapes: Graph) -> None:
    compiled = compile_shapes(shapes)
    used = {c.component for shape in compiled for c in shape.constraints}
    hit = {shape.constraints[int(row["k"].value)].component
           for shape in compiled for row in broken.data.store.query(shape.query, use_default_graph_as_union=True)}
    assert hit == used
    assert used >= {"MinCountConstraintComponent", "QualifiedMaxCountConstraintComponent", "OrConstraintComponent"}


# --- components the project's shapes do not use yet; severity; refused shapes ---------------------

EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cg: <https://w3id.org/cungai/ontology#> . @prefix ex: <https://example.org/shapes#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:Offsets a sh:NodeShape ; sh:targetClass oa:TextPositionSelector ;
  sh:property [ sh:path oa:start ; sh:maxInclusive 300 ; sh:message "start at most 300"@en ] ,
    [ sh:path oa:start ; sh:minExclusive 40 ; sh:message "start above 40"@en ] ,
    [ sh:path oa:end ; sh:maxExclusive 300 ; sh:severity sh:Warning ;
      sh:message "end below 300"@en , "终点小于300"@zh ] .
ex:Texts a sh:NodeShape ; sh:targetClass cg:Quotation , oa:TextQuoteSelector ;
  sh:property [ sh:path cg:text ; sh:datatype xsd:string ; sh:message "text is a plain string"@en ] ,
    [ sh:path rdfs:label ; sh:datatype rdf:langString ; sh:minLength 10 ;
      sh:message "label tagged, 10 characters"@en ] ,
    [ sh:path oa:exact ; sh:datatype rdf:langString ; sh:severity sh:Info ; sh:message "仅中文"@zh ] .
ex:Quotations a sh:NodeShape ; sh:targetClass cg:Quotation ; sh:class oa:TextQuoteSelector ;
  sh:message "a quotation is not a selector"@en .
"""


def test_extra_components_agree_with_pyshacl(article_data: Data) -> None:
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    violations = both(article_data, shapes)
    counts = Counter((v.rule, v.severity) for v in violations)
    for rule in ("start at most 300", "start above 40", "end below 300 (终点小于300)", "text is a plain string",
                 "label tagged, 10 characters", "仅中文", "a quotation is not a selector"):
        assert any(r == rule for r, _ in counts), rule
    assert {severity for (rule, severity) in counts if rule.startswith("end below")} == {"Warning"}
    assert {severity for (rule, severity) in counts if rule == "仅中文"} == {"Info"}


def test_a_shape_without_message_is_reported_by_component(article_data: Data) -> None:
    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix oa: <http://www.w3.org/ns/oa#> .
        [] sh:targetClass oa:TextPositionSelector ; sh:property [ sh:path oa:start ; sh:maxCount 0 ] .""",
                           format="turtle")
    violations = validate_store(article_data.store, shapes)
    assert violations and {v.rule for v in violations} == {"MaxCountConstraintComponent"}


REFUSED = {
    "sh:pattern": "[ sh:path rdfs:label ; sh:pattern \"^x\" ]",
    "sh:node": "[ sh:path rdfs:label ; sh:node ex:Other ]",
    "sh:datatype xsd:nonNegativeInteger": "[ sh:path oa:start ; sh:datatype xsd:nonNegativeInteger ]",
    "sh:datatype xsd:anyURI": "[ sh:path oa:start ; sh:datatype xsd:anyURI ]",
    "neither an IRI nor sh:inversePath": "[ sh:path ( oa:hasTarget oa:hasSource ) ; sh:minCount 1 ]",
    "nesting deeper than": "[ sh:path oa:start ; sh:or ( ex:Deep ) ] . ex:Deep sh:or ( ex:Deep ) ",
    "sh:qualifiedValueShapesDisjoint": "[ sh:path oa:hasSelector ; sh:qualifiedValueShape [ sh:class oa:Thing ] ; "
                                       "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ]",
    "sh:uniqueLang": "[ sh:path rdfs:label ; sh:or ( [ sh:path rdfs:label ; sh:uniqueLang true ] ) ]",
    "sh:deactivated": "[ sh:path rdfs:label ; sh:minCount 1 ; sh:deactivated true ]",
    "sh:property": "[ sh:path rdfs:label ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ]",
}


@pytest.mark.parametrize("parameter", REFUSED)
def test_unsupported_shapes_are_refused_by_name(parameter: str) -> None:
    text = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <https://example.org/shapes#> .
        ex:Shape a sh:NodeShape ; sh:targetClass oa:TextPositionSelector ; sh:property {REFUSED[parameter]} ."""
    with pytest.raises(DataError, match="ex:Shape") as refused:
        compile_shapes(Graph().parse(data=text, format="turtle"))
    assert parameter in str(refused.value)


TARGETS = {
    "sh:targetNode oa:x": "sh:targetNode",
    "sh:targetSubjectsOf oa:start": "sh:targetSubjectsOf",
    "sh:targetObjectsOf oa:start": "sh:targetObjectsOf",
    "sh:targetClass oa:TextPositionSelector ; a rdfs:Class": "an implicit class target",
}


@pytest.mark.parametrize("target", TARGETS)
def test_unsupported_targets_are_refused_by_name(target: str) -> None:
    text = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/shapes#> .
        ex:Shape {target} ; sh:property [ sh:path oa:start ; sh:minCount 1 ] ."""
    with pytest.raises(DataError, match=f"ex:Shape: {TARGETS[target]} .*is not supported"):
        compile_shapes(Graph().parse(data=text, format="turtle"))


def test_the_project_shapes_compile_to_one_query_per_shape(shapes: Graph) -> None:
    compiled = compile_shapes(shapes)
    assert len(compiled) == len({shape.name for shape in compiled}) > 20
    for shape in compiled:  # every query parses and runs
        assert list(ox.Store().query(shape.query)) == []
