"""Reading the project's RDF files with Oxigraph's parsers: a fault is named by file, line and block.

rdflib's Turtle parser reports a syntax error about two lines after the fault and shows the context
as escaped UTF-8 bytes (DESIGN §8). Oxigraph's parsers give the exact line and column and read
Chinese as Chinese, and they refuse a language tag that is not well-formed BCP 47. ``read_quads``
parses a Turtle, TriG, N-Triples or N-Quads file with them; a syntax error becomes a ``DataError``
that starts with ``path:line:column:`` and shows the line itself with a caret under the fault.

Every literal is then checked against its datatype (``literals.ill_typed``): an ill-typed one
(``"abc"^^xsd:integer``, ``"2019-13-45"^^xsd:date``) stops the reading with its file, line, block
(the subject it is said of, and the named graph in TriG) and value, and what the datatype expects,
before any term becomes an rdflib term (rdflib would log a traceback for it and the reasoner fail
later without saying where). Parsing never reaches the network: ``owl:imports`` is not followed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph

from ..errors import DataError
from .literals import ill_typed, quiet_conversions
from .namespaces import curie
from .terms import RdflibTerms

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
           ".nq": ox.RdfFormat.N_QUADS}
_LOCATION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


@dataclass
class ParsedFile:
    """The quads of one RDF file as Oxigraph parsed them, and the prefixes the file declares."""

    path: Path
    quads: list[ox.Quad]
    prefixes: dict[str, str]

    def graph(self) -> Graph:
        """The triples as an rdflib Graph with the file's prefixes bound (graph names dropped)."""
        graph = Graph()
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        term = RdflibTerms()
        with quiet_conversions():
            for quad in self.quads:
                graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
        return graph


def shown_line(path: Path, line: int, column: int | None = None, *, text: str | None = None) -> str:
    """Line ``line`` of ``path`` (or of its decoded ``text``) numbered, with a caret under ``column`` (1-based)."""
    try:
        lines = (text if text is not None else path.read_text(encoding="utf-8", errors="replace")).split("\n")
    except OSError:
        return ""
    if not 1 <= line <= len(lines):
        return ""
    shown_text = lines[line - 1].rstrip("\r").expandtabs(1)
    gutter = f"    {line} | "
    shown = f"\n{gutter}{shown_text}"
    if column:
        width = sum(2 if _wide(ch) else 1 for ch in shown_text[:column - 1])  # CJK takes two cells in a terminal
        shown += f"\n{' ' * (len(gutter) - 2)}| {' ' * width}^"
    return shown


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def read_quads(path: Path) -> ParsedFile:
    """The quads of an RDF file (by its extension), every literal checked; a DataError naming file and line."""
    path = Path(path)
    try:
        form = FORMATS[path.suffix]
    except KeyError:
        raise DataError(f"{path}: unknown RDF file type {path.suffix!r} (expected one of {sorted(FORMATS)})") from None
    try:
        parser = ox.parse(path=str(path), format=form, base_iri=path.resolve().as_uri())
        quads = list(parser)
    except SyntaxError as exc:
        detail = _LOCATION.sub("", " ".join(str(exc.msg or exc).split()))
        line, column = exc.lineno or 0, exc.offset
        where = f"{path}:{line}:{column}" if column else f"{path}:{line}"
        raise DataError(f"{where}: syntax error / 语法错误: {detail}{shown_line(path, line, column)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read / 无法读取: {exc}") from None
    parsed = ParsedFile(path, quads, dict(parser.prefixes))
    check_literals(parsed)
    return parsed


def parse_rdf_file(path: Path) -> Graph:
    """An rdflib Graph with the triples of a Turtle or N-Triples file (``read_quads``)."""
    return read_quads(path).graph()


def check_literals(parsed: ParsedFile) -> None:
    """A DataError for the first ill-typed literal of ``parsed`` (in file order), with its line and block."""
    typed = [q for q in parsed.quads if isinstance(q.object, ox.Literal) and not q.object.language]
    bad = ill_typed((q.object.value, q.object.datatype.value) for q in typed)
    if not bad:
        return
    text = parsed.path.read_text(encoding="utf-8").split("\n")
    found = []
    for quad in typed:
        expects = bad.get((quad.object.value, quad.object.datatype.value))
        if expects:
            found.append((literal_line(text, quad.object, parsed.prefixes), quad, expects))
    line, quad, (english, chinese) = min(found, key=lambda item: item[0] or len(text) + 1)
    value = f'"{quad.object.value}"^^{compact(quad.object.datatype, parsed.prefixes)}'
    block = compact(quad.subject, parsed.prefixes)
    holder = quad.subject
    if isinstance(quad.graph_name, ox.NamedNode):  # TriG: the evidence block (named graph) holds the fact
        holder = quad.graph_name
        block = f"{compact(holder, parsed.prefixes)} {{ {block} … }}"
    block_line = subject_line(text, [compact(holder, parsed.prefixes), f"<{getattr(holder, 'value', '')}>"], before=line)
    at = f" (line {block_line})" if block_line else ""
    column = text[line - 1].find(quad.object.value) if line else -1
    raise DataError(
        f"{parsed.path}:{line or '?'}: ill-typed literal / 字面量与其数据类型不符: {value} in block {block}{at}, "
        f"predicate {compact(quad.predicate, parsed.prefixes)}: {compact(quad.object.datatype, parsed.prefixes)} "
        f"expects {english} / 应为{chinese}"
        + (f"; {len(found) - 1} more ill-typed literal(s) in this file" if len(found) > 1 else "")
        + (shown_line(parsed.path, line, column) if line else "")
    )


def compact(term, prefixes: dict[str, str]) -> str:
    """A term as the curator would write it with the file's prefixes (``place:lunjiao``)."""
    if isinstance(term, ox.NamedNode):
        return curie(term.value, prefixes) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return "[ … ]"
    return str(term)


def literal_line(lines: list[str], literal: ox.Literal, prefixes: dict[str, str]) -> int:
    """The line (1-based) where ``literal`` is written: its quoted lexical form, the line that also
    names its datatype first; 0 if it cannot be found (a lexical form written with escapes)."""
    quoted = re.compile("([\"'])" + re.escape(literal.value) + r"\1\s*\^\^")
    datatype = literal.datatype.value
    names = [f"<{datatype}>"] + [f"{p}:{datatype[len(ns):]}" for p, ns in prefixes.items() if datatype.startswith(ns)]
    candidates = [number for number, line in enumerate(lines, start=1) if quoted.search(line)]
    for number in candidates:
        if any(name in lines[number - 1] for name in names):
            return number
    return candidates[0] if candidates else 0


def subject_line(lines: list[str], spellings: Iterable[str], *, before: int) -> int:
    """The last line up to ``before`` that starts a statement about the subject spelled one of ``spellings``."""
    starts = tuple(spellings)
    for number in range(min(before, len(lines)), 0, -1):
        if lines[number - 1].lstrip().startswith(starts):
            return number
    return 0
