"""The real graph: evidence, ontology quality and outputs, checked on the built files themselves."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from cungai.project.evidence import SENTENCE
from cungai.rdf.namespaces import CG, OA, SOURCES_GRAPH
from cungai.paths import project_paths
from conftest import load_sources

PATHS = project_paths()


@pytest.fixture(scope="session")
def kg(built) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(built.out_dir / "kg.trig", format="trig")
    return dataset


def test_every_quote_equals_its_offsets_in_the_output(kg):
    texts = {s.iri: s.text for s in load_sources(PATHS.sources_dir)}
    targets = list(kg.subject_objects(OA.hasSource))
    assert len(targets) > 50
    for target, source in targets:
        selectors = list(kg.objects(target, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in kg)
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in kg)
        start, end = int(kg.value(position, OA.start)), int(kg.value(position, OA.end))
        text = texts[source]
        assert text[start:end] == str(kg.value(quote, OA.exact)), target
        assert text[:start].endswith(str(kg.value(quote, OA.prefix)))
        assert text[end:].startswith(str(kg.value(quote, OA.suffix)))


def test_every_fact_triple_has_evidence(built, kg):
    report = json.loads((built.out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["evidence"]["coverage"] == 1.0
    for source in load_sources(PATHS.sources_dir):
        graph = kg.graph(URIRef(f"https://w3id.org/cungai/graph/source/{source.source_id}"))
        reified = {(graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object))
                   for st in graph.subjects(RDF.type, RDF.Statement) if list(graph.subjects(OA.hasBody, st))}
        evidence_nodes = set(graph.subjects(RDF.type, RDF.Statement)) | set(graph.subjects(RDF.type, OA.Annotation))
        evidence_nodes |= set(graph.subjects(OA.hasSource, None)) | {o for o in graph.objects(None, OA.hasSelector)}
        facts = [t for t in graph if t[0] not in evidence_nodes]
        translations = [t for t in facts if isinstance(t[2], Literal) and t[2].language == "en"]
        missing = [t for t in facts if t not in reified and t not in translations]
        assert not missing, missing[:5]


def test_nine_in_ten_sentences_are_covered(built):
    report = json.loads((built.out_dir / "report.json").read_text(encoding="utf-8"))
    for source_id, source in report["evidence"]["sources"].items():
        assert source["sentence_coverage"] >= 0.9, (source_id, source["uncovered_sentences"])


def test_sentence_splitter_keeps_closing_quotes():
    assert [m.group() for m in SENTENCE.finditer("他说:“好。”再见。")] == ["他说:“好。”", "再见。"]


def test_reasoner_finds_the_graph_consistent(built):
    report = json.loads((built.out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["reasoner"]["consistent"] is True
    assert report["reasoner"]["inferred_triples"] > 0
    assert report["shacl"]["conforms"] is True


def test_every_term_is_labelled_and_defined_in_zh_and_en():
    ontology = Graph().parse(PATHS.ontology)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {t for kind in kinds for t in ontology.subjects(RDF.type, kind) if isinstance(t, URIRef)}
    assert len(terms) > 100
    problems = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            languages = {o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)}
            if not {"zh", "en"} <= languages:
                problems.append(f"{term} {prop} {sorted(languages, key=str)}")
    assert not problems, problems


def test_every_term_used_by_the_data_is_declared(built):
    ontology = built.graphs[URIRef("https://w3id.org/cungai/graph/ontology")]
    declared = set(ontology.subjects())
    allowed_namespaces = (str(RDF), "http://www.w3.org/ns/dcat#", "http://rdfs.org/ns/void#")
    undeclared = set()
    for name, graph in built.graphs.items():
        if name == URIRef("https://w3id.org/cungai/graph/ontology"):
            continue
        for s, p, o in graph:
            for term in ([p] + ([o] if p == RDF.type else [])):
                if term not in declared and not str(term).startswith(allowed_namespaces):
                    undeclared.add(str(term))
    assert not undeclared, sorted(undeclared)


def test_ontology_imports_nothing():
    ontology = Graph().parse(PATHS.ontology)
    assert not list(ontology.objects(None, OWL.imports))


@pytest.mark.parametrize("name,fmt", [
    ("kg.trig", "trig"), ("kg.nt", "nt"), ("kg.ttl", "turtle"), ("kg.jsonld", "json-ld"),
    ("ontology.owl", "xml"), ("void.ttl", "turtle"),
])
def test_every_output_parses_in_its_syntax(built, name, fmt):
    graph = Dataset() if fmt == "trig" else Graph()
    graph.parse(built.out_dir / name, format=fmt)
    assert len(graph) > 0


def test_union_outputs_hold_the_same_triples(built):
    nt = Graph().parse(built.out_dir / "kg.nt", format="nt")
    ttl = Graph().parse(built.out_dir / "kg.ttl", format="turtle")
    assert len(nt) == len(ttl) == built.report["triples"]


def test_owlready2_opens_the_ontology(built):
    import owlready2

    world = owlready2.World()  # as Protégé users open it: the RDF/XML file, nothing fetched
    ontology = world.get_ontology(f"file://{built.out_dir / 'ontology.owl'}").load(only_local=True)
    assert len(list(ontology.classes())) > 50


def test_void_describes_graphs_and_endpoint(built):
    void = Graph().parse(built.out_dir / "void.ttl")
    VOID = "http://rdfs.org/ns/void#"
    subsets = set(void.objects(None, URIRef(VOID + "subset")))
    assert URIRef("https://w3id.org/cungai/graph/source/lunjiao-2019-12-06") in subsets
    assert list(void.objects(None, URIRef(VOID + "sparqlEndpoint")))
    for subset in subsets:
        assert int(void.value(subset, URIRef(VOID + "triples"))) == len(built.graphs[subset])


def test_source_metadata_is_in_its_graph(built):
    meta = built.graphs[SOURCES_GRAPH]
    assert (URIRef("https://w3id.org/cungai/source/lunjiao-2019-12-06"), RDF.type, CG.SourceDocument) in meta
