"""Load test of ``cungai serve``: concurrent clients, good, bad and refused queries, memory watched (issue 7).

    python benchmarks/load_endpoint.py                                 # 2,000 requests from 20 clients
    python benchmarks/load_endpoint.py --requests 500 --clients 10 --build /tmp/kg

The script starts ``cungai serve`` itself on 127.0.0.1 at a free port (loopback only, always), waits
until its query workers answer, sends ``--requests`` requests from ``--clients`` concurrent clients
(asyncio and httpx, one connection per client), then stops the server's process group. The requests
are a fixed mix, shuffled with ``--seed``:

- ``library`` (80 %): every query of ``queries/`` at its defaults and three with parameters (bound as
  ``VALUES``, as ``cungai query --show`` writes them), by GET, by form POST and by an
  ``application/sparql-query`` body; each must answer 200 with the row count that Oxigraph gives
  locally on the same ``kg.trig``;
- ``bad`` (6 %): SPARQL with syntax errors, must answer 400;
- ``service`` (5 %) and ``remote-from`` (3 %): ``SERVICE`` and ``FROM`` aimed at a loopback port on
  which this script listens; must answer 400, and the port must see no connection;
- ``update`` (3 %): ``DROP ALL`` and ``LOAD``, must answer 403 or 400;
- ``too-large`` (3 %): a 100 KB body, over the 64 KB default limit, must answer 413.

Any other answer, a transport error or a client timeout counts as an error. The run is bounded: it
stops taking requests after ``--time-limit`` seconds even if not all were sent. Reported: errors by
kind, latency percentiles overall and per kind, requests per second, and the resident memory (RSS,
from ``/proc``) of the server process and of its query workers at the start (server ready, before the
load), the middle (half the requests answered) and the end, plus the highest value a sampler saw
every 0.25 s. JSON goes to ``--out`` (default ``build/load_endpoint.json``), Markdown to stdout. Exit
code 0 when there was no error and no connection to the listening port, else 1. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cungai.query.library import library  # noqa: E402  (after the path, so the checkout's package is used)
from cungai.query.stores import OxigraphEngine  # noqa: E402

LOOPBACK = "127.0.0.1"
WEIGHTS = {"bad": 0.06, "service": 0.05, "remote-from": 0.03, "update": 0.03, "too-large": 0.03}  # the rest: library
PARAMETRISED = [
    ("park-profile", {"park": "park:beihai-gongyequ", "lang": "en"}),
    ("search-evidence", {"text": "收储"}),
    ("evidence-for-entity", {"entity": "person:ran-yong"}),
]
BAD = [
    "SELECT ?s WHERE { ?s ?p }",
    "SELECT ?s\nWHERE {\n  ?s ?p ?o\n",
    "SELECT * WHERE { ?s nope:p ?o }",
    "SELEKT * WHERE { ?s ?p ?o }",
    "SELECT (COUNT(?s) AS ?n) ?p WHERE { ?s ?p ?o }",
]


@dataclass(frozen=True)
class Request:
    """One planned request: its kind, how it is sent, the query text and what must come back."""

    kind: str
    method: str  # get, form, body
    name: str
    text: str
    expected: tuple[int, ...]
    rows: int | None = None  # for library queries: the row count Oxigraph gives locally


@dataclass
class Outcome:
    kind: str
    method: str
    name: str
    status: int | None
    seconds: float
    ok: bool
    why: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of one process in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def memory(pid: int) -> dict:
    """RSS (MiB) of the server process, of its query workers and of all of them with any other child."""
    def is_worker(child: int) -> bool:
        try:
            return b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return False

    others = children(pid)
    return {"server_mib": round(rss_kib(pid) / 1024, 1),
            "workers_mib": [round(rss_kib(w) / 1024, 1) for w in others if is_worker(w)],
            "total_mib": round((rss_kib(pid) + sum(rss_kib(w) for w in others)) / 1024, 1)}


def plan(total: int, service_url: str, seed: int, trig: Path) -> list[Request]:
    """The shuffled requests: the library's queries with their local row counts, and the abuse."""
    engine = OxigraphEngine(trig)
    queries = library(REPO / "queries")
    runs = [(name, {}) for name in queries] + PARAMETRISED
    counted = []  # (label, text as sent, rows Oxigraph gives locally)
    for name, given in runs:
        query = queries[name]
        label = f"{name}({', '.join(given)})" if given else name
        counted.append((label, query.bound_text(given), len(engine.run(query.text, query.bindings(given)).rows)))
    service = "SERVICE <" + service_url + "/sparql>"
    abuse = {
        "bad": [(f"bad-{i}", text, (400,)) for i, text in enumerate(BAD)],
        "service": [
            ("service", f"SELECT * WHERE {{ {service} {{ ?s ?p ?o }} }}", (400,)),
            ("service-silent", f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{service_url}/x> {{ ?s ?q ?r }} }} }}",
             (400,)),
            # rdflib (the check) once read this SERVICE as a comment, Oxigraph (the engine) as code
            ("service-escape", f'SELECT * WHERE {{ BIND("a\\u0022 # " AS ?b) {service} {{ ?s ?p ?o }} }} # \\u000a AS ?b) }}',
             (400,)),
        ],
        "remote-from": [
            ("from", f"SELECT * FROM <{service_url}/data.ttl> WHERE {{ ?s ?p ?o }}", (400,)),
            ("from-named", f"SELECT * FROM NAMED <{service_url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", (400,)),
        ],
        "update": [("drop-all", "DROP ALL", (403,)), ("load", f"LOAD <{service_url}/data.ttl>", (400, 403))],
        "too-large": [("too-large", "#" + "x" * 100_000 + "\nASK { ?s ?p ?o }", (413,))],
    }
    out: list[Request] = []
    methods = ["get", "get", "form", "body"]  # GET 40 %, form POST 20 %, body POST 20 % of all requests
    for kind, weight in WEIGHTS.items():
        for i in range(round(total * weight)):
            name, text, expected = abuse[kind][i % len(abuse[kind])]
            method = "form" if kind in ("update", "too-large") else methods[i % len(methods)]
            out.append(Request(kind, method, name, text, expected))
    for i in range(total - len(out)):
        name, text, rows = counted[i % len(counted)]
        out.append(Request("library", methods[i % len(methods)], name, text, (200,), rows))
    random.Random(seed).shuffle(out)
    return out


async def send(http: httpx.AsyncClient, request: Request) -> httpx.Response:
    accept = {"Accept": "application/sparql-results+json"}
    if request.kind == "update":
        return await http.post("/sparql", data={"update": request.text})
    if request.method == "get":
        return await http.get("/sparql", params={"query": request.text}, headers=accept)
    if request.method == "form":
        return await http.post("/sparql", data={"query": request.text}, headers=accept)
    return await http.post("/sparql", content=request.text.encode("utf-8"),
                           headers={**accept, "Content-Type": "application/sparql-query"})


def judge(request: Request, response: httpx.Response) -> tuple[bool, str]:
    if response.status_code not in request.expected:
        return False, f"status {response.status_code}: {response.text[:200]}"
    if request.rows is not None:
        rows = int(response.headers.get("x-cungai-rows", "-1"))
        if rows != request.rows:
            return False, f"{rows} rows, expected {request.rows}"
    return True, ""


async def load(base: str, requests: list[Request], clients: int, time_limit: float, on_half) -> tuple[list[Outcome], float]:
    pending = list(reversed(requests))
    outcomes: list[Outcome] = []
    half = len(requests) // 2
    deadline = time.monotonic() + time_limit

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False,
                                     limits=httpx.Limits(max_connections=1)) as http:
            while pending and time.monotonic() < deadline:
                request = pending.pop()
                started = time.perf_counter()
                try:
                    response = await send(http, request)
                    ok, why = judge(request, response)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    ok, why, status = False, f"{type(exc).__name__}: {exc}", None
                outcomes.append(Outcome(request.kind, request.method, request.name, status,
                                        time.perf_counter() - started, ok, why))
                if len(outcomes) == half:
                    on_half()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return outcomes, time.perf_counter() - started


def percentiles(seconds: list[float]) -> dict:
    if not seconds:
        return {}
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"count": len(ordered), "p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] * 1000, 1), "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


def machine() -> dict:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = {}
    for package in ("pyoxigraph", "rdflib", "fastapi", "uvicorn", "httpx"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(), "system": platform.platform(),
            "load_average": os.getloadavg(), "versions": versions}


def start_server(build: Path, port: int, args, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "cungai", "serve", "--host", LOOPBACK, "--port", str(port), "--build", str(build),
               "--workers", str(args.workers), "--timeout", str(args.query_timeout)]
    return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(base: str, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=timeout, trust_env=False) as http:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"cungai serve exited with code {server.returncode}")
            try:
                if http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
    raise SystemExit(f"cungai serve did not answer within {timeout:g} s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the process group this script started (the server and its query workers)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # workers left behind, if any
    except ProcessLookupError:
        pass
    server.wait(timeout=10)


def markdown(report: dict) -> str:
    lines = [f"{report['requests_sent']} requests from {report['clients']} clients in {report['wall_seconds']:.1f} s: "
             f"**{report['requests_per_second']:.0f} requests/s**, **{report['errors']} errors**, "
             f"{report['connections_to_listener']} connections to the address named in SERVICE/FROM.", "",
             "| requests | count | errors | p50 ms | p90 ms | p99 ms | max ms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, stats in report["latency"].items():
        lines.append(f"| {kind} | {stats['count']} | {report['errors_by_kind'].get(kind, 0)} | {stats['p50_ms']} | "
                     f"{stats['p90_ms']} | {stats['p99_ms']} | {stats['max_ms']} |")
    lines += ["", "| memory (RSS, MiB) | server | query workers | total (with multiprocessing's resource tracker) |",
              "| --- | ---: | --- | ---: |"]
    for moment in ("start", "middle", "end"):
        m = report["memory"][moment]
        lines.append(f"| {moment} | {m['server_mib']} | {' + '.join(map(str, m['workers_mib']))} | {m['total_mib']} |")
    lines.append(f"| highest seen (sampled every 0.25 s) | | | {report['memory']['peak_total_mib']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=300.0, help="Stop sending after this many seconds.")
    parser.add_argument("--workers", type=int, default=2, help="Query workers of the server.")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="The server's time limit per query.")
    parser.add_argument("--build", type=Path, default=REPO / "build", help="Folder with kg.trig (default: build/).")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "load_endpoint.json")
    args = parser.parse_args(argv)
    trig = args.build / "kg.trig"
    if not trig.is_file():
        raise SystemExit(f"no {trig}: run `python build_graph.py` (or pass --build DIR)")

    listener = socket.socket()  # SERVICE and FROM point here; nothing may ever connect
    listener.bind((LOOPBACK, 0))
    listener.listen(16)
    listener.setblocking(False)
    requests = plan(args.requests, f"http://{LOOPBACK}:{listener.getsockname()[1]}", args.seed, trig)
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    before = machine()
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "serve.log", "w+b") as log:
        server = start_server(args.build, port, args, log)
        try:
            started = time.perf_counter()
            wait_ready(base, server, timeout=120)
            ready_seconds = time.perf_counter() - started
            memory_at = {"start": memory(server.pid)}
            peak = {"total_mib": memory_at["start"]["total_mib"]}
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.wait(0.25):
                    peak["total_mib"] = max(peak["total_mib"], memory(server.pid)["total_mib"])

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            outcomes, wall = asyncio.run(load(base, requests, args.clients, args.time_limit,
                                              on_half=lambda: memory_at.__setitem__("middle", memory(server.pid))))
            memory_at["end"] = memory(server.pid)
            sampling.set()
            sampler.join()
            alive = server.poll() is None
        finally:
            stop_server(server)
            log.seek(0)
            server_log = log.read().decode("utf-8", errors="replace")
    try:
        listener.accept()[0].close()
        connections = 1
    except BlockingIOError:
        connections = 0
    listener.close()

    errors = [o for o in outcomes if not o.ok]
    kinds = ["library", *WEIGHTS]
    latency = {"all": percentiles([o.seconds for o in outcomes])}
    latency.update({k: percentiles([o.seconds for o in outcomes if o.kind == k]) for k in kinds})
    latency.update({f"library by {m}": percentiles([o.seconds for o in outcomes if o.kind == "library" and o.method == m])
                    for m in ("get", "form", "body")})
    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": before, "build": str(args.build), "clients": args.clients, "requests_planned": len(requests),
        "requests_sent": len(outcomes), "wall_seconds": round(wall, 2),
        "requests_per_second": round(len(outcomes) / wall, 1) if wall else 0.0,
        "server_ready_seconds": round(ready_seconds, 2), "server_alive_at_end": alive,
        "errors": len(errors) + (len(requests) - len(outcomes)),
        "errors_by_kind": {k: sum(1 for o in errors if o.kind == k) for k in kinds},
        "first_errors": [asdict(o) for o in errors[:10]],
        "connections_to_listener": connections,
        "latency": latency,
        "memory": {**memory_at, "peak_total_mib": peak["total_mib"]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(markdown(report))
    print(f"\nmachine: {before['cpus']} CPUs ({before['cpu']}), Python {before['python']}, "
          f"load average before {before['load_average'][0]:.2f}; server ready in {ready_seconds:.1f} s; JSON: {args.out}")
    if report["errors"] or connections or not alive:
        print("\nFAILED; first errors:", *report["first_errors"], "server log (end):", server_log[-3000:], sep="\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
