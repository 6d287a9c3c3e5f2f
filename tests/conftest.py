"""Shared fixtures: the real project built once, and tiny real projects to break on purpose.

Hypothesis runs derandomized (the examples follow from each test's source, no example database): a
fresh clone gives the same result run after run. ``HYPOTHESIS_PROFILE=deep`` (``make fuzz``) draws
random examples, fifty times as many: the long run before a change to parameters or parsing lands.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cungai.build.pipeline import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

#: the examples per property test in ``make test``; the deep run draws fifty times as many
EXAMPLES = 50
_QUIET = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "database": None}
settings.register_profile("ci", derandomize=True, max_examples=EXAMPLES, print_blob=True, **_QUIET)
settings.register_profile("deep", derandomize=False, max_examples=EXAMPLES * 50, print_blob=True, **_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def copy_project(target: Path, *, graph: Path | None = None) -> Path:
    """A project tree at ``target``: the real ontology and queries, and ``graph`` (default: the real one)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "ontology", target / "ontology")
    if (REPO / "queries").exists():
        shutil.copytree(REPO / "queries", target / "queries")
    shutil.copytree(graph or REPO / "graph", target / "graph")
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> BuildResult:
    """The real project, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("kg") / "build"
    return build(root=REPO, out_dir=out)


@pytest.fixture()
def mini(tmp_path) -> Path:
    """A copy of the tiny fixture project (one two-sentence source) that a test may change."""
    return copy_project(tmp_path / "mini", graph=DATA / "mini" / "graph")


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> BuildResult:
    """The tiny fixture project built once (about 3 s): for servers and engines that need any build."""
    root = copy_project(tmp_path_factory.mktemp("mini-built") / "mini", graph=DATA / "mini" / "graph")
    return build(root=root, out_dir=root / "build")
