"""Named graphs in an in-memory Oxigraph store: filling it, counting, reading graphs back, moving the base.

The build holds the whole dataset in one Oxigraph store; rdflib graphs are read out of it only where
a library needs them (pySHACL, owlready2's input, the linking tools) and only for small graphs.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .namespaces import BASE, EVIDENCE_KINDS
from .terms import OxigraphTerms, Triple

#: Named graphs to load: each a collection of rdflib triples (a Graph or a set), or N-Triples text.
Graphs = dict[URIRef, Iterable[Triple] | str]


def store_of(graphs: Graphs) -> ox.Store:
    """An in-memory Oxigraph store holding ``graphs`` as named graphs (the default graph stays empty)."""
    store = ox.Store()
    add_graphs(store, graphs)
    return store


def add_graphs(store: ox.Store, graphs: Graphs) -> None:
    """Add named graphs: rdflib triples, or N-Triples text that Oxigraph parses itself."""
    terms = OxigraphTerms()
    for name in sorted(graphs, key=str):
        content = graphs[name]
        if isinstance(content, str):
            store.load(input=content.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        else:
            store.extend(terms.quads(content, name))


def graph_sizes(store: ox.Store) -> dict[URIRef, int]:
    """Triples per named graph."""
    answer = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {URIRef(row["g"].value): int(row["n"].value) for row in answer}


def graph_from_store(store: ox.Store, name: URIRef) -> Graph:
    """An rdflib Graph of one named graph of ``store``: for small graphs only."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def union_graph(store: ox.Store, *, without: Iterable[URIRef] = (), evidence: bool = True) -> Graph:
    """An rdflib Graph of the union of the store's named graphs, leaving out the graphs ``without``
    and, unless ``evidence``, the triples about evidence nodes (``EVIDENCE_KINDS``): small builds only."""
    left_out = {str(name) for name in without}
    names = sorted(g.value for g in store.named_graphs() if g.value not in left_out)
    data = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) for name in names)
    if not evidence:
        skipped = tuple(f"<{BASE}id/{kind}/".encode() for kind in EVIDENCE_KINDS)
        data = b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(skipped))
    return Graph().parse(data=data.decode("utf-8"), format="nt")  # one parse: blank nodes shared across graphs stay one


def rebased_store(store: ox.Store, base: str) -> ox.Store:
    """A copy of ``store`` with every IRI under the default base moved under ``base`` (``--base``)."""
    if base == BASE:
        return store

    def move(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
            return ox.NamedNode(base + term.value[len(BASE):])
        if isinstance(term, ox.Literal) and not term.language and term.value.startswith(BASE):
            return ox.Literal(base + term.value[len(BASE):], datatype=term.datatype)  # IRIs written as text
        return term

    out = ox.Store()
    out.extend(ox.Quad(move(q.subject), move(q.predicate), move(q.object), move(q.graph_name)) for q in store)
    return out
