"""The text of a synthetic report and the Turtle of its facts: entities, names drawn from the word
lists, sentences with the facts they state, and how a report is written out with its evidence blocks."""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from . import vocab
from ..errors import DataError
from ..rdf.namespaces import PREFIXES as NAMESPACES
from .estimate import Fact

PREFIXES = {prefix: NAMESPACES[prefix] for prefix in (  # the prefixes the generated files declare
    "cg", "rdf", "rdfs", "xsd", "skos", "org", "prov", "schema", "time", "dcterms", "src", "scheme", "indicator",
    "unit", "activity", "body", "enterprise", "industry", "outcome", "parcel", "park", "path", "period", "person",
    "place", "plan", "post", "project", "quotation", "role",
)}


def string_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def zh_literal(text: str) -> str:
    return string_literal(text) + "@zh"


def en_literal(text: str) -> str:
    return string_literal(text) + "@en"


def typed_literal(text: str, datatype: str) -> str:
    return string_literal(text) + "^^" + datatype


@dataclass(eq=False)
class Entity:
    """A thing the text names: its IRI (as a prefixed name), class, labels, and what its name says."""

    ref: str
    cls: str
    zh: str
    en: str
    facts: tuple[Fact, ...] = ()        # stated whenever it is named (a post's body and role)
    parts: tuple["Entity", ...] = ()    # things its name names (a post names its body and its role)

    @property
    def slug(self) -> str:
        return self.ref.split(":", 1)[1]


class Names:
    """Draws names from the word lists; a name (and its slug) is never drawn twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[str, set[str]] = defaultdict(set)
        self.width: dict[str, int] = defaultdict(lambda: 2)  # syllables per name, per family

    def claim(self, family: str, *keys: str) -> bool:
        """Take ``keys`` in ``family`` if none of them is taken yet."""
        if any(key in self.used[family] for key in keys):
            return False
        self.used[family].update(keys)
        return True

    def _syllables(self, table, count: int) -> tuple[str, str]:
        picked = self.rng.sample(table, count)
        return "".join(h for h, _ in picked), "".join(p for _, p in picked)

    def _draw(self, family: str, table) -> tuple[str, str]:
        """A name of two syllables of ``table`` not yet taken in ``family``; three once two run short."""
        for attempt in range(1, 1001):
            name, py = self._syllables(table, self.width[family])
            if self.claim(family, "zh:" + name, "py:" + py):
                return name, py
            if attempt % 100 == 0:
                self.width[family] += 1
        raise DataError(f"synth: ran out of names for {family}")

    def place(self) -> tuple[str, str]:
        """A proper place name and its pinyin (districts, towns and villages never share one)."""
        return self._draw("place", vocab.PLACE)

    def person(self) -> tuple[str, str, str]:
        """A person's name, slug and English name."""
        for _ in range(1000):
            surname, sur_py = self.rng.choice(vocab.SURNAMES)
            given, given_py = self._syllables(vocab.GIVEN, self.rng.choice((1, 2, 2, 2)))
            name, slug = surname + given, f"{sur_py}-{given_py}"
            if self.claim("person", "zh:" + name, "py:" + slug):
                return name, slug, f"{sur_py.capitalize()} {given_py.capitalize()}"
        raise DataError("synth: ran out of person names")

    def trade(self, family: str) -> tuple[str, str]:
        """A trade name (shop name), unique within ``family``."""
        return self._draw(family, vocab.TRADE)


@dataclass
class Sentence:
    kind: str
    text: str
    facts: list[Fact]


@dataclass
class Report:
    source_id: str
    date: str
    title: str
    town: Entity
    district: Entity
    lines: list[list[Sentence | str]] = field(default_factory=list)
    named_in_english: set[str] = field(default_factory=set)
    quotations: list[tuple[Sentence, list[Entity]]] = field(default_factory=list)

    def line(self) -> list[Sentence | str]:
        self.lines.append([])
        return self.lines[-1]


def _occurrences(text: str, quote: str) -> list[int]:
    """Where ``quote`` starts in ``text``, found left to right without overlaps (as ``re.finditer`` does)."""
    starts, at = [], text.find(quote)
    while at >= 0:
        starts.append(at)
        at = text.find(quote, at + len(quote))
    return starts


def _quote_context(text: str, start: int, quote: str) -> tuple[str, str]:
    """``cg:before``/``cg:after`` that make the quote at ``start`` the only match, as evidence.locate reads them."""
    starts = _occurrences(text, quote)
    if start not in starts:
        raise DataError(f"synth: quote {quote!r} overlaps another occurrence; cannot be located")
    if len(starts) == 1:
        return "", ""
    for size in range(1, start + 1):
        before = text[start - size:start]
        if [s for s in starts if text[max(0, s - size):s] == before] == [start]:
            return before, ""
    end = start + len(quote)
    for size in range(1, len(text) - end + 1):
        after = text[end:end + size]
        if [s for s in starts if text[s + len(quote):s + len(quote) + size] == after] == [start]:
            return "", after
    raise DataError(f"synth: quote {quote!r} cannot be told apart from its other occurrences")


def _group(facts: list[Fact]) -> list[str]:
    """Turtle statements for ``facts``, grouped by subject and predicate in the order they came."""
    subjects: dict[str, dict[str, list[str]]] = {}
    for s, p, o in facts:
        objects = subjects.setdefault(s, {}).setdefault(p, [])
        if o not in objects:
            objects.append(o)
    out = []
    for s, predicates in subjects.items():
        parts = [f"{p} {' , '.join(objects)}" for p, objects in predicates.items()]
        out.append(f"    {s} " + " ;\n        ".join(parts) + " .")
    return out


def render_report(report: Report) -> tuple[str, str, str, int]:
    """The report's text, its TriG, its metadata Turtle and its number of evidence blocks."""
    text_lines, placed = [], []
    offset = 0
    for line in report.lines:
        pieces = []
        for piece in line:
            words = piece if isinstance(piece, str) else piece.text
            if not isinstance(piece, str):
                placed.append((piece, offset))
            pieces.append(words)
            offset += len(words)
        text_lines.append("".join(pieces))
        offset += 1
    text = "\n".join(text_lines) + "\n"
    if not unicodedata.is_normalized("NFC", text):
        raise DataError(f"synth: text of {report.source_id} is not in NFC")
    ev = f"https://w3id.org/cungai/curation/{report.source_id}#"
    out = [
        f"# Facts of the synthetic source {report.source_id} (graph/sources/{report.source_id}.txt), with their",
        "# evidence: one named graph per quote. Generated by `cungai synth`; do not edit.",
        "",
        *(f"@prefix {p + ':':<11} <{ns}> ." for p, ns in [("ev", ev), *PREFIXES.items()]),
        "",
    ]
    for number, (sentence, start) in enumerate(placed, start=1):
        name = f"ev:b{number:04d}-{sentence.kind}"
        before, after = _quote_context(text, start, sentence.text)
        curation = f"    {name} cg:quote {string_literal(sentence.text)}"
        curation += f" ; cg:before {string_literal(before)}" if before else ""
        curation += f" ; cg:after {string_literal(after)}" if after else ""
        out += [f"{name} {{", curation + " .", *_group(sentence.facts), "}", ""]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    town_en = report.town.en
    metadata = "\n".join([
        f"# Metadata of the synthetic source text beside this file ({report.source_id}.txt), generated by `cungai synth`.",
        "",
        *(f"@prefix {p + ':':<8} <{PREFIXES[p]}> ." for p in ("cg", "dcterms", "rdfs", "xsd", "src")),
        "",
        f"src:{report.source_id} a cg:SourceDocument ;",
        f"    rdfs:label {zh_literal(f'{report.town.zh}村级工业园改造工作报告（{report.date}）')} ,",
        f"        {en_literal(f'Report on the renovation of village-level industrial parks in {town_en} ({report.date})')} ;",
        f"    dcterms:title {zh_literal(report.title)} ;",
        f"    dcterms:issued {typed_literal(report.date, 'xsd:date')} ;",
        '    dcterms:language "zh" ;',
        '    dcterms:format "text/plain; charset=utf-8" ;',
        f"    dcterms:type {en_literal('synthetic report')} , {zh_literal('合成报告')} ;",
        f"    cg:textFile {string_literal(report.source_id + '.txt')} ;",
        f"    cg:sha256 {string_literal(digest)} .",
        "",
    ])
    return text, "\n".join(out), metadata, len(placed)
