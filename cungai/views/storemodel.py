"""The knowledge model of a build read from an Oxigraph store with SPARQL, whole or around a few entities.

``model_from_store`` gives the same ``KnowledgeModel`` as ``viewmodel.build_model`` does from rdflib
graphs, without putting the data in rdflib: three SELECTs (the fact triples of every named graph,
the evidence spans of the source graphs, the citations of the background) feed
``viewmodel.assemble_model``; only the ontology and the sources' metadata, whose size does not grow
with the data, become rdflib graphs. At 1M triples the facts are about a tenth of the triples (the
rest is their evidence), so the model stays a few hundred thousand Python objects.

``model_around`` reads only what one entity page needs (the facts about and to a set of entities,
their evidence, and the labels and classes of the entities one fact away): ``cungai serve`` uses it
to render an entity page that the build did not write.

Queries take their values as SEP-0007 substitutions or a VALUES block of RDF terms, never as pasted
text. The store holds the build's named graphs (nothing in the default graph); pyoxigraph 0.5
would repeat a union triple once per graph holding it, so every query names its graph with
``GRAPH ?g`` and the role of each graph decides what its triples are, as ``build_model`` does.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import replace
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..rdf.namespaces import BASE, CG, RDF, XSD, graph_role, prefix_block
from ..rdf.sparql import sparql_term, with_values
from ..rdf.terms import nt
from .viewmodel import (
    Claim, Entity, Evidence, FactRow, KnowledgeModel, assemble_model, is_fact,
)

#: A SELECT runner: query text and bindings (variable → RDF term, or a list of terms for a VALUES
#: block) in, rows of rdflib terms (variable → term, unbound variables absent) out.
Select = Callable[[str, Mapping[str, object]], Iterable[Mapping[str, Node]]]

PREFIXES = prefix_block("rdf", "rdfs", "skos", "cg", "oa", "dcterms")

#: The reified facts of a graph with their annotation targets (DESIGN §4), the one pattern every
#: query of the evidence starts from: ``statements(FILTER)`` adds a filter on ?s ?p ?o.
STATEMENT_PATTERN = """SELECT ?g ?s ?p ?o ?target ?annotation WHERE {
  GRAPH ?g { ?statement rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             ?annotation oa:hasBody ?statement ; oa:hasTarget ?target . }
"""


def statements(condition: str = "") -> str:
    """A SELECT of ?g ?s ?p ?o ?target over the reified facts, with ``condition`` (a SPARQL
    ``FILTER``, part of the query text, never a value) on them."""
    return PREFIXES + STATEMENT_PATTERN + (f"  {condition}\n" if condition else "") + "}"


#: The annotation targets of every reified fact; their spans come from ``SPANS``.
STATEMENTS = statements()
#: The located quote of every annotation target: position and quote selectors, and the source.
SPANS = PREFIXES + """SELECT ?g ?target ?source ?start ?end ?exact ?prefix ?suffix WHERE {
  GRAPH ?g {
    ?target oa:hasSelector ?position .
    ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    OPTIONAL { ?target oa:hasSource ?source }
    OPTIONAL { ?target oa:hasSelector ?quote . ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
               OPTIONAL { ?quote oa:prefix ?prefix } OPTIONAL { ?quote oa:suffix ?suffix } }
  }
}"""

CITATIONS = PREFIXES + """SELECT ?g ?s ?c WHERE { GRAPH ?g {
  { ?s dcterms:source ?c } UNION { ?s a cg:CuratorJudgement ; rdfs:label ?c }
} }"""
#: A fact of the background that rests on a curator's judgement is cited by the judgement's name
#: (graph/README.md, Identity): the cg:CuratorJudgement beside it names the fact and says why.
JUDGEMENTS = PREFIXES + """SELECT ?g ?s ?p ?o ?c WHERE { GRAPH ?g {
  ?judgement a cg:CuratorJudgement ; cg:judgedSubject ?s ; cg:judgedProperty ?p ; cg:judgedObject ?o ; rdfs:label ?c
} }"""

#: How each annotation's quote presents its fact and who asserts it there (graph/README.md, claims):
#: read once for the whole store, like ``SPANS`` (an OPTIONAL in the statements' pattern made
#: Oxigraph walk every annotation again for each VALUES block of entities: 10× slower pages).
CLAIMS = PREFIXES + """SELECT ?g ?annotation ?claim ?voice WHERE {
  GRAPH ?g { ?annotation cg:claimStatus ?claim ; cg:accordingTo ?voice }
}"""
#: The names of the claim statuses and of everyone who asserts a fact (few: speakers and sources).
CLAIM_NAMES = PREFIXES + """SELECT ?x ?label WHERE {
  { SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x a cg:ClaimStatus } } }
  UNION
  { SELECT DISTINCT ?x WHERE { GRAPH ?g { ?annotation cg:accordingTo ?x } } }
  GRAPH ?h { ?x rdfs:label ?label }
}"""

#: A whole (small) graph: the ontology, the sources' metadata.
GRAPH_TRIPLES = """SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"""

GRAPH_NAMES = """SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"""

#: The triples of every graph: bound to a VALUES block of subjects (``?s``) or objects (``?o``).
#: (A VALUES block on a variable of the pattern itself lets Oxigraph look each value up in its
#: indexes; the same values reached through ``BIND`` or a ``UNION`` were a hundred times slower.)
TRIPLES = """SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"""
#: The names and classes of the subjects ``?s``: what a page needs to show an entity it links to.
NAMED = PREFIXES + """SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel, cg:pinyin))
}"""
#: The classes of the subjects ``?s`` with their quotes: the first quote of a neighbour in a small graph.
TYPED = PREFIXES + """SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?p = rdf:type) }"""
TYPED_STATEMENTS = statements("FILTER(?p = rdf:type)")
#: The links and names of the subjects ``?s``: what a graph page draws of an entity without a page.
LINKED = PREFIXES + """SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) || ?p IN (rdfs:label, skos:prefLabel, cg:pinyin))
}"""
LINKED_STATEMENTS = statements("FILTER(isIRI(?o) || ?p IN (rdfs:label, skos:prefLabel))")
NAMED_STATEMENTS = statements("FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel))")


# ---------------------------------------------------------------- running queries

_XSD_STRING = str(XSD.string)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+")


def unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ECHAR.get(match.group(3), match.group(0))

    return _ESCAPE.sub(one, text)


class TermReader:
    """Terms of query results → rdflib terms, under the default base, as rdflib parses them (cached).

    Reads the N-Triples form of a term with Turtle's short numbers and booleans (SPARQL TSV
    results) and the SPARQL JSON results form. Plain strings come back untyped, as rdflib reads
    them from TriG (Oxigraph types them ``xsd:string``).
    """

    def __init__(self, base: str):
        self.base = base
        self.cache: dict[str, Node] = {}

    def iri(self, value: str) -> URIRef:
        if self.base != BASE and value.startswith(self.base):
            value = BASE + value[len(self.base):]
        return URIRef(value)

    def literal(self, lexical: str, lang: str | None, datatype: str | None) -> Literal:
        if lang:
            return Literal(lexical, lang=lang)
        if datatype is None or datatype == _XSD_STRING:
            return Literal(lexical)
        return Literal(lexical, datatype=URIRef(datatype))

    def text(self, cell: str) -> Node | None:
        """The term written in ``cell``; None when it is empty (unbound)."""
        if not cell:
            return None
        found = self.cache.get(cell)
        if found is None:
            found = self.cache[cell] = self._from_text(cell)
        return found

    def _from_text(self, cell: str) -> Node:
        first = cell[0]
        if first == "<":
            return self.iri(unescape(cell[1:-1]))
        if first == '"':
            end = cell.rindex('"')  # a language tag or a datatype IRI holds no quote
            lexical, rest = unescape(cell[1:end]), cell[end + 1:]
            if rest.startswith("@"):
                return self.literal(lexical, rest[1:], None)
            return self.literal(lexical, None, unescape(rest[3:-1]) if rest.startswith("^^<") else None)
        if cell.startswith("_:"):
            return BNode(cell[2:])
        if cell in ("true", "false"):
            return Literal(cell, datatype=XSD.boolean)
        if _INTEGER.fullmatch(cell):
            return Literal(cell, datatype=XSD.integer)
        if _DECIMAL.fullmatch(cell):
            return Literal(cell, datatype=XSD.decimal)
        return Literal(cell, datatype=XSD.double)

    def json(self, value: Mapping[str, str]) -> Node:
        """A term in the SPARQL 1.1 JSON results form."""
        kind, text = value["type"], value["value"]
        if kind == "uri":
            return self.iri(text)
        if kind == "bnode":
            return BNode(text)
        return self.literal(text, value.get("xml:lang"), value.get("datatype"))

    def stored(self, node: Node) -> Node:
        """``node`` as the store holds it: an IRI under the default base moved to the store's base."""
        if isinstance(node, URIRef) and self.base != BASE and node.startswith(BASE):
            return URIRef(self.base + node[len(BASE):])
        return node

    def public(self, node: Node) -> str:
        """``node`` in N-Triples as the store spells it (under the store's base), as its TSV cells hold it."""
        if isinstance(node, (URIRef, Literal)):
            return nt(self.stored(node))
        raise TypeError(f"cannot spell {node!r}")

    def spell(self, node: Node) -> str:
        """``node`` in SPARQL as the store holds it, for a VALUES block (``sparql.with_values``)."""
        return sparql_term(self.stored(node))

    def read_tsv(self, body: bytes | str) -> Iterator[dict[str, Node]]:
        """The rows of SPARQL TSV results (tabs and newlines inside terms are escaped there)."""
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        lines = text.split("\n")
        variables = [v[1:] for v in lines[0].split("\t")] if lines and lines[0] else []
        term = self.text
        for line in lines[1:]:
            if line:
                yield {variable: term(cell) for variable, cell in zip(variables, line.split("\t")) if cell}

    def read_json(self, body: bytes | str) -> Iterator[dict[str, Node]]:
        """The rows of SPARQL JSON results."""
        for binding in json.loads(body)["results"]["bindings"]:
            yield {name: self.json(value) for name, value in binding.items()}


def store_base(graph_names: Iterable[str]) -> str:
    """The base IRI a store was built with, read from the name of its ontology graph."""
    for name in graph_names:
        if name.endswith("graph/ontology"):
            return name[: -len("graph/ontology")]
    return BASE


def oxigraph_select(store) -> tuple[Select, TermReader]:
    """A ``Select`` over a pyoxigraph ``Store`` and the term reader it converts with.

    Answers are read as SPARQL TSV that Oxigraph writes: three times faster than taking the
    solutions term by term as pyoxigraph objects. Bindings become VALUES blocks
    (``sparql.with_values``): pyoxigraph's substitutions bind only variables of the SELECT list.
    """
    import pyoxigraph as ox

    names = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    reader = TermReader(store_base(names))

    def select(text: str, bindings: Mapping[str, object]) -> Iterator[dict[str, Node]]:
        answer = store.query(with_values(text, bindings, spell=reader.spell))
        return reader.read_tsv(answer.serialize(format=ox.QueryResultsFormat.TSV))

    return select, reader


# ---------------------------------------------------------------- the model


def _graph_of(select: Select, name: URIRef) -> Graph:
    graph = Graph()
    for row in select(GRAPH_TRIPLES, {"g": name}):
        graph.add((row["s"], row["p"], row["o"]))
    return graph


def fact_rows(context: "StoreContext", query: str, bindings: Mapping[str, object],
               evidence: Mapping[tuple, list[Evidence]]) -> Iterator[FactRow]:
    seen: set[tuple] = set()
    roles, citations = context.roles, context.citations
    for row in context.select(query, bindings):
        graph = row["g"]
        role = roles.get(graph)
        triple = (row["s"], row["p"], row["o"])
        if not is_fact(role, triple[0]) or (graph, triple) in seen:
            continue
        seen.add((graph, triple))
        yield (triple, role, tuple(evidence.get((graph, triple), ())),
               citations.get(triple[0], ()) + context.judgements.get(triple, ()) if role == "background" else ())


class StoreContext:
    """What every model read from one store shares: graph roles, the ontology, the sources' metadata,
    the located quotes (read once: about one per ten triples of a source graph) and the citations."""

    def __init__(self, select: Select, reader: TermReader):
        self.select = select
        self.reader = reader
        self.base = reader.base
        names = [row["g"] for row in select(GRAPH_NAMES, {})]
        self.roles: dict[Node, str | None] = {name: graph_role(name) for name in names}
        self.ontology = Graph()
        self.metadata = Graph()
        for name, role in sorted(self.roles.items(), key=lambda item: str(item[0])):
            if role == "vocabulary":
                self.ontology += _graph_of(select, name)
            elif role == "sources":
                self.metadata += _graph_of(select, name)
        self._citations: dict[Node, tuple[str, ...]] | None = None
        self._judgements: dict[tuple, tuple[str, ...]] | None = None
        self._spans: dict[tuple[Node, Node], Evidence] | None = None
        self._claims: dict[tuple[Node, Node], Claim] | None = None

    def graph(self, role: str) -> list[Node]:
        return sorted((name for name, r in self.roles.items() if r == role), key=str)

    @property
    def citations(self) -> dict[Node, tuple[str, ...]]:
        """The ``dcterms:source`` of every subject of the background graph."""
        if self._citations is None:
            found: dict[Node, set[str]] = defaultdict(set)
            for row in self.select(CITATIONS, {}):
                if self.roles.get(row["g"]) == "background":
                    found[row["s"]].add(str(row["c"]))
            self._citations = {s: tuple(sorted(c)) for s, c in found.items()}
        return self._citations

    @property
    def judgements(self) -> dict[tuple[Node, Node, Node], tuple[str, ...]]:
        """The names of the curator's judgements on each judged fact of the background."""
        if self._judgements is None:
            found: dict[tuple, set[str]] = defaultdict(set)
            for row in self.select(JUDGEMENTS, {}):
                if self.roles.get(row["g"]) == "background":
                    found[(row["s"], row["p"], row["o"])].add(str(row["c"]))
            self._judgements = {t: tuple(sorted(c)) for t, c in found.items()}
        return self._judgements

    @property
    def spans(self) -> dict[tuple[Node, Node], Evidence]:
        """The located quote of every annotation target of the source graphs, by (graph, target)."""
        if self._spans is None:
            self._spans = {}
            for row in self.select(SPANS, {}):
                if self.roles.get(row["g"]) != "source":
                    continue
                source = row.get("source")
                self._spans[(row["g"], row["target"])] = Evidence(
                    str(source).rsplit("/", 1)[-1] if source is not None else "",
                    int(row["start"]), int(row["end"]), str(row.get("exact", "")),
                    str(row.get("prefix", "")), str(row.get("suffix", "")))
        return self._spans

    def evidence(self, statements: str, bindings: Mapping[str, object]) -> dict[tuple, list[Evidence]]:
        """For each (graph, triple) that ``statements`` finds reified in a source graph: its quotes, sorted."""
        spans, claims = self.spans, self.claims
        found: dict[tuple, set[Evidence]] = defaultdict(set)
        for row in self.select(statements, bindings):
            span = spans.get((row["g"], row["target"]))
            if span is not None:
                claim = claims.get((row["g"], row["annotation"]))
                found[(row["g"], (row["s"], row["p"], row["o"]))].add(replace(span, claim=claim) if claim else span)
        return {key: sorted(located, key=lambda e: (e.source_id, e.start, e.end)) for key, located in found.items()}

    @property
    def claims(self) -> dict[tuple[Node, Node], Claim]:
        """The claim of every annotation of the source graphs, by (graph, annotation): one object per
        (status, voice), named in zh and en."""
        if self._claims is None:
            names: dict[Node, dict[str, str]] = defaultdict(dict)
            for row in self.select(CLAIM_NAMES, {}):
                label = row["label"]
                names[row["x"]].setdefault((getattr(label, "language", None) or "zh").split("-")[0], str(label))
            shared: dict[tuple[Node, Node], Claim] = {}
            self._claims = {}
            for row in self.select(CLAIMS, {}):
                status, voice = row["claim"], row["voice"]
                if (status, voice) not in shared:
                    voiced = (voice, RDF.type, CG.SourceDocument) not in self.metadata
                    shared[(status, voice)] = Claim(
                        str(status).rsplit("/", 1)[-1], (names[status].get("zh", ""), names[status].get("en", "")),
                        (names[voice].get("zh", ""), names[voice].get("en", "")) if voiced else ("", ""))
                self._claims[(row["g"], row["annotation"])] = shared[(status, voice)]
        return self._claims

    def assemble(self, rows: Iterable[FactRow], sources: Sequence, **entities) -> KnowledgeModel:
        return assemble_model(self.base, rows, ontology=self.ontology, metadata=self.metadata, sources=sources,
                              **entities)


def model_around(context: StoreContext, iris: Sequence[URIRef], *, about: Sequence[URIRef] = (),
                 near: Sequence[URIRef] | None = None, sources: Sequence = (),
                 known: Mapping[URIRef, Entity] | None = None) -> KnowledgeModel:
    """The facts about and to ``iris`` with their evidence, and what the pages of ``iris`` show around them.

    Enough for the entity pages of ``iris`` (their statements, what links to them, their
    neighbourhood graph). For the entities of ``about`` (drawn on a graph page without a page of
    their own) their links to other entities and their names are read; for ``near`` (one fact
    away from ``iris``) their names and classes, with their quotes. Without ``known`` (the
    entities described elsewhere: the views' catalogue), ``near`` defaults to every entity one
    fact away from ``iris``; with it, only the classes of ``near`` are read (their first quote).
    """
    from .viewmodel import split_entity_iri

    rows: list[FactRow] = []

    def read(query: str, statements: str, variable: str, entities: Sequence[URIRef]) -> None:
        for chunk in _chunks(list(entities)):
            evidence = context.evidence(statements, {variable: chunk})
            rows.extend(fact_rows(context, query, {variable: chunk}, evidence))

    read(TRIPLES, STATEMENTS, "s", iris)
    read(TRIPLES, STATEMENTS, "o", iris)
    read(LINKED, LINKED_STATEMENTS, "s", about)
    if near is None:
        inside = set(iris) | set(about)
        near = sorted({node for (triple, _, _, _) in rows for node in (triple[0], triple[2])
                       if isinstance(node, URIRef) and node not in inside and split_entity_iri(node)}, key=str)
    if known is None:
        read(NAMED, NAMED_STATEMENTS, "s", near)
        return context.assemble(rows, sources, described=[*iris, *about, *near])
    read(TYPED, TYPED_STATEMENTS, "s", near)
    return context.assemble(rows, sources, known=known, described=iris)


def _chunks(items: list, size: int = 2000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
