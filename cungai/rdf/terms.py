"""RDF terms between rdflib and pyoxigraph: the one place that converts them.

rdflib holds the curated facts while the build reasons about them in Python; Oxigraph holds the
built graph when it is large. A plain string is ``"x"`` in rdflib and ``"x"^^xsd:string`` in
Oxigraph (the same term in RDF 1.1): converting to rdflib gives the plain form, so that a fact
parsed by either library is the same rdflib term and derives the same statement IRI.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import DataError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Triple = tuple[Node, Node, Node]


def to_rdflib(term) -> Node | None:
    """The rdflib term for a pyoxigraph term (None stays None: an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise DataError(f"unsupported RDF term {term!r} (RDF-star triples are not part of this graph)")


class RdflibTerms:
    """pyoxigraph → rdflib conversion with a cache (``to_rdflib`` remembered): call it like a function."""

    def __init__(self) -> None:
        self._cache: dict[object, Node] = {}

    def __call__(self, term) -> Node | None:
        converted = self._cache.get(term)
        if converted is None:
            converted = self._cache[term] = to_rdflib(term)
        return converted


class OxigraphTerms:
    """rdflib → pyoxigraph conversion with a cache: the same IRIs and literals recur across quads."""

    def __init__(self) -> None:
        self._cache: dict[Node, object] = {}

    def term(self, term: Node):
        converted = self._cache.get(term)
        if converted is None:
            converted = self._cache[term] = to_oxigraph(term)
        return converted

    def quads(self, triples: Iterable[Triple], graph: URIRef) -> list:
        """``triples`` as pyoxigraph quads in the named graph ``graph``."""
        name, term = ox.NamedNode(str(graph)), self.term
        return [ox.Quad(term(s), term(p), term(o), name) for s, p, o in triples]


def to_oxigraph(term: Node):
    """The pyoxigraph term for an rdflib term (a ValueError for an IRI Oxigraph finds malformed)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise DataError(f"unsupported RDF term {term!r}")


_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_ESCAPE = {code: _ECHAR.get(chr(code), f"\\u{code:04X}") for code in [*range(0x20), 0x22, 0x5C, 0x7F]}


def nt_string(text: str) -> str:
    """``text`` as a canonical N-Triples string literal (RDF 1.1 N-Triples §4: ECHAR, else UCHAR)."""
    return '"' + text.translate(_ESCAPE) + '"'


def nt(term: Node) -> str:
    """A term in canonical N-Triples, as Oxigraph writes it (a plain string has no ``^^xsd:string``)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{nt_string(str(term))}@{term.language}"
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f"{nt_string(str(term))}^^<{term.datatype}>"
        return nt_string(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    raise DataError(f"unsupported RDF term {term!r}")


def ntriples_text(triples: Iterable[Triple]) -> str:
    """N-Triples of rdflib triples (in their iteration order), for an engine to parse in one call."""
    cache: dict[Node, str] = {}

    def term(node: Node) -> str:
        written = cache.get(node)
        if written is None:
            written = cache[node] = nt(node)
        return written
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)
