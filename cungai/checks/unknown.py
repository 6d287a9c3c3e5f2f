"""IRIs that nothing defines: an entity used in a block without a type or a label anywhere.

A mistyped IRI (``activity:lunjiao-chaichuu``) used to build fine and surface only as a new IRI
with an empty label. Here every thing IRI of a block (``…/id/{kind}/{slug}``) and every source IRI
must have ``rdf:type`` or a label (``rdfs:label``/``skos:prefLabel``) somewhere: in a block of any
source, the background, the vocabularies or the links. Otherwise it is a problem, with "did you
mean" suggestions: the known IRIs of the same kind whose slug is close (edit distance, as
``difflib`` measures it), then the known entities of that kind whose Chinese label (or alias) the
block's quote writes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef

from ..project.evidence import EvidenceBlock, Triple
from ..project.iris import is_registered_kind
from ..rdf.namespaces import ID, RDF, RDFS, SKOS, SRC
from .problems import Problem
from ..project.evidence import plain

DEFINING = frozenset({RDF.type, RDFS.label, SKOS.prefLabel})
VOCABULARY_KINDS = {"indicator": "indicator / 指标", "unit": "unit / 单位", "scheme": "concept scheme / 概念体系"}
SIMILARITY = 0.75
SUGGESTIONS = 3


@dataclass
class Known:
    """What the project defines: IRIs with a type or a label, and the Chinese labels of each."""

    defined: set[str]
    labels: dict[str, set[str]]

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> "Known":
        known = cls(set(), {})
        known.add(triples)
        return known

    def add(self, triples: Iterable[Triple]) -> None:
        for s, p, o in triples:
            if p in DEFINING and isinstance(s, URIRef):
                self.defined.add(str(s))
                if p != RDF.type and isinstance(o, Literal) and (o.language or "zh").startswith("zh"):
                    self.labels.setdefault(str(s), set()).add(str(o))
            elif p == SKOS.altLabel and isinstance(s, URIRef) and isinstance(o, Literal):
                self.labels.setdefault(str(s), set()).add(str(o))


def kind_of(iri: str) -> str:
    """``park`` for ``…/id/park/x``, ``source`` for a source IRI."""
    if iri.startswith(str(SRC)):
        return "source"
    return iri[len(str(ID)):].split("/", 1)[0]


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def suggestions(iri: str, known: Known, *, quote: str = "") -> list[str]:
    """Known IRIs that ``iri`` may have meant: close slugs of the same kind, then entities the quote names."""
    kind, slug = kind_of(iri), _slug(iri)
    same_kind = sorted(k for k in known.defined if is_registered_kind(k) and kind_of(k) == kind)
    scored = sorted(((difflib.SequenceMatcher(None, slug, _slug(k)).ratio(), k) for k in same_kind), reverse=True)
    found = [k for score, k in scored if score >= SIMILARITY][:SUGGESTIONS]
    text = plain(quote)
    for candidate in same_kind:
        if candidate not in found and any(len(plain(label)) > 1 and plain(label) in text
                                          for label in known.labels.get(candidate, ())):
            found.append(candidate)
    return found[:SUGGESTIONS + 2]


def undefined_iris(blocks: list[EvidenceBlock], known: Known) -> list[Problem]:
    """A problem for every thing or source IRI of the blocks that nothing types or labels."""
    problems, seen = [], set()
    for block in blocks:
        terms = sorted({str(t) for fact in block.facts for t in (fact[0], fact[2])
                        if isinstance(t, URIRef) and is_registered_kind(str(t))})
        for iri in terms:
            if iri in known.defined or iri in seen:
                continue
            seen.add(iri)
            problems.append(_problem(block, iri, suggestions(iri, known, quote=block.quote)))
    return problems


def _problem(block: EvidenceBlock, iri: str, found: list[str]) -> Problem:
    term = block.show(URIRef(iri))
    fact = next(f for f in sorted(block.facts, key=lambda t: tuple(x.n3() for x in t))
                if iri in (str(f[0]), str(f[2])))
    kind = kind_of(iri)
    what = VOCABULARY_KINDS.get(kind, "entity / 实体")
    message = f"undefined {what} {term}: no type and no label anywhere / 未定义：任何地方都没有类型或标签"
    if found:
        hint = "did you mean / 是否应为: " + ", ".join(block.show(URIRef(k)) for k in found) + "? "
    else:
        hint = ""
    if kind in VOCABULARY_KINDS:
        hint += f"a new {kind} is defined in ontology/vocabularies.ttl (type, zh/en label, definition, scheme)"
    else:
        hint += (f"a new entity needs a type and a Chinese label (`{term} a cg:… ; rdfs:label \"…\"@zh`) in a block "
                 "whose quote names it / 新实体需在证据块中写明类型和中文标签")
    return Problem(block.path, block.line, block.show(block.name), block.show(fact), message, hint)
