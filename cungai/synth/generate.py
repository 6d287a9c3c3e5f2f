"""Synthetic district data for scale tests: ``cungai synth --triples N --out DIR [--seed S]``.

``synthesize`` writes a whole project tree that ``cungai build --root DIR`` reads unchanged: a copy
of the ontology, one synthetic Chinese report per town (``graph/sources/{id}.txt`` with its
metadata ``{id}.ttl``), the facts of each report as evidence blocks (``graph/{id}.trig``), and a
``background.ttl`` with the three renovation paths copied from the project's own background.

A report describes a town the way the curated article describes Lunjiao: its district and villages,
its bodies (nested with ``org:unitOf``) and the officials holding their posts, each village's
parks with the renovation path they follow, their projects and phases with quantitative outcomes
over periods, the enterprises based there, land parcels and what was done to them, plans over
periods, joint enforcement, briefings and quotations. Each sentence comes from a template that
yields the sentence and the facts it states together, so a block's ``cg:quote`` is exactly the
sentence (with ``cg:before`` where the same words occur twice) and every entity has its Chinese
label from the text and an English label.

Names are drawn from the seeded word lists of ``vocab`` (labels are unique wherever IRIs are),
so the same ``(triples, seed)`` always writes byte-identical files. ``triples`` is the size of the
*built* graph the generator aims at: while writing, it counts what the build will make of each
block and what the reasoner will add (``estimate.py``), and stops when the next park would
overshoot. The word lists are in ``vocab.py``.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import DataError, UsageError
from ..paths import project_paths
from .district import DistrictGenerator
from .estimate import Estimate, read_axioms
from .text import PREFIXES, render_report

MARKER = "synth.json"


@dataclass(frozen=True)
class SynthSummary:
    """What ``synthesize`` wrote and how long it took."""

    out_dir: Path
    triples_requested: int
    seed: int
    estimated_triples: int
    sources: int
    districts: int
    towns: int
    villages: int
    parks: int
    entities: int
    fact_triples: int
    evidence_blocks: int
    text_bytes: int
    trig_bytes: int
    total_bytes: int
    files: int
    seconds: float

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}


# ---------------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Names: seeded, unique per IRI and per label
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# A report: sentences with their facts, rendered as text + TriG + metadata
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Writing the project tree
# ---------------------------------------------------------------------------------------------

def _background(background: Path) -> tuple[str, int]:
    """The renovation paths of the project's background file, as Turtle, and their number of triples."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    graph = Graph()
    graph.parse(background, format="turtle")
    namespace = PREFIXES["path"]
    triples = sorted((t for t in graph if str(t[0]).startswith(namespace)), key=lambda t: tuple(x.n3() for x in t))
    if not triples:
        raise DataError(f"{background}: no renovation paths (subjects under {namespace}) to copy")
    manager = Graph()
    for prefix, ns in PREFIXES.items():
        manager.bind(prefix, URIRef(ns), override=True, replace=True)
    lines = [
        "# Background of the synthetic project: the renovation paths, copied from the project's graph/background.ttl",
        "# by `cungai synth`. Each subject cites its reference with dcterms:source.",
        "",
        *(f"@prefix {p + ':':<8} <{PREFIXES[p]}> ." for p in ("cg", "rdfs", "skos", "dcterms", "scheme", "path")),
        "",
    ]
    subject = None
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                lines[-1] = lines[-1][:-2] + " ."
                lines.append("")
            subject = s
            lines.append(s.n3(manager.namespace_manager))
        predicate = "a" if p == RDF.type else p.n3(manager.namespace_manager)
        lines.append(f"    {predicate} {o.n3(manager.namespace_manager)} ;")
    lines[-1] = lines[-1][:-2] + " ."
    return "\n".join(lines) + "\n", len(triples)


def _prepare(out_dir: Path) -> None:
    """An empty folder to write into; a previous synthetic project there is replaced, anything else refused."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).exists():
            raise UsageError(f"{out_dir} exists and is not a synthetic project (no {MARKER}); choose an empty or new folder")
        for name in ("ontology", "graph"):
            shutil.rmtree(out_dir / name, ignore_errors=True)
        (out_dir / MARKER).unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def _write(path: Path, content: str | bytes) -> int:
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return len(data)


def synthesize(out_dir: Path, *, triples: int, seed: int = 0, project_root: Path | None = None) -> SynthSummary:
    """Write a synthetic district project of about ``triples`` built triples into ``out_dir``.

    ``cungai build --root out_dir`` builds it like the curated project. The same ``triples`` and
    ``seed`` always write byte-identical files. ``project_root`` is where the ontology and the
    renovation paths are copied from (default: this checkout or ``$CUNGAI_ROOT``).
    """
    if triples <= 0:
        raise UsageError(f"--triples must be positive, not {triples}")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    paths = project_paths(project_root)
    ontology_files = sorted(p for p in paths.ontology_dir.iterdir() if p.is_file())
    axioms, ontology_triples = read_axioms([paths.ontology, paths.vocabularies], PREFIXES)
    background, background_triples = _background(paths.background)

    estimate = Estimate(ontology_triples + background_triples, axioms)
    generator = DistrictGenerator(random.Random(f"cungai-synth:{seed}"), estimate, triples)
    generator.run()

    _prepare(out_dir)
    (out_dir / "ontology").mkdir()
    sources_dir = out_dir / "graph" / "sources"
    sources_dir.mkdir(parents=True)
    sizes: dict[str, int] = defaultdict(int)
    for path in ontology_files:
        sizes["ontology"] += _write(out_dir / "ontology" / path.name, path.read_bytes())
    sizes["background"] += _write(out_dir / "graph" / "background.ttl", background)
    blocks = 0
    for report in generator.reports:
        text, trig, metadata, count = render_report(report)
        blocks += count
        sizes["text"] += _write(sources_dir / f"{report.source_id}.txt", text)
        sizes["metadata"] += _write(sources_dir / f"{report.source_id}.ttl", metadata)
        sizes["trig"] += _write(out_dir / "graph" / f"{report.source_id}.trig", trig)
    counts = generator.counts
    record = {
        "generator": "cungai synth", "triples": triples, "seed": seed, "estimated_triples": estimate.triples,
        "sources": len(generator.reports), "districts": counts["district"], "towns": counts["town"],
        "villages": counts["village"], "parks": counts["park"], "entities": len(generator.entities),
        "fact_triples": len(estimate.facts), "evidence_blocks": blocks,
    }
    sizes["readme"] += _write(out_dir / "graph" / "README.md", _readme(record))
    sizes["marker"] += _write(out_dir / MARKER, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return SynthSummary(
        out_dir=out_dir, triples_requested=triples, seed=seed, estimated_triples=estimate.triples,
        sources=len(generator.reports), districts=counts["district"], towns=counts["town"],
        villages=counts["village"], parks=counts["park"], entities=len(generator.entities),
        fact_triples=len(estimate.facts), evidence_blocks=blocks, text_bytes=sizes["text"], trig_bytes=sizes["trig"],
        total_bytes=sum(sizes.values()), files=len(ontology_files) + 3 * len(generator.reports) + 3,  # + background, README, marker
        seconds=round(time.perf_counter() - started, 3),
    )


def _readme(record: dict) -> str:
    return (
        "# A synthetic district (generated, not curated)\n\n"
        f"Written by `cungai synth --triples {record['triples']} --seed {record['seed']}`: "
        f"{record['sources']} synthetic reports, one per town, with {record['fact_triples']} fact triples in "
        f"{record['evidence_blocks']} evidence blocks. Every name, number and sentence is invented from seeded "
        "word lists; nothing here describes a real place or person. Build it with `cungai build --root .` "
        f"(about {record['estimated_triples']} triples).\n"
    )
