"""The build: ontology + sources + datasets → validated, reasoned graph → every output in build/.

Steps: load (parse every file, resolve every evidence quote, put the named graphs into one Oxigraph
store, check every quote's offsets), validate (SHACL), reason, export (TriG, N-Triples, Turtle,
JSON-LD, RDF/XML, docs, views, VoID, report, and the on-disk Oxigraph store ``store/`` that queries
open read-only). The checks are ``full`` (pySHACL and HermiT over every
fact, both fed from the store) or ``scale`` (the shapes and OWL rules as SPARQL inside Oxigraph,
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
from ..checks.curation import curation_problems, violation_problems
from ..checks.identity import check_names
from ..checks.problems import raise_on_errors
from ..checks.validate import Violation, validate
from ..config import CHECKS, DEFAULT_CHECKS, DEFAULT_ENDPOINT, FULL_CHECKS_MAX_TRIPLES, OUTPUTS
from ..errors import UsageError
from ..offline import offline, offline_call, stay_offline
from ..paths import ProjectPaths, project_paths
from ..project.reader import ProjectData, check_source_offsets, read_project
from ..rdf.namespaces import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes
from ..rdf.store import add_graphs, graph_from_store, graph_sizes, rebased_store, store_of, union_graph
from .dumps import Dumps, dumps_of, write_store_dumps
from .export import (
    class_counts, void_description, write_json, write_ontology_docs, write_owl, write_owl_data, write_turtle,
)

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build produced and measured; ``store`` holds the built graph (Oxigraph, in memory)."""

    out_dir: Path
    store: ox.Store
    report: dict
    timings: dict[str, float] = field(default_factory=dict)
    project_graphs: dict[URIRef, Graph | set] = field(default_factory=dict)  # what the curated files state
    registered: dict[str, str] = field(default_factory=dict)  # IRIs the build added to graph/iris.tsv

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
    checks: str = DEFAULT_CHECKS, progress: Progress | None = None, register: bool = False,
) -> BuildResult:
    """Build everything into ``out_dir`` (default ``build/``); nothing changes there unless it all succeeds.

    ``checks`` says how the graph is validated and reasoned over (``full``, ``scale``, or ``auto``:
    see ``choose_checks``). With ``register``, the entity IRIs that graph/iris.tsv does not list yet
    are appended to it once the build succeeded (``BuildResult.registered`` lists them; ``cungai
    build`` says so). The build never opens a network connection (``offline``): imports and
    remote contexts are not followed.
    """
    if checks not in CHECKS:
        raise UsageError(f"unknown checks {checks!r}; use one of {', '.join(CHECKS)}")
    with offline():
        paths = project_paths(root)
        result = _build(paths, out_dir=out_dir, base=base, checks=checks, timer=_Timer(progress))
        if register:
            from ..project.iris import register_new, registry_path

            result.registered = register_new(registry_path(paths.graph_dir), result.project_graphs)
        return result


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


def _build(paths: ProjectPaths, *, out_dir, base: str, checks: str, timer: _Timer) -> BuildResult:
    out = Path(out_dir) if out_dir else paths.build_dir
    with timer("load"):
        with timer("load.read"):
            project = read_project(paths)
        with timer("load.curation"):  # what `cungai check` finds per block fails the build too
            raise_on_errors(curation_problems(project), title="blocks that do not say their facts, or undefined "
                            "IRIs / 证据块未说出其事实，或 IRI 未定义")
            check_names(project)
        mode = choose_checks(checks, project.size())
        ontology_check = _check_ontology_beside(project.ontology) if mode == "scale" else None
        with timer("load.assemble"):
            dataset = store_of(project.named_graphs())
        with timer("load.offsets"):
            check_source_offsets(dataset, project.sources)
    with timer("validate"):
        violations = _validate(dataset, project, paths, mode)
    with timer("reason"):
        reasoner_report = _reason(dataset, project.ontology, mode, ontology_check, timer)
    with _staging(out) as staging, _background() as pool:
        with timer("export"):
            built = rebased_store(dataset, base)
            report = _export(built, project, paths, staging, pool, base=base, timer=timer,
                             violations=violations, reasoner=reasoner_report)
        report["timings"] = timer.timings
        write_json(report, staging / "report.json")
        _check_outputs(staging)
    curated = {**project.graphs, **{name: r.facts for name, r in project.resolved.items()}}
    return BuildResult(out, built, report, timer.timings, curated)


def _check_ontology_beside(ontology: Graph):
    """HermiT over the ontology alone, in its JVM, while Oxigraph loads and validates (``scale``)."""
    background = ThreadPoolExecutor(max_workers=1)
    future = background.submit(offline_call, reason, ontology, Graph())
    background.shutdown(wait=False)
    return future


def _validate(dataset: ox.Store, project: ProjectData, paths: ProjectPaths, mode: str) -> list[Violation]:
    """SHACL: pySHACL over the store's union read into rdflib (``full``), or the shapes as SPARQL.
    A violation is reported where it is mended: the line and block of the fact in the curated files,
    else the block (or metadata file) of the node."""
    if mode == "full":
        violations = validate(union_graph(dataset), project.shapes)
    else:
        from ..checks.shacl_sparql import validate_store

        violations = validate_store(dataset, project.shapes)
    raise_on_errors(violation_problems(
        violations, [block for resolving in project.resolved.values() for block in resolving.blocks],
        files=paths.curated_files(), metadata={str(source.iri): source.path.with_suffix(".ttl") for source in project.sources},
        keep_unplaced=True), title="SHACL: the graph does not conform / 不符合 SHACL 约束")
    return violations


def _reason(dataset: ox.Store, ontology: Graph, mode: str, ontology_check, timer: _Timer) -> dict:
    """HermiT over the ontology and every fact of the store, no evidence (``full``); or the OWL
    rules as SPARQL over the store with HermiT's verdict on the ontology alone (``scale``).
    What is inferred goes into the store's inferred graph."""
    if mode == "full":
        facts = union_graph(dataset, without=[ONTOLOGY_GRAPH], evidence=False)
        reasoning = reason(ontology, facts)
        add_graphs(dataset, {INFERRED_GRAPH: reasoning.inferred})
        report = reasoning.as_dict()
    else:
        from ..checks.rules import apply_rules

        with timer("reason.rules"):
            rules = apply_rules(dataset, ontology)
        with timer("reason.ontology"):  # the wait for HermiT, started during the load
            report = {**rules.as_dict(), "ontology": ontology_check.result().as_dict()}
    report["checks"] = mode
    return report


def _export(built: ox.Store, project: ProjectData, paths: ProjectPaths, staging: Path, pool: Executor, *,
            base: str, timer: _Timer, violations: list[Violation], reasoner: dict) -> dict:
    """Every output into ``staging``; the slow serialisers and pyLODE run in ``pool`` meanwhile."""
    with timer("export.dumps"):
        dumps = dumps_of(built)
        pending = [pool.submit(write_ontology_docs, paths.ontology, staging / "docs" / "ontology.html")]
        pending += write_store_dumps(dumps, staging, pool)
    report = _report(project, dumps, built, violations, reasoner, timer.timings)
    with timer("export.ontology"):
        ontology_name = URIRef(base + str(ONTOLOGY_GRAPH)[len(BASE):])
        write_owl(built.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(ontology_name)),
                  staging / "ontology.owl")
        write_owl_data(dumps.ntriples, staging / "kg.owl", base=base)
    with timer("export.void"):
        void = void_description(built, dumps, project.sources, base=base, endpoint=DEFAULT_ENDPOINT)
        write_turtle(void, staging / "void.ttl")
    with timer("export.views"):
        from ..views.storeviews import write_views_from_store

        write_views_from_store(built, staging / "views", report=report, sources=project.sources, network_dir=staging)
    with timer("export.wait"):  # for the other processes: dumps and ontology docs
        for future in pending:
            future.result()
    return report


def _check_outputs(staging: Path) -> None:
    """Every contracted output is there before the build replaces the last good one."""
    missing = [name for name in OUTPUTS if not (staging / name).is_file()]
    if missing:
        raise RuntimeError(f"the build did not write {', '.join(missing)}")


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


def _report(project: ProjectData, dumps: Dumps, built: ox.Store, violations, reasoner: dict, timings) -> dict:
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
        "unfinished_sources": dict(sorted(project.unfinished.items())),
        "store": "oxigraph",
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
