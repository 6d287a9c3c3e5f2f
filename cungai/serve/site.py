"""What people open in a browser on ``cungai serve``: the query page, the views, the docs, the downloads.

``/`` is a query page that works offline (plain HTML and JS from this package; a
Content-Security-Policy keeps it from loading anything else) with the query library as ready
examples; ``/views/`` serves the browser views of ``build/views``, ``/docs/`` the ontology
documentation, and the dumps are served both under ``/data/{name}`` and at the root
(``/kg.graphml``…), where the views' own download links (``../kg.graphml`` from
``/views/index.html``) lead. An entity page the build did not write (it writes those of the most
central entities) is rendered when asked for, at the same URL ``/views/entity/{kind}/{slug}.html``,
from the query workers' store (``views.ondemand.OnDemandPages``), so every link of the views leads
somewhere; so is an annotated article.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..config import DOWNLOADS
from .backend import Backend, ServerSettings, problem
from .query_page import page_html
from .workers import QueryTimeout

PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "connect-src 'self'; form-action 'self'; img-src 'self' data:; base-uri 'none'")
#: The policy of the browser views (the one their own ``<meta>`` declares), for pages rendered on demand.
VIEWS_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                "font-src 'self'; base-uri 'none'; form-action 'none'")
_MEDIA = {".graphml": "application/graphml+xml", ".gexf": "application/gexf+xml", ".trig": "application/trig",
          ".nt": "application/n-triples", ".ttl": "text/turtle", ".jsonld": "application/ld+json",
          ".owl": "application/rdf+xml", ".json": "application/json"}


def examples(settings: ServerSettings) -> list[dict]:
    """The query library as the query page offers it."""
    from ..query.library import library

    out = []
    for query in library(settings.queries_dir).values():
        out.append({"name": query.name, "title_zh": query.title_zh, "title_en": query.title_en,
                    "answers_en": query.answers_en, "answers_zh": query.answers_zh,
                    "questions": list(query.questions), "text": query.bound_text()})
    return out


def add_site_routes(app: FastAPI, settings: ServerSettings, backend: Backend) -> None:
    """``/``, ``/queries``, the downloads, the views (with pages rendered on demand) and the docs."""
    from ..views.pagemodels import SAFE_SEGMENT

    library = examples(settings)
    views_dir = settings.build_dir / "views"

    @app.get("/", response_class=HTMLResponse)
    def query_page() -> HTMLResponse:
        html = page_html(library, max_rows=settings.max_rows, timeout=settings.timeout)
        return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_POLICY})

    @app.get("/queries")
    def queries() -> JSONResponse:
        return JSONResponse(library)

    def download(name: str) -> Response:
        path = settings.build_dir / name
        if name not in DOWNLOADS or not path.is_file():
            return problem(404, f"no such file; offered: {', '.join(DOWNLOADS)}")
        return FileResponse(path, media_type=_MEDIA.get(path.suffix, "application/octet-stream"))

    app.get("/data/{name}")(download)

    def written_or_rendered(written: Path, render: Callable[[], str | None], *, missing: str) -> Response:
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
        slug = name[:-len(".html")] if name.endswith(".html") else ""
        if not (SAFE_SEGMENT.match(kind) and SAFE_SEGMENT.match(slug)):
            return problem(404, "no such page")
        return written_or_rendered(views_dir / "entity" / kind / name, lambda: backend.pages().render(kind, slug),
                                   missing=f"no entity {kind}/{slug} in the graph")

    @app.get("/views/article/{name}")
    def article_page(name: str) -> Response:
        """An annotated article: the file the build wrote, or the page rendered now from its text and the graph."""
        stem = name[:-len(".html")] if name.endswith(".html") else ""
        if not SAFE_SEGMENT.match(stem):
            return problem(404, "no such page")
        return written_or_rendered(views_dir / "article" / name,
                                   lambda: backend.pages().render_article(stem, views_dir), missing=f"no article {stem}")

    for prefix, folder in (("/views", "views"), ("/docs", "docs")):
        directory = settings.build_dir / folder
        if directory.is_dir():
            app.mount(prefix, StaticFiles(directory=directory, html=True), name=folder)

    @app.get("/{name}")
    def top_level_download(name: str) -> Response:
        """The downloads where the views link them: ``/views/index.html`` → ``../kg.graphml``."""
        return download(name)
