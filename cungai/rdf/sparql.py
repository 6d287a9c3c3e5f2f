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

``with_values`` binds parameters for engines that only take text (Oxigraph, a remote endpoint, the
query page): it puts ``VALUES`` blocks at the start of the query's WHERE group (the first ``{`` of the
code outside parentheses, comments, strings and IRIs), made of RDF terms written by ``sparql_term``,
the one serialiser of terms to SPARQL text. It escapes per the SPARQL grammar (ECHAR for quote,
backslash, tab, new line, carriage return, backspace and form feed; ``\\U000000XX`` for the other
control characters), not with rdflib's ``n3()``, which writes newline + backslash + quote as a long
string that no parser accepts. Nothing else is ever pasted into a query.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from rdflib import Literal, URIRef, Variable
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
#: a codepoint escape as rdflib's parser finds it (``\\u`` or ``\\U``, four or eight digits, anywhere),
#: with the backslashes in front of it
_CODEPOINT_ESCAPE = re.compile(r"(\\+)([uU])([0-9a-fA-F]{4}(?:[0-9a-fA-F]{4})?)")
_LONE_CR = re.compile(r"\r(?!\n)")
_SERVICE_KEYWORD = re.compile(r"(?i)(?<![\w:?$.-])SERVICE(?![\w:-])")


def _same_for_both(escape: re.Match) -> bool:
    """A codepoint escape that both parsers read as the same control character, which can only be string content.

    ``sparql_term`` writes the control characters that have no short escape as ``\\U000000XX``: an odd
    run of backslashes (the last one starts the escape), eight digits (rdflib takes eight when it can).
    A control character other than tab, new line and carriage return is whitespace for neither parser,
    so it cannot move a token boundary.
    """
    backslashes, letter, digits = escape.groups()
    code = int(digits, 16)
    return (len(backslashes) % 2 == 1 and letter == "U" and len(digits) == 8
            and (code < 0x20 or code == 0x7F) and code not in (0x09, 0x0A, 0x0D))


def refuse_ambiguous(text: str) -> None:
    """Refuse text that rdflib (which checks a query) and Oxigraph (which runs it) would read differently."""
    try:
        refuse_surrogates(text, what=("the query", "查询"))
    except UsageError as exc:  # a refusal, as the endpoint answers it (400)
        raise QueryRefused(str(exc)) from None
    if not all(_same_for_both(escape) for escape in _CODEPOINT_ESCAPE.finditer(text)):
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
    r'|(?P<paren>[()])'
    r'|(?P<other>[^#"\'<{()]+|<)',
    re.DOTALL,
)


def _code(text: str) -> Iterator[re.Match]:
    """The tokens of ``text`` outside comments, strings and IRIs (what keywords and braces can be)."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup in ("brace", "paren", "other"):
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


def _where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the WHERE group of a SELECT, ASK or DESCRIBE query.

    The first ``{`` of the code outside parentheses: ``SELECT (EXISTS { … } AS ?e)`` holds one before it.
    """
    depth = 0
    for match in _code(text):
        if match.lastgroup == "paren":
            depth += 1 if match.group() == "(" else -1
        elif match.lastgroup == "brace" and depth <= 0:
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


_ECHAR = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", '"': '\\"', "\\": "\\\\"}
_STRING_ESCAPES = {code: _ECHAR.get(chr(code), f"\\U{code:08X}") for code in [*range(0x20), 0x22, 0x5C, 0x7F]}
_IRIREF = re.compile(r'[^\x00-\x20<>"{}|^`\\]*')  # SPARQL's IRIREF, between < and >
_LANGTAG = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def refuse_surrogates(text: str, *, what: tuple[str, str] = ("the value", "该值")) -> None:
    """A UsageError for text holding a lone surrogate (an undecodable byte of the command line, say).

    ``what`` names the text in English and in Chinese.
    """
    found = _SURROGATE.search(text)
    if found:
        code, at = f"U+{ord(found.group()):04X}", found.start() + 1
        raise UsageError(f"{what[0]} is not valid Unicode text (a lone surrogate {code} at character {at}; "
                         f"was it written in UTF-8?) / {what[1]}不是有效的 Unicode 文本（第 {at} 个字符是孤立的代理码位 "
                         f"{code}；请用 UTF-8 书写）")


def sparql_term(term: Node) -> str:
    """``term`` (an IRI or a literal) in SPARQL syntax, valid wherever a term can stand; a UsageError if it cannot be.

    Strings escape per the SPARQL grammar (see the module doc); a plain or ``xsd:string`` literal is
    written without a datatype, a language-tagged one with its tag, any other with ``^^<datatype>``.
    """
    if isinstance(term, URIRef):
        return _iri(str(term))
    if not isinstance(term, Literal):
        raise UsageError(f"only an IRI or a literal can be bound, not {term!r}")
    refuse_surrogates(str(term))
    text = '"' + str(term).translate(_STRING_ESCAPES) + '"'
    if term.language:
        if not _LANGTAG.fullmatch(term.language):
            raise UsageError(f"not a language tag: {term.language!r} / 不是语言标签")
        return f"{text}@{term.language}"
    if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        return f"{text}^^{_iri(str(term.datatype))}"
    return text


def _iri(text: str) -> str:
    refuse_surrogates(text, what=("the IRI", "IRI "))
    if not _IRIREF.fullmatch(text):
        raise UsageError(f"not an IRI a query can hold (spaces, quotes, <>{{}}|^` or backslashes): {text!r} / "
                         "IRI 中不能有空格、引号或 <>{}|^`\\ 等字符")
    return f"<{text}>"


#: What a variable is bound to: one term, or a list of terms (a VALUES block with one row each).
Binding = Node | Sequence[Node]


def values_blocks(bindings: Mapping[str, Binding], *, spell: Callable[[Node], str] = sparql_term) -> list[str]:
    """One ``VALUES ?name { t1 t2 … }`` block per binding, its terms written by ``spell``."""
    blocks = []
    for name, value in bindings.items():
        if not _VARIABLE.fullmatch(name):
            raise UsageError(f"not a variable name: {name!r}")
        terms = value if isinstance(value, (list, tuple)) else [value]
        blocks.append(f"VALUES ?{name} {{ {' '.join(spell(term) for term in terms)} }}")
    return blocks


def with_values(text: str, bindings: Mapping[str, Binding], *, spell: Callable[[Node], str] = sparql_term) -> str:
    """``text`` with ``bindings`` as VALUES blocks at the start of its WHERE group (SELECT, ASK, DESCRIBE).

    Only the blocks are added, made of RDF terms (``spell``: ``sparql_term``, or a store's own
    spelling of the same terms); whoever runs the result parses it (``inspect`` or the engine's own
    parser), so a block that broke the query could not go unnoticed. A block at the start of the
    group lets an engine look its values up in its indexes (at the end of the query it would join
    them with every solution of the pattern).
    """
    if not bindings:
        return text
    if query_form(text) == "CONSTRUCT":
        raise UsageError("parameters can be bound in SELECT, ASK and DESCRIBE queries, not CONSTRUCT")
    at = _where_brace(text) + 1
    return text[:at] + "\n  " + "\n  ".join(values_blocks(bindings, spell=spell)) + "\n" + text[at:]
