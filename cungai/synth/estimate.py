"""What ``cungai build`` will make of a synthetic project, counted while ``synth.py`` writes it.

The build turns each fact of a source into itself, a reified statement (4 triples) and one
annotation per quote that states it (3 triples, and 2 for its claim qualifiers: who asserts it and
its status, ANNOTATION_TRIPLES); each quote into a target with two selectors
(11 triples); the reasoner adds the values that follow from the ontology's inverse, sub-property
and transitive axioms. ``Estimate`` counts all of that as the generator writes, so that it can stop
at the requested size; measured against real builds it is within 0.1% at 10k-100k triples.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

Fact = tuple[str, str, str]  # subject, predicate, object, written as Turtle terms (prefixed names, literals)

PREFIXED_NAME = re.compile(r"[a-z]+:")
METADATA_TRIPLES = 10    # what a source's metadata adds to the built graph (its dcterms:issued is also a fact)
SPAN_TRIPLES = 11        # target (4), position selector (3), quote selector (4): evidence.py's _add_span
ANNOTATION_TRIPLES = 5   # type, body, target, cg:accordingTo, cg:claimStatus: evidence.py's annotation lines


def is_translation(fact: Fact) -> bool:
    """An English label: the curator's translation, which the build gives no evidence."""
    return fact[1] == "rdfs:label" and fact[2].endswith("@en")



@dataclass(frozen=True)
class Axioms:
    """The property axioms of the ontology that make the reasoner add triples, by prefixed name."""

    inverse: dict[str, str]
    supers: dict[str, tuple[str, ...]]      # direct super-properties
    entailed: dict[str, frozenset[str]]     # every super-property, also those entailed through inverses
    transitive: frozenset[str]
    object_properties: frozenset[str]


def read_axioms(ontology_files: list[Path], prefixes: dict[str, str]) -> tuple[Axioms, int]:
    """The property axioms the reasoner applies, and the number of triples of the ontology graph."""
    from rdflib import Graph
    from rdflib.namespace import OWL, RDF, RDFS

    from ..rdf.namespaces import curie

    graph = Graph()
    for path in ontology_files:
        graph.parse(path, format="turtle")

    def short(iri) -> str:
        return curie(iri, prefixes) or f"<{iri}>"

    inverse: dict[str, str] = {}
    for p, q in graph.subject_objects(OWL.inverseOf):
        inverse[short(p)], inverse[short(q)] = short(q), short(p)
    supers: dict[str, tuple[str, ...]] = {}
    for p, q in graph.subject_objects(RDFS.subPropertyOf):
        supers[short(p)] = supers.get(short(p), ()) + (short(q),)
    entailed: dict[str, set[str]] = {p: set(qs) for p, qs in supers.items()}
    changed = True
    while changed:  # p ⊑ q gives p⁻ ⊑ q⁻; ⊑ is transitive
        changed = False
        for p in list(entailed):
            grown = set(entailed[p])
            for q in entailed[p]:
                grown |= entailed.get(q, set())
                if p in inverse and q in inverse and inverse[q] not in entailed.get(inverse[p], set()):
                    entailed.setdefault(inverse[p], set()).add(inverse[q])
                    changed = True
            if grown != entailed[p]:
                entailed[p], changed = grown, True
    transitive = frozenset(short(p) for p in graph.subjects(RDF.type, OWL.TransitiveProperty))
    object_properties = frozenset(short(p) for p in graph.subjects(RDF.type, OWL.ObjectProperty))
    return Axioms(inverse, supers, {p: frozenset(qs) for p, qs in entailed.items()}, transitive,
                   object_properties), len(graph)


class Closure:
    """Property values that follow from inverse, sub-property and transitive axioms, kept incrementally,
    and how many of them the reasoner step reports: as measured, HermiT (through owlready2) leaves out a
    value of a super-property when the same two things are already linked by one of its sub-properties
    (``cg:locatedIn`` does not come back as ``schema:containedInPlace``)."""

    def __init__(self, axioms: Axioms):
        self.axioms = axioms
        self.known: set[Fact] = set()
        self.asserted: set[Fact] = set()
        self.outgoing: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.incoming: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.links: dict[tuple[str, str], set[str]] = defaultdict(set)  # (s, o) → the properties known between them
        self.reported: dict[tuple[str, str], int] = {}
        self.inferred = 0

    def _recount(self, s: str, o: str) -> None:
        links = self.links[(s, o)]
        count = sum(
            1 for q in links
            if (s, q, o) not in self.asserted and not any(q in self.axioms.entailed.get(p, ()) for p in links)
        )
        self.inferred += count - self.reported.get((s, o), 0)
        self.reported[(s, o)] = count

    def add(self, fact: Fact) -> None:
        if fact[1] not in self.axioms.object_properties or not PREFIXED_NAME.match(fact[2]):
            return
        self.asserted.add(fact)
        self._recount(fact[0], fact[2])
        stack = [fact]
        while stack:
            s, p, o = triple = stack.pop()
            if triple in self.known:
                continue
            self.known.add(triple)
            self.links[(s, o)].add(p)
            self._recount(s, o)
            stack.extend((s, q, o) for q in self.axioms.supers.get(p, ()))
            if p in self.axioms.inverse:
                stack.append((o, self.axioms.inverse[p], s))
            if p in self.axioms.transitive:
                self.outgoing[(p, s)].add(o)
                self.incoming[(p, o)].add(s)
                stack.extend((s, p, x) for x in self.outgoing.get((p, o), ()))
                stack.extend((y, p, o) for y in self.incoming.get((p, s), ()))


class Estimate:
    """The triples the build will report for what has been written so far (DESIGN §4, evidence.py)."""

    def __init__(self, fixed: int, axioms: Axioms):
        self.fixed = fixed
        self.facts: set[Fact] = set()
        self.translations: set[Fact] = set()
        self.annotations = 0
        self.spans = 0
        self.sources = 0
        self.closure = Closure(axioms)

    def block(self, facts: Iterable[Fact]) -> None:
        self.spans += 1
        for fact in facts:
            if is_translation(fact):
                self.translations.add(fact)
                continue
            self.annotations += 1
            if fact not in self.facts:
                self.facts.add(fact)
                self.closure.add(fact)

    @property
    def triples(self) -> int:
        return (self.fixed + METADATA_TRIPLES * self.sources + 5 * len(self.facts) + len(self.translations)
                + ANNOTATION_TRIPLES * self.annotations + SPAN_TRIPLES * self.spans + self.closure.inferred)
