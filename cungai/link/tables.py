"""Reconciliation: match each row of a district table with the graph's entities by name.

``link_table`` does it all in one call:

1. read the table (``read_table``): UTF-8 with or without BOM, or GB18030; any other encoding is
   refused with a ``DataError`` that names the file;
2. gather the graph's entities with their names: ``rdfs:label`` (every language),
   ``skos:altLabel`` and the pinyin of their Chinese names; entities joined by ``skos:exactMatch``
   count as one, shown by the curated entity (``place:shunde`` stands for its official division);
   ``type_`` keeps the instances of a class and its subclasses;
3. score the candidates of every row with the project's one name matcher (``query.find``: equal
   names 1.00, a place the entity lies in then its name 0.95 (伦教北海工业区), pinyin 0.90, equal but
   for a generic term 0.85, pinyin initials 0.70), names compared after ``names.normalise``
   (full/half width, traditional → simplified, spaces and punctuation, case). The steps that
   changed the row's name are appended to the method (``label+t2s+width``).
4. decide: one entity at the top with 0.95 or more → ``skos:exactMatch``; with 0.80 or more →
   ``skos:closeMatch``; two or more entities sharing the top score → ``ambiguous``: no link, the
   candidates are reported; nothing else → unmatched. Nothing is guessed.
5. write ``{out}/{name}.csv`` (``row,label,match,match_label,score,method``; for an ambiguous row
   ``match`` is empty and ``match_label`` lists the candidates; a cell a spreadsheet would run as a
   formula gets a leading ``'``: ``spreadsheet_cell``) and ``{out}/{name}.trig``: the named
   graph ``…/graph/dataset/{name}`` with the links of the rows, whose IRIs are
   ``…/dataset/{name}/{id}`` (the ``id_column`` value, else ``row-{n}``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from ..errors import DataError, UsageError
from ..project.names import has_han
from ..query.find import Candidate, Entity, candidates, cluster, expand_class
from ..rdf.load import shown_line
from ..rdf.namespaces import (
    BASE, CG, GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, RDF, RDFS, SKOS, bind_prefixes,
    dataset_graph,
)

EXACT = 0.95
PROBABLE = 0.80
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # see spreadsheet_cell

@dataclass
class RowMatch:
    """The decision for one row of the table."""

    row: str
    label: str
    iri: URIRef
    decision: str  # exact, close, ambiguous, none, empty
    best: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def match(self) -> str:
        return str(self.best.entity.iri) if self.best and self.decision in ("exact", "close") else ""

    @property
    def match_label(self) -> str:
        if self.decision == "ambiguous":
            return " | ".join(f"{c.entity.label} <{c.entity.iri}>" for c in self.candidates)
        return self.best.entity.label if self.best and self.decision in ("exact", "close") else ""

    @property
    def score(self) -> str:
        return f"{self.best.score:.2f}" if self.best else ""

    @property
    def method(self) -> str:
        if self.decision in ("ambiguous", "none", "empty"):
            return self.decision
        return self.best.method if self.best else ""


@dataclass
class LinkResult:
    """What ``link_table`` decided and wrote."""

    name: str
    rows: list[RowMatch]
    csv_path: Path
    trig_path: Path
    graph: Graph

    @property
    def counts(self) -> dict[str, int]:
        counts = {key: 0 for key in ("exact", "close", "ambiguous", "none", "empty")}
        for row in self.rows:
            counts[row.decision] += 1
        return counts


# ---------------------------------------------------------------------------- reading the table

def decode_table(data: bytes, path: Path) -> str:
    """The text of a table file: UTF-8 (with or without BOM) or GB18030, else a DataError naming ``path``."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: starts with a UTF-8 BOM but is not UTF-8 (byte {exc.start})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{path}: is UTF-16; save it as UTF-8 (or GB18030)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_gb18030(text):
        return text
    raise DataError(
        f"{path}: is neither UTF-8 (with or without BOM) nor GB18030 (first byte that is not UTF-8: "
        f"{data[utf8_error.start]:#04x} at {utf8_error.start}); save it as UTF-8"
    )


def _plausible_gb18030(text: str) -> bool:
    """Whether text decoded as GB18030 looks like Chinese rather than Latin-1 read the wrong way.

    Latin-1 or Windows-1252 letters (é, ü, ß) followed by ASCII letters happen to form valid
    two-byte GB18030 characters whose second byte is ASCII; Chinese text in GB18030 mostly uses
    characters whose two bytes are both above 0x80 (the GB2312 range). More than half of the
    two-byte characters with an ASCII second byte is taken as a wrong guess.
    """
    two_byte = [ch.encode("gb18030") for ch in text if ord(ch) > 0x7F]
    two_byte = [b for b in two_byte if len(b) == 2]
    if not two_byte:
        return any(ord(ch) > 0x7F for ch in text)
    ascii_second = sum(1 for b in two_byte if b[1] < 0x80)
    return ascii_second * 2 <= len(two_byte)


def read_table(path: Path | str) -> tuple[list[str], list[dict[str, str]]]:
    """The columns and rows of a CSV (or, for ``.tsv``, tab-separated) table."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    text = decode_table(path.read_bytes(), path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    # strict: a quoted cell left open runs to the end of the file instead of swallowing the rows after it
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a cell may be as large as the file (the default stops at 128 KiB)
    start = 1
    try:
        columns = [c.strip() for c in (reader.fieldnames or [])]
        if not columns:
            raise DataError(f"{path}: empty table (no header row)")
        reader.fieldnames = columns
        rows = []
        start = reader.line_num + 1
        for row in reader:
            extra = [cell for cell in row.get(None) or [] if cell.strip()]
            if extra:
                raise DataError(f"{path}:{start}: the row has {len(columns) + len(row[None])} cells, the header "
                                f"{len(columns)} / 此行的单元格比表头多 (first extra cell: {extra[0]!r})"
                                f"{shown_line(path, start, text=text)}")
            rows.append({k: (v or "") for k, v in row.items() if k is not None})
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{path}:{start}: not a readable CSV table / 无法读取的 CSV 表格: {exc} (a quoted cell that "
                        f"is not closed?){shown_line(path, start, text=text)}") from None
    finally:
        csv.field_size_limit(limit)
    return columns, rows


# ---------------------------------------------------------------------------- the graph's entities

def subclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    """``cls`` and every class below it by ``rdfs:subClassOf``."""
    found, todo = {cls}, [cls]
    while todo:
        for sub in ontology.subjects(RDFS.subClassOf, todo.pop()):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def entities(graphs: dict[URIRef, Graph]) -> list[Entity]:
    """The named entities of ``graphs``, clusters joined by ``skos:exactMatch`` as one."""
    data = Graph()
    curated: set[str] = set()
    for name, graph in graphs.items():
        if name in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
            continue
        data += graph
        if name != LINKS_GRAPH and not str(name).startswith(str(GRAPH["dataset/"])):
            curated |= {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    names = [(str(s), method, str(o)) for prop, method in ((RDFS.label, "label"), (SKOS.altLabel, "altLabel"))
             for s, o in data.subject_objects(prop) if isinstance(s, URIRef) and isinstance(o, Literal)]
    pairs = [(str(s), str(o)) for s, o in data.subject_objects(SKOS.exactMatch)]
    types = [(str(s), str(o)) for s, o in data.subject_objects(RDF.type) if isinstance(o, URIRef)]
    places = [(str(s), str(label)) for s in {s for s in data.subjects(CG.locatedIn, None)}
              for place in data.transitive_objects(s, CG.locatedIn) if place != s
              for prop in (RDFS.label, SKOS.altLabel) for label in data.objects(place, prop)
              if isinstance(label, Literal) and label.language != "en"]
    return cluster(names, exact_pairs=pairs, curated=curated, types=types, places=places)


def decide(row: str, label: str, iri: URIRef, found: list[Candidate]) -> RowMatch:
    """exact, close, ambiguous or none: never a guess between equals."""
    if not label.strip():
        return RowMatch(row, label, iri, "empty")
    if not found or found[0].score < PROBABLE:
        return RowMatch(row, label, iri, "none")
    top = [c for c in found if c.score == found[0].score]
    if len(top) > 1:
        return RowMatch(row, label, iri, "ambiguous", best=found[0], candidates=top)
    return RowMatch(row, label, iri, "exact" if found[0].score >= EXACT else "close", best=found[0], candidates=found)


# ---------------------------------------------------------------------------- the whole step

def row_iri(name: str, key: str) -> URIRef:
    """The IRI of one row of a linked table: ``…/dataset/{name}/{key}``."""
    return URIRef(f"{BASE}dataset/{name}/{quote(key, safe='')}")


def link_graph(name: str, rows: list[RowMatch]) -> Graph:
    """The links of the rows: labels, ``skos:exactMatch`` and ``skos:closeMatch``."""
    graph = bind_prefixes(Graph())
    for row in rows:
        if row.decision not in ("exact", "close"):
            continue
        graph.add((row.iri, RDFS.label, Literal(row.label.strip(), lang="zh" if has_han(row.label) else None)))
        predicate = SKOS.exactMatch if row.decision == "exact" else SKOS.closeMatch
        graph.add((row.iri, predicate, URIRef(row.best.entity.iri)))
    return graph


def spreadsheet_cell(value: str) -> str:
    """``value`` for a CSV cell that a spreadsheet shows as text and never runs as a formula.

    A cell starting with ``= + - @``, their full-width forms, a tab or a carriage return is taken for
    a formula by Excel, LibreOffice or WPS (``=cmd|' /C calc'!A0``); such a cell, and one that
    already starts with ``'``, gets a ``'`` in front. So the rule for reading the CSV back is simple:
    a leading ``'`` was added here, drop it. The TriG output and ``LinkResult`` keep values exact.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_links(result_rows: list[RowMatch], name: str, out_dir: Path) -> tuple[Path, Path, Graph]:
    """``{out_dir}/{name}.csv`` (cells safe to open in a spreadsheet) and ``{out_dir}/{name}.trig``."""
    from ..build.export import write_trig

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, trig_path = out_dir / f"{name}.csv", out_dir / f"{name}.trig"
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")  # RFC 4180; with "\n" a lone \r in a cell went unquoted
        writer.writerow(("row", "label", "match", "match_label", "score", "method"))
        for r in result_rows:
            cells = (r.row, r.label, r.match, r.match_label, r.score, r.method)
            writer.writerow(tuple(spreadsheet_cell(cell) for cell in cells))
    graph = link_graph(name, result_rows)
    write_trig({dataset_graph(name): graph}, trig_path)
    return csv_path, trig_path, graph


def link_table(
    table: Path | str, *, name: str, label_column: str, id_column: str | None = None, type_: str | None = None,
    root: Path | str | None = None, out_dir: Path | str | None = None, graphs: dict[URIRef, Graph] | None = None,
) -> LinkResult:
    """Reconcile the rows of ``table`` with the graph's entities and write the CSV and TriG of the links.

    ``graphs`` defaults to the project at ``root`` as the build loads it; ``out_dir`` to ``build/links``.
    """
    from ..paths import project_paths

    if not _NAME.match(name):
        raise UsageError(f"--name {name!r}: use lowercase letters, digits and '-' (it becomes a graph IRI)")
    path = Path(table)
    columns, rows = read_table(path)
    for option, column in (("--label-column", label_column), ("--id-column", id_column)):
        if column is not None and column not in columns:
            raise UsageError(f"{option} {column!r}: {path} has the columns {', '.join(columns)}")
    paths = project_paths(root)
    if graphs is None:
        from ..project.reader import load_project
        from ..offline import offline

        with offline():
            graphs = load_project(paths).graphs
    pool = entities(graphs)
    if type_:
        try:
            cls = URIRef(expand_class(type_))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        ontology = graphs.get(ONTOLOGY_GRAPH, Graph())
        if (cls, None, None) not in ontology:
            raise UsageError(f"--type {type_}: the ontology has no class {cls}")
        accepted = subclasses(ontology, cls)
        pool = [e for e in pool if e.types & {str(c) for c in accepted}]
    decided = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        key = (row.get(id_column) or "").strip() if id_column else ""
        if id_column and (not key or key in seen):
            raise DataError(f"{path}: row {number}: the id column {id_column!r} is {'empty' if not key else f'repeated ({key})'}")
        seen.add(key)
        label = row.get(label_column, "")
        decided.append(decide(key or str(number), label, row_iri(name, key or f"row-{number}"), candidates(label, pool)))
    out = Path(out_dir) if out_dir else paths.build_dir / "links"
    csv_path, trig_path, graph = write_links(decided, name, out)
    return LinkResult(name, decided, csv_path, trig_path, graph)
