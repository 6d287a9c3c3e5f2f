"""Shared fixtures: the real project built once, and tiny real projects to break on purpose.

Hypothesis runs derandomized (the examples follow from each test's source, no example database): a
fresh clone gives the same result run after run. ``HYPOTHESIS_PROFILE=deep`` (``make fuzz``) draws
random examples, fifty times as many: the long run before a change to parameters or parsing lands.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, settings

from cungai.build.pipeline import BuildResult, build
from cungai.query.results import QueryResult, normal

# Property tests run derandomized (a seed fixed by each test's name), so a run cannot fail by chance;
# HYPOTHESIS_PROFILE=deep (`make fuzz`) searches far longer with random seeds.
settings.register_profile("fixed", derandomize=True, database=None, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", derandomize=False, max_examples=3000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def copy_project(target: Path, *, graph: Path | None = None) -> Path:
    """A project tree at ``target``: the real ontology and queries, and ``graph`` (default: the real one)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "ontology", target / "ontology")
    if (REPO / "queries").exists():
        shutil.copytree(REPO / "queries", target / "queries")
    shutil.copytree(graph or REPO / "graph", target / "graph")
    return target


def rows_of(result: QueryResult) -> list[tuple]:
    """The rows with every term in its normal form, for comparing engines."""
    return [tuple(normal(term) for term in row) for row in result.rows]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> BuildResult:
    """The real project, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("kg") / "build"
    return build(root=REPO, out_dir=out)


@pytest.fixture(scope="session")
def two_sources(tmp_path_factory) -> BuildResult:
    """The mini project with a second source, the INVENTED news item of tests/data/second-source
    (added as a curator adds it: `source add`, then the curator's blocks), built once."""
    from cungai.project.scaffold import add_source

    second = DATA / "second-source"
    root = copy_project(tmp_path_factory.mktemp("two") / "project", graph=DATA / "mini" / "graph")
    add_source(second / "shili-2020-03-01.txt", source_id="shili-2020-03-01", root=root,
               title_en="Shili renovation goes further (invented test news item)")
    shutil.copy(second / "shili-2020-03-01.trig", root / "graph")
    return build(root=root, out_dir=root / "build")


@pytest.fixture()
def mini(tmp_path) -> Path:
    """A copy of the tiny fixture project (one two-sentence source) that a test may change."""
    return copy_project(tmp_path / "mini", graph=DATA / "mini" / "graph")


def load_sources(sources_dir: Path) -> list:
    """Every source text of ``sources_dir`` with its metadata, in id order (the tests' view of a folder)."""
    from cungai.project.sources import load_source

    return [load_source(p) for p in sorted(sources_dir.glob("*.txt"))]


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> BuildResult:
    """The tiny fixture project built once (about 3 s): for servers and engines that need any build."""
    root = copy_project(tmp_path_factory.mktemp("mini-built") / "mini", graph=DATA / "mini" / "graph")
    return build(root=root, out_dir=root / "build")


@contextmanager
def serving(app, *, log_level: str = "warning") -> Iterator[int]:
    """uvicorn serving ``app`` on a free loopback port, in a thread; yields the port."""
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
