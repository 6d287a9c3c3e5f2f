"""Reading a project: ontology, shapes, sources, facts with their evidence, links and datasets.

``read_project`` parses every input and resolves every evidence quote into plain triples, before any
engine holds them; the build puts them into its Oxigraph store and checks every quote's offsets
there (``check_source_offsets``). ``load_project`` does the same and reads the named graphs back as
rdflib graphs, as the tools other than the build (linking, the IRI registry, division codes) use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import DataError
from ..paths import ProjectPaths
from ..rdf.graphs import canonical
from ..rdf.load import parse_rdf_file
from ..rdf.namespaces import BACKGROUND_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH, bind_prefixes, source_graph
from ..rdf.store import graph_from_store, store_of
from ..rdf.terms import ntriples_text
from .evidence import EvidenceReport, ResolvedSource, check_offsets, resolve_source, selector_rows
from .sources import SourceText, load_source


@dataclass
class ProjectData:
    """Everything the build read, as plain triples: before any engine holds it.

    ``graphs`` are the small named graphs (ontology, source metadata, background, links, datasets),
    ``resolved`` each source's facts and generated evidence, by the name of the source's graph.
    """

    ontology: Graph
    shapes: Graph
    sources: list[SourceText]
    graphs: dict[URIRef, Graph]
    resolved: dict[URIRef, ResolvedSource]
    unfinished: dict[str, str] = field(default_factory=dict)  # source id → why it was left out

    @property
    def evidence(self) -> dict[str, EvidenceReport]:
        return {r.report.source_id: r.report for r in self.resolved.values()}

    def named_graphs(self) -> dict[URIRef, Graph | str]:
        """Every named graph of the dataset as an rdflib graph, or N-Triples text for a source's
        graph: its facts and their evidence."""
        named: dict[URIRef, Graph | str] = dict(self.graphs)
        for name, resolved in self.resolved.items():
            named[name] = ntriples_text(resolved.facts) + resolved.evidence
        return named

    def size(self) -> int:
        """Triples over all named graphs (counted once per graph: an upper bound of the union)."""
        return sum(len(g) for g in self.graphs.values()) + sum(
            len(r.facts) + r.evidence_triples for r in self.resolved.values())


@dataclass
class LoadedProject:
    """A project's named graphs as rdflib graphs, read back from its store: what the linking tools use."""

    sources: list[SourceText]
    graphs: dict[URIRef, Graph]


def _parse_all(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph += parse_rdf_file(path)
    return graph


def read_project(paths: ProjectPaths) -> ProjectData:
    """Parse every input and resolve every evidence quote; a DataError at the first problem.

    A source whose metadata or facts file is missing, or whose facts file has no block yet, is
    unfinished: left out, and listed in ``ProjectData.unfinished`` (the build reports it)."""
    ontology = canonical(_parse_all([paths.ontology, paths.vocabularies]))
    shapes = parse_rdf_file(paths.shapes)
    texts = sorted(paths.sources_dir.glob("*.txt"))
    if not texts:
        raise DataError(f"{paths.sources_dir}: no source texts (*.txt) found")
    unfinished: dict[str, str] = {
        t.stem: f"no metadata file {t.stem}.ttl yet (cungai source add writes it) / 尚无元数据文件"
        for t in texts if not t.with_suffix(".ttl").exists()}
    sources = [load_source(t) for t in texts if t.stem not in unfinished]
    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: ontology}
    resolved: dict[URIRef, ResolvedSource] = {}
    metadata = Graph()
    for source in sources:
        facts_path = paths.source_facts(source.source_id)
        if not facts_path.exists():
            unfinished[source.source_id] = f"no facts file {facts_path.name} yet / 尚无事实文件"
            continue
        resolving = resolve_source(source, facts_path)
        if not resolving.blocks:
            unfinished[source.source_id] = f"{facts_path.name} has no evidence block yet / 尚无证据块"
            continue
        metadata += source.metadata
        resolved[source_graph(source.source_id)] = resolving
    graphs[SOURCES_GRAPH] = canonical(metadata)
    if paths.background.exists():
        graphs[BACKGROUND_GRAPH] = canonical(parse_rdf_file(paths.background))
    links = sorted(paths.links_dir.glob("*.ttl")) if paths.links_dir.exists() else []
    if links:
        graphs[LINKS_GRAPH] = canonical(_parse_all(links))
    from .datasets import load_datasets  # morph-kgc (pandas, DuckDB) loads only when this step runs

    for name, dataset in load_datasets(paths.datasets_dir, ontology=ontology).items():
        graphs[name] = canonical(dataset)
    finished = [source for source in sources if source.source_id not in unfinished]
    return ProjectData(ontology, shapes, finished, graphs, resolved, unfinished)


def load_project(paths: ProjectPaths) -> LoadedProject:
    """The project read, its evidence checked against the texts, its named graphs as rdflib graphs."""
    project = read_project(paths)
    store = store_of(project.named_graphs())
    check_source_offsets(store, project.sources)
    graphs = {name: bind_prefixes(graph_from_store(store, name)) for name in sorted(project.named_graphs(), key=str)}
    return LoadedProject(project.sources, graphs)


def check_source_offsets(store: ox.Store, sources: list[SourceText]) -> None:
    """A DataError unless every evidence selector in ``store`` quotes its source text at its offsets."""
    problems = check_offsets(selector_rows(store), {s.iri: s.text for s in sources})
    if problems:
        raise DataError("evidence offsets do not match the texts:\n" + "\n".join(f"  - {p}" for p in problems))
