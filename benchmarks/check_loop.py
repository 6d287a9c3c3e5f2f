"""The curator's loop: how long `cungai check` takes for one source, against a whole build (issue 13).

    python benchmarks/check_loop.py                    # the article, 5 runs; a synthetic 200k project
    python benchmarks/check_loop.py --runs 9 --build   # also one whole `cungai build` of the article

For each project the script times ``cungai check SOURCE`` as a curator runs it: a new process
(``python -m cungai check``), from start to exit, median of ``--runs`` runs, with the time the
check reports for itself (``checked in … s``: everything after the imports). The projects: the
article (this checkout) and a synthetic district of ``--synthetic`` triples (``cungai.synth``,
seed 0), where one of its sources is checked with all the others as context. With ``--build``,
one whole ``cungai build`` of the article into a temporary folder, for comparison.

Target (issue 13): about 2 s for the article on this machine. Results: ``build/bench-check.json``
and a Markdown table in ``build/bench-check.md`` (docs/benchmarks.md quotes them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "lunjiao-2019-12-06"
TARGET_SECONDS = 2.0


def _run(args: list[str], *, root: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cungai", *args, "--root", str(root)], env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"cungai {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def time_check(root: Path, source: str, runs: int) -> dict:
    """Wall time of ``cungai check SOURCE`` (median of ``runs``) and the time it reports itself."""
    walls, inner = [], []
    for _ in range(runs):
        wall, output = _run(["check", source], root=root)
        walls.append(wall)
        inner.append(float(re.search(r"checked in ([\d.]+)s", output).group(1)))
    summary = output.strip().split("\n")[-2]
    return {"source": source, "runs": runs, "wall_median_s": round(statistics.median(walls), 3),
            "wall_max_s": round(max(walls), 3), "check_median_s": round(statistics.median(inner), 3),
            "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=200_000, help="triples of the synthetic project (0: none)")
    parser.add_argument("--build", action="store_true", help="also time one whole build of the article")
    args = parser.parse_args()
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "load_average": os.getloadavg()}, "target_s": TARGET_SECONDS,
               "article": time_check(ROOT, ARTICLE, args.runs)}
    with tempfile.TemporaryDirectory() as tmp:
        if args.synthetic:
            from cungai.synth.generate import synthesize

            project = Path(tmp) / "district"
            synthesize(project, triples=args.synthetic, seed=0)
            source = sorted(p.stem for p in (project / "graph" / "sources").glob("*.txt"))[0]
            results["synthetic"] = {"triples": args.synthetic, **time_check(project, source, args.runs)}
        if args.build:
            seconds, _ = _run(["build", "--out", str(Path(tmp) / "build"), "--no-register"], root=ROOT)
            results["article_build_s"] = round(seconds, 3)
    out = ROOT / "build"
    out.mkdir(exist_ok=True)
    (out / "bench-check.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["| project | source | `cungai check` wall, median (max) | check's own time | whole build |",
             "| --- | --- | --- | --- | --- |"]
    for name in ("article", "synthetic"):
        if name in results:
            r = results[name]
            label = "article" if name == "article" else f"synthetic, {r['triples']:,} triples"
            build = f"{results['article_build_s']:.1f} s" if name == "article" and "article_build_s" in results else ""
            lines.append(f"| {label} | `{r['source']}` | {r['wall_median_s']:.2f} s ({r['wall_max_s']:.2f} s) | "
                         f"{r['check_median_s']:.2f} s | {build} |")
    (out / "bench-check.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    verdict = "within" if results["article"]["wall_median_s"] <= TARGET_SECONDS else "ABOVE"
    print(f"article: {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
