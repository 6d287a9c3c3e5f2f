"""The IRI registry: every entity IRI the build has produced, so that none changes or goes unnoticed.

``graph/iris.tsv`` lists the IRIs of the things (``…/id/{kind}/{slug}``) and sources
(``…/source/{id}``) that the build produces, one a line, ordered by IRI, with the Chinese label the
thing had when it was registered and the version and date it was first built. Evidence IRIs
(``…/id/statement/``, ``…/id/annotation/``, ``…/id/span/``) are derived from what they state and
are not listed (docs/iris.md).

``compare`` tells which registered IRIs a build no longer produces (an error: other datasets may
point at them) and which IRIs it produces that are not registered yet (to be added with
``cungai ids --update``, which appends them and never removes a line).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .. import __version__
from ..errors import DataError
from ..rdf.namespaces import BASE, ID, RDFS, SRC

REGISTRY_FILE = "iris.tsv"
COLUMNS = ("iri", "label_zh", "since")
DERIVED_KINDS = ("statement", "annotation", "span")


@dataclass(frozen=True)
class Registered:
    """One line of the registry."""

    iri: str
    label_zh: str
    since: str


@dataclass(frozen=True)
class RegistryDiff:
    """What a build changed against the registry."""

    dropped: list[Registered]
    new: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.dropped and not self.new

    def explain(self, registry: Path) -> str:
        lines = []
        if self.dropped:
            lines.append(f"{len(self.dropped)} registered IRI(s) are no longer produced (IRIs must not change; "
                         f"restore the entity or its slug):")
            lines += [f"  - {r.iri}  {r.label_zh}" for r in self.dropped]
        if self.new:
            lines.append(f"{len(self.new)} new IRI(s) are not in {registry} yet: run `cungai ids --update` to add them:")
            lines += [f"  + {iri}  {label}" for iri, label in sorted(self.new.items())]
        return "\n".join(lines)


def registry_path(graph_dir: Path) -> Path:
    """Where the registry of a project lives: ``graph/iris.tsv``."""
    return graph_dir / REGISTRY_FILE


def is_registered_kind(iri: str) -> bool:
    """Whether ``iri`` is a thing or a source (not a derived evidence IRI, not a graph or a term)."""
    if iri.startswith(str(SRC)):
        return True
    if not iri.startswith(str(ID)):
        return False
    kind = iri[len(str(ID)):].split("/", 1)[0]
    return kind not in DERIVED_KINDS


def entity_iris(graphs: dict[URIRef, Graph]) -> dict[str, str]:
    """Every thing and source IRI in ``graphs`` (subjects and objects) with its Chinese label ('' if none)."""
    iris: set[str] = set()
    labels: dict[str, list[str]] = {}
    for graph in graphs.values():
        for s, p, o in graph:
            for term in (s, o):
                if isinstance(term, URIRef) and is_registered_kind(str(term)):
                    iris.add(str(term))
            if p == RDFS.label and isinstance(o, Literal) and o.language == "zh" and isinstance(s, URIRef):
                labels.setdefault(str(s), []).append(" ".join(str(o).split()))
    return {iri: sorted(labels.get(iri, [""]))[0] for iri in sorted(iris)}


def read_registry(path: Path) -> list[Registered]:
    """The registry's lines; a DataError naming the file and line if one is malformed."""
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter="\t")
        header = next(reader, None)
        if header is None:
            return []
        if tuple(header) != COLUMNS:
            raise DataError(f"{path}:1: expected the columns {', '.join(COLUMNS)} (tab-separated)")
        for number, row in enumerate(reader, start=2):
            if len(row) != len(COLUMNS) or not row[0].startswith(BASE):
                raise DataError(f"{path}:{number}: expected an IRI under {BASE}, a label and a version/date, tab-separated")
            entries.append(Registered(*row))
    return entries


def compare(graphs: dict[URIRef, Graph], registry: list[Registered]) -> RegistryDiff:
    """Registered IRIs the graphs no longer hold, and IRIs they hold that are not registered."""
    produced = entity_iris(graphs)
    known = {r.iri for r in registry}
    return RegistryDiff(
        dropped=[r for r in registry if r.iri not in produced],
        new={iri: label for iri, label in produced.items() if iri not in known},
    )


def write_registry(path: Path, entries: list[Registered]) -> None:
    """The registry, ordered by IRI, tab-separated, UTF-8."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for entry in sorted(entries, key=lambda e: e.iri):
            writer.writerow((entry.iri, entry.label_zh, entry.since))


def register_new(path: Path, graphs: dict[URIRef, Graph], *, today: dt.date | None = None) -> dict[str, str]:
    """Append the IRIs of ``graphs`` that ``path`` does not list yet (never removing one); the new ones."""
    registry = read_registry(path)
    new = compare(graphs, registry).new
    if new:
        since = f"{__version__} {(today or dt.date.today()).isoformat()}"
        write_registry(path, registry + [Registered(iri, label, since) for iri, label in new.items()])
    return new


def _project_graphs(root: Path | str | None) -> tuple[Path, dict[URIRef, Graph]]:
    from .reader import load_project
    from ..offline import offline
    from ..paths import project_paths

    paths = project_paths(root)
    with offline():
        return registry_path(paths.graph_dir), load_project(paths).graphs


def check_ids(root: Path | str | None = None) -> tuple[Path, RegistryDiff]:
    """The project's registry and how the current data differs from it."""
    path, graphs = _project_graphs(root)
    return path, compare(graphs, read_registry(path))


def update_ids(root: Path | str | None = None, *, today: dt.date | None = None) -> tuple[Path, RegistryDiff]:
    """Append the new IRIs to the registry (never removing one); a DataError if registered IRIs were dropped."""
    path, graphs = _project_graphs(root)
    registry = read_registry(path)
    diff = compare(graphs, registry)
    if diff.dropped:
        raise DataError(diff.explain(path))
    if diff.new:
        since = f"{__version__} {(today or dt.date.today()).isoformat()}"
        write_registry(path, registry + [Registered(iri, label, since) for iri, label in diff.new.items()])
    return path, diff
