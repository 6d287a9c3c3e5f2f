"""``cungai check``: the curator's loop for one source, in about two seconds instead of a whole build.

For each source checked (named by id or file, or every source changed since the last build), and
with the rest of the project as context (ontology, vocabularies, background, links, the other
sources' facts): parse its text, metadata and blocks; resolve every quote; check that each block
says its facts (``stated``); find IRIs nothing defines, with suggestions (``unknown``); run the
SHACL shapes, compiled to SPARQL in a small Oxigraph store (``shacl_sparql``), on what the source
touches; find two entities of one class that share a Chinese label (identity); list the IRIs the
source adds to the registry (``--register`` appends them, only when the source has no error).
Every problem names file, line, block and fact and says how to mend it (``problems.Problem``).

No HermiT, no pyLODE, no views, no outputs: the build does those (and repeats these checks).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from .. import __version__
from ..errors import CungaiError, UsageError
from ..project.iris import Registered, entity_iris, read_registry, registry_path, write_registry
from ..paths import ProjectPaths, project_paths
from ..project.evidence import EvidenceBlock, locate, read_blocks
from ..project.reader import ProjectData
from ..project.where import find_statement
from ..project.sources import SourceText, load_source
from ..rdf.load import parse_rdf_file, read_quads
from ..rdf.namespaces import (
    BACKGROUND_GRAPH, CG, LINKS_GRAPH, ONTOLOGY_GRAPH, PREFIXES, RDF, RDFS, SOURCES_GRAPH, source_graph,
)
from ..rdf.terms import OxigraphTerms, to_rdflib
from .identity import SharedName, justified, shared_names, told_apart
from .problems import Problem, errors_of
from .stated import graph_labels, said_labels, unsaid_facts
from .unknown import Known, undefined_iris
from .validate import Violation

_WHERE = re.compile(r"^(?P<path>[^\n:]+?):(?P<line>\d+)(?::\d+)?: (?P<message>.*)$", re.S)
#: Named things of one class with one Chinese label (outcomes and periods are told apart by what
#: they measure or when they are, not by their words: 入驻企业33家 of two parks are two facts).


@dataclass
class SourceCheck:
    """What the check found in one source."""

    source_id: str
    problems: list[Problem] = field(default_factory=list)
    blocks: int = 0
    facts: int = 0
    new_iris: dict[str, str] = field(default_factory=dict)
    registered: bool = False

    @property
    def ok(self) -> bool:
        return not errors_of(self.problems)


@dataclass
class CheckReport:
    """The checked sources, in the order asked, and the time the check took."""

    sources: list[SourceCheck]
    registry: Path
    seconds: float = 0.0

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sources for p in s.problems]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources)

    def lines(self) -> list[str]:
        """The report as ``cungai check`` prints it: errors in full, notices in one line, a summary."""
        lines = []
        for problem in self.problems:
            if problem.severity == "error":
                lines.append(f"✗ {problem}")
            else:
                lines.append(f"· {problem.where}: {problem.message}" + (f": {problem.fact}" if problem.fact else "")
                             + (f"\n    {problem.hint}" if problem.hint and not problem.fact.startswith("<") else ""))
        waiting = [r.source_id for r in self.sources if r.new_iris and not r.registered]
        if waiting:
            lines.append("  register the new IRIs once they are right / 确认无误后登记: cungai check --register "
                         + " ".join(waiting))
        for result in self.sources:
            errors = len(errors_of(result.problems))
            registered = f", {len(result.new_iris)} registered / 已登记" if result.registered else ""
            lines.append(f"{result.source_id}: {result.blocks} blocks, {result.facts} facts, {errors} error(s) / 错误, "
                         f"{len(result.new_iris)} new IRI(s) / 新 IRI{registered}")
        if not self.sources:
            lines.append("nothing changed since the last build / 自上次构建以来没有改动 (name a source to check it)")
        lines.append(f"checked in {self.seconds:.2f}s / 用时")
        return lines


def _problem_from(error: CungaiError, path: Path, *, block: str = "", fact: str = "", hint: str = "") -> Problem:
    """A Problem from a DataError whose message starts with ``path:line:`` (the project's convention)."""
    found = _WHERE.match(str(error))
    if found:
        return Problem(Path(found["path"]), int(found["line"]), block, fact, found["message"], hint)
    text = str(error)
    return Problem(path, 0, block, fact, text[len(f"{path}: "):] if text.startswith(f"{path}: ") else text, hint)


def _relative(problem: Problem, root: Path) -> Problem:
    """The problem with its file named from the project folder (``graph/x.trig``), as curators read it."""
    if problem.path is None or not problem.path.is_absolute() or not problem.path.is_relative_to(root):
        return problem
    return replace(problem, path=problem.path.relative_to(root))


# --- which sources ----------------------------------------------------------------------------

def source_ids(paths: ProjectPaths) -> list[str]:
    """Every source of the project: a text in graph/sources/ (with or without its facts yet)."""
    return sorted(p.stem for p in paths.sources_dir.glob("*.txt"))


def _files_of(paths: ProjectPaths, source_id: str) -> list[Path]:
    return [paths.sources_dir / f"{source_id}.txt", paths.sources_dir / f"{source_id}.ttl", paths.source_facts(source_id)]


def changed_sources(paths: ProjectPaths) -> list[str]:
    """Sources whose files changed since the last build (newer than build/report.json) or that git
    sees as modified or new; every source when there is no build yet."""
    stamp = paths.build_dir / "report.json"
    built = stamp.stat().st_mtime if stamp.exists() else 0.0
    changed = {sid for sid in source_ids(paths)
               if any(f.exists() and f.stat().st_mtime > built for f in _files_of(paths, sid))}
    try:
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "graph"],
                                cwd=paths.root, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        status = None
    if status is not None and status.returncode == 0:
        for line in status.stdout.splitlines():
            name = Path(line[3:].strip().strip('"').split(" -> ")[-1])
            if name.suffix in (".txt", ".ttl", ".trig") and (paths.sources_dir / f"{name.stem}.txt").exists():
                changed.add(name.stem)
    return sorted(changed)


def resolve_targets(paths: ProjectPaths, targets: Sequence[str]) -> list[str]:
    """Source ids from ids or files (``graph/x.trig``, ``graph/sources/x.txt``); a UsageError if unknown."""
    known = source_ids(paths)
    ids = []
    for target in targets:
        candidate = Path(target)
        sid = candidate.stem if candidate.suffix in (".trig", ".txt", ".ttl") else target
        if sid not in known:
            close = difflib.get_close_matches(sid, known, n=3)
            raise UsageError(f"no source {target!r} in {paths.sources_dir} (a text {sid}.txt)"
                             + (f"; did you mean {', '.join(close)}?" if close else f"; sources: {', '.join(known)}"))
        if sid not in ids:
            ids.append(sid)
    return ids


# --- the project as context -------------------------------------------------------------------

@dataclass
class _Context:
    """The project around the checked sources: a small Oxigraph store and what the checks read."""

    store: ox.Store
    shapes: Graph
    known: Known
    labelled: set
    factors: list[float]
    sources: dict[str, SourceText] = field(default_factory=dict)
    blocks: dict[str, list[EvidenceBlock]] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    violations: list[Violation] | None = None
    shared: list[SharedName] | None = None


def _load_graph(store: ox.Store, path: Path, graph: URIRef) -> list[Problem]:
    """``path`` into ``graph`` of ``store``, read as the build reads it (``load.read_quads``: syntax,
    ill-typed literals and language tags, each at its line)."""
    try:
        parsed = read_quads(path)
    except CungaiError as exc:
        return [_problem_from(exc, path)]
    name = ox.NamedNode(str(graph))
    store.extend(ox.Quad(q.subject, q.predicate, q.object, name) for q in parsed.quads)
    return []


def _context(paths: ProjectPaths) -> tuple[_Context, list[Problem]]:
    store, problems = ox.Store(), []
    for path in (paths.ontology, paths.vocabularies):
        problems += _load_graph(store, path, ONTOLOGY_GRAPH)
    if paths.background.exists():
        problems += _load_graph(store, paths.background, BACKGROUND_GRAPH)
    for path in sorted(paths.links_dir.glob("*.ttl")) if paths.links_dir.exists() else []:
        problems += _load_graph(store, path, LINKS_GRAPH)
    shapes = parse_rdf_file(paths.shapes)
    triples = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in store]
    factors = [float(o) for _, p, o in triples if p == CG.conversionFactor and isinstance(o, Literal)]
    context = _Context(store, shapes, Known.of(triples), graph_labels(triples), factors)
    terms = OxigraphTerms()
    for sid in source_ids(paths):
        problems_of = context.problems.setdefault(sid, [])
        text_path, facts_path = paths.sources_dir / f"{sid}.txt", paths.source_facts(sid)
        if not text_path.with_suffix(".ttl").exists():
            problems_of.append(Problem(text_path, 0, "", "", f"unfinished: no metadata file {sid}.ttl yet; the build "
                                       "leaves this source out and says so / 尚无元数据文件，构建时跳过并报告",
                                       f"cungai source add {text_path.name} --id {sid} --title … --date …", "notice"))
            continue
        try:
            source = context.sources[sid] = load_source(text_path)
        except CungaiError as exc:
            problems_of.append(_problem_from(exc, text_path, hint="see graph/README.md, 'Adding a source'"))
            continue
        store.extend(terms.quads(source.metadata, SOURCES_GRAPH))
        context.known.add(source.metadata)
        if not facts_path.exists():
            continue
        try:
            blocks, translations = read_blocks(facts_path, source_language=source.language)
        except CungaiError as exc:
            problems_of.append(_problem_from(exc, facts_path))
            continue
        context.blocks[sid] = blocks
        facts = {fact for block in blocks for fact in block.facts} | translations
        store.extend(terms.quads(facts, source_graph(sid)))
        context.known.add(facts)
        context.labelled |= said_labels(blocks, source.language)
    return context, problems


# --- the checks of one source -----------------------------------------------------------------

def _unfinished(paths: ProjectPaths, sid: str, context: _Context) -> Problem | None:
    facts_path = paths.source_facts(sid)
    if sid not in context.sources:
        return None
    if not facts_path.exists():
        return Problem(paths.sources_dir / f"{sid}.txt", 0, "", "",
                       f"unfinished: no facts file {facts_path.name} yet; the build leaves this source out and says so "
                       f"/ 尚未整理：构建时跳过并报告", f"write {facts_path.relative_to(paths.root)}: one block per quote (graph/README.md)", "notice")
    if sid in context.blocks and not context.blocks[sid]:
        return Problem(facts_path, 0, "", "", "unfinished: no evidence block yet; the build leaves this source out "
                       "and says so / 尚无证据块", "write one block per quote (graph/README.md)", "notice")
    return None


def violation_problems(violations: list[Violation], blocks: list[EvidenceBlock], *, files: Sequence[Path] = (),
                       metadata: dict[str, Path] | None = None, keep_unplaced: bool = False) -> list[Problem]:
    """SHACL violations placed where a curator mends them. The fact that violates, where it is
    written in ``files`` (its file, exact line and block: ``where.find_statement``); a fact that is
    missing, at the source's metadata file or the block that types the node (else the first that
    mentions it); the others only with ``keep_unplaced``, at the first statement about the node."""
    touched: dict[str, EvidenceBlock] = {}
    typed: set[str] = set()
    for block in blocks:
        for s, p, o in block.facts:
            if p == RDF.type and str(s) not in typed:
                touched[str(s)] = block
                typed.add(str(s))
            for term in (s, o):
                if isinstance(term, URIRef):
                    touched.setdefault(str(term), block)
    metadata = metadata or {}
    shapes_hint = "see the shape in ontology/shapes.ttl and the patterns in graph/README.md"
    metadata_hint = "complete the source's metadata (like graph/sources/lunjiao-2019-12-06.ttl)"
    problems = []
    for violation in violations:
        if violation.severity != "Violation":
            continue
        message = f"SHACL: {violation.label or violation.node}: {violation.rule}"
        detail = f"{violation.path}".strip() + (f" {violation.value}" if violation.value else "")
        predicate = _predicate(violation.path)
        written = find_statement(files, violation.node, predicate) if predicate else None
        if written:
            hint = metadata_hint if written.path in metadata.values() else shapes_hint
            problems.append(Problem(written.path, written.line, written.block or "", written.text.strip(), message, hint))
        elif violation.node in metadata:
            place = find_statement([metadata[violation.node]], violation.node)
            problems.append(Problem(metadata[violation.node], place.line if place else 0, "",
                                    f"<{violation.node}> {detail}", message, metadata_hint))
        elif violation.node in touched:
            block = touched[violation.node]
            problems.append(Problem(block.path, block.line, block.show(block.name),
                                    f"{block.show(URIRef(violation.node))} {detail}", message, shapes_hint))
        elif keep_unplaced:  # background, links, datasets: the node, its label and the rule
            place = find_statement(files, violation.node)
            problems.append(Problem(place.path if place else None, place.line if place else 0, "",
                                    place.text.strip() if place else "", f"SHACL: {violation}",
                                    "the node is not in a source's blocks: see graph/background.ttl, links, datasets"))
    return problems


def _predicate(path: str) -> str | None:
    """A violation's path as ``<IRI>`` (a project prefix expanded); None for a complex path."""
    if path.startswith("<") and path.endswith(">"):
        return path
    prefix, colon, local = path.partition(":")
    return f"<{PREFIXES[prefix]}{local}>" if colon and prefix in PREFIXES and re.fullmatch(r"[\w.-]*", local) else None


def _shacl(context: _Context, sid: str, blocks: list[EvidenceBlock]) -> list[Problem]:
    from .shacl_sparql import validate_store

    source = context.sources[sid]
    if context.violations is None:  # once for every source checked: the store holds them all
        context.violations = validate_store(context.store, context.shapes)
    metadata = source.path.with_suffix(".ttl")
    return violation_problems(context.violations, blocks, files=[*sorted({b.path for b in blocks}), metadata],
                              metadata={str(source.iri): metadata})


def _identity(context: _Context, blocks: list[EvidenceBlock]) -> list[Problem]:
    """The identity rule of the build (``identity.shared_names``) placed at the checked block that names one."""
    if context.shared is None:  # once for every source checked: the store holds them all
        curated = {BACKGROUND_GRAPH, *(source_graph(sid) for sid in context.blocks)}
        triples = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in context.store
                   if to_rdflib(q.graph_name) in curated]
        ontology = Graph()
        ontology += ((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                     for q in context.store.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH))))
        context.shared = shared_names(triples, exempt=told_apart(ontology))
    problems = []
    for shared in context.shared:
        block = next((b for b in blocks if set(shared.entities.values()) & set(b.facts)), None)
        if block is None or justified(shared, [block]):
            continue
        entities = " and ".join(block.show(entity) for entity in sorted(shared.entities))
        problems.append(Problem(
            block.path, block.line, block.show(block.name),
            f"{entities} rdfs:label/skos:altLabel \"{shared.name}\"@zh (a {block.show(shared.cls)})",
            f"two entities of one class share the name “{shared.name}” / 同类的两个实体同名",
            "if they are one thing, keep one IRI (another name is a skos:altLabel); if two, give them labels that "
            f"tell them apart, or record your judgement on the block: cg:curatorNote \"{shared.name}: <reason>\"@zh"))
    return problems


def _check_source(paths: ProjectPaths, sid: str, context: _Context, registered: set[str]) -> SourceCheck:
    result = SourceCheck(sid, problems=list(context.problems.get(sid, [])))
    unfinished = _unfinished(paths, sid, context)
    if unfinished:
        result.problems.append(unfinished)
    source, blocks = context.sources.get(sid), context.blocks.get(sid)
    if source is None or not blocks:
        return result
    result.blocks, result.facts = len(blocks), len({f for b in blocks for f in b.facts})
    for block in blocks:
        try:
            locate(block, source)
        except CungaiError as exc:
            result.problems.append(_problem_from(exc, block.path, block=block.show(block.name)))
    result.problems += unsaid_facts(blocks, language=source.language, labelled=context.labelled,
                                    factors=context.factors, issued=source.year)
    result.problems += undefined_iris(blocks, context.known)
    result.problems += _shacl(context, sid, blocks)
    result.problems += _identity(context, blocks)
    produced = entity_iris({source_graph(sid): {f for b in blocks for f in b.facts}, SOURCES_GRAPH: source.metadata})
    result.new_iris = {iri: label for iri, label in produced.items() if iri not in registered}
    for iri, label in sorted(result.new_iris.items()):
        result.problems.append(Problem(paths.source_facts(sid), 0, "", f"<{iri}> {label}",
                                       "new IRI, not registered yet / 新 IRI，尚未登记",
                                       "if it is a new entity, `cungai check --register` (or the build) registers it",
                                       "notice"))
    return result


def curation_problems(project: ProjectData) -> list[Problem]:
    """What ``check`` finds in the blocks, over a whole project as the build reads it: literals that
    their quote does not say (``stated``) and IRIs that nothing defines (``unknown``)."""
    outside = [t for graph in project.graphs.values() for t in graph]
    labelled = graph_labels(outside)
    known = Known.of(outside)
    factors = [float(o) for _, _, o in project.ontology.triples((None, CG.conversionFactor, None))]
    sources = {source_graph(s.source_id): s for s in project.sources}
    for name, resolving in project.resolved.items():
        labelled |= said_labels(resolving.blocks, sources[name].language)
        known.add(resolving.facts)
    problems = []
    for name, resolving in project.resolved.items():
        problems += unsaid_facts(resolving.blocks, language=sources[name].language, labelled=labelled,
                                 factors=factors, issued=sources[name].year)
        problems += undefined_iris(resolving.blocks, known)
    return problems


def check(targets: Sequence[str] = (), *, root: Path | str | None = None, register: bool = False,
          today: dt.date | None = None) -> CheckReport:
    """Check the sources named in ``targets`` (ids or files; none: every changed one) without a build.

    With ``register``, the new IRIs of each source that has no error are appended to graph/iris.tsv.
    """
    from ..offline import offline

    started = time.perf_counter()
    paths = project_paths(root)
    ids = resolve_targets(paths, targets) if targets else changed_sources(paths)
    with offline():
        context, project_problems = _context(paths)
    registry = registry_path(paths.graph_dir)
    entries = read_registry(registry)
    known = {entry.iri for entry in entries}
    results = [_check_source(paths, sid, context, known) for sid in ids]
    for result in results:
        result.problems = [_relative(problem, paths.root) for problem in result.problems]
    if project_problems:
        results.insert(0, SourceCheck("(project)", problems=[_relative(p, paths.root) for p in project_problems]))
    if register:
        since = f"{__version__} {(today or dt.date.today()).isoformat()}"
        for result in results:
            if result.ok and result.new_iris:
                entries += [Registered(iri, label, since) for iri, label in result.new_iris.items() if iri not in known]
                known |= set(result.new_iris)
                result.registered = True
                result.problems = [p for p in result.problems if p.message != "new IRI, not registered yet / 新 IRI，尚未登记"]
        if any(r.registered for r in results):
            write_registry(registry, entries)
    return CheckReport(results, registry, round(time.perf_counter() - started, 3))
