"""The build: ontology + sources + datasets → validated, reasoned graph → every output in build/.

Steps: load (parse every file, resolve every evidence quote), validate (SHACL), reason (HermiT),
export (TriG, N-Triples, Turtle, JSON-LD, RDF/XML, docs, views, VoID, report). Outputs are written
to a temporary folder beside the output folder and moved into place only when every step
succeeded: a failed build leaves the last good ``build/`` as it was.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from rdflib import Graph, URIRef

from .errors import DataError
from .evidence import EvidenceReport, check_offsets, resolve_source
from .export import (
    canonical, class_counts, union_of, void_description, write_json, write_jsonld, write_ntriples,
    write_ontology_docs, write_owl, write_trig, write_turtle,
)
from .load import parse_rdf_file
from .offline import offline
from .namespaces import (
    BACKGROUND_GRAPH, BASE, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH, bind_prefixes,
    rebase, source_graph,
)
from .paths import ProjectPaths, project_paths
from .reason import ReasonerResult, reason
from .sources import SourceText, load_sources
from .validate import Violation, raise_on_violations, validate

DEFAULT_ENDPOINT = "http://127.0.0.1:8000/sparql"
OUTPUTS = (
    "kg.trig", "kg.nt", "kg.ttl", "kg.jsonld", "ontology.owl", "docs/ontology.html",
    "views/index.html", "void.ttl", "report.json", "kg.graphml", "kg.gexf",
)

Progress = Callable[[str], None]


@dataclass
class LoadedProject:
    """Everything the build read, before validation and reasoning."""

    ontology: Graph
    shapes: Graph
    sources: list[SourceText]
    graphs: dict[URIRef, Graph]
    facts: dict[URIRef, Graph]
    evidence: dict[str, EvidenceReport]


@dataclass
class BuildResult:
    """What a build produced and measured."""

    out_dir: Path
    graphs: dict[URIRef, Graph]
    report: dict
    timings: dict[str, float] = field(default_factory=dict)


def _parse_all(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph += parse_rdf_file(path)
    return graph


def load_project(paths: ProjectPaths) -> LoadedProject:
    """Parse every input and resolve every evidence quote; a DataError at the first problem."""
    ontology = canonical(_parse_all([paths.ontology, paths.vocabularies]))
    shapes = parse_rdf_file(paths.shapes)
    sources = load_sources(paths.sources_dir)
    if not sources:
        raise DataError(f"{paths.sources_dir}: no source texts (*.txt) found")
    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: ontology}
    facts: dict[URIRef, Graph] = {}
    evidence: dict[str, EvidenceReport] = {}
    metadata = Graph()
    for source in sources:
        metadata += source.metadata
        facts_path = paths.source_facts(source.source_id)
        if not facts_path.exists():
            raise DataError(f"{source.path}: no facts file {facts_path.name} in {facts_path.parent}")
        source_facts, source_evidence, report = resolve_source(source, facts_path)
        name = source_graph(source.source_id)
        graphs[name] = canonical(source_facts + source_evidence)
        facts[name] = source_facts
        evidence[source.source_id] = report
    graphs[SOURCES_GRAPH] = canonical(metadata)
    facts[SOURCES_GRAPH] = metadata
    if paths.background.exists():
        graphs[BACKGROUND_GRAPH] = facts[BACKGROUND_GRAPH] = canonical(parse_rdf_file(paths.background))
    links = sorted(paths.links_dir.glob("*.ttl")) if paths.links_dir.exists() else []
    if links:
        graphs[LINKS_GRAPH] = facts[LINKS_GRAPH] = canonical(_parse_all(links))
    from .datasets import load_datasets  # morph-kgc (pandas, DuckDB) loads only when this step runs

    for name, dataset in load_datasets(paths.datasets_dir, ontology=ontology).items():
        graphs[name] = facts[name] = canonical(dataset)
    problems = check_offsets(union_of(graphs), {s.iri: s.text for s in sources})
    if problems:
        raise DataError("evidence offsets do not match the texts:\n" + "\n".join(f"  - {p}" for p in problems))
    return LoadedProject(ontology, shapes, sources, graphs, facts, evidence)


@contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside ``out_dir`` that replaces it only if the block succeeds.

    Files other tools put in ``out_dir`` (screenshots, link tables, benchmarks) are carried over.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    staging.chmod(0o755)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out_dir.exists():
        for entry in out_dir.iterdir():
            if not (staging / entry.name).exists():
                shutil.move(str(entry), staging / entry.name)
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        out_dir.rename(old / out_dir.name)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out_dir)


def build(
    *, root: Path | str | None = None, out_dir: Path | str | None = None, base: str = BASE,
    progress: Progress | None = None,
) -> BuildResult:
    """Build everything into ``out_dir`` (default ``build/``); nothing changes there unless it all succeeds.

    The build never opens a network connection (``offline``): imports and remote contexts are not followed.
    """
    with offline():
        return _build(root=root, out_dir=out_dir, base=base, progress=progress)


def _build(*, root, out_dir, base: str, progress: Progress | None) -> BuildResult:
    paths = project_paths(root)
    out = Path(out_dir) if out_dir else paths.build_dir
    say = progress or (lambda message: None)
    timings: dict[str, float] = {}

    def step(name: str) -> Callable[[], None]:
        say(name)
        started = time.perf_counter()
        return lambda: timings.__setitem__(name, round(time.perf_counter() - started, 3))

    done = step("load")
    project = load_project(paths)
    done()

    done = step("validate")
    violations: list[Violation] = validate(union_of(project.graphs), project.shapes)
    raise_on_violations(violations)
    done()

    done = step("reason")
    facts = union_of(project.facts)
    reasoning: ReasonerResult = reason(project.ontology, facts)
    graphs = dict(project.graphs)
    graphs[INFERRED_GRAPH] = bind_prefixes(reasoning.inferred)
    done()

    done = step("export")
    if base != BASE:
        graphs = {URIRef(base + str(name)[len(BASE):]) if str(name).startswith(BASE) else name: rebase(g, base)
                  for name, g in graphs.items()}
    union = union_of(graphs)
    report = _report(project, graphs, union, violations, reasoning, timings)
    with _staging(out) as staging:
        write_trig(graphs, staging / "kg.trig")
        write_ntriples(union, staging / "kg.nt")
        write_turtle(union, staging / "kg.ttl")
        write_jsonld(union, staging / "kg.jsonld")
        write_owl(graphs[next(n for n in graphs if str(n).endswith("graph/ontology"))], staging / "ontology.owl")
        write_ontology_docs(paths.ontology, staging / "docs" / "ontology.html")
        write_turtle(void_description(graphs, union, project.sources, endpoint=DEFAULT_ENDPOINT), staging / "void.ttl")
        from .views import write_views

        write_views(graphs, staging / "views", report=report, sources=project.sources, network_dir=staging)
        done()
        report["timings"] = timings
        write_json(report, staging / "report.json")
    return BuildResult(out, graphs, report, timings)


def _report(project: LoadedProject, graphs, union: Graph, violations, reasoning: ReasonerResult, timings) -> dict:
    total_facts = sum(r.fact_triples for r in project.evidence.values())
    with_evidence = sum(r.facts_with_evidence for r in project.evidence.values())
    return {
        "evidence": {
            "coverage": round(with_evidence / total_facts, 6) if total_facts else 1.0,
            "fact_triples": total_facts,
            "facts_with_evidence": with_evidence,
            "sources": {sid: r.as_dict() for sid, r in sorted(project.evidence.items())},
        },
        "graphs": {str(name): len(g) for name, g in sorted(graphs.items(), key=lambda item: str(item[0]))},
        "triples": len(union),
        "classes": class_counts(union),
        "shacl": {"conforms": not any(v.severity == "Violation" for v in violations),
                  "violations": sum(1 for v in violations if v.severity == "Violation"),
                  "warnings": [str(v) for v in violations if v.severity != "Violation"]},
        "reasoner": reasoning.as_dict(),
        "timings": timings,
    }
