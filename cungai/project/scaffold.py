"""``cungai source add``: a new source's text, metadata and a skeleton of its facts file, in one step.

Writes ``graph/sources/{id}.txt`` (UTF-8, NFC, LF line ends), ``graph/sources/{id}.ttl`` (title,
date, language, URL, SHA-256, like the existing ones) and ``graph/{id}.trig``: the prefixes and,
for every sentence of the text, a commented block with the sentence as its quote and the known
entities it mentions (every Chinese label or alias of the graph found in it, longest first), so
that the curator reuses their IRIs. A skeleton has no block yet: the build leaves the source out
and says so until its first block is written (the other sources build as before).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import DataError, UsageError
from .evidence import SENTENCE
from ..rdf.load import read_quads
from ..rdf.namespaces import BASE, ENTITY_KINDS, PREFIXES
from ..paths import ProjectPaths, project_paths

SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
DATE_IN_TEXT = re.compile(r"(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?")
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2004/02/skos/core#altLabel")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: The prefixes every facts file starts with (the curation prefix ``ev:`` is the source's own).
FACT_PREFIXES = ("cg", "rdf", "rdfs", "xsd", "skos", "org", "prov", "schema", "time", "dcterms", "src")


@dataclass(frozen=True)
class AddedSource:
    """The files ``add_source`` wrote and what the skeleton holds."""

    source_id: str
    text_path: Path
    metadata_path: Path
    facts_path: Path
    sha256: str
    sentences: int
    mentions: int


def known_names(paths: ProjectPaths) -> dict[str, set[tuple[str, str]]]:
    """Every Chinese label and alias of the project (facts files, background, vocabularies) →
    the (IRI, class) pairs that carry it."""
    files = [paths.vocabularies, paths.background, *sorted(paths.graph_dir.glob("*.trig"))]
    names: dict[str, set[str]] = {}
    types: dict[str, str] = {}
    for path in files:
        if not path.exists():
            continue
        for quad in read_quads(path).quads:  # syntax and literals checked, a fault at its line
            if not isinstance(quad.subject, ox.NamedNode) or not quad.subject.value.startswith(f"{BASE}id/"):
                continue
            if quad.predicate.value in LABELS and isinstance(quad.object, ox.Literal) \
                    and (quad.object.language or "").startswith("zh"):
                names.setdefault(quad.object.value, set()).add(quad.subject.value)
            elif quad.predicate.value == RDF_TYPE:
                types.setdefault(quad.subject.value, quad.object.value)
    return {name: {(iri, types.get(iri, "")) for iri in iris} for name, iris in names.items()}


def mentions(sentence: str, names: dict[str, set[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    """(label, IRI, class) of the known names in ``sentence``, longest first; a name is left out where
    every occurrence lies inside a longer known name (伦教 inside 伦教街道)."""
    found = {name: [m.start() for m in re.finditer(re.escape(name), sentence)]
             for name in names if len(name) > 1 and name in sentence}
    spans = [(start, start + len(name)) for name, starts in found.items() for start in starts]
    kept = []
    for name, starts in found.items():
        inside = all(any(s <= start and start + len(name) <= e and e - s > len(name) for s, e in spans)
                     for start in starts)
        if not inside:
            kept.append(name)
    kept.sort(key=lambda n: (-len(n), sentence.find(n)))
    return [(name, iri, cls) for name in kept for iri, cls in sorted(names[name])]


def _short(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and re.fullmatch(r"[\w.-]+", iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def skeleton(source_id: str, text: str, names: dict[str, set[tuple[str, str]]]) -> tuple[str, int, int]:
    """The text of a new facts file: prefixes, then one commented block per sentence; with the
    number of sentences and of known-entity mentions listed."""
    kinds = ENTITY_KINDS
    lines = [f"# Facts of source {source_id} (graph/sources/{source_id}.txt), with their evidence.",
             "# One named graph per quote (\"evidence block\"); see graph/README.md. Each sentence of the text",
             "# below is a commented block with the known entities it mentions: reuse their IRIs, uncomment,",
             "# keep the shortest quote that says the block's facts, then `cungai check " + source_id + "`.", ""]
    width = max(len(p) for p in (*FACT_PREFIXES, *kinds, "ev"))
    for prefix in (*FACT_PREFIXES, *kinds):
        lines.append(f"@prefix {prefix + ':':<{width + 1}} <{PREFIXES[prefix]}> .")
    lines.append(f"@prefix {'ev:':<{width + 1}} <{BASE}curation/{source_id}#> .")
    sentences = mentioned = 0
    for match in SENTENCE.finditer(text):
        sentence = match.group().strip()
        if not sentence:
            continue
        sentences += 1
        line = text.count("\n", 0, match.start()) + 1
        lines += ["", f"# --- sentence {sentences} (line {line} of the text) ---"]
        found = mentions(sentence, names)
        mentioned += len(found)
        for name, iri, cls in found:
            lines.append(f"# known / 已知: {_short(iri)} “{name}”" + (f" ({_short(cls)})" if cls else ""))
        lines += [f"# ev:s{sentences} {{", f"#     ev:s{sentences} cg:quote {_literal(sentence)} .", "# }"]
    return "\n".join(lines) + "\n", sentences, mentioned


def read_new_text(path: Path) -> str:
    """A text to add: UTF-8 (a byte order mark dropped), line ends made LF, normalised to NFC."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 (byte {exc.start}: {exc.reason}); convert it to UTF-8 first") from None
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


def _metadata(source_id: str, *, title: str, title_en: str | None, date: dt.date, lang: str, url: str | None,
              digest: str) -> str:
    url_line = f"    dcterms:source <{url}> ;\n" if url else ""
    english = f" , {_literal(title_en)}@en" if title_en else ""
    return (
        f"# Metadata of the source text beside this file ({source_id}.txt), written by `cungai source add`.\n"
        "# The text is stored as UTF-8 in NFC; cg:sha256 pins it, so evidence offsets cannot drift.\n\n"
        "@prefix cg:      <https://w3id.org/cungai/ontology#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix src:     <https://w3id.org/cungai/source/> .\n\n"
        f"src:{source_id} a cg:SourceDocument ;\n"
        f"    rdfs:label {_literal(title)}@{lang}{english} ;\n"
        f"    dcterms:title {_literal(title)}@{lang} ;\n"
        f"    dcterms:issued \"{date.isoformat()}\"^^xsd:date ;\n"
        f"    dcterms:language \"{lang}\" ;\n"
        "    dcterms:format \"text/plain; charset=utf-8\" ;\n"
        f"{url_line}"
        f"    cg:textFile \"{source_id}.txt\" ;\n"
        f"    cg:sha256 \"{digest}\" .\n"
    )


def add_source(file: Path | str, *, source_id: str, title: str | None = None, title_en: str | None = None,
               date: str | None = None, url: str | None = None, lang: str = "zh",
               root: Path | str | None = None) -> AddedSource:
    """Put ``file`` into the project as source ``source_id``: text, metadata and a facts skeleton.

    ``title_en`` is the curator's English label of the source (the shapes ask for one). The title
    defaults to the text's first line, the date to the first date the text writes
    (2019-12-06, 2019年12月6日). Nothing is overwritten: an existing id is a UsageError.
    """
    paths = project_paths(root)
    if not SOURCE_ID.fullmatch(source_id):
        raise UsageError(f"source id {source_id!r}: use lowercase letters, digits and '-' (e.g. lunjiao-2020-01-15)")
    text_path = paths.sources_dir / f"{source_id}.txt"
    metadata_path, facts_path = text_path.with_suffix(".ttl"), paths.source_facts(source_id)
    existing = [p for p in (text_path, metadata_path, facts_path) if p.exists()]
    if existing:
        raise UsageError(f"source {source_id} exists already ({', '.join(map(str, existing))}); choose another id")
    text = read_new_text(Path(file))
    if not text.strip():
        raise DataError(f"{file}: the text is empty")
    title = title or text.strip().split("\n", 1)[0].strip()
    issued = _date(date, text, Path(file))
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        raise UsageError(f"--url {url!r}: give an http(s) address")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    facts, sentences, mentioned = skeleton(source_id, text, known_names(paths))
    paths.sources_dir.mkdir(parents=True, exist_ok=True)
    text_path.write_text(text, encoding="utf-8", newline="\n")
    metadata_path.write_text(_metadata(source_id, title=title, title_en=title_en, date=issued, lang=lang, url=url, digest=digest),
                             encoding="utf-8")
    facts_path.write_text(facts, encoding="utf-8")
    return AddedSource(source_id, text_path, metadata_path, facts_path, digest, sentences, mentioned)


def _date(given: str | None, text: str, path: Path) -> dt.date:
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise UsageError(f"--date {given!r}: write it as YYYY-MM-DD") from None
    found = DATE_IN_TEXT.search(text)
    if not found:
        raise UsageError(f"{path}: the text writes no date; give --date YYYY-MM-DD")
    try:
        return dt.date(*map(int, found.groups()))
    except ValueError:
        raise UsageError(f"{path}: {found.group()!r} is not a date; give --date YYYY-MM-DD") from None
