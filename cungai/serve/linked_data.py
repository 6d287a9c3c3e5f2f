"""The project's IRIs, resolved: ``/id/{kind}/{slug}``, ``/ontology``, ``/source/{id}``, ``/graph/…``.

Served at the root of ``cungai serve`` they answer as the published IRIs (``https://w3id.org/cungai/…``)
would, by content negotiation (``Vary: Accept``):

- a browser (``text/html`` preferred) is sent (303 See Other, as for any thing that is not a
  document) to the page about it: the entity page of the views, the annotated article of a source,
  the ontology documentation;
- an RDF client gets Turtle, N-Triples, JSON-LD or RDF/XML: for an entity or a source its concise
  bounded description (every triple about it, every triple pointing at it but the reification of
  its evidence, and the labels of all its neighbours), for the ontology its graph, for a named graph
  its triples (cut at the row cap, ``X-Cungai-Truncated`` says so).

Something the graph does not mention is a 404. Values reach the store only as VALUES blocks.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from rdflib import BNode, Graph, Literal, URIRef

from ..errors import UsageError
from ..query.results import MEDIA_TYPES, graph_text
from ..rdf.namespaces import BASE, ENTITY_KINDS, ONTOLOGY_GRAPH
from ..rdf.sparql import with_values
from .backend import Backend, ServerSettings, problem
from .negotiation import GRAPH, negotiate
from .workers import QueryTimeout

_LABELS = "(<http://www.w3.org/2000/01/rdf-schema#label>, <http://www.w3.org/2004/02/skos/core#prefLabel>)"
_EVIDENCE = "(<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>, <http://www.w3.org/1999/02/22-rdf-syntax-ns#object>)"
#: The concise bounded description of ``?this``, in four plain SELECTs (each with ``?this`` bound first).
DESCRIPTION = {
    "out": "SELECT ?p ?o WHERE { ?this ?p ?o }",
    "in": f"SELECT ?s ?p WHERE {{ ?s ?p ?this FILTER(?p NOT IN {_EVIDENCE}) }}",
    "out-labels": f"SELECT ?s ?p ?o WHERE {{ ?this ?x ?s . ?s ?p ?o FILTER(isIRI(?s) && ?p IN {_LABELS}) }}",
    "in-labels": f"SELECT ?s ?p ?o WHERE {{ ?s ?x ?this . ?s ?p ?o FILTER(?x NOT IN {_EVIDENCE} && ?p IN {_LABELS}) }}",
}
EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"


def _term(cell: dict):
    if cell["type"] == "uri":
        return URIRef(cell["value"])
    if cell["type"] == "bnode":
        return BNode(cell["value"])
    return Literal(cell["value"], lang=cell.get("xml:lang"),
                   datatype=URIRef(cell["datatype"]) if "datatype" in cell else None)


def describe(backend: Backend, iri: str, *, max_rows: int) -> Graph:
    """The concise bounded description of ``iri`` with the labels of its neighbours (empty if unknown)."""
    this = URIRef(iri)
    graph = Graph()
    for name, text in DESCRIPTION.items():
        answer = json.loads(backend.run(with_values(text, {"this": this}), "json", max_rows=max_rows).body)
        for row in answer["results"]["bindings"]:
            s = _term(row["s"]) if "s" in row else this
            o = _term(row["o"]) if "o" in row else this
            graph.add((s, _term(row["p"]), o))
    return graph


def _rdf(graph: Graph, fmt: str, headers: dict) -> Response:
    media = MEDIA_TYPES[fmt] + ("" if fmt == "jsonld" else "; charset=utf-8")
    return Response(graph_text(graph, fmt), media_type=media, headers=headers)


def add_linked_data_routes(app: FastAPI, settings: ServerSettings, backend: Backend) -> None:
    """The routes of the project's IRIs."""
    vary = {"Vary": "Accept"}

    def choose(request: Request, html: bool) -> str | None:
        offers = GRAPH + ("html",) if html else GRAPH
        requested = request.query_params.getlist("format")
        return negotiate(offers, request.headers.get("accept"), requested)

    def not_acceptable(html: bool) -> Response:
        offered = ", ".join([MEDIA_TYPES[f] for f in GRAPH] + (["text/html"] if html else []))
        return problem(406, f"offered: {offered}", headers=vary)

    async def description(request: Request, iri: str, page: str | None) -> Response:
        fmt = choose(request, page is not None)
        if fmt is None:
            return not_acceptable(page is not None)
        try:
            graph = await run_in_threadpool(describe, backend, iri, max_rows=settings.max_rows)
        except QueryTimeout as exc:
            return problem(503, str(exc))
        if not len(graph):
            return problem(404, f"the graph says nothing about {iri}", headers=vary)
        if fmt == "html":
            return RedirectResponse(page, status_code=303, headers=vary)
        return _rdf(graph, fmt, {**vary, "Content-Location": str(request.url)})

    async def whole_graph(request: Request, name: str, page: str | None) -> Response:
        fmt = choose(request, page is not None)
        if fmt is None:
            return not_acceptable(page is not None)
        if fmt == "html":
            return RedirectResponse(page, status_code=303, headers=vary)
        try:
            answer = await run_in_threadpool(backend.run, EVERYTHING, fmt, max_rows=settings.max_rows,
                                             dataset=((name,), ()))
        except QueryTimeout as exc:
            return problem(503, str(exc))
        except UsageError:  # a graph the store does not hold
            return problem(404, f"no graph {name} in this store", headers=vary)
        headers = dict(vary)
        if answer.truncated:
            headers["X-Cungai-Truncated"] = f"true; cut at {settings.max_rows} triples"
        media = answer.media_type + ("" if fmt == "jsonld" else "; charset=utf-8")
        return Response(answer.body, media_type=media, headers=headers)

    @app.get("/id/{kind}/{slug:path}")
    async def entity(request: Request, kind: str, slug: str) -> Response:
        from ..views.pagemodels import SAFE_SEGMENT

        page = f"/views/entity/{kind}/{slug}.html" if kind in ENTITY_KINDS and SAFE_SEGMENT.match(slug) else None
        return await description(request, f"{BASE}id/{kind}/{slug}", page)

    @app.get("/source/{source_id}")
    async def source(request: Request, source_id: str) -> Response:
        from ..views.pagemodels import SAFE_SEGMENT

        page = f"/views/article/{source_id}.html" if SAFE_SEGMENT.match(source_id) else None
        return await description(request, f"{BASE}source/{source_id}", page)

    @app.get("/ontology")
    async def ontology(request: Request) -> Response:
        return await whole_graph(request, str(ONTOLOGY_GRAPH), "/docs/ontology.html")

    @app.get("/graph/{name:path}")
    async def named_graph(request: Request, name: str) -> Response:
        return await whole_graph(request, f"{BASE}graph/{name}", None)
