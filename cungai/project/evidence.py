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

A block may also qualify its claims (the claim model, graph/README.md): ``cg:accordingTo`` (who
asserts them in this quote; default: the source's own voice), ``cg:claimStatus`` (default
``status:reported``), ``cg:claimTime`` and ``cg:curatorNote`` (how the curator read the quote). They
go on each annotation the block yields: one fact may be reported in one quote and planned or
another speaker's in another. Names and classes (``NAMING_AND_TYPING``) take no claim status from the
block: a plan is planned, its name is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import DataError
from ..rdf.load import read_quads
from ..rdf.namespaces import CG, DCTERMS, ID, OA, RDF, RDFS, SKOS, XSD, curie, digest, prefix_block
from .sources import SourceText
from ..rdf.terms import RdflibTerms, nt, nt_string

QUALIFIERS = (CG.accordingTo, CG.claimStatus, CG.claimTime, CG.curatorNote)
CURATION_PROPERTIES = (CG.quote, CG.before, CG.after, *QUALIFIERS)
_CURATION = frozenset(map(str, CURATION_PROPERTIES))
DEFAULT_STATUS = ID["status/reported"]
#: What a thing is called and what it is are reported as written, whatever the block's status: a plan
#: is planned (its cg:status says so), not its name or its class.
NAMING_AND_TYPING = frozenset({RDF.type, RDFS.label, SKOS.altLabel, SKOS.definition, SKOS.inScheme})
#: Properties whose value in another language than the source's is the curator's translation of the
#: value in the source's language beside it (no evidence of its own; the quote is checked against that one).
#: Descriptions in words: the curator writes the source's own words and may add a translation, which
#: must stand beside them in the block (``checks.stated``), so an English paraphrase never goes unquoted.
DESCRIPTIVE_PROPERTIES = frozenset({DCTERMS.description, CG.approach, CG.reason})
TRANSLATABLE_PROPERTIES = frozenset(
    {RDFS.label, RDFS.comment, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.scopeNote}
) | DESCRIPTIVE_PROPERTIES
CONTEXT_CHARS = 12
XSD_INTEGER = str(XSD.integer)
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
    prefixes: tuple[tuple[str, str], ...] = ()
    qualifiers: tuple[tuple[URIRef, Node], ...] = ()

    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def notes(self) -> tuple[str, ...]:
        """The curator's notes written on the block (``cg:curatorNote``), each a judgement with its reason."""
        return tuple(str(value) for predicate, value in self.qualifiers if predicate == CG.curatorNote)

    def show(self, term_or_triple) -> str:
        """A term or a triple as the curator wrote it, with the file's prefixes: for messages."""
        if isinstance(term_or_triple, tuple):
            return _compact(term_or_triple, dict(self.prefixes))
        return _compact((term_or_triple,), dict(self.prefixes))

    def note_on(self, value: Node) -> str | None:
        """The curator's note of this block that names ``value`` (repeats its text), if any: on the
        block (``ev:b cg:curatorNote "…"``) or on an entity of the block."""
        wanted = plain(str(value))
        notes = (*self.notes, *(str(o) for _, p, o in sorted(self.facts) if p == CG.curatorNote))
        return next((note for note in notes if wanted and wanted in plain(note)), None)

    def first_fact(self) -> str:
        """The block's first fact (in N3 order) as the curator wrote it, with the file's prefixes: for messages."""
        return self.show(min(self.facts, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())))


def plain(text: str) -> str:
    """``text`` compared as a curator reads it: NFKC, no spaces, no punctuation, no symbols."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ")


@dataclass(frozen=True)
class Span:
    """A located piece of a source text: ``text[start:end] == exact``."""

    source_id: str
    start: int
    end: int
    exact: str

    @property
    def iri(self) -> str:
        """The IRI of the span's target (a plain string: millions are made at district scale)."""
        return f"{ID}span/{self.source_id}/{self.start}-{self.end}"


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
        found = opening.match(line) if "{" in line else None
        if found:
            lines.setdefault(found.group(1), number)
    return lines


def _parse_quads(path: Path) -> tuple[list, dict[str, str]]:
    """The quads of a TriG file, parsed and checked by Oxigraph (``load.read_quads``), and its prefixes."""
    parsed = read_quads(path)
    return parsed.quads, parsed.prefixes


def read_blocks(path: Path, *, source_language: str) -> tuple[list[EvidenceBlock], set[Triple]]:
    """The evidence blocks of a source's TriG file, and its translations outside any block."""
    quads, prefixes = _parse_quads(path)
    lines = _block_lines(path)

    def line_of(name: URIRef) -> int:
        for prefix, ns in prefixes.items():
            if str(name).startswith(ns) and f"{prefix}:{str(name)[len(ns):]}" in lines:
                return lines[f"{prefix}:{str(name)[len(ns):]}"]
        return lines.get(f"<{name}>", 0)

    to_rdflib = RdflibTerms()  # the same IRIs recur in every block: convert each once
    by_graph: dict[object, list] = defaultdict(list)
    for quad in quads:
        by_graph[quad.graph_name].append(quad)
    blocks: list[EvidenceBlock] = []
    outside: set[Triple] = set()
    known = tuple(sorted(prefixes.items()))
    for graph_name, members in by_graph.items():
        if isinstance(graph_name, ox.DefaultGraph):
            for quad in members:
                triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                if not is_translation(triple, source_language):
                    raise DataError(
                        f"{path}: fact outside an evidence block: {_show(triple)}; put it in the block "
                        "of the quote that states it (only translations may stand outside blocks)"
                    )
                outside.add(triple)
            continue
        name = to_rdflib(graph_name)
        curation: dict[str, list[str]] = defaultdict(list)
        qualifiers: set[tuple[URIRef, Node]] = set()
        facts: set[Triple] = set()
        for quad in members:  # compared as Oxigraph terms, converted only when they are facts
            if quad.subject == graph_name and quad.predicate.value in _CURATION:
                curation[quad.predicate.value].append(quad.object.value)
                if URIRef(quad.predicate.value) in QUALIFIERS:
                    qualifiers.add((URIRef(quad.predicate.value), to_rdflib(quad.object)))
            elif quad.subject == graph_name or quad.object == graph_name:
                triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                raise DataError(f"{path}:{line_of(name)}: evidence block {name} mentions itself in {_show(triple)}")
            else:
                facts.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        quotes = curation[str(CG.quote)]
        if len(quotes) != 1 or not quotes[0]:
            raise DataError(f"{path}:{line_of(name)}: evidence block {name} needs exactly one non-empty cg:quote, has {len(quotes)}")
        if not facts:
            raise DataError(f"{path}:{line_of(name)}: evidence block {name} (quote {quotes[0]!r}) states no fact")
        before = next(iter(curation[str(CG.before)]), "")
        after = next(iter(curation[str(CG.after)]), "")
        for single in (CG.accordingTo, CG.claimStatus, CG.claimTime):
            if len(curation[str(single)]) > 1:
                raise DataError(f"{path}:{line_of(name)}: evidence block {name} gives {len(curation[str(single)])} values of {single}; one at most")
        blocks.append(EvidenceBlock(name, quotes[0], before, after, tuple(facts), path, line_of(name), known,
                                    tuple(sorted(qualifiers, key=lambda q: (q[0], q[1].n3())))))
    blocks.sort(key=lambda b: (b.line, str(b.name)))
    return blocks, outside


def _compact(triple: tuple[Node, ...], prefixes: dict[str, str]) -> str:
    """A triple (or a term) as the curator wrote it, with the file's prefixes."""
    return " ".join((isinstance(term, URIRef) and curie(term, prefixes)) or term.n3() for term in triple)


def _show(triple: Triple) -> str:
    return " ".join(term.n3() for term in triple)


def _line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def locate(block: EvidenceBlock, source: SourceText) -> Span:
    """The one span of ``source`` that ``block``'s quote (with its before/after context) names."""
    text, quote = source.text, block.quote
    starts, at = [], text.find(quote)
    while at >= 0:  # non-overlapping occurrences, left to right
        starts.append(at)
        at = text.find(quote, at + len(quote))
    candidates = [
        s for s in starts
        if text[max(0, s - len(block.before)):s] == block.before
        and text[s + len(quote):s + len(quote) + len(block.after)] == block.after
    ]
    if not starts:
        hint = ""
        if any(ch in quote for ch in "，；：！？（）"):
            hint = " (the text writes some punctuation in ASCII: check , ; : ! ? ( ))"
        raise DataError(
            f"{block.where()}: evidence quote not found in {source.path.name}{hint}: {quote!r} "
            f"(block {block.name}, supporting {block.first_fact()})"
        )
    if not candidates:
        raise DataError(
            f"{block.where()}: evidence quote {quote!r} occurs {len(starts)} time(s) in {source.path.name} "
            f"but never with cg:before {block.before!r} / cg:after {block.after!r} (block {block.name}, supporting {block.first_fact()})"
        )
    if len(candidates) > 1:
        at = ", ".join(f"line {_line_of_offset(text, s)}" for s in candidates)
        raise DataError(
            f"{block.where()}: evidence quote {quote!r} is ambiguous: it occurs {len(candidates)} times in "
            f"{source.path.name} ({at}); add cg:before or cg:after to pick one (block {block.name}, supporting {block.first_fact()})"
        )
    start = candidates[0]
    span = Span(source.source_id, start, start + len(quote), quote)
    if text[span.start:span.end] != span.exact:  # the contract, checked where it is made
        raise DataError(f"{block.where()}: internal offset mismatch for {quote!r}")
    return span


def statement_iri(triple: Triple, n3=lambda term: term.n3()) -> URIRef:
    """A stable IRI for the reification of one triple, derived from what it states (its terms in N3)."""
    return ID["statement/" + digest(*(n3(term) for term in triple))]


_TYPE, _SUBJECT, _PREDICATE, _OBJECT, _STATEMENT = (f"<{term}>" for term in (
    RDF.type, RDF.subject, RDF.predicate, RDF.object, RDF.Statement))
_OA = {name: f"<{OA[name]}>" for name in (
    "Annotation", "SpecificResource", "TextPositionSelector", "TextQuoteSelector", "hasBody", "hasTarget",
    "hasSource", "hasSelector", "start", "end", "exact", "prefix", "suffix")}
_INTEGER = f"^^<{XSD_INTEGER}>"


def _span_lines(span: Span, source: SourceText) -> list[str]:
    """N-Triples of a span's target and its two selectors. Offsets are ``xsd:integer`` (see
    ontology/shapes.ttl)."""
    target = f"<{span.iri}>"
    position = f"<{span.iri}/position>"
    quote = f"<{span.iri}/quote>"
    text = source.text
    return [
        f"{target} {_TYPE} {_OA['SpecificResource']} .",
        f"{target} {_OA['hasSource']} <{source.iri}> .",
        f"{target} {_OA['hasSelector']} {position} .",
        f"{target} {_OA['hasSelector']} {quote} .",
        f"{position} {_TYPE} {_OA['TextPositionSelector']} .",
        f'{position} {_OA["start"]} "{span.start}"{_INTEGER} .',
        f'{position} {_OA["end"]} "{span.end}"{_INTEGER} .',
        f"{quote} {_TYPE} {_OA['TextQuoteSelector']} .",
        f"{quote} {_OA['exact']} {nt_string(span.exact)} .",
        f"{quote} {_OA['prefix']} {nt_string(text[max(0, span.start - CONTEXT_CHARS):span.start])} .",
        f"{quote} {_OA['suffix']} {nt_string(text[span.end:span.end + CONTEXT_CHARS])} .",
    ]


@dataclass
class ResolvedSource:
    """A source's facts (with the curator's translations), their evidence, and what it covers.

    The facts are rdflib triples (the reasoner and the views read them); the evidence, generated
    here in bulk, is N-Triples text that either engine parses in one call.
    """

    facts: set[Triple]
    evidence: str
    evidence_triples: int
    report: EvidenceReport
    blocks: list[EvidenceBlock] = field(default_factory=list)


def resolve_source(source: SourceText, path: Path) -> ResolvedSource:
    """Read a source's evidence blocks, locate every quote in its text, and reify what they support.

    The facts are what the source states (with the curator's translations); the evidence the
    statements, annotations, targets and selectors. Together they make the source's graph.
    """
    blocks, translations = read_blocks(path, source_language=source.language)
    report = EvidenceReport(source.source_id, blocks=len(blocks), characters=len(source.text))
    facts: set[Triple] = set(translations)
    supports: dict[Triple, dict[Span, EvidenceBlock]] = defaultdict(dict)
    spans: set[Span] = set()
    for block in blocks:
        span = locate(block, source)
        spans.add(span)
        for triple in block.facts:
            facts.add(triple)
            if not is_translation(triple, source.language):
                earlier = supports[triple].setdefault(span, block)
                if _qualifiers(earlier, triple) != _qualifiers(block, triple):
                    names = dict(block.prefixes)
                    raise DataError(
                        f"{block.where()}: block {_compact((block.name,), names)} states {_compact(triple, names)} on the "
                        f"same quote as block {_compact((earlier.name,), names)} ({earlier.where()}) with other "
                        "qualifiers (cg:accordingTo, cg:claimStatus…); state it in one of them")
    report.translations = sum(1 for triple in facts if is_translation(triple, source.language))
    report.fact_triples = len(facts) - report.translations
    report.facts_with_evidence = len(supports)
    lines: list[str] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        lines += _span_lines(span, source)
    n3, written = _cached(lambda term: term.n3()), _cached(nt)
    for triple in sorted(supports, key=lambda t: tuple(map(n3, t))):
        statement = f"<{statement_iri(triple, n3)}>"
        s, p, o = (written(term) for term in triple)
        lines += [f"{statement} {_TYPE} {_STATEMENT} .", f"{statement} {_SUBJECT} {s} .",
                  f"{statement} {_PREDICATE} {p} .", f"{statement} {_OBJECT} {o} ."]
        for span, block in sorted(supports[triple].items(), key=lambda item: (item[0].start, item[0].end)):
            annotation = f"<{ID}annotation/{digest(statement[1:-1], str(span.iri))}>"
            lines += [f"{annotation} {_TYPE} {_OA['Annotation']} .", f"{annotation} {_OA['hasBody']} {statement} .",
                      f"{annotation} {_OA['hasTarget']} <{span.iri}> ."]
            lines += _qualifier_lines(annotation, _qualifiers(block, triple), source)
    _cover(report, source.text, spans)
    return ResolvedSource(facts, "\n".join(lines) + "\n", len(lines), report, blocks)


_ACCORDING_TO, _CLAIM_STATUS = f"<{CG.accordingTo}>", f"<{CG.claimStatus}>"


def _qualifiers(block: EvidenceBlock, triple: Triple) -> tuple[tuple[URIRef, Node], ...]:
    """The qualifiers a block gives one of its facts: all of them, but no claim status for a name or a class."""
    if triple[1] in NAMING_AND_TYPING:
        return tuple(q for q in block.qualifiers if q[0] != CG.claimStatus)
    return block.qualifiers


def _qualifier_lines(annotation: str, qualifiers: tuple[tuple[URIRef, Node], ...], source: SourceText) -> list[str]:
    """N-Triples of the claim qualifiers of one annotation, with the defaults (the source's own voice,
    ``status:reported``) where they give none."""
    given = {predicate for predicate, _ in qualifiers}
    lines = [f"{annotation} <{predicate}> {nt(value)} ." for predicate, value in qualifiers]
    if CG.accordingTo not in given:
        lines.append(f"{annotation} {_ACCORDING_TO} <{source.iri}> .")
    if CG.claimStatus not in given:
        lines.append(f"{annotation} {_CLAIM_STATUS} <{DEFAULT_STATUS}> .")
    return lines


def _cached(function):
    """``function`` of one term, remembered: the same terms recur across a source's facts."""
    cache: dict = {}

    def cached(term):
        value = cache.get(term)
        if value is None:
            value = cache[term] = function(term)
        return value
    return cached


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


SELECTORS_QUERY = prefix_block("oa") + """SELECT DISTINCT ?target ?source ?start ?end ?exact WHERE {
  ?target oa:hasSource ?source .
  OPTIONAL { ?target oa:hasSelector ?position . ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
  OPTIONAL { ?target oa:hasSelector ?quote . ?quote a oa:TextQuoteSelector ; oa:exact ?exact }
}"""


def selector_rows(store: ox.Store) -> list[tuple]:
    """(target, source, start, end, exact) of every evidence target in ``store`` (SELECTORS_QUERY)."""
    answer = store.query(SELECTORS_QUERY, use_default_graph_as_union=True)
    return [tuple(_row_value(row[v]) for v in ("target", "source", "start", "end", "exact")) for row in answer]


def _row_value(term):
    if term is None:
        return None
    return URIRef(term.value) if isinstance(term, ox.NamedNode) else term.value


def check_offsets(rows, texts: dict[URIRef, str]) -> list[str]:
    """Problems where a built graph's selectors disagree with the texts: ``text[start:end] != exact``.

    ``rows`` are (target, source, start, end, exact) terms, from ``selector_rows`` or SELECTORS_QUERY.
    """
    problems = []
    for target, source, start, end, exact in rows:
        text = texts.get(source)
        if text is None:
            problems.append(f"{target}: unknown source {source}")
            continue
        start = int(start) if start is not None else None
        end = int(end) if end is not None else None
        exact = str(exact) if exact is not None else None
        if start is None or exact is None or text[start:end] != exact:
            problems.append(f"{target}: text[{start}:{end}] is not {exact!r}")
    return problems
