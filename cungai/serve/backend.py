"""What the routes of ``cungai serve`` share: the server's settings, the query workers (started when
first needed, each opening the build's on-disk store read-only) and the pages rendered on demand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi.responses import PlainTextResponse, Response

from ..config import MAX_REQUEST_BYTES, MAX_ROWS, QUERY_TIMEOUT_S, QUERY_WORKERS
from .workers import Answer, WorkerPool


@dataclass(frozen=True)
class ServerSettings:
    """What a server serves and its limits."""

    build_dir: Path
    queries_dir: Path | None = None
    timeout: float = QUERY_TIMEOUT_S
    max_rows: int = MAX_ROWS
    max_request_bytes: int = MAX_REQUEST_BYTES
    workers: int = QUERY_WORKERS
    cors_origins: tuple[str, ...] = ()  # origins whose pages may read answers; ("*",) for any, () for none


class Backend:
    """What the routes share: the query workers and the on-demand pages, started when first needed."""

    def __init__(self, settings: ServerSettings):
        from ..query.stores import oxigraph_source

        self.settings = settings
        self.source = oxigraph_source(settings.build_dir)  # fails early, in both languages, without a build
        self._pool: WorkerPool | None = None
        self._pages = None
        self._lock = threading.Lock()
        self._pages_lock = threading.Lock()  # not ``_lock``: making the pages takes the pool, which takes ``_lock``

    def pool(self) -> WorkerPool:
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self.source, size=self.settings.workers)
            return self._pool

    def run(self, text: str, fmt: str, *, max_rows: int | None = None, dataset=None) -> Answer:
        """``text`` answered in ``fmt`` by a worker, under the time limit (QueryTimeout past it)."""
        return self.pool().run(text, fmt, max_rows=max_rows, timeout=self.settings.timeout, dataset=dataset)

    def pages(self):
        """The views' pages rendered from the graph (``views.ondemand.OnDemandPages``)."""
        from ..views.ondemand import OnDemandPages

        with self._pages_lock:
            if self._pages is None:
                self._pages = OnDemandPages(lambda text: self.run(text, "json").body, self.settings.build_dir / "views")
            return self._pages

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def problem(status: int, message: str, headers: dict | None = None) -> Response:
    """A plain-text error response."""
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)
