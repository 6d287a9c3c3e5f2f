"""Namespaces and IRIs: the base IRI in one constant, every prefix the project writes.

Entity IRIs are ``{BASE}id/{kind}/{slug}``; sources ``{BASE}source/{id}``; named graphs
``{BASE}graph/...``; the ontology ``{BASE}ontology#``. Slugs are written into the data once and
never recomputed, so IRIs stay stable; ``rebase`` moves a whole graph to another base.
"""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

BASE = "https://w3id.org/cungai/"

CG = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")
ID = Namespace(BASE + "id/")
SRC = Namespace(BASE + "source/")
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")

ENTITY_KINDS = (
    "activity", "body", "document", "enterprise", "goal", "industry", "indicator", "instrument",
    "judgement", "measure", "outcome", "parcel", "park", "path", "period", "person", "place", "plan",
    "policy", "post", "precision", "project", "quotation", "role", "scheme", "slogan", "statistic",
    "status", "strategy", "target", "task", "transport", "unit",
)

PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "src": str(SRC),
    "graph": str(GRAPH),
    **{kind: f"{BASE}id/{kind}/" for kind in ENTITY_KINDS},
    "statement": f"{BASE}id/statement/",
    "annotation": f"{BASE}id/annotation/",
    "span": f"{BASE}id/span/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "time": str(TIME),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "vann": str(VANN),
}

ONTOLOGY_GRAPH = GRAPH["ontology"]
BACKGROUND_GRAPH = GRAPH["background"]
INFERRED_GRAPH = GRAPH["inferred"]
LINKS_GRAPH = GRAPH["links"]
SOURCES_GRAPH = GRAPH["sources"]


def source_graph(source_id: str) -> URIRef:
    """The named graph of one source's facts and evidence."""
    return GRAPH[f"source/{source_id}"]


def dataset_graph(name: str) -> URIRef:
    """The named graph of one imported district dataset."""
    return GRAPH[f"dataset/{name}"]


def source_iri(source_id: str) -> URIRef:
    """The IRI of a source document."""
    return SRC[source_id]


def digest(*parts: str, length: int = 16) -> str:
    """A short, stable hex digest of some strings: the local part of derived IRIs."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:length]


def labels_of(graph: Graph, node) -> dict[str | None, str]:
    """The ``rdfs:label`` values of ``node`` by language tag (``None`` for an untagged one)."""
    return {lit.language: str(lit) for lit in graph.objects(node, RDFS.label) if isinstance(lit, Literal)}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def rebase(graph: Graph, base: str) -> Graph:
    """A copy of ``graph`` with every IRI under the default base moved under ``base``."""
    if base == BASE:
        return graph
    def move(term):
        if isinstance(term, URIRef) and str(term).startswith(BASE):
            return URIRef(base + str(term)[len(BASE):])
        if isinstance(term, Literal) and term.language is None and str(term).startswith(BASE):
            return Literal(base + str(term)[len(BASE):], datatype=term.datatype)  # IRIs written as text
        return term
    out = Graph()
    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))
    return out
