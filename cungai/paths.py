"""Where things live: the project's folders, in one place.

The project root defaults to the folder above this package (a checkout); ``CUNGAI_ROOT`` overrides
it so that tests can build a copy of the project in a temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    """The input and output folders of one project tree."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def ontology(self) -> Path:
        return self.ontology_dir / "cungai.ttl"

    @property
    def vocabularies(self) -> Path:
        return self.ontology_dir / "vocabularies.ttl"

    @property
    def shapes(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def sources_dir(self) -> Path:
        return self.graph_dir / "sources"

    @property
    def background(self) -> Path:
        return self.graph_dir / "background.ttl"

    @property
    def links_dir(self) -> Path:
        return self.graph_dir / "links"

    @property
    def datasets_dir(self) -> Path:
        return self.graph_dir / "datasets"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def curated_files(self) -> list[Path]:
        """The files a curator writes facts in: the sources' TriG, background, links, sources' metadata."""
        found = sorted(self.graph_dir.glob("*.trig")) + [self.background]
        found += sorted(self.links_dir.glob("*.ttl")) + sorted(self.sources_dir.glob("*.ttl"))
        return [path for path in found if path.is_file()]

    def source_facts(self, source_id: str) -> Path:
        """The curated facts of one source: ``graph/{id}.trig``."""
        return self.graph_dir / f"{source_id}.trig"


def project_paths(root: Path | str | None = None) -> ProjectPaths:
    """The paths of the project at ``root``, ``$CUNGAI_ROOT`` or the checkout this package is in."""
    if root is None:
        root = os.environ.get("CUNGAI_ROOT") or Path(__file__).resolve().parent.parent
    return ProjectPaths(Path(root).resolve())
