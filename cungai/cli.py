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
def build(root: Path | None, out_dir: Path | None, base: str | None) -> None:
    """Build the graph: load, resolve evidence, validate (SHACL), reason (HermiT), write build/.

    \b
    Example:
      cungai build --out /tmp/kg
    """
    from .build import build as run_build
    from .namespaces import BASE

    with console.status("building…") as status:
        result = run_build(root=root, out_dir=out_dir, base=base or BASE,
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
    out.print(f"SHACL: {'conforms' if report['shacl']['conforms'] else 'violations'} · "
              f"HermiT: {'consistent' if report['reasoner']['consistent'] else 'inconsistent'}, "
              f"{report['reasoner']['inferred_triples']} inferred triples")
    out.print("time / 用时: " + ", ".join(f"{k} {v:.2f}s" for k, v in report["timings"].items()))
    out.print(f"outputs / 输出: {out_dir}  ·  views / 视图: {out_dir / 'views' / 'index.html'}")


@main.command()
@click.argument("text")
def slug(text: str) -> None:
    """Propose a pinyin slug for a Chinese name (write it into the data once; never recompute it).

    \b
    Example:
      cungai slug 北海工业区      # beihai-gong-ye-qu
    """
    from .slugs import slugify

    click.echo(slugify(text))
