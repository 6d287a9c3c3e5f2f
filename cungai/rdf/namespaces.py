"""Namespaces and IRIs: the base IRI in one constant, every prefix the project writes.

Entity IRIs are ``{BASE}id/{kind}/{slug}``; sources ``{BASE}source/{id}``; named graphs
``{BASE}graph/...``; the ontology ``{BASE}ontology#``. Slugs are written into the data once and
never recomputed, so IRIs stay stable (``rdf.store.rebased_store`` moves a built store to another base).
"""

from __future__ import annotations

import hashlib
import re
from typing import Mapping

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

BASE = "https://w3id.org/cungai/"

CG = Namespace(BASE + "ontology#")
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

#: The nodes a build generates for evidence: ``{BASE}id/{kind}/{hash}`` (statement, annotation, span).
EVIDENCE_KINDS = ("statement", "annotation", "span")

PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "src": str(SRC),
    "graph": str(GRAPH),
    **{kind: f"{BASE}id/{kind}/" for kind in ENTITY_KINDS},
    **{kind: f"{BASE}id/{kind}/" for kind in EVIDENCE_KINDS},
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


_LOCAL_NAME = re.compile(r"[\w.-]+")


def curie(iri: object, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """``prefix:local`` for ``iri`` with the longest namespace of ``prefixes`` it starts with, when the
    rest is a plain local name (letters, digits, ``_``, ``-``, ``.``); None when no prefix fits.
    Callers say how an IRI without a prefix is written (``<iri>``, the IRI as it is)."""
    text = str(iri)
    best = max((p for p, ns in prefixes.items() if text.startswith(ns) and _LOCAL_NAME.fullmatch(text[len(ns):])),
               key=lambda p: len(prefixes[p]), default=None)
    return f"{best}:{text[len(prefixes[best]):]}" if best is not None else None


def prefix_block(*names: str) -> str:
    """SPARQL ``PREFIX`` declarations for the project's prefixes ``names``, one a line."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def graph_role(name: object) -> str | None:
    """What a named graph of a build holds, from its IRI (under the default base): ``source`` (a
    source's facts and evidence), ``dataset``, ``vocabulary`` (the ontology), ``background``,
    ``links``, ``inferred``, ``sources`` (the sources' metadata); None for any other graph."""
    text = str(name)
    tail = text[len(str(GRAPH)):] if text.startswith(str(GRAPH)) else ""
    if tail.startswith("source/"):
        return "source"
    if tail.startswith("dataset/"):
        return "dataset"
    return {"ontology": "vocabulary", "background": "background", "links": "links",
            "inferred": "inferred", "sources": "sources"}.get(tail)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
