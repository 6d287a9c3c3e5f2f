"""``/sparql``: the SPARQL 1.1 Protocol, as SPARQLWrapper, rdflib's SPARQLStore, YASGUI and curl use it.

- queries by GET, by POST of a form, or by POST of ``application/sparql-query``; updates are refused
  (403; a ``LOAD`` 400);
- SELECT/ASK as results JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, RDF/XML, JSON-LD or
  N-Triples; chosen by ``Accept`` with quality values or by ``format``/``output`` (``negotiation``);
- ``default-graph-uri`` and ``named-graph-uri`` (repeatable) set the dataset the query sees, as the
  protocol defines it, over the store's own named graphs only (any other is a 400); without them
  the default graph is the union of all graphs;
- ``GET /sparql`` without a query is the SPARQL 1.1 Service Description of the endpoint (RDF,
  negotiated): its formats, features and the named graphs with their sizes (``report.json``).
"""

from __future__ import annotations

import json
import time
from typing import Sequence
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..errors import CungaiError, UsageError
from ..query.results import MEDIA_TYPES
from ..rdf.sparql import QueryRefused, QuerySyntaxError, inspect, refuse_update
from .backend import Backend, ServerSettings, problem
from .negotiation import GRAPH, negotiate, offers_for
from .workers import QueryTimeout

#: The W3C format IRIs (http://www.w3.org/ns/formats/) of what the endpoint writes.
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
               "rdfxml": "RDF_XML"}


def _refused(update: str) -> Response:
    try:
        refuse_update(update)
    except QueryRefused as exc:
        return problem(403 if exc.update else 400, str(exc))
    raise AssertionError("unreachable")  # refuse_update always raises


def _dataset(defaults: Sequence[str], named: Sequence[str]):
    """The protocol's dataset, or None when the request names no graph (then: the store's own)."""
    if not defaults and not named:
        return None
    return tuple(dict.fromkeys(defaults)), tuple(dict.fromkeys(named))


def answer(settings: ServerSettings, backend: Backend, query: str | None, accept: str | None,
           requested: Sequence[str], dataset=None) -> Response:
    """The response to one query: checked here, answered by a worker in the negotiated format."""
    if not query or not query.strip():
        return problem(400, "missing query: pass query=… (GET or form POST) or a body of type application/sparql-query")
    try:
        shape = inspect(query)
    except QueryRefused as exc:
        return problem(403 if exc.update else 400, str(exc))
    except QuerySyntaxError as exc:
        return problem(400, f"bad query: {exc}")
    if shape.services:
        return problem(400, f"SERVICE is not allowed on this endpoint ({', '.join(shape.services)})")
    offers = offers_for(shape.form)
    fmt = negotiate(offers, accept, requested)
    if fmt is None:
        offered = ", ".join(MEDIA_TYPES[f] for f in offers)
        return problem(406, f"cannot answer a {shape.form} in the requested format; offered: {offered}",
                       headers={"Vary": "Accept"})
    started = time.perf_counter()
    try:
        result = backend.run(query, fmt, max_rows=settings.max_rows, dataset=dataset)
    except QueryTimeout as exc:
        return problem(503, str(exc))
    except UsageError as exc:  # a graph the store does not hold, a query Oxigraph rejects
        return problem(400, str(exc))
    except CungaiError as exc:
        return problem(500, str(exc))
    headers = {"X-Cungai-Rows": str(result.rows), "X-Cungai-Seconds": f"{time.perf_counter() - started:.3f}",
               "Vary": "Accept"}
    if result.truncated:
        headers["X-Cungai-Truncated"] = f"true; cut at {settings.max_rows} rows"
    media = result.media_type + ("" if fmt == "jsonld" else "; charset=utf-8")
    return Response(result.body, media_type=media, headers=headers)


def service_description(settings: ServerSettings, endpoint: str, fmt: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``, written in ``fmt``."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    from ..query.results import graph_text
    from ..rdf.namespaces import VOID

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    graph = Graph()
    graph.bind("sd", sd)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, service))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    graph.add((service, sd.feature, sd.UnionDefaultGraph))
    for fmt_name in FORMAT_IRIS.values():
        graph.add((service, sd.resultFormat, formats[fmt_name]))
    report_path = settings.build_dir / "report.json"
    sizes = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {}
    dataset, default = BNode("dataset"), BNode("default")
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, RDF.type, sd.Graph))
    if "triples" in sizes:
        graph.add((default, VOID.triples, Literal(sizes["triples"], datatype=XSD.integer)))
    for number, (name, count) in enumerate(sorted(sizes.get("graphs", {}).items())):
        named, content = BNode(f"g{number}"), BNode(f"c{number}")
        graph.add((dataset, sd.namedGraph, named))
        graph.add((named, RDF.type, sd.NamedGraph))
        graph.add((named, sd.name, URIRef(name)))
        graph.add((named, sd.graph, content))
        graph.add((content, RDF.type, sd.Graph))
        graph.add((content, VOID.triples, Literal(count, datatype=XSD.integer)))
    return graph_text(graph, fmt)


def add_sparql_routes(app: FastAPI, settings: ServerSettings, backend: Backend) -> None:
    """``GET`` and ``POST /sparql``."""

    @app.get("/sparql")
    def sparql_get(request: Request) -> Response:
        params = request.query_params
        if "update" in params:
            return _refused(params["update"])
        requested = params.getlist("format") + params.getlist("output")
        if "query" not in params:
            fmt = negotiate(GRAPH, request.headers.get("accept"), requested)
            if fmt is None:
                return problem(406, "the service description is offered as " + ", ".join(MEDIA_TYPES[f] for f in GRAPH))
            endpoint = str(request.url.replace(query=""))
            body = service_description(settings, endpoint, fmt)
            return Response(body, media_type=MEDIA_TYPES[fmt] + ("" if fmt == "jsonld" else "; charset=utf-8"),
                            headers={"Vary": "Accept"})
        dataset = _dataset(params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))
        return answer(settings, backend, params.get("query"), request.headers.get("accept"), requested, dataset)

    @app.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = b""
        async for chunk in request.stream():  # a body without Content-Length is cut off at the limit too
            body += chunk
            if len(body) > settings.max_request_bytes:
                return problem(413, f"request larger than {settings.max_request_bytes} bytes")
        params = request.query_params
        if media == "application/sparql-update":
            return _refused(body.decode("utf-8", errors="replace"))
        if "update" in params:
            return _refused(params["update"])
        requested = params.getlist("format") + params.getlist("output")
        defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        if media == "application/sparql-query":
            query = body.decode("utf-8", errors="replace")
        elif media == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                return _refused(form["update"][0])
            query = (form.get("query") or [None])[0]
            requested = form.get("format", []) + form.get("output", []) + requested
            defaults, named = defaults + form.get("default-graph-uri", []), named + form.get("named-graph-uri", [])
        else:
            return problem(415, "POST a form (application/x-www-form-urlencoded) or application/sparql-query")
        return await run_in_threadpool(answer, settings, backend, query, request.headers.get("accept"), requested,
                                       _dataset(defaults, named))
