"""The ``cungai`` command: each subcommand parses its options, makes one library call, prints.

Exit codes: 0 ok, 1 invalid data, 2 usage error, 3 environment problem (see README).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import CungaiError

console = Console(stderr=True)


class CungaiGroup(click.Group):
    """Turns the project's errors into a message and their exit code instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CungaiError as exc:
            click.echo(f"cungai: {exc.title}: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=CungaiGroup)
@click.version_option(__version__, prog_name="cungai")
def main() -> None:
    """cungai-kg: the knowledge graph of Shunde's village-level industrial park renovation (村改).

    \b
    Example:
      cungai build            # build/ with kg.trig, kg.nt, views, report.json …
    """


@main.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: ROOT/build).")
@click.option("--base", default=None, help="Base IRI of the published graph (default https://w3id.org/cungai/).")
@click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph", show_default=True,
              help="Engine that holds the graph during the build: Oxigraph, or rdflib in memory.")
@click.option("--checks", type=click.Choice(["auto", "full", "scale"]), default="auto", show_default=True,
              help="full: pySHACL + HermiT over every fact; scale: shapes and OWL rules as SPARQL inside "
                   "Oxigraph, HermiT over the ontology; auto: full up to 200,000 triples (see README).")
def build(root: Path | None, out_dir: Path | None, base: str | None, store: str, checks: str) -> None:
    """Build the graph: load, resolve evidence, validate (SHACL), reason (HermiT), write build/.

    \b
    Example:
      cungai build --out /tmp/kg
      cungai build --root /tmp/district --store oxigraph --checks scale
    """
    from .build.pipeline import build as run_build
    from .rdf.namespaces import BASE

    with console.status("building…") as status:
        result = run_build(root=root, out_dir=out_dir, base=base or BASE, store=store, checks=checks,
                           progress=lambda step: status.update(f"{step}…"))
    _summary(result.report, result.out_dir)


def _summary(report: dict, out_dir: Path) -> None:
    out = Console()
    graphs = Table(title="triples per graph / 各命名图三元组")
    graphs.add_column("graph")
    graphs.add_column("triples", justify="right")
    for name, count in report["graphs"].items():
        graphs.add_row(name, str(count))
    out.print(graphs)
    classes = Table(title="entities per class / 各类实体数")
    classes.add_column("class")
    classes.add_column("instances", justify="right")
    for name, count in list(report["classes"].items())[:25]:
        classes.add_row(name, str(count))
    out.print(classes)
    ev = report["evidence"]
    out.print(f"evidence coverage / 证据覆盖率: {ev['coverage']:.1%} of {ev['fact_triples']} fact triples")
    for sid, r in ev["sources"].items():
        out.print(f"  {sid}: {r['sentences_covered']}/{r['sentences']} sentences covered ({r['sentence_coverage']:.1%})")
    reasoner = report["reasoner"]
    out.print(f"store / 引擎: {report['store']} · checks / 校验: {reasoner['checks']} · "
              f"SHACL ({report['shacl']['engine']}): {'conforms' if report['shacl']['conforms'] else 'violations'} · "
              f"{reasoner['reasoner']}: {'consistent' if reasoner['consistent'] else 'inconsistent'}, "
              f"{reasoner['inferred_triples']} inferred triples")
    steps = {k: v for k, v in report["timings"].items() if "." not in k}
    out.print("time / 用时: " + ", ".join(f"{k} {v:.2f}s" for k, v in steps.items()))
    out.print(f"outputs / 输出: {out_dir}  ·  views / 视图: {out_dir / 'views' / 'index.html'}")


@main.command()
@click.argument("text")
def slug(text: str) -> None:
    """Propose a pinyin slug for a Chinese name (write it into the data once; never recompute it).

    \b
    Example:
      cungai slug 北海工业区      # beihai-gong-ye-qu
    """
    from .project.slugs import slugify

    click.echo(slugify(text))


# ---------------------------------------------------------------------------------------------
# Asking the graph: the query library, ad-hoc SPARQL, the endpoint, publishing
# ---------------------------------------------------------------------------------------------

OUTPUT_FORMATS = ("table", "csv", "json", "md", "xml", "tsv", "turtle", "nt", "jsonld", "rdfxml")


def _engine_options(command):
    """--store, --endpoint, --build and --format, shared by `query` and `sparql`."""
    command = click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Build folder with store/ or kg.trig (default: ROOT/build).")(command)
    command = click.option("--endpoint", default=None, metavar="URL",
                           help="Run on a remote SPARQL 1.1 endpoint instead of the local build.")(command)
    command = click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph", show_default=True,
                           help="Local engine: Oxigraph (build/store, opened read-only: no load step; kg.trig "
                                "loaded when there is no store/), or rdflib (loads kg.trig).")(command)
    command = click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
                           help="table, csv, json (SPARQL results JSON), md; xml, tsv; turtle, nt, jsonld, rdfxml for graphs.")(command)
    command = click.option("--bom", is_flag=True,
                           help="Start csv/tsv output with a UTF-8 byte-order mark, so that Excel reads Chinese right.")(command)
    return command


def _print_result(result, fmt: str, *, title: str | None = None, bom: bool = False) -> None:
    from .query.results import render, to_table

    if fmt == "table" and not result.is_graph:
        if result.form == "ASK":
            click.echo("true" if result.boolean else "false")
            return
        out = Console()
        out.print(to_table(result, title=title))
        out.print(f"{len(result.rows)} row(s)" + (" (truncated)" if result.truncated else ""), style="dim")
        return
    text = render(result, "turtle" if fmt == "table" else fmt)
    click.echo(("\ufeff" if bom and fmt in ("csv", "tsv") else "") + text, nl=False)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from .errors import UsageError

    params: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[name.strip()] = value
    return params


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the library's questions with their titles.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the query (repeatable).")
@click.option("--show", is_flag=True, help="Print the query with its parameters bound (as VALUES) instead of running it.")
@_engine_options
def query(name: str | None, list_queries: bool, params: tuple[str, ...], show: bool, fmt: str, bom: bool, store: str,
          endpoint: str | None, build_dir: Path | None) -> None:
    """Run a question of the query library (queries/*.rq) on the built graph.

    \b
    Examples:
      cungai query --list
      cungai query officials
      cungai query park-profile --param park=park:beihai-gongyequ --param lang=en --format md
      cungai query park-profile --param park=北海工业区     # a name is resolved as `cungai find` does
      cungai query quantitative-outcomes --format csv --bom > outcomes.csv   # opens in Excel
      cungai query officials --endpoint http://127.0.0.1:7878/query
    """
    from .errors import UsageError
    from .query.library import get_query, library, resolve_names, run_query

    if list_queries:
        _print_library(library())
        return
    if not name:
        raise UsageError("name a query (see `cungai query --list`)")
    stored = get_query(name)
    given = _parse_params(params)
    if show:
        given = resolve_names(stored, given, build_dir=build_dir, local=endpoint is None)
        click.echo(stored.bound_text(given), nl=False)
        return
    result = run_query(stored, params=given, store=store, endpoint=endpoint, build_dir=build_dir)
    _print_result(result, fmt, title=f"{stored.title_zh} · {stored.title_en}", bom=bom)


def _print_library(queries) -> None:
    table = Table(title="问题库 / query library")
    table.add_column("name", no_wrap=True)
    for column in ("标题", "title", "CQ", "parameters"):
        table.add_column(column, overflow="fold")
    for q in queries.values():
        params = ", ".join(f"{p.name}={p.default}" if p.default is not None else p.name for p in q.params)
        table.add_row(q.name, q.title_zh, q.title_en, ", ".join(map(str, q.questions)), params)
    Console().print(table)


@main.command()
@click.argument("file_or_text")
@_engine_options
def sparql(file_or_text: str, fmt: str, bom: bool, store: str, endpoint: str | None, build_dir: Path | None) -> None:
    """Run an ad-hoc SPARQL query (a file, `-` for stdin, or the text itself) on the built graph.

    The project's prefixes (cg:, rdfs:, org:, park: …) may be used without declaring them.

    \b
    Examples:
      cungai sparql 'SELECT ?park ?label WHERE { ?park a cg:IndustrialPark ; rdfs:label ?label }'
      cungai sparql my-question.rq --format csv
      echo 'ASK { ?s a cg:Official }' | cungai sparql -
    """
    from .query.library import read_query_argument, run_sparql

    text = read_query_argument(file_or_text)
    result = run_sparql(text, store=store, endpoint=endpoint, build_dir=build_dir, project_prefixes=True)
    _print_result(result, fmt, bom=bom)


@main.command()
@click.argument("text")
@click.option("--type", "type_", default=None, metavar="CLASS", help="Only instances of CLASS and its subclasses (cg:Place).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Most candidates shown.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build folder with store/ or kg.trig (default: ROOT/build).")
def find(text: str, type_: str | None, limit: int, fmt: str, build_dir: Path | None) -> None:
    """Find entities by name: zh/en labels, aliases, pinyin and its initials, traditional characters,
    names prefixed with their place (伦教北海工业区), parts of names; best first, with scores.

    \b
    Examples:
      cungai find 北海                 # park:beihai-gongyequ (0.85, label-stem) …
      cungai find 伦教北海工业区
      cungai find "lu dequan"
      cungai find 伦教 --type cg:AdministrativeArea --format json
    """
    from .errors import UsageError
    from .paths import project_paths
    from .query.find import compact_iri, find_entities
    from .query.stores import OxigraphEngine, oxigraph_source

    store = OxigraphEngine(oxigraph_source(build_dir or project_paths().build_dir)).store
    try:
        found = find_entities(store, text, type_, limit=limit)
    except ValueError as exc:
        raise UsageError(f"--type {type_}: {exc}") from None
    rows = [{"iri": c.iri, "name": compact_iri(c.iri), "label": c.label, "score": c.score, "method": c.method}
            for c in found]
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=["iri", "name", "label", "score", "method"], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"{text} · {len(rows)} candidate(s) / 候选")
        for column in ("name", "label", "score", "method"):
            table.add_column(column, overflow="fold", justify="right" if column == "score" else "left")
        for row in rows:
            table.add_row(row["name"], row["label"], f"{row['score']:.2f}", row["method"])
        Console().print(table)
    if not rows:
        console.print(f"no entity matches {text!r} / 没有匹配的实体")


@main.command("store")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build folder with kg.trig (default: ROOT/build).")
def store_command(build_dir: Path | None) -> None:
    """(Re)write build/store/, the on-disk Oxigraph store, from build/kg.trig (and kg.nt).

    `cungai build` writes it already; this is for a build folder that lacks one (an older build,
    a kg.trig copied from elsewhere). The old store is replaced only once the new one is complete.

    \b
    Example:
      cungai store
      cungai store --build /tmp/district/build
    """
    from .paths import project_paths
    from .rdf.diskstore import rebuild_store

    with console.status("bulk loading / 批量载入…"):
        path = rebuild_store(build_dir or project_paths().build_dir)
    click.echo(f"store / 存储: {path}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Time limit per query, in seconds.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Most rows (or triples) per answer.")
@click.option("--max-request-bytes", default=64 * 1024, show_default=True, type=int, help="Largest request accepted.")
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="An origin whose web pages may read answers (repeatable; '*' for any). Default: none.")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build folder with store/ (or kg.trig) and views/ (default: ROOT/build).")
def serve(host: str, port: int, timeout: float, max_rows: int, max_request_bytes: int, workers: int,
          cors_origins: tuple[str, ...], build_dir: Path | None) -> None:
    """Serve the built graph read-only: SPARQL 1.1 endpoint at /sparql, IRIs that resolve at /id/…,
    query page at /, views at /views/.

    \b
    Example:
      cungai serve --port 8000 --timeout 5 --max-rows 5000
      cungai serve --cors-origin https://example.org   # pages of example.org may query it
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' http://127.0.0.1:8000/sparql
      curl -H 'Accept: text/turtle' http://127.0.0.1:8000/id/person/lu-dequan
    """
    from .errors import EnvironmentProblem
    from .paths import project_paths

    try:
        from .serve.endpoint import ServerSettings, serve as run_server
    except ImportError:
        raise EnvironmentProblem("`cungai serve` needs FastAPI and uvicorn (dependencies of the package): "
                                 "run `make run`, or pip install -e . / 缺少 FastAPI 与 uvicorn：请运行 make run") from None

    settings = ServerSettings(build_dir=build_dir or project_paths().build_dir, timeout=timeout, max_rows=max_rows,
                              max_request_bytes=max_request_bytes, workers=workers, cors_origins=cors_origins)
    console.print(f"SPARQL endpoint: http://{host}:{port}/sparql · query page: http://{host}:{port}/ · "
                  f"views: http://{host}:{port}/views/ · IRIs: http://{host}:{port}/id/…")
    run_server(settings, host=host, port=port)


@main.command()
@click.option("--store", "store_url", required=True, metavar="URL",
              help="Graph Store Protocol URL of the store, e.g. http://127.0.0.1:7878/store.")
@click.option("--user", default=None, help="User name for the store.")
@click.option("--password", default=None, envvar="CUNGAI_STORE_PASSWORD",
              help="Password (or set CUNGAI_STORE_PASSWORD).")
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="basic", show_default=True,
              help="HTTP authentication scheme.")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with kg.trig (default: ROOT/build).")
def publish(store_url: str, user: str | None, password: str | None, auth: str, build_dir: Path | None) -> None:
    """Replace each named graph of build/kg.trig in an external store (SPARQL 1.1 Graph Store Protocol).

    \b
    Examples:
      cungai publish --store http://127.0.0.1:7878/store
      cungai publish --store http://localhost:8890/sparql-graph-crud-auth --user dba --auth digest
    """
    from .query.publish import publish as run_publish

    report = run_publish(store_url, build_dir=build_dir, user=user, password=password, auth=auth)
    table = Table(title=f"published to {report.store}")
    table.add_column("graph")
    table.add_column("triples", justify="right")
    for name, count in report.graphs.items():
        table.add_row(name, str(count))
    out = Console()
    out.print(table)
    out.print(f"{report.triples} triples in {len(report.graphs)} graphs, {report.seconds:.2f}s")


@main.command()
@click.argument("table", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="Name of the linked table: build/links/NAME.csv, …/graph/dataset/NAME.")
@click.option("--label-column", required=True, help="Column holding the names to match.")
@click.option("--id-column", default=None, help="Column holding the rows' own identifiers (default: row numbers).")
@click.option("--type", "type_", default=None, metavar="CLASS", help="Match only instances of CLASS and its subclasses (cg:Place).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: ROOT/build/links).")
def link(table: Path, name: str, label_column: str, id_column: str | None, type_: str | None, root: Path | None,
         out_dir: Path | None) -> None:
    """Match the rows of a district table (CSV, UTF-8 or GB18030) with the graph's entities by name.

    Sure matches become skos:exactMatch, probable ones skos:closeMatch; a row with several equal
    candidates is reported, never guessed. Writes build/links/NAME.csv and build/links/NAME.trig.

    \b
    Example:
      cungai link parks.csv --name lunjiao-parks --label-column 名称 --id-column 编号 --type cg:Place
    """
    from .link.tables import link_table

    result = link_table(table, name=name, label_column=label_column, id_column=id_column, type_=type_,
                        root=root, out_dir=out_dir)
    out = Console()
    rows = Table(title=f"{result.name}: rows and matches / 行与匹配")
    for column in ("row", "label", "match", "score", "method"):
        rows.add_column(column)
    for row in result.rows:
        rows.add_row(row.row, row.label, row.match_label, row.score, row.method)
    out.print(rows)
    counts = result.counts
    out.print(f"exact {counts['exact']} · close {counts['close']} · ambiguous {counts['ambiguous']} · "
              f"unmatched {counts['none']} · empty {counts['empty']}")
    out.print(f"written / 输出: {result.csv_path}  ·  {result.trig_path}")


@main.command()
@click.option("--update", is_flag=True, help="Append the new IRIs to graph/iris.tsv (never removes one).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
def ids(update: bool, root: Path | None) -> None:
    """Check that the data still gives every registered entity IRI (graph/iris.tsv); exit 1 if not.

    \b
    Example:
      cungai ids            # dropped or unregistered IRIs → exit 1 with the list
      cungai ids --update   # register the new ones
    """
    from .errors import DataError
    from .link.iris import check_ids, update_ids

    path, diff = update_ids(root) if update else check_ids(root)
    if update:
        click.echo(f"{path}: {len(diff.new)} IRI(s) added")
    elif not diff.ok:
        raise DataError(diff.explain(path))
    else:
        click.echo(f"{path}: every registered IRI is produced and every IRI is registered")


@main.command()
@click.option("--check", is_flag=True, help="Only say whether the committed files are up to date (exit 1 if not).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
def adcodes(check: bool, root: Path | None) -> None:
    """Regenerate the official division codes from the cpca package (never typed by hand).

    Writes graph/datasets/foshan-divisions/divisions.csv and graph/links/adcodes.ttl.

    \b
    Example:
      cungai adcodes --check
    """
    from .link.adcodes import generated_files, write_generated
    from .errors import DataError

    if check:
        stale = [f.path for f in generated_files(root) if not f.up_to_date]
        if stale:
            raise DataError("not what the cpca package gives; run `cungai adcodes`: " + ", ".join(map(str, stale)))
        click.echo("the division codes are up to date")
        return
    written = write_generated(root)
    click.echo("\n".join(f"written: {p}" for p in written) or "the division codes are up to date")


@main.command()
@click.option("--triples", type=click.IntRange(min=1), required=True, metavar="N",
              help="About how many triples the built graph should have (cungai build reports it).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the synthetic project (new, empty, or a previous synthetic project).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: the same N and seed give the same files.")
def synth(triples: int, out_dir: Path, seed: int) -> None:
    """Generate a synthetic district project (ontology, source texts, evidence blocks) for scale tests.

    \b
    Example:
      cungai synth --triples 100000 --out /tmp/district-100k --seed 1
      cungai build --root /tmp/district-100k
    """
    from .synth.generate import synthesize

    summary = synthesize(out_dir, triples=triples, seed=seed)
    click.echo(
        f"{summary.out_dir}: {summary.sources} source(s), {summary.towns} town(s), {summary.villages} villages, "
        f"{summary.parks} parks, {summary.entities} entities, {summary.fact_triples} fact triples in "
        f"{summary.evidence_blocks} evidence blocks; about {summary.estimated_triples} triples once built; "
        f"{summary.total_bytes / 1e6:.1f} MB in {summary.files} files, {summary.seconds:.2f}s"
    )
    click.echo(f"next: cungai build --root {summary.out_dir}")
