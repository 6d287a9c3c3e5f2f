"""The two local engines behind ``--engine``: Oxigraph (the default) and rdflib in memory.

Oxigraph opens the build's on-disk store, ``build/store/`` (RocksDB, written by the build with
``rdf.diskstore.write_store`` inside its atomic swap), read-only: no load step, any number of processes at once.
A build that lacks one (an older build, a copied ``kg.trig``) is loaded from ``kg.trig`` into memory
instead, and ``rdf.diskstore.rebuild_store`` (``cungai store``) writes the missing store. rdflib loads
``kg.trig`` into a ``Dataset`` at every call (comfortable up to ~100-200k triples). Both query the
union of the named graphs as the default graph (rdflib ``Dataset(default_union=True)``; for
Oxigraph see ``OxigraphEngine``). Parameters never
reach a query as pasted text: rdflib takes them as ``initBindings``; Oxigraph's ``substitutions``
bind only variables of the SELECT list, so there they come as a ``VALUES`` block made of RDF terms
at the start of the WHERE group (``sparql.with_values``), as for a remote endpoint. Every query
passes ``sparql.check_local`` first, so neither engine is ever asked to call a ``SERVICE`` or to
fetch a ``FROM`` graph from the network.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Protocol

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from ..config import ENGINES
from ..errors import UsageError
from .results import QueryResult, from_terms
from ..rdf.terms import RdflibTerms
from ..rdf.diskstore import STORE_DIR, store_path
from ..rdf.sparql import QueryRefused, check_local, syntax_error, with_values

#: The default graphs and the named graphs a query should see (the SPARQL protocol's dataset).
GraphSelection = tuple[tuple[str, ...], tuple[str, ...]]


class Engine(Protocol):
    """Something that answers SPARQL over the built graph."""

    def graph_names(self) -> set[str]: ...

    def run(self, text: str, bindings: Mapping[str, Node] | None = None, *, limit: int | None = None) -> QueryResult: ...


def trig_path(build_dir: Path) -> Path:
    """``build_dir/kg.trig``, or a UsageError that says to build first."""
    path = Path(build_dir) / "kg.trig"
    if not path.is_file():
        raise UsageError(f"no built graph at {path}: run `cungai build` first (or pass --build DIR) / "
                         f"没有构建好的图：请先运行 cungai build（或用 --build 指定目录）")
    return path


def oxigraph_source(build_dir: Path) -> Path:
    """What Oxigraph opens for ``build_dir``: its ``store/`` folder, else its ``kg.trig``; a UsageError
    (in English and Chinese) when it has neither."""
    folder = store_path(build_dir)
    if (folder / "CURRENT").is_file():  # RocksDB's marker of a complete database
        return folder
    path = Path(build_dir) / "kg.trig"
    if not path.is_file():
        raise UsageError(f"no built graph in {build_dir} (neither {STORE_DIR}/ nor kg.trig): run `cungai build` "
                         f"first, or pass --build DIR / {build_dir} 中没有构建好的图（既无 {STORE_DIR}/ 也无 kg.trig）："
                         f"请先运行 cungai build，或用 --build 指定目录")
    return path


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib 7.6's Dataset warns about its own deprecated internals once per triple it touches."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


class MemoryEngine:
    """rdflib's in-memory Dataset: comfortable up to ~100-200k triples."""

    def __init__(self, path: Path):
        self.dataset = Dataset(default_union=True)
        with _quiet_rdflib():
            self.dataset.parse(path, format="trig")

    def graph_names(self) -> set[str]:
        with _quiet_rdflib():
            return {str(g.identifier) for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)}

    def run(self, text: str, bindings: Mapping[str, Node] | None = None, *, limit: int | None = None) -> QueryResult:
        shape = check_local(text, graphs=self.graph_names())
        with _quiet_rdflib():
            result = self.dataset.query(text, initBindings=dict(bindings or {}))
            if shape.form == "ASK":
                return QueryResult("ASK", boolean=bool(result.askAnswer))
            if shape.form in ("CONSTRUCT", "DESCRIBE"):
                graph = Graph()
                for triple in result:
                    graph.add(triple)
                return QueryResult(shape.form, graph=graph)
            variables = [str(v) for v in result.vars]
            return from_terms("SELECT", variables, (tuple(row) for row in result), limit=limit)


class OxigraphEngine:
    """pyoxigraph's Store: a build's on-disk ``store/`` opened read-only, or a ``kg.trig`` loaded into memory.

    The default graph holds the RDF merge of all named graphs, each triple once: the build's
    ``kg.nt``, loaded by Oxigraph's N-Triples parser (at 1M triples ~2 s, against ~12 s for copying
    the quads through Python); the on-disk store holds it already. Oxigraph 0.5's
    ``use_default_graph_as_union`` yields a triple once per graph that holds it (oxigraph issue
    #1919, fixed in 0.6), which would make ``COUNT(*)`` and plain SELECTs differ from rdflib's.
    """

    def __init__(self, path: Path):
        import pyoxigraph as ox

        path = Path(path)
        if path.is_dir():
            try:
                self.store = ox.Store.read_only(str(path))
            except OSError as exc:
                raise UsageError(f"cannot open the store {path}: {exc}; rewrite it with `cungai store` / "
                                 f"无法打开存储 {path}：请用 cungai store 重建") from None
            return
        self.store = ox.Store()
        self.store.load(path=str(path), format=ox.RdfFormat.TRIG)
        union = path.with_name("kg.nt")  # the build writes the merge of the named graphs beside kg.trig
        if union.is_file():
            self.store.load(path=str(union), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        else:
            default = ox.DefaultGraph()
            self.store.extend([ox.Quad(q.subject, q.predicate, q.object, default) for q in self.store])

    def graph_names(self) -> set[str]:
        return {g.value for g in self.store.named_graphs()}

    def run(self, text: str, bindings: Mapping[str, Node] | None = None, *, limit: int | None = None,
            dataset: GraphSelection | None = None) -> QueryResult:
        """Answer ``text``; ``dataset`` (``default-graph-uri``/``named-graph-uri`` of the SPARQL protocol)
        replaces the query's dataset: its default graph is the merge of the first list, GRAPH sees the second."""
        shape = check_local(text, graphs=self.graph_names())
        options = {}
        if dataset is not None:
            import pyoxigraph as ox

            defaults, named = dataset
            outside = sorted((set(defaults) | set(named)) - self.graph_names())
            if outside:
                raise UsageError(f"not a graph of this store: {', '.join(outside)}")
            options = {"default_graph": [ox.NamedNode(g) for g in defaults] or ox.DefaultGraph(),
                       "named_graphs": [ox.NamedNode(g) for g in named]}
        if bindings:
            text = with_values(text, bindings)
        try:
            answer = self.store.query(text, **options)
        except SyntaxError as exc:
            raise syntax_error(exc) from None
        except RuntimeError as exc:  # well-formed, but Oxigraph cannot evaluate it (an unsupported function…)
            raise QueryRefused(f"Oxigraph cannot evaluate this query: {exc}") from None
        if shape.form == "ASK":
            return QueryResult("ASK", boolean=bool(answer))
        convert = RdflibTerms()  # the same IRIs and labels recur from row to row
        if shape.form in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            for triple in answer:
                graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
            return QueryResult(shape.form, graph=graph)
        variables = [v.value for v in answer.variables]
        rows = (tuple(convert(solution[v]) for v in answer.variables) for solution in answer)
        return from_terms("SELECT", variables, rows, limit=limit)


def open_engine(engine: str, build_dir: Path) -> Engine:
    """The engine called ``engine`` over ``build_dir``: ``oxigraph`` (its on-disk ``store/``, else its
    ``kg.trig`` loaded into memory) or ``rdflib`` (its ``kg.trig``, in memory)."""
    if engine == "rdflib":
        return MemoryEngine(trig_path(build_dir))
    if engine == "oxigraph":
        return OxigraphEngine(oxigraph_source(build_dir))
    raise UsageError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
