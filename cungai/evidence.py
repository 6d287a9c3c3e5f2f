"""Evidence: every fact of a source points at the exact span of text it came from.

Curators write a source's facts in TriG, one named graph ("evidence block") per quote:

    ev:lu-post {
        ev:lu-post cg:quote "伦教街道党工委书记卢德全" ; cg:before "采访时表示," .
        person:lu-dequan org:holds post:lunjiao-party-secretary .
    }

The build finds the quote in the source text (``cg:before``/``cg:after`` pick one occurrence when
it is not unique), then reifies each fact once (``rdf:Statement``) and annotates it with the W3C
Web Annotation vocabulary: a ``TextPositionSelector`` (code-point offsets, end exclusive) and a
``TextQuoteSelector``. Every derived node has a stable IRI computed from what it states, so two
builds are byte-identical. Labels and comments in a language other than the source's are the
curator's translations and need no evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .errors import DataError
from .load import parse_dataset_file
from .namespaces import CG, ID, OA, RDF, RDFS, SKOS, XSD, digest
from .sources import SourceText

CURATION_PROPERTIES = (CG.quote, CG.before, CG.after)
TRANSLATABLE_PROPERTIES = frozenset(
    {RDFS.label, RDFS.comment, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.scopeNote}
)
CONTEXT_CHARS = 12
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*[”’」』]*")

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class EvidenceBlock:
    """One quote of a source and the facts it supports, as the curator wrote them."""

    name: URIRef
    quote: str
    before: str
    after: str
    facts: tuple[Triple, ...]
    path: Path
    line: int
    first_fact: str = ""

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Span:
    """A located piece of a source text: ``text[start:end] == exact``."""

    source_id: str
    start: int
    end: int
    exact: str

    @property
    def iri(self) -> URIRef:
        return ID[f"span/{self.source_id}/{self.start}-{self.end}"]


@dataclass
class EvidenceReport:
    """What the evidence of one source covers."""

    source_id: str
    fact_triples: int = 0
    facts_with_evidence: int = 0
    translations: int = 0
    blocks: int = 0
    spans: int = 0
    sentences: int = 0
    sentences_covered: int = 0
    characters_covered: int = 0
    characters: int = 0
    uncovered_sentences: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.facts_with_evidence / self.fact_triples if self.fact_triples else 1.0

    @property
    def sentence_coverage(self) -> float:
        return self.sentences_covered / self.sentences if self.sentences else 1.0

    def as_dict(self) -> dict:
        return {
            "fact_triples": self.fact_triples,
            "facts_with_evidence": self.facts_with_evidence,
            "coverage": round(self.coverage, 6),
            "translations_without_evidence": self.translations,
            "evidence_blocks": self.blocks,
            "spans": self.spans,
            "sentences": self.sentences,
            "sentences_covered": self.sentences_covered,
            "sentence_coverage": round(self.sentence_coverage, 6),
            "character_coverage": round(self.characters_covered / self.characters, 6) if self.characters else 1.0,
            "uncovered_sentences": self.uncovered_sentences,
        }


def is_translation(triple: Triple, source_language: str) -> bool:
    """A label or comment in another language than the source's: the curator's, not the text's."""
    _, p, o = triple
    return (
        p in TRANSLATABLE_PROPERTIES
        and isinstance(o, Literal)
        and o.language is not None
        and o.language.split("-")[0] != source_language
    )


def _block_lines(path: Path) -> dict[str, int]:
    """Line numbers of ``NAME {`` openings in a TriG file, keyed by the name as written."""
    lines: dict[str, int] = {}
    opening = re.compile(r"^\s*(\S+)\s*\{")
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        found = opening.match(line)
        if found:
            lines.setdefault(found.group(1), number)
    return lines


def read_blocks(path: Path, *, source_language: str) -> tuple[list[EvidenceBlock], Graph]:
    """The evidence blocks of a source's TriG file, and its translations outside any block."""
    dataset = parse_dataset_file(path)
    lines = _block_lines(path)
    namespaces = list(dataset.namespaces())

    def line_of(name: URIRef) -> int:
        for prefix, ns in namespaces:
            if str(name).startswith(str(ns)) and f"{prefix}:{str(name)[len(str(ns)):]}" in lines:
                return lines[f"{prefix}:{str(name)[len(str(ns)):]}"]
        return lines.get(f"<{name}>", 0)

    blocks: list[EvidenceBlock] = []
    outside = Graph()
    for graph in dataset.graphs():
        name = graph.identifier
        if name == dataset.default_graph.identifier or str(name) == "urn:x-rdflib:default":
            for triple in graph:
                if not is_translation(triple, source_language):
                    raise DataError(
                        f"{path}: fact outside an evidence block: {_show(triple)}; put it in the block "
                        "of the quote that states it (only translations may stand outside blocks)"
                    )
                outside.add(triple)
            continue
        if len(graph) == 0:
            continue
        line = line_of(name)
        quotes = [str(o) for o in graph.objects(name, CG.quote)]
        if len(quotes) != 1 or not quotes[0]:
            raise DataError(f"{path}:{line}: evidence block {name} needs exactly one non-empty cg:quote, has {len(quotes)}")
        before = graph.value(name, CG.before)
        after = graph.value(name, CG.after)
        facts = tuple(sorted(
            (t for t in graph if not (t[0] == name and t[1] in CURATION_PROPERTIES)),
            key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()),
        ))
        unexpected = [t for t in facts if name in (t[0], t[2])]
        if unexpected:
            raise DataError(f"{path}:{line}: evidence block {name} mentions itself in {_show(unexpected[0])}")
        if not facts:
            raise DataError(f"{path}:{line}: evidence block {name} (quote {quotes[0]!r}) states no fact")
        shown = " ".join(term.n3(dataset.namespace_manager) for term in facts[0])
        blocks.append(EvidenceBlock(name, quotes[0], str(before or ""), str(after or ""), facts, path, line, shown))
    blocks.sort(key=lambda b: (b.line, str(b.name)))
    return blocks, outside


def _show(triple: Triple) -> str:
    return " ".join(term.n3() for term in triple)


def _line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def locate(block: EvidenceBlock, source: SourceText) -> Span:
    """The one span of ``source`` that ``block``'s quote (with its before/after context) names."""
    text, quote = source.text, block.quote
    starts = [m.start() for m in re.finditer(re.escape(quote), text)]
    candidates = [
        s for s in starts
        if text[max(0, s - len(block.before)):s] == block.before
        and text[s + len(quote):s + len(quote) + len(block.after)] == block.after
    ]
    fact = block.first_fact or _show(block.facts[0])
    if not starts:
        hint = ""
        if any(ch in quote for ch in "，；：！？（）"):
            hint = " (the text writes some punctuation in ASCII: check , ; : ! ? ( ))"
        raise DataError(
            f"{block.where()}: evidence quote not found in {source.path.name}{hint}: {quote!r} "
            f"(block {block.name}, supporting {fact})"
        )
    if not candidates:
        raise DataError(
            f"{block.where()}: evidence quote {quote!r} occurs {len(starts)} time(s) in {source.path.name} "
            f"but never with cg:before {block.before!r} / cg:after {block.after!r} (block {block.name}, supporting {fact})"
        )
    if len(candidates) > 1:
        at = ", ".join(f"line {_line_of_offset(text, s)}" for s in candidates)
        raise DataError(
            f"{block.where()}: evidence quote {quote!r} is ambiguous: it occurs {len(candidates)} times in "
            f"{source.path.name} ({at}); add cg:before or cg:after to pick one (block {block.name}, supporting {fact})"
        )
    start = candidates[0]
    span = Span(source.source_id, start, start + len(quote), quote)
    if text[span.start:span.end] != span.exact:  # the contract, checked where it is made
        raise DataError(f"{block.where()}: internal offset mismatch for {quote!r}")
    return span


def statement_iri(triple: Triple) -> URIRef:
    """A stable IRI for the reification of one triple, derived from what it states."""
    return ID["statement/" + digest(*(term.n3() for term in triple))]


def _add_span(graph: Graph, span: Span, source: SourceText) -> None:
    target = span.iri
    position = URIRef(f"{target}/position")
    quote = URIRef(f"{target}/quote")
    text = source.text
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, source.iri))
    graph.add((target, OA.hasSelector, position))
    graph.add((target, OA.hasSelector, quote))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(span.exact)))
    graph.add((quote, OA.prefix, Literal(text[max(0, span.start - CONTEXT_CHARS):span.start])))
    graph.add((quote, OA.suffix, Literal(text[span.end:span.end + CONTEXT_CHARS])))


def resolve_source(source: SourceText, path: Path) -> tuple[Graph, Graph, EvidenceReport]:
    """A source's facts, their evidence (resolved against its text), and what the evidence covers.

    The facts graph holds what the source states (with the curator's translations); the evidence
    graph the statements, annotations, targets and selectors. Together they make the source's graph.
    """
    blocks, translations = read_blocks(path, source_language=source.language)
    report = EvidenceReport(source.source_id, blocks=len(blocks), characters=len(source.text))
    facts = Graph()
    for triple in translations:
        facts.add(triple)
    supports: dict[Triple, set[Span]] = defaultdict(set)
    spans: set[Span] = set()
    for block in blocks:
        span = locate(block, source)
        spans.add(span)
        for triple in block.facts:
            facts.add(triple)
            if not is_translation(triple, source.language):
                supports[triple].add(span)
    report.translations = sum(1 for triple in facts if is_translation(triple, source.language))
    report.fact_triples = len(facts) - report.translations
    report.facts_with_evidence = len(supports)
    evidence = Graph()
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        _add_span(evidence, span, source)
    for triple, spans_of in supports.items():
        statement = statement_iri(triple)
        evidence.add((statement, RDF.type, RDF.Statement))
        evidence.add((statement, RDF.subject, triple[0]))
        evidence.add((statement, RDF.predicate, triple[1]))
        evidence.add((statement, RDF.object, triple[2]))
        for span in spans_of:
            annotation = ID[f"annotation/{digest(str(statement), str(span.iri))}"]
            evidence.add((annotation, RDF.type, OA.Annotation))
            evidence.add((annotation, OA.hasBody, statement))
            evidence.add((annotation, OA.hasTarget, span.iri))
    _cover(report, source.text, spans)
    return facts, evidence, report


def source_graph(source: SourceText, path: Path) -> tuple[Graph, EvidenceReport]:
    """A source's whole graph (facts and evidence together) and what its evidence covers."""
    facts, evidence, report = resolve_source(source, path)
    return facts + evidence, report


def _cover(report: EvidenceReport, text: str, spans: set[Span]) -> None:
    covered = bytearray(len(text))
    for span in spans:
        covered[span.start:span.end] = b"\x01" * (span.end - span.start)
    report.spans = len(spans)
    report.characters_covered = sum(covered)
    for match in SENTENCE.finditer(text):
        if not match.group().strip():
            continue
        report.sentences += 1
        if any(covered[match.start():match.end()]):
            report.sentences_covered += 1
        else:
            report.uncovered_sentences.append(match.group().strip())


def check_offsets(graph: Graph, texts: dict[URIRef, str]) -> list[str]:
    """Problems where a built graph's selectors disagree with the texts: ``text[start:end] != exact``."""
    problems = []
    for target, source in graph.subject_objects(OA.hasSource):
        text = texts.get(source)
        if text is None:
            problems.append(f"{target}: unknown source {source}")
            continue
        start = end = exact = None
        for selector in graph.objects(target, OA.hasSelector):
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start, end = int(graph.value(selector, OA.start)), int(graph.value(selector, OA.end))
            elif (selector, RDF.type, OA.TextQuoteSelector) in graph:
                exact = str(graph.value(selector, OA.exact))
        if start is None or exact is None or text[start:end] != exact:
            problems.append(f"{target}: text[{start}:{end}] is not {exact!r}")
    return problems
