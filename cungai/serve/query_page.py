"""The query page of ``cungai serve``: plain HTML and JavaScript, nothing loaded from elsewhere.

The library's questions are embedded as JSON (``<``, ``>`` and ``&`` escaped so that no query text
can close the script element). Results are written into the page with ``textContent`` only, so
nothing from the data is ever executed.
"""

from __future__ import annotations

import json

_TEMPLATE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>村改知识图谱 SPARQL 查询 · cungai-kg SPARQL</title>
<style>
  body { font-family: system-ui, "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 0; color: #222; }
  header { background: #2f5d50; color: #fff; padding: .6em 1em; }
  header a { color: #dfe; margin-right: 1em; }
  main { display: flex; gap: 1em; padding: 1em; }
  nav { width: 22em; flex: none; max-height: 85vh; overflow-y: auto; }
  nav button { display: block; width: 100%; text-align: left; margin: 0 0 .3em; padding: .35em .5em;
               border: 1px solid #ccd; background: #f7f8fa; cursor: pointer; border-radius: 3px; }
  nav button:hover, nav button.active { background: #e3efe9; }
  nav small { color: #555; display: block; }
  section { flex: 1; min-width: 0; }
  textarea { width: 100%; height: 22em; font-family: ui-monospace, monospace; font-size: 13px; box-sizing: border-box; }
  #about { color: #444; margin: .3em 0; }
  #status { margin: .5em 0; color: #444; }
  #status.error { color: #a00; white-space: pre-wrap; }
  table { border-collapse: collapse; font-size: 14px; }
  th, td { border: 1px solid #ccd; padding: .25em .5em; vertical-align: top; text-align: left; }
  th { background: #eef; position: sticky; top: 0; }
  pre { background: #f7f8fa; padding: .5em; overflow-x: auto; }
</style>
</head>
<body>
<header>
  <strong>村改知识图谱 · cungai-kg</strong> — SPARQL 1.1 endpoint <code>/sparql</code>
  (read-only; limit __TIMEOUT__ s and __MAXROWS__ rows per query) ·
  <a href="views/">视图 views</a><a href="docs/ontology.html">本体 ontology</a><a href="data/kg.trig">kg.trig</a>
</header>
<main>
<nav id="examples" aria-label="问题库 query library"></nav>
<section>
  <p id="about">选择左侧的问题，或直接编写 SPARQL。Pick a question on the left or write SPARQL.</p>
  <textarea id="query" spellcheck="false">SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10</textarea>
  <p>
    <button id="run" type="button">运行 Run</button>
    <label>下载 Download:
      <select id="format">
        <option value="csv">CSV</option><option value="tsv">TSV</option>
        <option value="json">JSON</option><option value="xml">XML</option>
        <option value="turtle">Turtle (CONSTRUCT)</option><option value="nt">N-Triples (CONSTRUCT)</option>
        <option value="jsonld">JSON-LD (CONSTRUCT)</option>
      </select></label>
    <button id="download" type="button">下载 Download</button>
  </p>
  <div id="status"></div>
  <div id="results"></div>
</section>
</main>
<form id="download-form" method="post" action="sparql" target="_blank" hidden>
  <input type="hidden" name="query"><input type="hidden" name="format">
</form>
<script>
"use strict";
const EXAMPLES = __EXAMPLES__;
const $ = (id) => document.getElementById(id);
function el(tag, text) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }

function showExamples() {
  const nav = $("examples");
  for (const ex of EXAMPLES) {
    const b = el("button");
    b.type = "button";
    b.append(el("span", ex.title_zh));
    b.append(el("small", ex.title_en + (ex.questions.length ? "  (CQ " + ex.questions.join(", ") + ")" : "")));
    b.title = ex.answers_zh + "\\n" + ex.answers_en;
    b.addEventListener("click", () => {
      for (const other of nav.querySelectorAll("button")) other.classList.remove("active");
      b.classList.add("active");
      $("query").value = ex.text;
      $("about").textContent = ex.answers_zh + " / " + ex.answers_en;
      run();
    });
    nav.append(b);
  }
}

function cell(term) {
  if (!term) return "";
  return term.value;
}

function showTable(data) {
  const out = $("results");
  out.replaceChildren();
  if ("boolean" in data) { out.append(el("p", String(data.boolean))); return 0; }
  const vars = data.head.vars;
  const table = el("table");
  const head = el("tr");
  for (const v of vars) head.append(el("th", v));
  table.append(head);
  for (const row of data.results.bindings) {
    const tr = el("tr");
    for (const v of vars) {
      const td = el("td", cell(row[v]));
      if (row[v] && row[v].type === "uri") td.title = row[v].value;
      tr.append(td);
    }
    table.append(tr);
  }
  out.append(table);
  return data.results.bindings.length;
}

async function run() {
  const status = $("status");
  status.className = "";
  status.textContent = "…";
  const started = performance.now();
  try {
    const response = await fetch("sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: $("query").value }),
    });
    const text = await response.text();
    if (!response.ok) { status.className = "error"; status.textContent = response.status + ": " + text; $("results").replaceChildren(); return; }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const truncated = response.headers.get("X-Cungai-Truncated");
    if ((response.headers.get("Content-Type") || "").startsWith("application/sparql-results+json")) {
      const rows = showTable(JSON.parse(text));
      status.textContent = rows + " 行 rows · " + seconds + " s" + (truncated ? " · 已截断 truncated: " + truncated : "");
    } else {
      $("results").replaceChildren(el("pre", text));
      status.textContent = seconds + " s" + (truncated ? " · 已截断 truncated: " + truncated : "");
    }
  } catch (error) {
    status.className = "error";
    status.textContent = String(error);
  }
}

$("run").addEventListener("click", run);
$("download").addEventListener("click", () => {
  const form = $("download-form");
  form.elements.query.value = $("query").value;
  form.elements.format.value = $("format").value;
  form.submit();
});
$("query").addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run(); });
showExamples();
</script>
</body>
</html>
"""


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>`` or ``&`` appears literally."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(examples: list[dict], *, max_rows: int, timeout: float) -> str:
    """The query page with ``examples`` (name, titles, answers, questions, text) ready to run."""
    return (_TEMPLATE.replace("__EXAMPLES__", script_json(examples))
            .replace("__TIMEOUT__", f"{timeout:g}").replace("__MAXROWS__", str(max_rows)))
