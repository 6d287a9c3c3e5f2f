"""Official administrative division codes from the cpca package: the Foshan dataset and the code links.

cpca (PyPI, MIT licence) ships ``cpca/resources/adcodes.csv``: one row per division of China down to
county level (``adcode,name,longitude,latitude``; 12-digit codes whose first six digits are the
GB/T 2260 code: ``440606000000`` 顺德区). Two committed files are generated from it and never typed
by hand:

- ``graph/datasets/foshan-divisions/divisions.csv``: Guangdong province, Foshan city and Foshan's
  districts, as the package has them: its header and its lines, unchanged, ordered by code. The
  row ``440601000000 市辖区`` ("districts under the city", a statistical grouping with no area or
  coordinates of its own) is left out.
- ``graph/links/adcodes.ttl``: the code of every administrative area of the curated graph
  (sources and background) that cpca holds, as ``schema:identifier`` and as ``skos:exactMatch`` to
  the division of the Foshan dataset. An area is matched by name (its ``rdfs:label``@zh or a
  ``skos:altLabel``@zh equals cpca's name once normalised) and by hierarchy (the code lies under
  the code of the area it is ``cg:locatedIn``); an area with no such row, or with more than one,
  gets no code and is listed in the file's header. Lunjiao (伦教街道) is such an area: cpca stops
  at county level, so no town or subdistrict has a code here.

``cungai adcodes`` writes both files; ``cungai adcodes --check`` (and the tests) say whether the
committed files are what the installed package and the current graph give.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ..errors import DataError, EnvironmentProblem
from ..project.names import normalise
from ..rdf.namespaces import (
    BASE, CG, GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, PREFIXES, RDF, RDFS, SKOS, curie,
    dataset_graph,
)
from ..paths import ProjectPaths, project_paths

PACKAGE = "cpca"
RESOURCE = "cpca/resources/adcodes.csv"
DATASET = "foshan-divisions"
DATA_FILE = "divisions.csv"
LINKS_FILE = "adcodes.ttl"
PROVINCE = "440000000000"  # 广东省
CITY_PREFIX = "4406"  # 佛山市 and its districts
GROUPING_NAME = "市辖区"  # "districts under the city": a statistical grouping, not an area


@dataclass(frozen=True)
class Division:
    """One row of cpca's table, with where it stands in the file."""

    code: str
    name: str
    line_number: int
    line: str

    @property
    def prefix(self) -> str:
        """The code without its trailing zero pairs: what the codes of its subdivisions start with."""
        code = self.code
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code


@dataclass(frozen=True)
class AreaCode:
    """A curated area and the cpca row that gives its code."""

    area: URIRef
    label: str
    division: Division


@dataclass(frozen=True)
class Uncoded:
    """A curated area that gets no code, and why."""

    area: URIRef
    label: str
    reason: str


def division_iri(code: str) -> URIRef:
    """The IRI of a division of an imported code table: ``…/id/place/adcode-{code}``."""
    return URIRef(f"{BASE}id/place/adcode-{code}")


def package_file() -> tuple[str, Path]:
    """The installed cpca version and the path of its ``adcodes.csv``."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        raise EnvironmentProblem(f"the division codes come from the {PACKAGE} package: `pip install cpca==0.5.5`") from None
    path = Path(dist.locate_file(RESOURCE))
    if not path.exists():
        raise EnvironmentProblem(f"{PACKAGE} {dist.version} has no {RESOURCE}")
    return dist.version, path


def source_note(version: str) -> str:
    """How the generated files name their source."""
    return f"Python package {PACKAGE} {version} (PyPI, MIT licence), file {RESOURCE}"


def read_divisions(path: Path) -> tuple[str, list[Division]]:
    """The header line and every row of an ``adcodes.csv``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split(",")[:2] != ["adcode", "name"]:
        raise DataError(f"{path}: expected a header adcode,name,… (has the package changed its table?)")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = next(csv.reader([line]))
        rows.append(Division(fields[0], fields[1], number, line))
    return lines[0], rows


def foshan_rows(rows: list[Division]) -> list[Division]:
    """Guangdong province, Foshan city and its districts, by code, without the 市辖区 grouping."""
    chosen = [r for r in rows if (r.code == PROVINCE or r.code.startswith(CITY_PREFIX)) and r.name != GROUPING_NAME]
    return sorted(chosen, key=lambda r: r.code)


def render_divisions() -> str:
    """The text of ``divisions.csv`` as the installed package gives it."""
    _, path = package_file()
    header, rows = read_divisions(path)
    return "\n".join([header] + [r.line for r in foshan_rows(rows)]) + "\n"


def _curated(graphs: dict[URIRef, Graph]) -> Graph:
    """The curated graph: everything but the links, the datasets, the ontology and what was inferred."""
    out = Graph()
    for name, graph in graphs.items():
        if name in (LINKS_GRAPH, ONTOLOGY_GRAPH, INFERRED_GRAPH) or str(name).startswith(str(GRAPH["dataset/"])):
            continue
        out += graph
    return out


def _names(graph: Graph, area: URIRef) -> list[str]:
    """The Chinese names of ``area``: labels and aliases tagged zh (or untagged)."""
    return sorted({str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(area, p)
                   if isinstance(o, Literal) and (o.language is None or o.language.split("-")[0] == "zh")})


def code_areas(graph: Graph, rows: list[Division]) -> tuple[list[AreaCode], list[Uncoded]]:
    """Match every ``cg:AdministrativeArea`` of ``graph`` to cpca's rows by name and hierarchy."""
    by_name: dict[str, list[Division]] = {}
    for row in rows:
        if row.name != GROUPING_NAME:
            by_name.setdefault(normalise(row.name).key, []).append(row)
    areas = sorted({s for s in graph.subjects(RDF.type, CG.AdministrativeArea) if isinstance(s, URIRef)}, key=str)
    label = {a: str(graph.value(a, RDFS.label) or a) for a in areas}
    for area in areas:
        zh = [str(o) for o in graph.objects(area, RDFS.label) if isinstance(o, Literal) and o.language == "zh"]
        if zh:
            label[area] = zh[0]
    codes: dict[URIRef, Division] = {}
    uncoded: dict[URIRef, str] = {}
    pending = list(areas)
    area_set = set(areas)
    while pending:  # parents before children: repeat while a round decides something
        progressed = False
        for area in list(pending):
            parents = [p for p in graph.objects(area, CG.locatedIn) if p in area_set]
            if any(p in pending for p in parents):
                continue
            pending.remove(area)
            progressed = True
            candidates = {r for name in _names(graph, area) for r in by_name.get(normalise(name).key, [])}
            where = ""
            for parent in sorted((p for p in parents if p in codes), key=lambda p: len(codes[p].prefix)):
                under = codes[parent]
                candidates = {r for r in candidates if r.code.startswith(under.prefix) and r.code != under.code}
                where = f" under {under.code} ({under.name})"
            if len(candidates) == 1:
                codes[area] = candidates.pop()
            elif not candidates:
                names = " or ".join(_names(graph, area)) or "(no Chinese name)"
                uncoded[area] = f"cpca has no row named {names}{where}"
            else:
                found = ", ".join(f"{r.code} {r.name}" for r in sorted(candidates, key=lambda r: r.code))
                uncoded[area] = f"more than one row fits ({found}); left out rather than guessed"
        if not progressed:  # a cycle of cg:locatedIn: nothing more can be decided
            for area in pending:
                uncoded[area] = "its cg:locatedIn chain is a cycle"
            break
    coded = [AreaCode(a, label[a], codes[a]) for a in areas if a in codes]
    return coded, [Uncoded(a, label[a], uncoded[a]) for a in areas if a in uncoded]


def _turtle_name(iri: URIRef) -> str:
    return curie(iri) or f"<{iri}>"


#: How the generated file names its generator. It keeps the module's path from before the package was
#: split into folders (now ``cungai/link/adcodes.py``): the committed links, and so ``kg.nt``, stay
#: byte for byte what they were until the next change of the data regenerates them.
GENERATOR = "cungai adcodes (cungai/adcodes.py)"


def render_links(graphs: dict[URIRef, Graph]) -> str:
    """The text of ``graph/links/adcodes.ttl`` for the loaded project ``graphs``."""
    version, path = package_file()
    _, rows = read_divisions(path)
    coded, uncoded = code_areas(_curated(graphs), rows)
    in_dataset = {r.code for r in foshan_rows(rows)}
    lines = [
        "# Official administrative division codes of the administrative areas of the graph.",
        f"# Generated by `{GENERATOR.replace(' (', '` (')} from the {source_note(version)}.",
        "# Do not edit by hand: run `cungai adcodes` again. An area gets a code when its Chinese",
        "# rdfs:label or skos:altLabel is cpca's name and the code lies under the code of the area it",
        "# is cg:locatedIn. Codes are 12 digits as cpca gives them; the first six are the GB/T 2260 code.",
        "# cpca stops at county level: towns and subdistricts (街道, 镇) have no code here.",
        "# No Wikidata or other identifiers: no source at hand confirms them.",
    ]
    if uncoded:
        lines.append("# Areas without a code:")
        lines += [f"#   {_turtle_name(u.area)} {u.label}: {u.reason}" for u in uncoded]
    lines.append("")
    for prefix in ("place", "schema", "skos", "dcterms", "void"):
        lines.append(f"@prefix {prefix}: <{PREFIXES[prefix]}> .")
    lines += [
        "",
        "<https://w3id.org/cungai/graph/links/adcodes> a void:Linkset ;",
        '    dcterms:title "行政区划代码链接"@zh , "Links to official administrative division codes"@en ;',
        f'    dcterms:source "{source_note(version)}" ;',
        f'    dcterms:creator "{GENERATOR}" ;',
        "    void:linkPredicate skos:exactMatch ;",
        f"    void:objectsTarget <{dataset_graph(DATASET)}> .",
    ]
    for item in coded:
        division = item.division
        lines += ["", f"# {PACKAGE} {version} {RESOURCE} line {division.line_number}: {division.line}"]
        statements = [f'schema:identifier "{division.code}"']
        if division.code in in_dataset:
            statements.append(f"skos:exactMatch {_turtle_name(division_iri(division.code))}")
        lines.append(f"{_turtle_name(item.area)} " + " ;\n    ".join(statements) + " .")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class GeneratedFile:
    """A generated file: where it goes and what it should hold."""

    path: Path
    text: str

    @property
    def up_to_date(self) -> bool:
        return self.path.exists() and self.path.read_text(encoding="utf-8") == self.text

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.text, encoding="utf-8")


def _links_file(paths: ProjectPaths) -> GeneratedFile:
    from ..project.reader import load_project
    from ..offline import offline

    with offline():
        graphs = load_project(paths).graphs
    return GeneratedFile(paths.links_dir / LINKS_FILE, render_links(graphs))


def generated_files(root: Path | str | None = None) -> list[GeneratedFile]:
    """The dataset table and the links file as the installed package and the current graph give them."""
    paths = project_paths(root)
    return [GeneratedFile(paths.datasets_dir / DATASET / DATA_FILE, render_divisions()), _links_file(paths)]


def write_generated(root: Path | str | None = None) -> list[Path]:
    """Write the generated files that differ from what they should hold; the paths written.

    The table is written first: the links are made from the project as it then loads.
    """
    paths = project_paths(root)
    written = []
    table = GeneratedFile(paths.datasets_dir / DATASET / DATA_FILE, render_divisions())
    if not table.up_to_date:
        table.write()
        written.append(table.path)
    links = _links_file(paths)
    if not links.up_to_date:
        links.write()
        written.append(links.path)
    return written
