"""Declarative imports: each ``graph/datasets/{name}/`` is mapped by morph-kgc into ``…/graph/dataset/{name}``.

A dataset folder holds three kinds of file, all data a researcher can read and diff:

- the table(s) as the source gives them (CSV, TSV, JSON… anything morph-kgc reads);
- ``mapping.yml`` (YARRRML) or ``mapping.rml.ttl`` (RML): how rows become triples with the
  project's vocabulary; relative paths in it are relative to the dataset folder;
- ``dataset.ttl``: the dataset's description, about the IRI ``…/graph/dataset/{name}``, with
  ``dcterms:title`` in zh and en, ``dcterms:source`` and ``dcterms:license`` (more is welcome).

The build maps every folder, adds the description to the mapped triples and keeps the result as
one named graph, validated by the same SHACL shapes and checked by the same reasoner as the rest.
Mappings may call the functions of ``cungai/project/mapping_functions.py``. A mapping that fails, maps
nothing or uses a term the ontology does not declare stops the build with a ``DataError`` that
names the file; a value the mapping makes that is not what its datatype says, or a language tag
that is not BCP 47, names the mapping, the data file and line that hold the value, and the value.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ..errors import DataError, EnvironmentProblem
from ..rdf.literals import bad_language, ill_typed, quiet_conversions
from ..rdf.load import parse_rdf_file, read_quads, shown_line
from ..rdf.namespaces import DCAT, DCTERMS, RDF, VOID, dataset_graph

MAPPING_FILES = ("mapping.yml", "mapping.yaml", "mapping.rml.ttl")
METADATA_FILE = "dataset.ttl"
MORPH_KGC = "morph-kgc==2.10.0"
FUNCTIONS_FILE = Path(__file__).resolve().parent / "mapping_functions.py"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_UNCHECKED_NAMESPACES = (str(RDF), str(VOID), str(DCAT))


@dataclass(frozen=True)
class DatasetFolder:
    """One dataset of ``graph/datasets/``: its name, folder, mapping and description files."""

    name: str
    folder: Path
    mapping: Path
    metadata: Path

    @property
    def graph_name(self) -> URIRef:
        return dataset_graph(self.name)


def dataset_folders(datasets_dir: Path) -> list[DatasetFolder]:
    """Every dataset folder under ``datasets_dir``, by name; a DataError for a folder that is incomplete."""
    if not datasets_dir.is_dir():
        return []
    datasets_dir = datasets_dir.resolve()  # morph-kgc runs in the dataset folder
    folders = []
    for folder in sorted(p for p in datasets_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if not _NAME.match(folder.name):
            raise DataError(f"{folder}: a dataset folder name is lowercase letters, digits and '-' (it becomes the graph IRI)")
        mappings = [folder / name for name in MAPPING_FILES if (folder / name).exists()]
        if len(mappings) != 1:
            found = ", ".join(m.name for m in mappings) or "none"
            raise DataError(f"{folder}: needs exactly one mapping file ({' or '.join(MAPPING_FILES)}); found {found}")
        metadata = folder / METADATA_FILE
        if not metadata.exists():
            raise DataError(f"{folder}: no {METADATA_FILE} (title zh/en, source, licence of the dataset)")
        folders.append(DatasetFolder(folder.name, folder, mappings[0], metadata))
    return folders


def describe(dataset: DatasetFolder) -> Graph:
    """The dataset's description from ``dataset.ttl``; a DataError naming the file if it lacks something."""
    description = parse_rdf_file(dataset.metadata)
    subject = dataset.graph_name
    if (subject, None, None) not in description:
        raise DataError(f"{dataset.metadata}: describes nothing about <{subject}> (the dataset's graph IRI)")
    titles = {lit.language for lit in description.objects(subject, DCTERMS.title) if isinstance(lit, Literal)}
    missing = [f"dcterms:title@{lang}" for lang in ("zh", "en") if lang not in titles]
    missing += [f"dcterms:{p.rsplit('/', 1)[-1]}" for p in (DCTERMS.source, DCTERMS.license)
                if description.value(subject, p) is None]
    if missing:
        raise DataError(f"{dataset.metadata}: <{subject}> needs {', '.join(missing)}")
    return description


@contextlib.contextmanager
def _quiet_root_logger():
    """morph-kgc calls ``logging.basicConfig``: keep the root logger as the caller had it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


def _config(dataset: DatasetFolder) -> str:
    def ini(path: Path) -> str:
        return str(path).replace("%", "%%")

    return (
        "[CONFIGURATION]\n"
        "number_of_processes=1\n"
        "logging_level=ERROR\n"
        f"udfs={ini(FUNCTIONS_FILE)}\n"
        f"[{dataset.name}]\n"
        f"mappings={ini(dataset.mapping)}\n"
    )


def check_mapping_syntax(mapping: Path) -> None:
    """A DataError at the exact line and column (the line shown, with a caret) of a mapping's syntax error."""
    if mapping.suffix == ".ttl":
        read_quads(mapping)  # RML in Turtle: Oxigraph's parser
        return
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        YAML(typ="safe", pure=True).load(mapping.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, None)
        detail = " ".join(str(exc.problem or exc.context or "").split())
        if exc.context and opened and opened.line + 1 != line:
            detail += f" ({exc.context} opened at line {opened.line + 1})"
        raise DataError(f"{mapping}:{line}:{column}: YAML syntax error / 语法错误: {detail}"
                        f"{shown_line(mapping, line, column)}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{mapping}: not UTF-8 / 不是 UTF-8 编码: {exc}") from None


def materialise(dataset: DatasetFolder) -> Graph:
    """The triples ``dataset``'s mapping makes from its data (morph-kgc, run in the dataset folder)."""
    check_mapping_syntax(dataset.mapping)
    try:
        import morph_kgc
    except ImportError:
        raise EnvironmentProblem(
            f"mapping {dataset.mapping} needs morph-kgc: `pip install -e '.[datasets]'` and "
            f"`pip install --no-deps {MORPH_KGC}` (`make run` installs both)"
        ) from None
    try:
        with _quiet_root_logger(), quiet_conversions(), contextlib.chdir(dataset.folder):
            graph = morph_kgc.materialize(_config(dataset))
    except (Exception, SystemExit) as exc:  # morph-kgc raises many kinds, and exits on some errors
        detail = " ".join(str(exc).split()) or type(exc).__name__
        value = re.search(r"could not convert string to \w+: '(.+)'$", detail)  # its own numeric datatypes
        held = _held_in(_data_files(dataset), value.group(1)) if value else None
        where = f" (the value is in {held[0]}:{held[1]}: {held[2]})" if held else ""
        raise DataError(f"{dataset.mapping}: the mapping failed in morph-kgc: {type(exc).__name__}: "
                        f"{detail[:400]}{where}") from None
    if len(graph) == 0:
        raise DataError(f"{dataset.mapping}: the mapping produced no triples (wrong file name, empty table or no rows?)")
    return graph


def undeclared_terms(graph: Graph, ontology: Graph) -> list[str]:
    """Predicates and classes of ``graph`` that ``ontology`` does not declare (RDF, VoID and DCAT excepted)."""
    declared = set(ontology.subjects())
    terms = {p for p in graph.predicates()} | {o for o in graph.objects(None, RDF.type)}
    return sorted(str(t) for t in terms if t not in declared and not str(t).startswith(_UNCHECKED_NAMESPACES))


def check_values(dataset: DatasetFolder, graph: Graph) -> None:
    """A DataError for the mapped literal, first in table order, that is ill-typed or has a tag that is not BCP 47."""
    literals = {o for o in graph.objects() if isinstance(o, Literal)}
    bad_types = ill_typed((str(lit), str(lit.datatype)) for lit in literals if lit.datatype is not None)
    found = []
    for literal in literals:
        expects = bad_types.get((str(literal), str(literal.datatype)))
        why = f"{literal.datatype} expects {expects[0]} / 应为{expects[1]}" if expects else None
        held = _held_in(_data_files(dataset), str(literal))
        tag_problem = bad_language(literal.language) if literal.language else None
        if tag_problem:  # the mapping writes the tag
            why = f"the language tag {literal.language!r} is not BCP 47 / 语言标签不符合 BCP 47: {tag_problem}"
            held = _held_in([dataset.mapping], literal.language)
        if why:
            found.append((held, literal.n3(), why, next(graph.subjects(None, literal))))
    if found:
        held, value, why, subject = min(found, key=lambda item: (item[0] is None, item[0] or (), item[1]))
        where = f" (from {held[0]}:{held[1]}: {held[2]})" if held else ""
        raise DataError(f"{dataset.mapping}: the mapping makes a bad value / 映射产生了不合规的值: "
                        f"{value} of <{subject}>: {why}{where}")


def _data_files(dataset: DatasetFolder) -> list[Path]:
    return sorted(p for p in dataset.folder.iterdir() if p.is_file() and p not in (dataset.mapping, dataset.metadata))


def _held_in(files: list[Path], value: str) -> tuple[str, int, str] | None:
    """The first of ``files``, line and line text where ``value`` is written."""
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if value and value in line:
                return str(path), number, line.strip()
    return None


def load_dataset(dataset: DatasetFolder, *, ontology: Graph | None = None) -> Graph:
    """One dataset's graph: its mapped triples, every value checked, plus its description."""
    description = describe(dataset)
    graph = materialise(dataset)
    check_values(dataset, graph)
    if ontology is not None:
        unknown = undeclared_terms(graph, ontology)
        if unknown:
            hint = " (morph-kgc binds the YARRRML prefix schema: to http://schema.org/; write https://schema.org/ terms in full)" \
                if any(t.startswith("http://schema.org/") for t in unknown) else ""
            raise DataError(f"{dataset.mapping}: uses terms the ontology does not declare: {', '.join(unknown)}{hint}")
    graph += description
    return graph


def load_datasets(datasets_dir: Path, *, ontology: Graph | None = None) -> dict[URIRef, Graph]:
    """Every dataset of ``datasets_dir`` mapped into its named graph ``…/graph/dataset/{name}``."""
    return {d.graph_name: load_dataset(d, ontology=ontology) for d in dataset_folders(datasets_dir)}
