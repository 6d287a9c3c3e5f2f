"""The build: ontology + sources + datasets → validated, reasoned graph → every output in build/.

Steps: load (parse every file, resolve every evidence quote, put the named graphs into the engine),
validate (SHACL), reason, export (TriG, N-Triples, Turtle, JSON-LD, RDF/XML, docs, views, VoID,
report, and the on-disk Oxigraph store ``store/`` that queries open read-only). The engine is
Oxigraph (default) or rdflib (``store="memory"``); the checks are ``full`` (pySHACL, HermiT over
every fact) or ``scale`` (the shapes and OWL rules as SPARQL inside Oxigraph,
HermiT over the ontology alone), ``auto`` choosing by size. Outputs are written to a temporary
folder beside the output folder and moved into place only when every step succeeded: a failed
build leaves the last good ``build/`` as it was.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..checks.reason import reason
from ..checks.validate import Violation, raise_on_violations, validate
from ..errors import UsageError
from ..offline import offline, offline_call, stay_offline
from ..paths import project_paths
from ..project.evidence import selector_rows
from ..project.reader import ProjectData, check_source_offsets, memory_graphs, read_project
from ..rdf.graphs import union_of
from ..rdf.diskstore import STORE_DIR, write_store
from ..rdf.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes, rebase
from .assemble import (
    Dumps, add_graphs, dumps_of, graph_from_store, graph_sizes, rebased_store, store_of, write_store_dumps,
)
from .assemble import selector_rows as store_selector_rows
from .export import (
    class_counts, void_description, write_json, write_jsonld, write_ontology_docs, write_owl, write_trig,
    write_turtle,
)

DEFAULT_ENDPOINT = "http://127.0.0.1:8000/sparql"
OUTPUTS = (
    "kg.trig", "kg.nt", "kg.ttl", "kg.jsonld", "ontology.owl", "docs/ontology.html",
    "views/index.html", "void.ttl", "report.json", "kg.graphml", "kg.gexf", "store/CURRENT",
)

#: The engines that can hold the graph during a build. Oxigraph is the default: it loads, checks and
#: writes faster than rdflib at every size measured (docs/benchmarks.md).
STORES = ("oxigraph", "memory")
DEFAULT_STORE = "oxigraph"
#: ``full``: pySHACL and HermiT over every fact; ``scale``: the shapes as SPARQL and OWL rules inside
#: Oxigraph, HermiT over the ontology alone; ``auto``: full up to FULL_CHECKS_MAX_TRIPLES triples.
CHECKS = ("auto", "full", "scale")
FULL_CHECKS_MAX_TRIPLES = 200_000

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build produced and measured; ``store`` holds the built graph (Oxigraph, in memory)."""

    out_dir: Path
    store: ox.Store
    report: dict
    timings: dict[str, float] = field(default_factory=dict)

    @cached_property
    def graphs(self) -> dict[URIRef, Graph]:
        """The built named graphs as rdflib graphs (read from the store when first asked: small builds)."""
        return {name: bind_prefixes(graph_from_store(self.store, name)) for name in graph_sizes(self.store)}


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
    store: str = DEFAULT_STORE, checks: str = "auto", progress: Progress | None = None,
) -> BuildResult:
    """Build everything into ``out_dir`` (default ``build/``); nothing changes there unless it all succeeds.

    ``store`` is the engine that holds the graph (``oxigraph``, or ``memory``: rdflib); ``checks``
    how it is validated and reasoned over (``full``, ``scale``, or ``auto``: see ``choose_checks``).
    The build never opens a network connection (``offline``): imports and remote contexts are not followed.
    """
    if store not in STORES:
        raise UsageError(f"unknown store {store!r}; use one of {', '.join(STORES)}")
    if checks not in CHECKS:
        raise UsageError(f"unknown checks {checks!r}; use one of {', '.join(CHECKS)}")
    with offline():
        return _build(root=root, out_dir=out_dir, base=base, store=store, checks=checks, progress=progress)


def choose_checks(checks: str, triples: int) -> str:
    """``full`` (pySHACL, HermiT over every fact) or ``scale`` (SPARQL shapes and rules in Oxigraph,
    HermiT over the ontology): ``auto`` is full up to ``FULL_CHECKS_MAX_TRIPLES`` triples."""
    if checks != "auto":
        return checks
    return "full" if triples <= FULL_CHECKS_MAX_TRIPLES else "scale"


class _Timer:
    """Seconds per build step (``load``…) and per part of a step (``export.views``…), for the report."""

    def __init__(self, progress: Progress | None):
        self.say = progress or (lambda message: None)
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if "." not in name:
            self.say(name)
        started = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)


def _build(*, root, out_dir, base: str, store: str, checks: str, progress: Progress | None) -> BuildResult:
    paths = project_paths(root)
    out = Path(out_dir) if out_dir else paths.build_dir
    timer = _Timer(progress)
    graphs: dict[URIRef, Graph] = {}  # the memory engine's named graphs
    dataset: ox.Store | None = None  # the Oxigraph engine's store

    with timer("load"):
        with timer("load.read"):
            project = read_project(paths)
        mode = choose_checks(checks, project.size())
        if mode == "scale" and store != "oxigraph":
            raise UsageError("--checks scale runs inside Oxigraph: use it with --store oxigraph")
        if mode == "scale":  # HermiT checks the ontology in its JVM while Oxigraph loads and validates
            background = ThreadPoolExecutor(max_workers=1)
            ontology_check = background.submit(offline_call, reason, project.ontology, Graph())
            background.shutdown(wait=False)
        with timer("load.assemble"):
            if store == "memory":
                graphs = memory_graphs(project)
                rows = selector_rows(union_of(graphs))
            else:
                dataset = store_of(project.named_graphs())
                rows = store_selector_rows(dataset)
        with timer("load.offsets"):
            check_source_offsets(rows, project.sources)

    with timer("validate"):
        if mode == "full":
            violations: list[Violation] = validate(union_of(graphs or memory_graphs(project)), project.shapes)
        else:
            from ..checks.shacl_sparql import validate_store

            violations = validate_store(dataset, project.shapes)
        raise_on_violations(violations)

    with timer("reason"):
        if mode == "full":
            reasoning = reason(project.ontology, project.facts())
            reasoner_report = reasoning.as_dict()
            if dataset is None:
                graphs[INFERRED_GRAPH] = bind_prefixes(reasoning.inferred)
            else:
                add_graphs(dataset, {INFERRED_GRAPH: reasoning.inferred})
        else:
            from ..checks.rules import apply_rules

            with timer("reason.rules"):
                rules = apply_rules(dataset, project.ontology)
            with timer("reason.ontology"):  # the wait for HermiT, started after the load
                reasoner_report = {**rules.as_dict(), "ontology": ontology_check.result().as_dict()}
        reasoner_report["checks"] = mode

    with _staging(out) as staging, _background() as pool:
        with timer("export"):
            with timer("export.dumps"):
                if dataset is None:
                    if base != BASE:
                        graphs = {URIRef(base + str(name)[len(BASE):]) if str(name).startswith(BASE) else name:
                                  rebase(g, base) for name, g in graphs.items()}
                    built = store_of(graphs)
                else:
                    built = rebased_store(dataset, base)
                dumps = dumps_of(built)
                pending = [pool.submit(write_ontology_docs, paths.ontology, staging / "docs" / "ontology.html")]
                if dataset is None:  # rdflib's writers: grouped by subject, the readable ones for small graphs
                    union = union_of(graphs)
                    (staging / "kg.nt").write_bytes(dumps.ntriples)
                    write_trig(graphs, staging / "kg.trig")
                    write_turtle(union, staging / "kg.ttl")
                    write_jsonld(union, staging / "kg.jsonld")
                    pending.append(pool.submit(write_store, str(staging / STORE_DIR), str(staging / "kg.trig"),
                                               str(staging / "kg.nt")))
                else:
                    pending += write_store_dumps(dumps, staging, pool)
            report = _report(project, dumps, built, violations, reasoner_report, timer.timings, store=store)
            with timer("export.ontology"):
                ontology_name = URIRef(base + str(ONTOLOGY_GRAPH)[len(BASE):])
                write_owl(graph_from_store(built, ontology_name), staging / "ontology.owl")
            with timer("export.void"):
                void = void_description(built, dumps, project.sources, base=base, endpoint=DEFAULT_ENDPOINT)
                write_turtle(void, staging / "void.ttl")
            with timer("export.views"):
                from ..views.pages import write_views_from_store

                write_views_from_store(built, staging / "views", report=report, sources=project.sources,
                                       network_dir=staging)
            with timer("export.wait"):  # for the other processes: dumps and ontology docs
                for future in pending:
                    future.result()
        report["timings"] = timer.timings
        write_json(report, staging / "report.json")
    return BuildResult(out, built, report, timer.timings)


@contextmanager
def _background() -> Iterator[Executor]:
    """Two worker processes for the export's independent writers (pyLODE, Oxigraph's serialisers).

    Spawned, not forked: the build has threads (HermiT's). They stay offline like the build. A
    failure in a worker is raised where its future is waited for; leaving the block early cancels
    what has not started.
    """
    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"), initializer=stay_offline)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _report(project: ProjectData, dumps: Dumps, built: ox.Store, violations, reasoner: dict, timings, *,
            store: str) -> dict:
    reports = project.evidence
    total_facts = sum(r.fact_triples for r in reports.values())
    with_evidence = sum(r.facts_with_evidence for r in reports.values())
    return {
        "evidence": {
            "coverage": round(with_evidence / total_facts, 6) if total_facts else 1.0,
            "fact_triples": total_facts,
            "facts_with_evidence": with_evidence,
            "sources": {sid: r.as_dict() for sid, r in sorted(reports.items())},
        },
        "store": store,
        "graphs": {str(name): n for name, n in dumps.graph_sizes.items()},
        "triples": dumps.triples,
        "classes": class_counts(built),
        "shacl": {"engine": "pySHACL" if reasoner["checks"] == "full" else "SHACL shapes as SPARQL in Oxigraph",
                  "conforms": not any(v.severity == "Violation" for v in violations),
                  "violations": sum(1 for v in violations if v.severity == "Violation"),
                  "warnings": [str(v) for v in violations if v.severity != "Violation"]},
        "reasoner": reasoner,
        "timings": timings,
    }
