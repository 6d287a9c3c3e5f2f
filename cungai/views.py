"""Browser views of the built graph (a plain index page until the views land)."""

from __future__ import annotations

import html
from pathlib import Path


def write_views(graphs, out_dir: Path, *, report: dict) -> None:
    """Write ``index.html`` with what the graph holds; opens from the file system, no network."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = "\n".join(
        f"<tr><td>{html.escape(name)}</td><td>{count}</td></tr>" for name, count in report["classes"].items()
    )
    graphs_rows = "\n".join(
        f"<tr><td>{html.escape(name)}</td><td>{count}</td></tr>" for name, count in report["graphs"].items()
    )
    page = f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>村改知识图谱 cungai-kg</title></head>
<body>
<h1>村改知识图谱 · cungai-kg</h1>
<p>顺德村级工业园升级改造知识图谱 / Knowledge graph of Shunde's village-level industrial park renovation.</p>
<p>证据覆盖率 / evidence coverage: {report['evidence']['coverage']:.0%} · 三元组 / triples: {report['triples']}</p>
<h2>命名图 / named graphs</h2><table>{graphs_rows}</table>
<h2>类 / classes</h2><table>{rows}</table>
<p><a href="../docs/ontology.html">本体文档 / ontology documentation</a></p>
</body></html>
"""
    (out_dir / "index.html").write_text(page, encoding="utf-8")
