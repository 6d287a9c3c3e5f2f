"""rdflib graphs made comparable: blank nodes labelled canonically, prefixes bound."""

from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from .namespaces import bind_prefixes


def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically (same content, same labels), prefixes bound."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        graph = to_canonical_graph(graph)
    out = Graph()
    for triple in graph:
        out.add(triple)
    return bind_prefixes(out)
