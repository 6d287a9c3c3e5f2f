"""The built dataset in an engine: rdflib graphs (``--store memory``) or an Oxigraph store (``oxigraph``).

``read_project`` (in ``build``) gives the project's named graphs as plain triples; this module puts
them into an engine, and gives what every later step needs from it whichever engine holds it: the
selectors to check against the texts, an Oxigraph store for the SPARQL checks, the statistics and
the views, and the dumps (``kg.nt``, ``kg.trig``, ``kg.ttl``, ``kg.jsonld``).

Oxigraph writes its dumps with its own serialisers, never triple by triple through rdflib. Both
engines write ``kg.nt`` as canonical N-Triples (Oxigraph's serialiser) with sorted lines, so the
same project gives the same bytes on either; ``kg.trig``/``kg.ttl`` hold the same triples (rdflib
groups them more readably; Oxigraph's are sorted, so they too are the same bytes from run to run).
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..project.evidence import SELECTORS_QUERY
from ..rdf.namespaces import BASE, PREFIXES
from ..rdf.terms import OxigraphTerms, Triple

#: Named graphs of a built dataset: each a collection of rdflib triples (a Graph or a set).
Graphs = dict[URIRef, Iterable[Triple] | str]


def store_of(graphs: Graphs) -> ox.Store:
    """An in-memory Oxigraph store holding ``graphs`` as named graphs (the default graph stays empty)."""
    store = ox.Store()
    add_graphs(store, graphs)
    return store


def add_graphs(store: ox.Store, graphs: Graphs) -> None:
    """Add named graphs: rdflib triples, or N-Triples text that Oxigraph parses itself."""
    terms = OxigraphTerms()
    for name in sorted(graphs, key=str):
        content = graphs[name]
        if isinstance(content, str):
            store.load(input=content.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        else:
            store.extend(terms.quads(content, name))


def graph_sizes(store: ox.Store) -> dict[URIRef, int]:
    """Triples per named graph."""
    answer = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {URIRef(row["g"].value): int(row["n"].value) for row in answer}


def selector_rows(store: ox.Store) -> list[tuple]:
    """(target, source, start, end, exact) of every evidence target, for ``evidence.check_offsets``."""
    answer = store.query(SELECTORS_QUERY, use_default_graph_as_union=True)
    return [tuple(_value(row[v]) for v in ("target", "source", "start", "end", "exact")) for row in answer]


def _value(term):
    if term is None:
        return None
    return URIRef(term.value) if isinstance(term, ox.NamedNode) else term.value


def rebased_store(store: ox.Store, base: str) -> ox.Store:
    """A copy of ``store`` with every IRI under the default base moved under ``base`` (``--base``)."""
    if base == BASE:
        return store

    def move(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
            return ox.NamedNode(base + term.value[len(BASE):])
        if isinstance(term, ox.Literal) and not term.language and term.value.startswith(BASE):
            return ox.Literal(base + term.value[len(BASE):], datatype=term.datatype)  # IRIs written as text
        return term

    out = ox.Store()
    out.extend(ox.Quad(move(q.subject), move(q.predicate), move(q.object), move(q.graph_name)) for q in store)
    return out


# --- dumps ----------------------------------------------------------------------------------

@dataclass
class Dumps:
    """The built dataset as sorted canonical N-Quads (grouped by graph) and N-Triples (the union),
    with the triples of each graph counted: one pass over Oxigraph's own dump."""

    nquads: bytes
    ntriples: bytes
    graph_sizes: dict[URIRef, int]

    @property
    def triples(self) -> int:
        return self.ntriples.count(b"\n")


def dumps_of(store: ox.Store) -> Dumps:
    """Sorted dumps of ``store``: each named graph dumped by Oxigraph, lines sorted (in C, not per line in Python)."""
    names = sorted(graph.value for graph in store.named_graphs())
    nquads, union, sizes = [], set(), {}
    for name in names:
        lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)).split(b" .\n")
        lines.pop()  # after the last " .\n"
        lines.sort()
        sizes[URIRef(name)] = len(lines)
        union.update(lines)
        suffix = b" <" + name.encode("utf-8") + b"> .\n"
        nquads.append(suffix.join(lines) + suffix)
    return Dumps(b"".join(nquads), b" .\n".join(sorted(union)) + b" .\n", sizes)


def write_store_dumps(dumps: Dumps, out_dir: Path, pool: Executor) -> list[Future]:
    """Write ``kg.nt``, and have ``pool`` write ``kg.trig``, ``kg.ttl`` and ``kg.jsonld`` by Oxigraph's
    serialisers from the sorted dumps, so that they too are the same bytes from build to build, and
    the on-disk store ``store/`` by bulk load (``rdf.diskstore.write_store``).

    The serialisations take ~10 s of CPU at a million triples: in a process pool they run beside
    the rest of the build. Wait for the futures before using the files; ``.kg.nq`` is deleted once
    the TriG and the store are written.
    """
    from ..rdf.diskstore import STORE_DIR, write_store

    (out_dir / "kg.nt").write_bytes(dumps.ntriples)
    nquads = out_dir / ".kg.nq"
    nquads.write_bytes(dumps.nquads)
    jobs = ((nquads, "kg.trig", True), (out_dir / "kg.nt", "kg.ttl", True), (out_dir / "kg.nt", "kg.jsonld", False))
    futures = [pool.submit(serialize_file, str(source), str(out_dir / name), with_prefixes)
               for source, name, with_prefixes in jobs]
    futures.append(pool.submit(write_store, str(out_dir / STORE_DIR), str(nquads), str(out_dir / "kg.nt")))
    readers = [futures[0], futures[-1]]

    def done_with_nquads(_: Future) -> None:
        if all(f.done() for f in readers):
            nquads.unlink(missing_ok=True)

    for future in readers:
        future.add_done_callback(done_with_nquads)
    return futures


def serialize_file(source: str, target: str, with_prefixes: bool) -> None:
    """Parse an N-Triples/N-Quads file and write it in the format of ``target``'s extension (in order)."""
    formats = {".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG,
               ".ttl": ox.RdfFormat.TURTLE, ".jsonld": ox.RdfFormat.JSON_LD}
    parsed = ox.parse(path=source, format=formats[Path(source).suffix])
    ox.serialize(parsed, target, formats[Path(target).suffix], prefixes=PREFIXES if with_prefixes else None)


def graph_from_store(store: ox.Store, name: URIRef) -> Graph:
    """An rdflib Graph of one named graph of ``store``: for small graphs only."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
    return Graph().parse(data=data.decode("utf-8"), format="nt")
