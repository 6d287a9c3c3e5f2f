"""Writing the built graph: TriG, N-Triples, Turtle, JSON-LD, RDF/XML ontology, the OWL file, VoID, docs.

Every writer is deterministic for the same input: blank nodes are labelled canonically before the
graph is written, and N-Triples lines are sorted, so two builds give byte-identical ``kg.nt`` and
``kg.trig``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.trig import TrigSerializer

from .. import __version__
from ..rdf.sparql import with_values
from ..rdf.namespaces import (
    curie,
    BASE, CG, DCAT, DCTERMS, EVIDENCE_KINDS, ID, PREFIXES, RDF, RDFS, SCHEMA, VOID, XSD, bind_prefixes,
)


def dataset_of(graphs: dict[URIRef, Graph]) -> Dataset:
    """A Dataset with one named graph per entry, in IRI order."""
    dataset = Dataset()
    bind_prefixes(dataset)
    for name in sorted(graphs, key=str):
        target = dataset.graph(name)
        for triple in graphs[name]:
            target.add(triple)
    return dataset


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


def write_turtle(graph: Graph, path: Path) -> None:
    path.write_text(bind_prefixes(graph).serialize(format="turtle"), encoding="utf-8")


def write_owl(ntriples: bytes, path: Path) -> int:
    """``ontology.owl``: the ontology graph (N-Triples) as RDF/XML, as Protégé and owlready2 open it."""
    return _write_rdf_xml([line for line in ntriples.split(b"\n") if line], path)


#: what OWL 2 DL cannot hold: the evidence (RDF reification: ``rdf:subject``… are reserved
#: vocabulary, and ``rdf:object`` would be both an object and a data property) and the VoID terms
_RDF_TYPE = f"<{RDF.type}> ".encode()
_VOID = f"<{VOID}".encode()
_ONTOLOGY_TYPE = f"<{RDF.type}> <http://www.w3.org/2002/07/owl#Ontology>".encode()


def write_owl_data(ntriples: bytes, path: Path, *, base: str) -> int:
    """``kg.owl``: the union of the graphs without the evidence and the VoID terms, as RDF/XML.

    ``ntriples`` is the sorted union (``kg.nt``); what is left is the ontology with every fact and
    everything inferred: an OWL 2 DL ontology (the tests check its profile). Returns its triples.
    """
    evidence = tuple(f"<{base}id/{kind}/".encode() for kind in EVIDENCE_KINDS)
    kept = []
    for line in ntriples.split(b"\n"):
        if not line or line.startswith(evidence):
            continue
        rest = line.split(b" ", 1)[1]
        if rest.startswith(_VOID) or (rest.startswith(_RDF_TYPE) and rest[len(_RDF_TYPE):].startswith(_VOID)):
            continue
        kept.append(line)
    return _write_rdf_xml(kept, path)


def _write_rdf_xml(lines: list[bytes], path: Path) -> int:
    """N-Triples lines (each ending `` .``) as RDF/XML by Oxigraph, sorted, the ``owl:Ontology`` header first.

    Sorted, the same input gives the same bytes; the header goes first and its ``rdf:type`` before
    ``owl:versionIRI`` (py-horned-owl reads a version IRI met before the header as an annotation).
    """
    headers = {line.split(b" ", 1)[0] for line in lines if _ONTOLOGY_TYPE in line}
    ordered = sorted(lines, key=lambda line: (line.split(b" ", 1)[0] not in headers, line))
    quads = ox.parse(b"\n".join(ordered) + b"\n", format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(quads, str(path), ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
    return len(ordered)


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


def _subjects(store: ox.Store, predicate: URIRef | None = None, obj: URIRef | None = None) -> set[URIRef]:
    """Distinct IRI subjects of the store's quads matching ``?s predicate obj``."""
    pattern = store.quads_for_pattern(None, ox.NamedNode(str(predicate)) if predicate else None,
                                      ox.NamedNode(str(obj)) if obj else None, None)
    return {URIRef(q.subject.value) for q in pattern if isinstance(q.subject, ox.NamedNode)}


def class_counts(store: ox.Store) -> dict[str, int]:
    """Instances per class (asserted types, each instance once), as compact names, most frequent first."""
    answer = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } GROUP BY ?c")
    counts = {curie(row["c"].value) or f"<{row['c'].value}>": int(row["n"].value) for row in answer}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def void_description(store: ox.Store, dumps, sources: list, *, base: str = BASE, endpoint: str) -> Graph:
    """A VoID/DCAT description of the built dataset held in ``store`` (one named graph per subset);
    ``dumps`` (``assemble.Dumps``) has counted its triples."""
    void = bind_prefixes(Graph())
    ids = base + str(ID)[len(BASE):]
    dataset = URIRef(base + "dataset")
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
    void.add((dataset, VOID.triples, Literal(dumps.triples, datatype=XSD.integer)))
    void.add((dataset, VOID.entities, Literal(_count_entities(store, ids), datatype=XSD.integer)))
    void.add((dataset, VOID.uriSpace, Literal(ids)))
    void.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    for dump in ("kg.trig", "kg.nt", "kg.ttl", "kg.jsonld"):
        void.add((dataset, VOID.dataDump, URIRef(dump)))
    for source in sources:
        void.add((dataset, DCTERMS.source, URIRef(base + str(source.iri)[len(BASE):])))
    answer = store.query("SELECT DISTINCT ?term WHERE { { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } } }")
    used = {row["term"].value for row in answer if isinstance(row["term"], ox.NamedNode)}
    for ns in sorted({ns for ns in PREFIXES.values() if not ns.startswith(BASE)}):
        if any(term.startswith(ns) for term in used):
            void.add((dataset, VOID.vocabulary, URIRef(ns)))
    void.add((dataset, VOID.vocabulary, URIRef(str(CG))))
    void.add((URIRef(endpoint), RDFS.comment, Literal("由 `cungai serve` 在本机提供的只读 SPARQL 1.1 端点。", lang="zh")))
    void.add((URIRef(endpoint), RDFS.comment, Literal(
        "The read-only SPARQL 1.1 endpoint that `cungai serve` runs on this machine.", lang="en")))
    for example in _example_resources(store, base=base):
        void.add((dataset, VOID.exampleResource, example))
    for name, size in dumps.graph_sizes.items():
        void.add((dataset, VOID.subset, name))
        void.add((name, RDF.type, VOID.Dataset))
        void.add((name, VOID.triples, Literal(size, datatype=XSD.integer)))
        local = str(name).split("/graph/", 1)[-1]
        void.add((name, RDFS.label, Literal(local, lang="en")))
        for lang, title in _graph_titles(local).items():
            void.add((name, DCTERMS.title, Literal(title, lang=lang)))
        described = _described(store, name)
        for s, p, o in _self_description(described, name):
            void.add((s, p, o))
            if p == DCTERMS.source:  # the dataset's own sources: its documents, packages and tables
                void.add((dataset, DCTERMS.source, o))
        if local.startswith("dataset/"):
            void.add((name, VOID.entities, Literal(_count_entities(store, ids, name), datatype=XSD.integer)))
    return void


ENTITIES_QUERY = """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space))
}"""


def _count_entities(store: ox.Store, space: str, graph: URIRef | None = None) -> int:
    """Distinct subjects whose IRI starts with ``space`` (the entity IRIs), in one graph or in all."""
    bindings = {"space": Literal(space)} | ({"g": graph} if graph is not None else {})
    answer = store.query(with_values(ENTITIES_QUERY, bindings))
    return int(next(iter(answer))["n"].value)


def _described(store: ox.Store, name: URIRef) -> Graph:
    """What graph ``name`` says about itself and about the linksets it holds (a small rdflib graph)."""
    from ..rdf.terms import to_rdflib

    graph_node = ox.NamedNode(str(name))
    linksets = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(VOID.Linkset)), graph_node)}
    described = Graph()
    for subject in {graph_node} | linksets:
        for q in store.quads_for_pattern(subject, None, None, graph_node):
            described.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return described


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


def _example_resources(store: ox.Store, *, base: str) -> list[URIRef]:
    """A few typical things: officials, an industrial park, an area with an official code, a division."""
    examples: list[URIRef] = []
    for cls, count in ((CG.Official, 2), (CG.IndustrialPark, 1)):
        examples += sorted(_subjects(store, RDF.type, cls), key=str)[:count]
    coded = sorted(_subjects(store, SCHEMA.identifier), key=str)
    imported = _subjects(store, VOID.inDataset)
    return examples + [s for s in coded if s not in imported][:1] + [s for s in coded if s in imported][:1]


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
