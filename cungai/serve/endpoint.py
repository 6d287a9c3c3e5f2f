"""``cungai serve``: a read-only SPARQL 1.1 Protocol endpoint over the built graph, plus the views.

``create_app`` is the app factory. ``/sparql`` takes GET and POST (form or
``application/sparql-query``) and answers SELECT/ASK as JSON, XML, CSV or TSV and CONSTRUCT/DESCRIBE
as Turtle, N-Triples or JSON-LD, by content negotiation (or ``format=``). Oxigraph answers, in worker
processes with a per-query time limit and a row cap (``workers.py``). Before any worker sees a
query it is parsed here: updates get 403, ``SERVICE`` 400, and ``FROM`` of a graph the store does
not hold 400, so nothing ever connects anywhere. Requests larger than a limit get 413. CORS is off
unless ``cors_origins`` lists origins (or ``*``) that may read answers from a page of their own:
GET and POST, no credentials (docs/endpoint.md says why). ``/`` is a
query page that works offline (plain HTML and JS from this package; a Content-Security-Policy keeps
it from loading anything else) with the query library as ready examples; ``/views/`` serves the
browser views of ``build/views``, ``/docs/`` the ontology documentation and ``/data/`` the dumps.
An entity page the build did not write (it writes those of the most central entities) is rendered
when asked for, at the same URL ``/views/entity/{kind}/{slug}.html``, from the query workers'
store (``storeviews.OnDemandPages``), so every link of the views leads somewhere.

rdflib-endpoint was considered: it runs rdflib (slow beyond ~100k triples), executes SERVICE,
has no time limit or row cap, and its page loads YASGUI from a CDN, so it does not fit.
"""

from __future__ import annotations

import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from ..errors import CungaiError, UsageError
from .query_page import page_html
from ..query.results import GRAPH_FORMATS, MEDIA_TYPES
from ..rdf.sparql import QueryRefused, QuerySyntaxError, inspect, refuse_update
from .workers import QueryTimeout, WorkerPool

TABULAR = ("json", "xml", "csv", "tsv")
ACCEPTED = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld",
}
DUMPS = ("kg.trig", "kg.nt", "kg.ttl", "kg.jsonld", "void.ttl", "ontology.owl", "report.json")
PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "connect-src 'self'; form-action 'self'; img-src 'self' data:; base-uri 'none'")
#: The policy of the browser views (the one their own ``<meta>`` declares), for pages rendered on demand.
VIEWS_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                "font-src 'self'; base-uri 'none'; form-action 'none'")


@dataclass(frozen=True)
class ServerSettings:
    """What a server serves and its limits."""

    build_dir: Path
    queries_dir: Path | None = None
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 64 * 1024
    workers: int = 2
    cors_origins: tuple[str, ...] = ()  # origins whose pages may read answers; ("*",) for any, () for none


def negotiate(form: str, accept: str | None, requested: str | None) -> str | None:
    """The output format for a query ``form``: ``requested`` (``format=``) if given, else by ``Accept``."""
    allowed = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else TABULAR
    if requested:
        fmt = ACCEPTED.get(requested, requested)
        return fmt if fmt in allowed else None
    if not accept:
        return allowed[0]
    offers = []
    for position, part in enumerate(accept.split(",")):
        media, *options = [p.strip() for p in part.split(";")]
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        offers.append((-quality, position, media.lower()))
    graph = form in ("CONSTRUCT", "DESCRIBE")
    for negative_q, _, media in sorted(offers):
        if negative_q >= 0:  # q=0: not acceptable
            continue
        if media in ("*/*", "application/*"):
            return allowed[0]
        if media == "text/*":
            return "turtle" if graph else "csv"
        fmt = ACCEPTED.get(media)
        if fmt in allowed:
            return fmt
    return None


def _examples(settings: ServerSettings) -> list[dict]:
    from ..query.library import library

    out = []
    for query in library(settings.queries_dir).values():
        out.append({"name": query.name, "title_zh": query.title_zh, "title_en": query.title_en,
                    "answers_en": query.answers_en, "answers_zh": query.answers_zh,
                    "questions": list(query.questions), "text": query.bound_text()})
    return out


def create_app(settings: ServerSettings) -> FastAPI:
    """The FastAPI application serving ``settings.build_dir``."""
    from ..query.stores import oxigraph_source

    source = oxigraph_source(settings.build_dir)
    examples = _examples(settings)
    state: dict = {"pool": None}
    lock = threading.Lock()

    def pool() -> WorkerPool:
        with lock:
            if state["pool"] is None:
                state["pool"] = WorkerPool(source, size=settings.workers)
            return state["pool"]

    @asynccontextmanager
    async def lifespan(app):
        pool()
        yield
        if state["pool"] is not None:
            state["pool"].close()

    app = FastAPI(title="cungai-kg SPARQL endpoint", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.settings = settings

    @app.middleware("http")
    async def limit_size(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > settings.max_request_bytes:
            return PlainTextResponse(f"request larger than {settings.max_request_bytes} bytes", status_code=413)
        if len(request.url.query.encode("utf-8")) > settings.max_request_bytes:
            return PlainTextResponse(f"query string longer than {settings.max_request_bytes} bytes", status_code=414)
        return await call_next(request)

    if settings.cors_origins:  # added last, so it wraps the size limit: a 413 carries the CORS headers too
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Accept", "Content-Type"], allow_credentials=False, max_age=600,
                           expose_headers=["X-Cungai-Rows", "X-Cungai-Seconds", "X-Cungai-Truncated"])

    def problem(status: int, message: str) -> Response:
        return PlainTextResponse(message + "\n", status_code=status)

    def refused(update: str) -> Response:
        try:
            refuse_update(update)
        except QueryRefused as exc:
            return problem(403 if exc.update else 400, str(exc))
        raise AssertionError("unreachable")  # refuse_update always raises

    def answer(query: str | None, accept: str | None, requested: str | None) -> Response:
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
        fmt = negotiate(shape.form, accept, requested)
        if fmt is None:
            offered = ", ".join(MEDIA_TYPES[f] for f in (GRAPH_FORMATS if shape.form in ("CONSTRUCT", "DESCRIBE") else TABULAR))
            return problem(406, f"cannot answer a {shape.form} in the requested format; offered: {offered}")
        started = time.perf_counter()
        try:
            result = pool().run(query, fmt, max_rows=settings.max_rows, timeout=settings.timeout)
        except QueryTimeout as exc:
            return problem(503, str(exc))
        except UsageError as exc:  # FROM of a graph the store does not hold, a query Oxigraph rejects
            return problem(400, str(exc))
        except CungaiError as exc:
            return problem(500, str(exc))
        headers = {"X-Cungai-Rows": str(result.rows), "X-Cungai-Seconds": f"{time.perf_counter() - started:.3f}"}
        if result.truncated:
            headers["X-Cungai-Truncated"] = f"true; cut at {settings.max_rows} rows"
        media = result.media_type + ("" if fmt == "jsonld" else "; charset=utf-8")
        return Response(result.body, media_type=media, headers=headers)

    @app.get("/sparql")
    def sparql_get(request: Request) -> Response:
        params = request.query_params
        if "update" in params:
            return refused(params["update"])
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return problem(400, "default-graph-uri and named-graph-uri are not supported; the default graph is the union of all graphs")
        return answer(params.get("query"), request.headers.get("accept"), params.get("format"))

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
            return refused(body.decode("utf-8", errors="replace"))
        if "update" in params:
            return refused(params["update"])
        if media == "application/sparql-query":
            query, requested = body.decode("utf-8", errors="replace"), params.get("format")
        elif media == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                return refused(form["update"][0])
            if "default-graph-uri" in form or "named-graph-uri" in form:
                return problem(400, "default-graph-uri and named-graph-uri are not supported")
            query = (form.get("query") or [None])[0]
            requested = (form.get("format") or [params.get("format")])[0]
        else:
            return problem(415, "POST a form (application/x-www-form-urlencoded) or application/sparql-query")
        return await run_in_threadpool(answer, query, request.headers.get("accept"), requested)

    @app.get("/", response_class=HTMLResponse)
    def query_page() -> HTMLResponse:
        html = page_html(examples, max_rows=settings.max_rows, timeout=settings.timeout)
        return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_POLICY})

    @app.get("/queries")
    def queries() -> JSONResponse:
        return JSONResponse(examples)

    @app.get("/data/{name}")
    def dump(name: str) -> Response:
        path = settings.build_dir / name
        if name not in DUMPS or not path.is_file():
            return problem(404, f"no such file; offered: {', '.join(DUMPS)}")
        return FileResponse(path)

    views_dir = settings.build_dir / "views"
    on_demand: dict = {"pages": None}
    on_demand_lock = threading.Lock()  # not ``lock``: making the pages takes the pool, which takes ``lock``

    def entity_pages():
        from ..views.storeviews import OnDemandPages

        with on_demand_lock:
            if on_demand["pages"] is None:
                def run(text: str) -> bytes:
                    return pool().run(text, "json", max_rows=None, timeout=settings.timeout).body

                on_demand["pages"] = OnDemandPages(run, views_dir)
            return on_demand["pages"]

    def written_or_rendered(written: Path, render, *, missing: str) -> Response:
        """The page the build wrote, else the same page rendered now (404 if the graph has no such thing)."""
        if written.is_file():
            return FileResponse(written, media_type="text/html; charset=utf-8")
        try:
            html = render()
        except QueryTimeout as exc:
            return problem(503, str(exc))
        if html is None:
            return problem(404, missing)
        return HTMLResponse(html, headers={"Content-Security-Policy": VIEWS_POLICY})

    @app.get("/views/entity/{kind}/{name}")
    def entity_page(kind: str, name: str) -> Response:
        """An entity page: the file the build wrote, or the same page rendered now from the graph."""
        from ..views.pagemodels import SAFE_SEGMENT

        slug = name[:-len(".html")] if name.endswith(".html") else ""
        if not (SAFE_SEGMENT.match(kind) and SAFE_SEGMENT.match(slug)):
            return problem(404, "no such page")
        return written_or_rendered(views_dir / "entity" / kind / name, lambda: entity_pages().render(kind, slug),
                                   missing=f"no entity {kind}/{slug} in the graph")

    @app.get("/views/article/{name}")
    def article_page(name: str) -> Response:
        """An annotated article: the file the build wrote, or the page rendered now from its text and the graph."""
        from ..views.pagemodels import SAFE_SEGMENT

        stem = name[:-len(".html")] if name.endswith(".html") else ""
        if not SAFE_SEGMENT.match(stem):
            return problem(404, "no such page")
        return written_or_rendered(views_dir / "article" / name, lambda: entity_pages().render_article(stem, views_dir),
                                   missing=f"no article {stem}")

    for prefix, folder in (("/views", "views"), ("/docs", "docs")):
        directory = settings.build_dir / folder
        if directory.is_dir():
            app.mount(prefix, StaticFiles(directory=directory, html=True), name=folder)
    return app


def serve(settings: ServerSettings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the endpoint with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")

