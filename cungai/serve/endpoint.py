"""``cungai serve``: a read-only SPARQL 1.1 Protocol endpoint over the built graph, IRIs that resolve, the views.

``create_app`` is the app factory; what the routes share (settings, query workers, on-demand pages)
is ``backend``; the routes live by responsibility in their own modules:

- ``protocol``: ``/sparql``, the SPARQL 1.1 Protocol as clients use it (GET and POST, content
  negotiation with quality values and ``format``/``output``, ``default-graph-uri`` and
  ``named-graph-uri`` over the local graphs, a service description when there is no query);
- ``linked_data``: ``/id/{kind}/{slug}``, ``/ontology``, ``/source/{id}``, ``/graph/…``: the
  project's IRIs, answered in HTML for browsers and in RDF for RDF clients;
- ``site``: the query page ``/``, the views (``/views/``, with pages rendered on demand), the
  ontology documentation (``/docs/``) and the downloads.

Oxigraph answers, in worker processes with a per-query time limit and a row cap (``workers``),
each opening the build's on-disk store read-only. Before any worker sees a query it is parsed
here: updates get 403, ``SERVICE`` 400, and ``FROM`` of a graph the store does not hold 400, so
nothing ever connects anywhere. Requests larger than a limit get 413. CORS is off unless
``cors_origins`` lists origins (or ``*``) that may read answers from a page of their own: GET and
POST, no credentials (docs/endpoint.md says why).

rdflib-endpoint was considered: it runs rdflib (slow beyond ~100k triples), executes SERVICE,
has no time limit or row cap, and its page loads YASGUI from a CDN, so it does not fit.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from ..config import HOST, PORT
from .backend import Backend, ServerSettings, problem
from .linked_data import add_linked_data_routes
from .protocol import add_sparql_routes
from .site import add_site_routes


def create_app(settings: ServerSettings) -> FastAPI:
    """The FastAPI application serving ``settings.build_dir``."""
    backend = Backend(settings)

    @asynccontextmanager
    async def lifespan(app):
        backend.pool()
        yield
        backend.close()

    app = FastAPI(title="cungai-kg SPARQL endpoint", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.backend = backend

    @app.middleware("http")
    async def limit_size(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > settings.max_request_bytes:
            return problem(413, f"request larger than {settings.max_request_bytes} bytes")
        if len(request.url.query.encode("utf-8")) > settings.max_request_bytes:
            return problem(414, f"query string longer than {settings.max_request_bytes} bytes")
        return await call_next(request)

    if settings.cors_origins:  # added last, so it wraps the size limit: a 413 carries the CORS headers too
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Accept", "Content-Type"], allow_credentials=False, max_age=600,
                           expose_headers=["X-Cungai-Rows", "X-Cungai-Seconds", "X-Cungai-Truncated"])

    add_sparql_routes(app, settings, backend)
    add_linked_data_routes(app, settings, backend)
    add_site_routes(app, settings, backend)  # last: it mounts folders and serves top-level downloads
    return app


def serve(settings: ServerSettings, *, host: str = HOST, port: int = PORT) -> None:
    """Run the endpoint with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
