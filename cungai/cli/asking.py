"""The commands that ask the built graph: ``query`` (the library), ``sparql`` (ad hoc), ``find``
(entities by name) and ``store`` (rewrite the on-disk store); ``cli`` adds them to ``cungai``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..config import DEFAULT_ENGINE, ENGINES

console = Console(stderr=True)


OUTPUT_FORMATS = ("table", "csv", "json", "md", "xml", "tsv", "turtle", "nt", "jsonld", "rdfxml")


def _engine_options(command):
    """--engine, --endpoint, --build and --format, shared by `query` and `sparql`."""
    command = click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Build folder with store/ or kg.trig (default: ROOT/build).")(command)
    command = click.option("--endpoint", default=None, metavar="URL",
                           help="Run on a remote SPARQL 1.1 endpoint instead of the local build.")(command)
    command = click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
                           help="Local engine: Oxigraph (build/store, opened read-only: no load step; kg.trig "
                                "loaded when there is no store/), or rdflib (loads kg.trig into memory).")(command)
    command = click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
                           help="table, csv, json (SPARQL results JSON), md; xml, tsv; turtle, nt, jsonld, rdfxml for graphs.")(command)
    command = click.option("--bom", is_flag=True,
                           help="Start csv/tsv output with a UTF-8 byte-order mark, so that Excel reads Chinese right.")(command)
    return command


def _print_result(result, fmt: str, *, title: str | None = None, bom: bool = False) -> None:
    from ..query.results import render, to_table

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
    from ..errors import UsageError

    params: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[name.strip()] = value
    return params


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the library's questions with their titles.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the query (repeatable).")
@click.option("--show", is_flag=True, help="Print the query with its parameters bound (as VALUES) instead of running it.")
@_engine_options
def query(name: str | None, list_queries: bool, params: tuple[str, ...], show: bool, fmt: str, bom: bool, engine: str,
          endpoint: str | None, build_dir: Path | None) -> None:
    """Run a question of the query library (queries/*.rq) on the built graph.

    \b
    Examples:
      cungai query --list
      cungai query officials
      cungai query park-profile --param park=park:beihai-gongyequ --param lang=en --format md
      cungai query park-profile --param park=北海工业区     # a name is resolved as `cungai find` does
      cungai query quantitative-outcomes --engine rdflib --format csv --bom > outcomes.csv   # opens in Excel
      cungai query officials --endpoint http://127.0.0.1:7878/query
    """
    from ..errors import UsageError
    from ..query.library import get_query, library, resolve_names, run_query

    if list_queries:
        _print_library(library())
        return
    if not name:
        raise UsageError("name a query (see `cungai query --list`)")
    stored = get_query(name)
    given = _parse_params(params)
    if show:  # names are resolved on the build; IRIs are shown as given, with no build needed
        given = resolve_names(stored, given, build_dir=build_dir, local=False)
        click.echo(stored.bound_text(given), nl=False)
        return
    result = run_query(stored, params=given, engine=engine, endpoint=endpoint, build_dir=build_dir)
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


@click.command()
@click.argument("file_or_text")
@_engine_options
def sparql(file_or_text: str, fmt: str, bom: bool, engine: str, endpoint: str | None, build_dir: Path | None) -> None:
    """Run an ad-hoc SPARQL query (a file, `-` for stdin, or the text itself) on the built graph.

    The project's prefixes (cg:, rdfs:, org:, park: …) may be used without declaring them.

    \b
    Examples:
      cungai sparql 'SELECT ?park ?label WHERE { ?park a cg:IndustrialPark ; rdfs:label ?label }'
      cungai sparql my-question.rq --format csv
      echo 'ASK { ?s a cg:Official }' | cungai sparql -
    """
    from ..query.library import read_query_argument, run_sparql

    text = read_query_argument(file_or_text)
    result = run_sparql(text, engine=engine, endpoint=endpoint, build_dir=build_dir, project_prefixes=True)
    _print_result(result, fmt, bom=bom)


@click.command()
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
    from ..errors import UsageError
    from ..paths import project_paths
    from ..query.find import find_entities
    from ..rdf.namespaces import curie
    from ..query.stores import OxigraphEngine, oxigraph_source

    store = OxigraphEngine(oxigraph_source(build_dir or project_paths().build_dir)).store
    try:
        found = find_entities(store, text, type_, limit=limit)
    except ValueError as exc:
        raise UsageError(f"--type {type_}: {exc}") from None
    rows = [{"iri": c.iri, "name": curie(c.iri) or c.iri, "label": c.label, "score": c.score, "method": c.method}
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


@click.command("store")
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
    from ..paths import project_paths
    from ..rdf.diskstore import rebuild_store

    with console.status("bulk loading / 批量载入…"):
        path = rebuild_store(build_dir or project_paths().build_dir)
    click.echo(f"store / 存储: {path}")
