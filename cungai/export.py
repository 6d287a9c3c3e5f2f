"""Writing the built graph: TriG, N-Triples, Turtle, JSON-LD, RDF/XML ontology, VoID, docs.

Every writer is deterministic for the same input: blank nodes are labelled canonically before the
graph is written, and N-Triples lines are sorted, so two builds give byte-identical ``kg.nt`` and
``kg.trig``.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.trig import TrigSerializer

from . import __version__
from .namespaces import (
    BASE, CG, DCAT, DCTERMS, ID, PREFIXES, RDF, RDFS, SCHEMA, VOID, XSD, bind_prefixes,
)


def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically (same content, same labels), prefixes bound."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        graph = to_canonical_graph(graph)
    out = Graph()
    for triple in graph:
        out.add(triple)
    return bind_prefixes(out)


def dataset_of(graphs: dict[URIRef, Graph]) -> Dataset:
    """A Dataset with one named graph per entry, in IRI order."""
    dataset = Dataset()
    bind_prefixes(dataset)
    for name in sorted(graphs, key=str):
        target = dataset.graph(name)
        for triple in graphs[name]:
            target.add(triple)
    return dataset


def union_of(graphs: dict[URIRef, Graph]) -> Graph:
    union = Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    return bind_prefixes(union)


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with the named graphs in IRI order (rdflib leaves it to the store's
    hash order, so two runs of the same build would differ); subjects are already ordered."""

    def __init__(self, store: Dataset):
        super().__init__(store)
        self.contexts = sorted(self.contexts, key=lambda context: str(context.identifier))


def write_trig(graphs: dict[URIRef, Graph], path: Path) -> None:
    """Every named graph in one TriG file, in a stable order."""
    with path.open("wb") as stream:
        _SortedTrigSerializer(dataset_of(graphs)).serialize(stream, encoding="utf-8")


def write_ntriples(graph: Graph, path: Path) -> None:
    """N-Triples with lines sorted, so the same graph always gives the same bytes."""
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()) - {""})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_turtle(graph: Graph, path: Path) -> None:
    path.write_text(bind_prefixes(graph).serialize(format="turtle"), encoding="utf-8")


def write_jsonld(graph: Graph, path: Path) -> None:
    """JSON-LD with an inline context (no remote context is ever fetched)."""
    context = {prefix: ns for prefix, ns in sorted(PREFIXES.items())}
    path.write_text(graph.serialize(format="json-ld", context=context, auto_compact=True, indent=1), encoding="utf-8")


def write_owl(ontology: Graph, path: Path) -> None:
    """The ontology as RDF/XML, as Protégé and owlready2 open it."""
    path.write_text(bind_prefixes(ontology).serialize(format="xml"), encoding="utf-8")


def write_ontology_docs(ontology_ttl: Path, path: Path) -> None:
    """HTML documentation of the ontology with pyLODE (offline: its CSS is inlined)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub  # importing pyLODE sets the root logger to DEBUG
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    path.parent.mkdir(parents=True, exist_ok=True)
    OntPub(ontology=str(ontology_ttl), sort_subjects=True).make_html(destination=path, include_css=True)


def class_counts(graph: Graph) -> dict[str, int]:
    """Instances per class (asserted types), as compact names, most frequent first."""
    counts = Counter(graph.namespace_manager.normalizeUri(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def void_description(graphs: dict[URIRef, Graph], union: Graph, sources: list, *, endpoint: str) -> Graph:
    """A VoID/DCAT description of the built dataset."""
    void = bind_prefixes(Graph())
    dataset = URIRef(BASE + "dataset")
    void.add((dataset, RDF.type, VOID.Dataset))
    void.add((dataset, RDF.type, DCAT.Dataset))
    void.add((dataset, DCTERMS.title, Literal("顺德村级工业园升级改造知识图谱", lang="zh")))
    void.add((dataset, DCTERMS.title, Literal("Knowledge graph of Shunde's village-level industrial park renovation", lang="en")))
    void.add((dataset, DCTERMS.description, Literal(
        "村改政策中的人物、机构、策略、园区、改造路径、项目与成果，每条事实都指向其原文出处。", lang="zh")))
    void.add((dataset, DCTERMS.description, Literal(
        "People, bodies, strategies, parks, renovation paths, projects and outcomes of the village-level "
        "industrial park renovation policy; every fact points at the span of text it came from.", lang="en")))
    void.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    void.add((dataset, DCTERMS.creator, Literal("cungai-kg contributors")))
    void.add((dataset, SCHEMA.version, Literal(__version__)))
    void.add((dataset, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    void.add((dataset, VOID.entities, Literal(
        len({s for s in union.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))}), datatype=XSD.integer)))
    void.add((dataset, VOID.uriSpace, Literal(str(ID))))
    void.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    for dump in ("kg.trig", "kg.nt", "kg.ttl", "kg.jsonld"):
        void.add((dataset, VOID.dataDump, URIRef(dump)))
    for source in sources:
        void.add((dataset, DCTERMS.source, source.iri))
    namespaces = sorted({ns for ns in PREFIXES.values() if not ns.startswith(BASE)})
    used = {str(p) for p in union.predicates()} | {str(o) for o in union.objects(None, RDF.type)}
    for ns in namespaces:
        if any(term.startswith(ns) for term in used):
            void.add((dataset, VOID.vocabulary, URIRef(ns)))
    void.add((dataset, VOID.vocabulary, URIRef(str(CG))))
    void.add((URIRef(endpoint), RDFS.comment, Literal("由 `cungai serve` 在本机提供的只读 SPARQL 1.1 端点。", lang="zh")))
    void.add((URIRef(endpoint), RDFS.comment, Literal(
        "The read-only SPARQL 1.1 endpoint that `cungai serve` runs on this machine.", lang="en")))
    for example in _example_resources(union):
        void.add((dataset, VOID.exampleResource, example))
    for name in sorted(graphs, key=str):
        void.add((dataset, VOID.subset, name))
        void.add((name, RDF.type, VOID.Dataset))
        void.add((name, VOID.triples, Literal(len(graphs[name]), datatype=XSD.integer)))
        local = str(name).split("/graph/", 1)[-1]
        void.add((name, RDFS.label, Literal(local, lang="en")))
        for lang, title in _graph_titles(local).items():
            void.add((name, DCTERMS.title, Literal(title, lang=lang)))
        for s, p, o in _self_description(graphs[name], name):
            void.add((s, p, o))
            if p == DCTERMS.source:  # the dataset's own sources: its documents, packages and tables
                void.add((dataset, DCTERMS.source, o))
        if local.startswith("dataset/"):
            entities = {s for s in graphs[name].subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))}
            void.add((name, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
    return void


_GRAPH_TITLES = {
    "ontology": ("本体（类、属性与受控词表）", "Ontology (classes, properties and controlled vocabularies)"),
    "sources": ("来源文献的元数据", "Metadata of the source documents"),
    "background": ("背景知识（各有出处）", "Background knowledge (each fact cited)"),
    "inferred": ("推理机（HermiT）推出的三元组", "Triples inferred by the reasoner (HermiT)"),
    "links": ("外部标识与链接", "External identifiers and links"),
}


def _graph_titles(local: str) -> dict[str, str]:
    """Titles in zh and en of the project's named graphs, by their local name."""
    if local in _GRAPH_TITLES:
        zh, en = _GRAPH_TITLES[local]
        return {"zh": zh, "en": en}
    if local.startswith("source/"):
        sid = local.split("/", 1)[1]
        return {"zh": f"来源 {sid} 的事实与证据", "en": f"Facts and evidence of source {sid}"}
    return {}


def _self_description(graph: Graph, name: URIRef) -> list:
    """What a graph says about itself and its linksets: dataset graphs carry their dataset.ttl."""
    described = [name] + sorted((s for s in graph.subjects(RDF.type, VOID.Linkset) if isinstance(s, URIRef)), key=str)
    triples = []
    for subject in described:
        for p, o in graph.predicate_objects(subject):
            if subject != name and p == RDF.type:
                triples.append((subject, p, o))
            elif p in (DCTERMS.title, DCTERMS.description, DCTERMS.source, DCTERMS.license, DCTERMS.creator,
                       DCTERMS.format, VOID.linkPredicate, VOID.objectsTarget):
                triples.append((subject, p, o))
        if subject != name:  # a part, not a void:subset: its triples are counted with the graph's
            triples.append((subject, DCTERMS.isPartOf, name))
    return triples


def _example_resources(union: Graph) -> list[URIRef]:
    """A few typical things: officials, an industrial park, an area with an official code, a division."""
    examples: list[URIRef] = []
    for cls, count in ((CG.Official, 2), (CG.IndustrialPark, 1)):
        examples += sorted((s for s in union.subjects(RDF.type, cls) if isinstance(s, URIRef)), key=str)[:count]
    coded = sorted((s for s in union.subjects(SCHEMA.identifier, None) if isinstance(s, URIRef)), key=str)
    curated = [s for s in coded if (s, VOID.inDataset, None) not in union]
    imported = [s for s in coded if (s, VOID.inDataset, None) in union]
    return examples + curated[:1] + imported[:1]


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
