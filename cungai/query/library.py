"""The query library: the competency questions of ``queries/*.rq``, their parameters, and running them.

Each ``.rq`` file starts with a header of ``#`` lines that this module reads (queries/README.md
documents it)::

    # title@zh: 干部、职务与机构
    # title@en: Officials, their posts and bodies
    # answers@zh: 文中出现哪些干部……
    # answers@en: Which officials appear, which posts they hold …
    # questions: 1
    # param lang (language, default zh): language of the labels, zh or en

A parameter is a variable of the query. Its value is checked against its type and turned into an
RDF term here; rdflib receives it as ``initBindings``, Oxigraph and remote endpoints as a ``VALUES``
block written from that term (``sparql.with_values``). Text given by a user is never pasted into a
query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..config import DEFAULT_ENGINE
from ..errors import DataError, UsageError
from ..rdf.namespaces import PREFIXES, XSD, curie
from ..paths import project_paths
from .results import QueryResult
from ..rdf.sparql import declare_prefixes, inspect, query_form, refuse_surrogates, with_values

HEADER_KEYS = ("title@zh", "title@en", "answers@zh", "answers@en", "questions")
REQUIRED_KEYS = ("title@zh", "title@en", "answers@zh", "answers@en")
_PARAM = re.compile(r"param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+\((?P<type>[a-z]+)(?:,\s*default\s+(?P<default>[^)]*?))?\)\s*:\s*(?P<meaning>.+)")
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\s\x00-\x20]')
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _iri(raw: str) -> Node:
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    if _IRI_FORBIDDEN.search(text) or not _ABSOLUTE_IRI.fullmatch(text):
        raise ValueError("expected an IRI such as park:beihai-gongyequ or https://w3id.org/cungai/id/park/…")
    return URIRef(text)


def _language(raw: str) -> Node:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", raw):
        raise ValueError("expected a language tag such as zh or en")
    return Literal(raw.lower())


def _integer(raw: str) -> Node:
    return Literal(int(raw), datatype=XSD.integer)


def _decimal(raw: str) -> Node:
    # xsd:decimal's own form only: Decimal() also takes NaN, Infinity (no xsd:decimal) and 1E+999999999
    # (written out in full: a gigabyte of digits)
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", raw):
        raise ValueError("expected a decimal number such as 12.5 or -3")
    try:
        return Literal(Decimal(raw), datatype=XSD.decimal)
    except InvalidOperation:
        raise ValueError("expected a decimal number") from None


def _date(raw: str) -> Node:
    return Literal(date.fromisoformat(raw), datatype=XSD.date)


def _year(raw: str) -> Node:
    if not re.fullmatch(r"\d{4}", raw):
        raise ValueError("expected a four-digit year")
    return Literal(raw, datatype=XSD.gYear)


PARAM_TYPES: dict[str, Callable[[str], Node]] = {
    "iri": _iri,
    "string": lambda raw: Literal(raw),
    "language": _language,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "year": _year,
}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a stored query: a variable, its type, default and meaning."""

    name: str
    type: str
    default: str | None
    meaning: str

    def term(self, raw: str) -> Node:
        """The typed RDF term for a value given as text; a UsageError if it does not fit the type."""
        refuse_surrogates(raw, what=(f"parameter {self.name}", f"参数 {self.name} "))
        try:
            return PARAM_TYPES[self.type](raw)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"parameter {self.name} ({self.type}): {raw!r} is not valid: {exc} / "
                             f"参数 {self.name}（{self.type}）的值无效") from None


@dataclass(frozen=True)
class StoredQuery:
    """A query of the library, as read from its ``.rq`` file."""

    name: str
    path: Path
    title_zh: str
    title_en: str
    answers_zh: str
    answers_en: str
    text: str
    form: str = "SELECT"
    questions: tuple[int, ...] = ()
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    def bindings(self, given: Mapping[str, str] | None = None) -> dict[str, Node]:
        """Every parameter with a value (given, else its default) as a typed RDF term."""
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            listed = ", ".join(known) or "none"
            raise UsageError(f"query {self.name} has no parameter {', '.join(unknown)} (its parameters: {listed})")
        out: dict[str, Node] = {}
        for name, param in known.items():
            raw = given.get(name, param.default)
            if raw is not None:
                out[name] = param.term(raw)
        return out

    def bound_text(self, given: Mapping[str, str] | None = None) -> str:
        """The query with its parameters as a VALUES block: runs as it is in any SPARQL tool."""
        return with_values(self.text, self.bindings(given))


def _header(path: Path, text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    fields: dict[str, str] = {}
    params: list[tuple[int, str]] = []
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        body = line[1:]
        if body.startswith("  ") and last is not None and body.strip():  # continuation of the last field
            if last == "param":
                params[-1] = (params[-1][0], params[-1][1] + " " + body.strip())
            else:
                fields[last] += " " + body.strip()
            continue
        body = body.strip()
        if not body:
            last = None
            continue
        if body.startswith("param "):
            params.append((number, body))
            last = "param"
            continue
        key, colon, value = body.partition(":")
        key = key.strip()
        if not colon or key not in HEADER_KEYS:
            raise DataError(f"{path}:{number}: unknown header line {line!r} (keys: {', '.join(HEADER_KEYS)}, param)")
        fields[key] = value.strip()
        last = key
    missing = [k for k in REQUIRED_KEYS if not fields.get(k)]
    if missing:
        raise DataError(f"{path}:1: query header lacks {', '.join(missing)}")
    return fields, params


def load_query(path: Path | str) -> StoredQuery:
    """Read one ``.rq`` file: its header, parameters (defaults checked) and text (parsed once)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    fields, param_lines = _header(path, text)
    params = []
    for number, line in param_lines:
        found = _PARAM.fullmatch(line)
        if not found or found["type"] not in PARAM_TYPES:
            raise DataError(f"{path}:{number}: bad parameter line {line!r}; write "
                            f"`# param NAME (TYPE, default VALUE): meaning` with TYPE one of {', '.join(PARAM_TYPES)}")
        param = Parameter(found["name"], found["type"], found["default"], found["meaning"].strip())
        if param.default is not None:
            try:
                param.term(param.default)
            except UsageError as exc:
                raise DataError(f"{path}:{number}: bad default: {exc}") from None
        params.append(param)
    try:
        form = query_form(text)  # the full parse happens when the query runs (and in the tests)
    except UsageError as exc:
        raise DataError(f"{path}: {exc}") from None
    try:
        questions = tuple(int(q) for q in fields.get("questions", "").replace(",", " ").split())
    except ValueError:
        raise DataError(f"{path}: questions must be numbers of DESIGN §6, such as `1, 10`") from None
    return StoredQuery(
        name=path.stem, path=path, title_zh=fields["title@zh"], title_en=fields["title@en"],
        answers_zh=fields["answers@zh"], answers_en=fields["answers@en"], text=text, form=form,
        questions=questions, params=tuple(params),
    )


def library(queries_dir: Path | str | None = None) -> dict[str, StoredQuery]:
    """Every stored query of ``queries_dir`` (default: the project's ``queries/``), by name."""
    folder = Path(queries_dir) if queries_dir else project_paths().queries_dir
    if not folder.is_dir():
        raise UsageError(f"no query library at {folder}")
    return {q.name: q for q in (load_query(p) for p in sorted(folder.glob("*.rq")))}


def get_query(name: str, queries_dir: Path | str | None = None) -> StoredQuery:
    """The stored query called ``name``; a UsageError that lists close names if there is none."""
    queries = library(queries_dir)
    if name in queries:
        return queries[name]
    import difflib

    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `cungai query --list` lists them"
    raise UsageError(f"no query called {name!r}{hint}")


def _build_dir(build_dir: Path | str | None) -> Path:
    return Path(build_dir) if build_dir else project_paths().build_dir


def run_sparql(
    text: str, *, bindings: Mapping[str, Node] | None = None, engine: str = DEFAULT_ENGINE,
    endpoint: str | None = None, build_dir: Path | str | None = None, limit: int | None = None,
    project_prefixes: bool = False,
) -> QueryResult:
    """Run SPARQL text on the built graph (``engine``: oxigraph or rdflib) or on a remote ``endpoint``.

    With ``project_prefixes`` the query may use the project's prefixes (``cg:``, ``park:`` …)
    without declaring them.
    """
    if project_prefixes:
        text = declare_prefixes(text, PREFIXES)
    if endpoint:
        from .publish import query_endpoint

        bound = with_values(text, bindings) if bindings else text
        inspect(bound)  # syntax errors with line and column, updates refused, before any request
        return query_endpoint(endpoint, bound, limit=limit)
    from .stores import open_engine

    inspect(text)  # bad syntax and updates fail before the graph is loaded
    return open_engine(engine, _build_dir(build_dir)).run(text, bindings or {}, limit=limit)


def run_query(
    query: StoredQuery | str, *, params: Mapping[str, str] | None = None, engine: str = DEFAULT_ENGINE,
    endpoint: str | None = None, build_dir: Path | str | None = None, queries_dir: Path | str | None = None,
) -> QueryResult:
    """Run a stored query (by name or as loaded) with its parameters bound; defaults fill the rest.

    An IRI parameter may be given as a name (``park=北海工业区``): ``resolve_names`` turns it into
    the IRI of the one entity it names, on the local build.
    """
    stored = query if isinstance(query, StoredQuery) else get_query(query, queries_dir)
    given = resolve_names(stored, params or {}, build_dir=build_dir, local=endpoint is None)
    return run_sparql(stored.text, bindings=stored.bindings(given), engine=engine, endpoint=endpoint,
                      build_dir=build_dir)


def resolve_names(stored: StoredQuery, given: Mapping[str, str], *, build_dir: Path | str | None = None,
                  local: bool = True) -> dict[str, str]:
    """``given`` with every IRI parameter given as a name replaced by the IRI of the entity it names
    (``query.find``, on the build's Oxigraph store); an ambiguous or unknown name, or (``local``) an
    IRI that names nothing in the graph, is a UsageError that lists the candidates."""
    out = dict(given)
    iri_params = {p.name: p for p in stored.params if p.type == "iri" and p.name in given}
    if not iri_params:
        return out
    from .find import entity_exists, find_entities, resolve_entity
    from .stores import OxigraphEngine, oxigraph_source

    opened: list = []

    def store():
        if not opened:
            opened.append(OxigraphEngine(oxigraph_source(_build_dir(build_dir))).store)
        return opened[0]

    for name, param in iri_params.items():
        raw = given[name]
        try:
            iri = str(param.term(raw))
        except UsageError:
            if not raw.strip():
                raise
            out[name] = resolve_entity(store(), raw).iri
            continue
        if local and not entity_exists(store(), iri):
            slug = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            close = [c for c in find_entities(store(), slug.replace("-", " "))[:5]]
            hint = "; ".join(f"{curie(c.iri) or c.iri} {c.label}" for c in close)
            raise UsageError(f"parameter {name}: {raw} names no entity of the graph / 图中没有这个实体"
                             + (f"; close / 相近: {hint}" if hint else "; `cungai find TEXT` searches by name"))
    return out


def read_query_argument(argument: str) -> str:
    """The text of ``cungai sparql``'s argument: a file's content, stdin for ``-``, else the text itself."""
    if argument == "-":
        import sys

        return sys.stdin.read()
    if len(argument) < 4096 and "\n" not in argument:
        path = Path(argument)
        if path.is_file():
            return path.read_text(encoding="utf-8")
        if path.suffix in {".rq", ".sparql"}:
            raise UsageError(f"no such query file: {argument}")
    return argument
