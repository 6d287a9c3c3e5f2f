"""Query results in one shape, whatever engine produced them, and every way of writing them.

A ``QueryResult`` holds rdflib terms: rows of a SELECT, the answer of an ASK, the graph of a
CONSTRUCT or DESCRIBE. Engines disagree on small things (Oxigraph types plain strings as
``xsd:string``, rdflib leaves them untyped); ``normal`` removes the difference, so results of the
same query on rdflib and on Oxigraph compare equal. Writers: SPARQL 1.1 results JSON, XML, CSV and
TSV, Markdown, a rich table; Turtle, N-Triples, JSON-LD and RDF/XML for graphs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import UsageError
from ..rdf.namespaces import PREFIXES, XSD, bind_prefixes, curie

GRAPH_FORMATS = ("turtle", "nt", "jsonld", "rdfxml")
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "md": "text/markdown",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "pretty-xml"}


@dataclass
class QueryResult:
    """The answer of one query: ``rows`` for SELECT, ``boolean`` for ASK, ``graph`` for CONSTRUCT/DESCRIBE."""

    form: str
    variables: tuple[str, ...] = ()
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def size(self) -> int:
        """Rows of a SELECT, triples of a graph, 1 for an ASK."""
        if self.is_graph:
            return len(self.graph) if self.graph is not None else 0
        return 1 if self.form == "ASK" else len(self.rows)

    def capped(self, max_rows: int | None) -> "QueryResult":
        """This result with at most ``max_rows`` rows or triples (``truncated`` says if any were cut)."""
        if max_rows is None or self.size <= max_rows or self.form == "ASK":
            return self
        if self.is_graph:
            graph = Graph()
            for triple in sorted(self.graph)[:max_rows]:
                graph.add(triple)
            return QueryResult(self.form, graph=graph, truncated=True)
        return QueryResult(self.form, self.variables, self.rows[:max_rows], truncated=True)


INTEGER_TYPES = frozenset({
    XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.long,
    XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
})


def normal(term: Node | None) -> Node | None:
    """The same term as every engine reports it.

    ``"x"^^xsd:string`` is ``"x"`` (RDF 1.1; Oxigraph types plain strings, rdflib does not), and
    integers of a derived type (``xsd:nonNegativeInteger`` offsets…) are ``xsd:integer``, the type
    Oxigraph stores them as.
    """
    if isinstance(term, Literal):
        if term.datatype == XSD.string:
            return Literal(str(term))
        if term.datatype in INTEGER_TYPES:
            return Literal(str(term), datatype=XSD.integer)
    return term


def compact(term: Node | None) -> str:
    """A short display form: a literal's text, an IRI as ``prefix:local`` where a project prefix fits."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return curie(term) or str(term)


def _json_term(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out: dict = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, ensure_ascii=False)
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ASK":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        out.append("<result>")
        for name, term in zip(result.variables, row):
            if term is None:
                continue
            if isinstance(term, URIRef):
                value = f"<uri>{escape(str(term))}</uri>"
            elif isinstance(term, BNode):
                value = f"<bnode>{escape(str(term))}</bnode>"
            elif term.language:
                value = f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
            elif term.datatype is not None and term.datatype != XSD.string:
                value = f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
            else:
                value = f"<literal>{escape(str(term))}</literal>"
            out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (lexical forms, CRLF line ends); an ASK gives one cell."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    if result.form == "ASK":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
    else:
        writer.writerow(result.variables)
        writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return stream.getvalue()


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.boolean):
        return str(term)
    return term.n3()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV (terms in Turtle form)."""
    if result.form == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(result: QueryResult) -> str:
    """A Markdown table with display forms (labels as they are, IRIs as prefixed names)."""
    if result.form == "ASK":
        return "true\n" if result.boolean else "false\n"
    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(_md_cell(compact(t)) for t in row) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult, *, title: str | None = None):
    """A rich Table for the terminal."""
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for name in result.variables:
        table.add_column(name, overflow="fold")
    for row in result.rows:
        table.add_row(*(compact(t) for t in row))
    return table


def graph_text(graph: Graph, fmt: str) -> str:
    """A result graph as Turtle, N-Triples (sorted lines), JSON-LD (inline context, nothing fetched) or RDF/XML."""
    graph = bind_prefixes(graph)
    if fmt == "nt":
        lines = sorted(set(graph.serialize(format="nt").splitlines()) - {""})
        return "\n".join(lines) + ("\n" if lines else "")
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=dict(sorted(PREFIXES.items())), auto_compact=True, indent=1)
    return graph.serialize(format=RDFLIB_FORMATS[fmt])


def render(result: QueryResult, fmt: str) -> str:
    """``result`` written in ``fmt`` (json, xml, csv, tsv, md, or one of GRAPH_FORMATS)."""
    if result.is_graph:
        if fmt not in GRAPH_FORMATS:
            fmt = "turtle"
        return graph_text(result.graph if result.graph is not None else Graph(), fmt)
    writers = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv, "md": to_markdown}
    if fmt not in writers:
        raise UsageError(f"a {result.form} result cannot be written as {fmt}; use one of {', '.join(writers)}")
    return writers[fmt](result)


def from_terms(form: str, variables: Sequence[str], rows: Iterable[Sequence[Node | None]], *,
               limit: int | None = None) -> QueryResult:
    """A SELECT result from rows of terms, normalised, cut at ``limit`` rows (``truncated`` says so)."""
    out: list[tuple[Node | None, ...]] = []
    truncated = False
    for row in rows:
        if limit is not None and len(out) >= limit:
            truncated = True
            break
        out.append(tuple(normal(t) for t in row))
    return QueryResult(form, tuple(variables), out, truncated=truncated)
