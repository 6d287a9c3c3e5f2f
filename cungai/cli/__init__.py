"""The ``cungai`` command: each subcommand parses its options, makes one library call, prints.
The commands that ask the built graph (query, sparql, find, store) live in ``cli.asking``.

Exit codes: 0 ok, 1 invalid data, 2 usage error, 3 environment problem (see README).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .. import __version__
from ..config import (
    CHECKS, DEFAULT_CHECKS, FULL_CHECKS_MAX_TRIPLES, HOST, MAX_REQUEST_BYTES, MAX_ROWS, PORT, QUERY_TIMEOUT_S,
    QUERY_WORKERS,
)
from ..errors import CungaiError
from .asking import find, query, sparql, store_command

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


for command in (query, sparql, find, store_command):
    main.add_command(command)


@main.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: ROOT/build).")
@click.option("--base", default=None, help="Base IRI of the published graph (default https://w3id.org/cungai/).")
@click.option("--checks", type=click.Choice(CHECKS), default=DEFAULT_CHECKS, show_default=True,
              help="full: pySHACL + HermiT over every fact; scale: shapes and OWL rules as SPARQL inside "
                   f"Oxigraph, HermiT over the ontology; auto: full up to {FULL_CHECKS_MAX_TRIPLES:,} triples "
                   "(see README). The graph is held in Oxigraph.")
@click.option("--no-register", is_flag=True, help="Do not append new entity IRIs to graph/iris.tsv.")
def build(root: Path | None, out_dir: Path | None, base: str | None, checks: str, no_register: bool) -> None:
    """Build the graph: load, resolve evidence, validate (SHACL), reason (HermiT), write build/.

    \b
    Example:
      cungai build --out /tmp/kg
      cungai build --root /tmp/district --checks scale
    """
    from ..build.pipeline import build as run_build
    from ..rdf.namespaces import BASE

    with console.status("building…") as status:
        result = run_build(root=root, out_dir=out_dir, base=base or BASE, checks=checks,
                           progress=lambda step: status.update(f"{step}…"), register=not no_register)
    _summary(result.report, result.out_dir)
    out = Console()
    for sid, why in result.report["unfinished_sources"].items():
        out.print(f"unfinished source, left out / 未完成的来源（未纳入）: {sid}: {why}")
    if result.registered:
        out.print(f"registered {len(result.registered)} new IRI(s) in graph/iris.tsv / 新登记 IRI:")
        for iri, label in sorted(result.registered.items()):
            out.print(f"  + {iri}  {label}")


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
@click.argument("sources", nargs=-1, metavar="[SOURCE_ID | FILE]...")
@click.option("--register", is_flag=True, help="Append the new IRIs of each source without errors to graph/iris.tsv.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
def check(sources: tuple[str, ...], register: bool, root: Path | None) -> None:
    """Check one source (or every source changed since the last build) without a build.

    Parses its files, resolves every quote, checks that each block says its facts, finds undefined
    IRIs (with suggestions), runs the SHACL shapes on what it touches, finds two entities of one
    class with one label, and lists its new IRIs. Every problem names file, line, block and fact.
    Exit 1 if there is an error. / 检查一个来源（或自上次构建以来改动的来源），无须完整构建。

    \b
    Example:
      cungai check lunjiao-2019-12-06
      cungai check graph/lunjiao-2019-12-06.trig --register
      cungai check            # every source changed since the last build
    """
    from ..checks.curation import check as run_check
    from ..errors import DataError

    report = run_check(sources, root=root, register=register)
    click.echo("\n".join(report.lines()))
    if not report.ok:
        raise DataError(f"{len([p for p in report.problems if p.severity == 'error'])} problem(s) to mend / 处待修改")


@main.group()
def source() -> None:
    """Sources: add a text to the project (text, metadata, facts skeleton). / 来源管理。

    \b
    Example:
      cungai source add ~/news.txt --id lunjiao-2020-01-15
    """


@source.command("add")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--id", "source_id", required=True, help="The source's id: lowercase, digits, '-' (e.g. lunjiao-2020-01-15).")
@click.option("--title", default=None, help="Title (default: the text's first line).")
@click.option("--title-en", default=None, help="English label of the source (your translation of the title).")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="Date of issue (default: the first date the text writes).")
@click.option("--url", default=None, help="Where it was published (http or https).")
@click.option("--lang", default="zh", show_default=True, help="Language of the text.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
def source_add(file: Path, source_id: str, title: str | None, title_en: str | None, date: str | None,
               url: str | None, lang: str, root: Path | None) -> None:
    """Add a source: graph/sources/ID.txt (NFC), ID.ttl (metadata, SHA-256) and a graph/ID.trig skeleton.

    The skeleton has one commented block per sentence with the known entities the sentence
    mentions. Until its first block is written the build leaves the source out and says so.
    / 新增来源：写入原文、元数据和事实文件骨架。

    \b
    Example:
      cungai source add ~/news.txt --id lunjiao-2020-01-15 --title-en "…" --url https://example.org/news/1
      cungai check lunjiao-2020-01-15
    """
    from ..project.scaffold import add_source

    added = add_source(file, source_id=source_id, title=title, title_en=title_en, date=date, url=url, lang=lang,
                       root=root)
    click.echo(f"written / 已写入: {added.text_path}\n  {added.metadata_path} (sha256 {added.sha256})\n"
               f"  {added.facts_path}: {added.sentences} sentence(s), {added.mentions} mention(s) of known entities")
    click.echo(f"next / 下一步: write the blocks in {added.facts_path.name}, then `cungai check {added.source_id}`")


@main.command()
@click.argument("text")
@click.option("--kind", default=None, metavar="KIND",
              help="The IRI's kind (park, person, body…): the slug must be free in it; person names read family-given.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: this checkout or $CUNGAI_ROOT).")
def slug(text: str, kind: str | None, root: Path | None) -> None:
    """Propose a pinyin slug for a Chinese name, cut into words as the graph's slugs are (jieba).

    Write it into the data once; never recompute it. The registry (graph/iris.tsv) is searched:
    a slug already taken is reported (exit 1 when --kind is given). / 为新实体建议拼音标识。

    \b
    Example:
      cungai slug 北海工业区                  # beihai-gongyequ (taken: park:beihai-gongyequ 北海工业区)
      cungai slug 卢德全 --kind person        # lu-dequan
    """
    from ..errors import DataError
    from ..project.slugs import propose

    proposal = propose(text, kind=kind, root=root)
    click.echo(proposal.slug)
    for entry in proposal.taken:
        click.echo(f"taken / 已被使用: {entry.iri}  {entry.label_zh} (reuse it if it is the same thing; "
                   "otherwise add a word that tells them apart / 若为同一事物请复用)", err=True)
    if kind and not proposal.free:
        raise DataError(f"the slug {proposal.slug!r} is taken in {kind}/ (graph/iris.tsv)")


# ---------------------------------------------------------------------------------------------
# Asking the graph: the query library, ad-hoc SPARQL, the endpoint, publishing
# ---------------------------------------------------------------------------------------------

@main.command()
@click.option("--host", default=HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=PORT, show_default=True, type=int, help="Port to listen on.")
@click.option("--timeout", default=QUERY_TIMEOUT_S, show_default=True, type=float, help="Time limit per query, in seconds.")
@click.option("--max-rows", default=MAX_ROWS, show_default=True, type=int, help="Most rows (or triples) per answer.")
@click.option("--max-request-bytes", default=MAX_REQUEST_BYTES, show_default=True, type=int, help="Largest request accepted.")
@click.option("--workers", default=QUERY_WORKERS, show_default=True, type=int, help="Query worker processes.")
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
    from ..errors import EnvironmentProblem
    from ..paths import project_paths

    try:
        from ..serve.endpoint import ServerSettings, serve as run_server
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
    from ..query.publish import publish as run_publish

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
    from ..link.tables import link_table

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
    from ..errors import DataError
    from ..project.iris import check_ids, update_ids

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
    from ..link.adcodes import generated_files, write_generated
    from ..errors import DataError

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
    from ..synth.generate import synthesize

    summary = synthesize(out_dir, triples=triples, seed=seed)
    click.echo(
        f"{summary.out_dir}: {summary.sources} source(s), {summary.towns} town(s), {summary.villages} villages, "
        f"{summary.parks} parks, {summary.entities} entities, {summary.fact_triples} fact triples in "
        f"{summary.evidence_blocks} evidence blocks; about {summary.estimated_triples} triples once built; "
        f"{summary.total_bytes / 1e6:.1f} MB in {summary.files} files, {summary.seconds:.2f}s"
    )
    click.echo(f"next: cungai build --root {summary.out_dir}")
