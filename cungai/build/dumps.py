"""The built dataset's dumps: ``kg.nt``, ``kg.trig``, ``kg.ttl``, ``kg.jsonld``, the same bytes from run to run.

Oxigraph writes them with its own serialisers, never triple by triple through rdflib: each named
graph is dumped as canonical N-Triples and its lines sorted, ``kg.nt`` is the sorted union, and
the other syntaxes are serialised from those sorted dumps in worker processes.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..config import STORE_DIR
from ..rdf.diskstore import write_store
from ..rdf.namespaces import PREFIXES

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
