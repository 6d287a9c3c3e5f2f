"""Reading SPARQL text before any engine runs it.

``inspect`` parses a query with rdflib's SPARQL parser and says what it is: its form (SELECT, ASK,
CONSTRUCT, DESCRIBE), the ``SERVICE`` endpoints it would call and the graphs its ``FROM`` /
``FROM NAMED`` clauses name. A syntax error becomes a ``QuerySyntaxError`` with the parser's message,
line and column; an update (``INSERT``, ``DELETE``, ``DROP`` …) a ``QueryRefused`` marked as a
write, and a ``LOAD`` a ``QueryRefused`` for reaching outside (the endpoint answers 403 and 400).
``check_local`` refuses what would leave the built graph: ``SERVICE`` (Oxigraph and rdflib both
call it over HTTP) and ``FROM`` of a graph the store does not hold (rdflib would fetch it).

The check parses with rdflib, but Oxigraph runs the query: where the two parsers would read one text
differently, a ``SERVICE`` could hide from the check (in a comment for rdflib, in code for Oxigraph).
``inspect`` therefore refuses the two constructs on which they disagree (codepoint escapes such as
``\u0022``, which rdflib expands everywhere before parsing and Oxigraph only inside strings and IRIs,
and a carriage return without a line feed, which ends a ``#`` comment for Oxigraph only), and
``check_local`` also looks for the keyword ``SERVICE`` in the text as Oxigraph tokenises it.

``with_values`` binds parameters for engines that only take text (a remote endpoint, the query
page): it puts a ``VALUES`` block made of RDF terms (``Node.n3()``, which escapes every quote and
brace) at the start of the query's WHERE group. Nothing else is ever pasted into a query.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Mapping

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from ..errors import UsageError

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class QuerySyntaxError(UsageError):
    """A query the parser rejects; carries the parser's message, line and column (1-based)."""

    title = "bad SPARQL"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{where}{message}")

    def __reduce__(self):  # keep line and column when sent between processes
        return (_rebuild_syntax_error, (self.message, self.line, self.column))


class QueryRefused(UsageError):
    """A well-formed request that a read-only, offline store does not run (update, SERVICE, remote FROM)."""

    title = "refused"

    def __init__(self, message: str, *, update: bool = False):
        self.update = update
        super().__init__(message)

    def __reduce__(self):
        return (_rebuild_refused, (str(self), self.update))


def _rebuild_syntax_error(message: str, line: int | None, column: int | None) -> QuerySyntaxError:
    return QuerySyntaxError(message, line=line, column=column)


def _rebuild_refused(message: str, update: bool) -> QueryRefused:
    return QueryRefused(message, update=update)


@dataclass(frozen=True)
class QueryShape:
    """What a parsed query is and what it would reach outside the default graph."""

    form: str
    services: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def syntax_error(exc: Exception) -> QuerySyntaxError:
    """A parser's exception (rdflib's pyparsing or Oxigraph's) as a QuerySyntaxError with line and column."""
    message = " ".join(str(getattr(exc, "msg", None) or exc).split())
    line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
    found = re.search(r"error at (\d+):(\d+)", str(exc))  # Oxigraph's form
    if line is None and found:
        line, column = int(found.group(1)), int(found.group(2))
        message = str(exc)[found.end():].lstrip(": ") or str(exc)
    text = getattr(exc, "line", None)
    if isinstance(text, str) and text.strip() and column:
        message += f"\n    {text}\n    {' ' * (column - 1)}^"
    return QuerySyntaxError(message, line=line, column=column)


def _walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


# rdflib's SPARQL parser (pyparsing) is not thread-safe: parses running at once in the endpoint's
# threads failed at random ("postParse2() missing 1 required positional argument"; rdflib issue #1282)
_PARSER_LOCK = threading.RLock()
_CODEPOINT_ESCAPE = re.compile(r"\\u[0-9a-f]{4}", re.IGNORECASE)  # what rdflib's parser expands first
_LONE_CR = re.compile(r"\r(?!\n)")
_SERVICE_KEYWORD = re.compile(r"(?i)(?<![\w:?$.-])SERVICE(?![\w:-])")


def refuse_ambiguous(text: str) -> None:
    """Refuse text that rdflib (which checks a query) and Oxigraph (which runs it) would read differently."""
    if _CODEPOINT_ESCAPE.search(text):
        raise QueryRefused("codepoint escapes such as \\u0022 are not accepted: write the character itself "
                           "(rdflib expands them before parsing, Oxigraph only inside strings and IRIs)")
    if _LONE_CR.search(text):
        raise QueryRefused("a carriage return without a line feed is not accepted: use \\n or \\r\\n line ends "
                           "(it ends a # comment for Oxigraph but not for rdflib)")


@lru_cache(maxsize=512)
def inspect(text: str) -> QueryShape:
    """The form of a read query and what it names outside the store; raises on bad syntax or updates.

    Parsing takes rdflib ~0.1 s, so answers are cached by text (a failed parse is not cached).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    refuse_ambiguous(text)
    with _PARSER_LOCK:
        try:
            parsed = parseQuery(text)
        except Exception as query_error:
            try:
                update = parseUpdate(text)
            except Exception:
                raise syntax_error(query_error) from None
            refuse_update(update)
            raise AssertionError("unreachable")  # refuse_update always raises
        try:
            algebra = translateQuery(parsed).algebra
        except Exception as exc:  # rdflib raises plain Exceptions for semantic errors (ungrouped variables…)
            raise QuerySyntaxError(" ".join(str(exc).split())) from None
    services: list[str] = []
    for node in _walk(algebra):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")
            services.append(term.n3() if isinstance(term, Variable) else str(term))
    clauses = algebra.get("datasetClause") or []
    defaults = tuple(str(c["default"]) for c in clauses if "default" in c)
    named = tuple(str(c["named"]) for c in clauses if "named" in c)
    return QueryShape(FORMS.get(algebra.name, algebra.name), tuple(services), defaults, named)


def refuse_update(update: object) -> None:
    """Refuse a SPARQL update (text or parsed): a ``LOAD`` as reaching outside, anything else as a write."""
    if isinstance(update, str):
        from rdflib.plugins.sparql.parser import parseUpdate

        try:
            with _PARSER_LOCK:
                update = parseUpdate(update)
        except Exception:
            raise QueryRefused("this store is read-only: SPARQL updates are refused", update=True) from None
    loads = [str(n.get("iri")) for n in _walk(update) if getattr(n, "name", None) == "Load"]
    if loads:
        raise QueryRefused(f"LOAD is not allowed here (the update would fetch {', '.join(loads)})")
    raise QueryRefused("this store is read-only: SPARQL updates are refused", update=True)


def check_local(text: str, *, graphs: Iterable[str]) -> QueryShape:
    """``inspect``, then refuse a query that would reach beyond the store's own ``graphs``."""
    shape = inspect(text)
    if shape.services:
        raise QueryRefused(f"SERVICE is not allowed here (the query would call {', '.join(shape.services)})")
    if any(_SERVICE_KEYWORD.search(match.group()) for match in _code(text)):  # a second look, as Oxigraph reads it
        raise QueryRefused("SERVICE is not allowed here")
    known = set(graphs)
    outside = [g for g in shape.default_graphs + shape.named_graphs if g not in known]
    if outside:
        raise QueryRefused(f"FROM / FROM NAMED may only name graphs of this store; not {', '.join(outside)}")
    return shape


_TOKEN = re.compile(
    r'(?P<comment>#[^\r\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<brace>\{)'
    r'|(?P<other>[^#"\'<{]+|<)',
    re.DOTALL,
)


def _code(text: str) -> Iterator[re.Match]:
    """The tokens of ``text`` outside comments, strings and IRIs (what keywords and braces can be)."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup in ("brace", "other"):
            yield match


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, strings and IRIs.

    A cheap look without parsing (rdflib's parser takes ~0.1 s); ``inspect`` is the full check.
    """
    for match in _code(text):
        found = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", match.group())
        if found:
            return found.group(1).upper()
    raise QuerySyntaxError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")


def where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the WHERE group of a SELECT, ASK or DESCRIBE query."""
    for match in _code(text):
        if match.lastgroup == "brace":
            return match.start()
    raise QuerySyntaxError("no WHERE group found")


def declare_prefixes(text: str, prefixes: Mapping[str, str]) -> str:
    """``text`` with ``PREFIX`` declarations for the ``prefixes`` it uses but does not declare.

    They go in front of the first line, so that line numbers in error messages stay right.
    """
    declared: set[str] = set()
    used: set[str] = set()
    for match in _code(text):
        chunk = match.group()
        declared.update(re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", chunk))
        used.update(re.findall(r"(?<![\w?$:.-])([A-Za-z][\w-]*):(?!//)", chunk))
    missing = sorted(p for p in used - declared if p in prefixes)
    return "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in missing) + text


def values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` written from RDF terms (their N-Triples/Turtle form)."""
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UsageError(f"not a variable name: {name!r}")
        if not isinstance(term, (URIRef, Literal)) or isinstance(term, BNode):
            raise UsageError(f"parameter {name} must be an IRI or a literal")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def with_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with ``bindings`` as a VALUES block at the start of its WHERE group (SELECT, ASK, DESCRIBE).

    Only the block is added, made of RDF terms; whoever runs the result parses it (``inspect`` or the
    engine's own parser), so a block that broke the query could not go unnoticed.
    """
    if not bindings:
        return text
    if query_form(text) == "CONSTRUCT":
        raise UsageError("parameters can be bound in SELECT, ASK and DESCRIBE queries, not CONSTRUCT")
    at = where_brace(text) + 1
    return f"{text[:at]}\n  {values_block(bindings)}\n{text[at:]}"
