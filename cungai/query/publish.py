"""Talking HTTP to external SPARQL stores: the one module that does.

``publish`` replaces each named graph of ``build/kg.trig`` in a store through the SPARQL 1.1 Graph
Store HTTP Protocol: one ``PUT {store}?graph={IRI}`` per graph, its triples as N-Triples lines sent
as ``text/turtle`` (N-Triples is a subset of Turtle, and every store reads Turtle; some older ones do
not know the N-Triples media type). A PUT
replaces the graph, so publishing twice leaves the store as publishing once. Graphs the store holds
that the build does not are left alone. ``query_endpoint`` runs a query on a remote SPARQL 1.1
Protocol endpoint (``cungai query --endpoint``). Both take HTTP basic or digest credentials.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..errors import EnvironmentProblem, UsageError
from ..paths import project_paths
from .results import QueryResult, from_terms
from ..rdf.sparql import QuerySyntaxError, inspect

AUTH_SCHEMES = ("basic", "digest")
OK_STATUSES = {200, 201, 204}


@dataclass
class PublishReport:
    """What was sent where: triples per named graph."""

    store: str
    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def _httpx():
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is a core dependency
        raise EnvironmentProblem("talking to a store needs httpx: pip install 'httpx==0.28.1'") from None
    return httpx


def _client(user: str | None, password: str | None, auth: str, timeout: float):
    httpx = _httpx()
    if auth not in AUTH_SCHEMES:
        raise UsageError(f"unknown --auth {auth!r}; use one of {', '.join(AUTH_SCHEMES)}")
    credentials = None
    if user is not None:
        credentials = (httpx.DigestAuth if auth == "digest" else httpx.BasicAuth)(user, password or "")
    return httpx.Client(auth=credentials, timeout=timeout, follow_redirects=False, trust_env=False)


def named_graphs_of(trig: Path) -> dict[str, bytes]:
    """Each named graph of a TriG file as N-Triples (Oxigraph's parser and writer), by graph IRI."""
    import pyoxigraph as ox

    triples: dict[str, list] = defaultdict(list)
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise UsageError(f"{trig}: a triple outside any named graph; publish sends named graphs only")
        triples[quad.graph_name.value].append(quad.triple)
    return {name: ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES) for name, ts in sorted(triples.items())}


def _fail(response, what: str) -> None:
    detail = " ".join(response.text.split())[:300]
    if response.status_code in (401, 403):
        raise UsageError(f"{what}: the store refused the credentials (HTTP {response.status_code}): {detail}")
    raise EnvironmentProblem(f"{what}: HTTP {response.status_code}: {detail}")


def publish(
    store_url: str, *, build_dir: Path | str | None = None, user: str | None = None, password: str | None = None,
    auth: str = "basic", timeout: float = 120.0,
) -> PublishReport:
    """Replace every named graph of ``build_dir/kg.trig`` in the Graph Store at ``store_url``."""
    from .stores import trig_path

    trig = trig_path(Path(build_dir) if build_dir else project_paths().build_dir)
    httpx = _httpx()
    report = PublishReport(store_url)
    started = time.perf_counter()
    with _client(user, password, auth, timeout) as client:
        for name, body in named_graphs_of(trig).items():
            try:
                response = client.put(store_url, params={"graph": name}, content=body,
                                      headers={"Content-Type": "text/turtle; charset=utf-8"})
            except httpx.HTTPError as exc:
                raise EnvironmentProblem(f"cannot reach the store at {store_url}: {exc}") from None
            if response.status_code not in OK_STATUSES:
                _fail(response, f"PUT {name}")
            report.graphs[name] = body.count(b"\n")
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def query_endpoint(
    url: str, text: str, *, user: str | None = None, password: str | None = None, auth: str = "basic",
    limit: int | None = None, timeout: float = 60.0,
) -> QueryResult:
    """Run ``text`` on the SPARQL 1.1 Protocol endpoint at ``url`` (form POST) and read its answer."""
    httpx = _httpx()
    shape = inspect(text)
    graph_form = shape.form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples, text/turtle;q=0.9" if graph_form else "application/sparql-results+json"
    with _client(user, password, auth, timeout) as client:
        try:
            response = client.post(url, data={"query": text}, headers={"Accept": accept})
        except httpx.HTTPError as exc:
            raise EnvironmentProblem(f"cannot reach the endpoint at {url}: {exc}") from None
    if response.status_code == 400:
        raise QuerySyntaxError(f"the endpoint rejected the query: {' '.join(response.text.split())[:500]}")
    if response.status_code != 200:
        _fail(response, f"query on {url}")
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if graph_form:
        graph = Graph()
        graph.parse(data=response.content, format="turtle" if media == "text/turtle" else "nt")
        return QueryResult(shape.form, graph=graph)
    from rdflib.query import Result

    parsed = Result.parse(io.BytesIO(response.content), format="json")
    if shape.form == "ASK":
        return QueryResult("ASK", boolean=bool(parsed.askAnswer))
    variables = [str(v) for v in parsed.vars or []]
    rows = (tuple(binding.get(v) for v in parsed.vars or []) for binding in parsed.bindings)
    result = from_terms("SELECT", variables, rows, limit=limit)
    result.truncated = result.truncated or "x-cungai-truncated" in response.headers  # cut by `cungai serve`
    return result
