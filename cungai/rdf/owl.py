"""OWL helpers both reasoners share: the pairs of disjoint classes an ontology declares, and what is
reachable along an axiom (the superclasses of a class, the super-properties of a property)."""

from __future__ import annotations

from typing import Hashable, Mapping

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF


def disjoint_pairs(ontology: Graph) -> set[tuple[URIRef, URIRef]]:
    """Every pair of different classes declared disjoint (``owl:disjointWith``, the members of each
    ``owl:AllDisjointClasses``), each pair once, in IRI order."""
    pairs = set(ontology.subject_objects(OWL.disjointWith))
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = ontology.value(node, OWL.members)
        if isinstance(members, BNode):
            listed = list(Collection(ontology, members))
            pairs |= {(a, b) for i, a in enumerate(listed) for b in listed[i + 1:]}
    return {tuple(sorted((a, b), key=str)) for a, b in pairs if a != b}


def reachable(start: Hashable, edges: Mapping[Hashable, set]) -> set:
    """``start`` and everything reachable from it along ``edges``."""
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
