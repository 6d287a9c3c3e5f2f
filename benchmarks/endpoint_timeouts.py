"""Memory of ``cungai serve`` before and after a burst of queries that run out of time (issue 15).

    python benchmarks/endpoint_timeouts.py                       # 20 time-outs, 1 s limit, on build/
    python benchmarks/endpoint_timeouts.py --burst 40 --build /tmp/kg

The script starts ``cungai serve`` on 127.0.0.1 at a free port (loopback only), waits until it
answers, notes the resident memory (RSS, ``/proc``) of the server and of its query workers and the
number of worker processes, sends ``--burst`` queries that cannot finish in time (a cross product
of the graph with itself three times) one after the other, each of which must answer 503, then
measures again once a plain query answers: a worker that ran out of time is killed and replaced,
so the memory and the process count return to where they were. It stops the process group it
started. JSON goes to ``--out`` (default ``build/endpoint_timeouts.json``), Markdown to stdout;
exit code 0 when every slow query got its 503 and the server answered afterwards. Linux only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_endpoint import LOOPBACK, REPO, free_port, memory, start_server, stop_server, wait_ready  # noqa: E402

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PLAIN = "ASK { ?s ?p ?o }"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=REPO / "build")
    parser.add_argument("--burst", type=int, default=20, help="queries that run out of time")
    parser.add_argument("--query-timeout", type=float, default=1.0, help="the server's --timeout")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "endpoint_timeouts.json")
    args = parser.parse_args(argv)
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    log_path = args.out.with_suffix(".log")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        server = start_server(args.build, port, args, log)
        try:
            wait_ready(base, server, timeout=120)
            before = memory(server.pid)
            statuses: list[int] = []
            started = time.perf_counter()
            with httpx.Client(base_url=base, timeout=args.query_timeout + 60, trust_env=False) as http:
                for _ in range(args.burst):
                    statuses.append(http.get("/sparql", params={"query": SLOW}).status_code)
                burst_seconds = time.perf_counter() - started
                answered = http.get("/sparql", params={"query": PLAIN}).status_code
            time.sleep(2)  # the last replacement worker loads its store
            after = memory(server.pid)
        finally:
            stop_server(server)
    report = {"burst": args.burst, "query_timeout_s": args.query_timeout, "workers": args.workers,
              "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))}, "burst_seconds": round(burst_seconds, 1),
              "plain_query_after": answered, "before": before, "after": after, "build": str(args.build)}
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"{args.burst} queries past a {args.query_timeout:g} s limit in {burst_seconds:.1f} s: answers {report['statuses']}; "
          f"a plain query afterwards: {answered}\n")
    print("| | server MiB | workers MiB | total MiB | worker processes |\n| --- | --- | --- | --- | --- |")
    for name, taken in (("before", before), ("after", after)):
        print(f"| {name} | {taken['server_mib']} | {', '.join(map(str, taken['workers_mib']))} | {taken['total_mib']} "
              f"| {len(taken['workers_mib'])} |")
    return 0 if statuses == [503] * args.burst and answered == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
