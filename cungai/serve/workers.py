"""Oxigraph queries in child processes, so that a query past its time limit can really be stopped.

A query cannot be interrupted inside Oxigraph from Python, and a thread cannot be killed. Each
worker is therefore a child process with its own Oxigraph store: the build's ``store/`` opened
read-only (RocksDB lets any number of processes read it at once, and opening takes milliseconds),
or, for a build without one, ``kg.trig`` loaded into memory. The server hands a query to an idle
worker and waits at most the time limit. A worker that does not answer in time is killed (its CPU is freed at once) and replaced by a fresh one. Workers run the
query, cap the rows and write the answer in the requested format, so that all the heavy work
happens under the deadline.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import CungaiError


class QueryTimeout(CungaiError):
    """A query did not finish within the time limit; its worker was stopped."""

    exit_code = 3
    title = "timeout"


@dataclass(frozen=True)
class Answer:
    """A written answer: its media type, its bytes, and whether rows were cut at the cap."""

    media_type: str
    body: bytes
    truncated: bool = False
    rows: int = 0


def _identity(path: Path) -> tuple[int, int] | None:
    """What tells one store folder (or kg.trig) from the next build's at the same path."""
    try:
        stat = path.stat()
    except OSError:  # between the two renames of a build's swap
        return None
    return stat.st_ino, stat.st_mtime_ns


def _serve(conn, source: str) -> None:
    """The child process: open the store, then answer queries until the pipe closes.

    A build swaps a new store into place while the server runs: the worker notices (another inode at
    the same path) before its next query and opens the new one, so answers follow the latest build.
    """
    from ..query.results import MEDIA_TYPES, render
    from ..query.stores import OxigraphEngine

    path = Path(source)
    opened, engine = _identity(path), OxigraphEngine(path)
    conn.send(("ready", None))
    while True:
        try:
            text, fmt, max_rows, dataset = conn.recv()
        except EOFError:
            return
        try:
            current = _identity(path)
            if current is not None and current != opened:
                opened, engine = current, OxigraphEngine(path)
            result = engine.run(text, limit=max_rows, dataset=dataset).capped(max_rows)
            body = render(result, fmt).encode("utf-8")
            conn.send(("ok", Answer(MEDIA_TYPES[fmt], body, result.truncated, result.size)))
        except CungaiError as exc:
            conn.send(("error", exc))
        except Exception as exc:  # an engine failure must not kill the worker
            conn.send(("error", CungaiError(f"{type(exc).__name__}: {exc}")))


class Worker:
    """One child process with an Oxigraph store."""

    def __init__(self, source: Path, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, str(source)), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if not self.ready:
            try:
                if not self.conn.poll(timeout):
                    raise EOFError
                self.conn.recv()
            except (EOFError, OSError):
                self.stop()
                raise CungaiError(f"a query worker did not start (exit code {self.process.exitcode})") from None
            self.ready = True

    def ask(self, text: str, fmt: str, max_rows: int | None, timeout: float, dataset=None) -> Answer:
        try:
            self.conn.send((text, fmt, max_rows, dataset))
            if not self.conn.poll(timeout):
                self.stop()
                raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
            status, payload = self.conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise CungaiError("the query worker stopped unexpectedly") from None
        if status == "error":
            raise payload
        return payload

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()


class WorkerPool:
    """A fixed number of workers; each query takes an idle one, a stopped one is replaced."""

    def __init__(self, source: Path, *, size: int = 2, start_timeout: float = 60.0):
        """``source``: a build's ``store/`` folder or a ``kg.trig`` file (``stores.oxigraph_source``)."""
        self.source = Path(source)
        self.size = size
        self.start_timeout = start_timeout
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.closed = False
        for _ in range(size):
            self.idle.put(Worker(self.source, self.context))

    def run(self, text: str, fmt: str, *, max_rows: int | None, timeout: float, dataset=None) -> Answer:
        """Run ``text`` on an idle worker and return its written answer, or raise QueryTimeout.

        ``dataset``: the default and named graphs the query sees (``stores.GraphSelection``), if not the store's."""
        try:
            worker = self.idle.get(timeout=timeout + self.start_timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker is busy; try again later") from None
        try:
            worker.wait_ready(self.start_timeout)
            return worker.ask(text, fmt, max_rows, timeout, dataset)
        except BaseException:
            if not worker.alive:  # stopped at the deadline, or crashed: a fresh one takes its place
                worker = Worker(self.source, self.context)
            raise
        finally:
            if self.closed:
                worker.stop()
            else:
                self.idle.put(worker)

    def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                return
