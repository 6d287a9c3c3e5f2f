"""A block must say its facts: every Chinese label, alias and literal value appears in its quote.

The build already checks that a block's quote is in the text; this module checks that the quote
says what the block claims, for the parts a machine can check:

* a text in the source's language (a label, an alias, a quotation's text, a definition) is in the
  quote (compared without spaces and punctuation, after NFKC), or the quote writes it as one item
  of a list that shares its head (羊额、仕版工业区 says 羊额工业区; 项目策划、政策宣讲、联合执法等工作组
  says 联合执法工作组), or, for a label or an alias, the entity already carries it elsewhere (in
  another block whose quote says it, or in the background, the vocabularies or the links);
* a number is one the quote writes, in any form (4000万, 四千万, 12场次, 50%: see ``numbers``),
  possibly converted by a unit factor of the vocabularies (``cg:conversionFactor``);
* a date, year or duration: each of its numbers is one the quote writes (2019年12月 says
  ``"2019-12"^^xsd:gYearMonth``, 三年 says ``"P3Y"^^xsd:duration``), a year also as the text
  writes it relative to the source's date (今年, 年内 → the year of issue; 去年 → the year before);
* an ordinal (``cg:ordinal``): the quote writes the number, or it lists the block's ordered items
  in that order (伦教策略、伦教智慧、伦教作为 gives 1, 2, 3).

Or the block marks the value as the curator's judgement: a ``cg:curatorNote`` on the block (or on
the entity, in the block) that repeats the value and gives the reason
(``ev:b cg:curatorNote "“顺德区”: the text writes 顺德; …"``); the build puts a block's note on the
annotations of the facts it names.
Types and relations between entities stay the curator's reading and are not checked here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rdflib import Literal, URIRef

from ..project.evidence import DESCRIPTIVE_PROPERTIES, EvidenceBlock, Triple, is_translation, plain
from ..rdf.namespaces import CG, RDFS, SKOS, XSD
from .numbers import numbers_in, says_number
from .problems import Problem

LABEL_PROPERTIES = frozenset({RDFS.label, SKOS.prefLabel, SKOS.altLabel})
NUMERIC = frozenset({XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long,
                     XSD.nonNegativeInteger, XSD.positiveInteger})
TEMPORAL = frozenset({XSD.date, XSD.gYear, XSD.gYearMonth, XSD.dateTime, XSD.duration})
ORDINAL = CG.ordinal
#: Words that name a year relative to the source's date of issue, and the difference they make.
RELATIVE_YEARS = {"今年": 0, "本年": 0, "年内": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1, "后年": 2}
LIST_SEPARATORS = "、,，和及与或"

#: (entity, label text) pairs: labels and aliases that the data gives an entity outside a block.
Labelled = set[tuple[URIRef, str]]


def _in_text(value: str, text: str) -> bool:
    needle = plain(value)
    return bool(needle) and needle in plain(text)


def in_list(value: str, text: str) -> bool:
    """Whether ``text`` writes ``value`` as an item of a list sharing its head: 羊额、仕版工业区 → 羊额工业区."""
    value = "".join(unicodedata.normalize("NFKC", value).split())
    text = "".join(unicodedata.normalize("NFKC", text).split())
    separators = re.escape(LIST_SEPARATORS)
    for cut in range(2, len(value) - 1):  # item and head of two characters at least
        item, head = re.escape(value[:cut]), re.escape(value[cut:])
        if re.search(rf"{item}(?:[{separators}][^{separators}。;!?]{{1,12}}?)+?等?{head}|{item}等{head}", text):
            return True
    return False


def relative_years(text: str, issued: int | None) -> set[float]:
    """The years ``text`` names relative to the year of issue (今年 → it, 去年 → the one before)."""
    if issued is None:
        return set()
    return {float(issued + delta) for word, delta in RELATIVE_YEARS.items() if word in text}


def _ordinals_in_order(block: EvidenceBlock, language: str) -> bool:
    """Whether the block's items with a cg:ordinal appear in the quote in the order of their ordinals."""
    ordinal = {s: float(o) for s, p, o in block.facts if p == ORDINAL and isinstance(o, Literal)}
    positions = {}
    quote = plain(block.quote)
    for s, p, o in block.facts:
        if s in ordinal and p in LABEL_PROPERTIES and isinstance(o, Literal) and (o.language or language) == language:
            at = quote.find(plain(str(o)))
            if at >= 0:
                positions[s] = min(at, positions.get(s, at))
    if set(positions) != set(ordinal):
        return False
    by_position = sorted(positions, key=positions.get)
    return [ordinal[s] for s in by_position] == sorted(ordinal.values())


def _numbers_of_temporal(value: Literal) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", str(value))]


def is_said(fact: Triple, block: EvidenceBlock, *, language: str, labelled: Labelled,
            factors: Iterable[float] = (), issued: int | None = None) -> bool:
    """Whether the block's quote says the literal of ``fact`` (see the module's rules); ``issued`` is
    the year of the source's date, for the years the text writes relative to it."""
    s, p, o = fact
    if o.datatype in NUMERIC:
        if says_number(float(o), block.quote, factors=factors):
            return True
        return p == ORDINAL and _ordinals_in_order(block, language)
    if o.datatype in TEMPORAL:
        written = numbers_in(block.quote) | relative_years(block.quote, issued)
        return all(float(n) in written for n in _numbers_of_temporal(o)) or _in_text(str(o), block.quote)
    if _in_text(str(o), block.quote) or in_list(str(o), block.quote):
        return True
    return p in LABEL_PROPERTIES and (s, plain(str(o))) in labelled


def checked_literals(block: EvidenceBlock, language: str) -> list[Triple]:
    """The block's facts whose object is a literal the quote must say (not translations, not the
    curator's notes: those are by definition not the source's words)."""
    return sorted(
        (t for t in block.facts if isinstance(t[2], Literal) and not is_translation(t, language)
         and t[1] != CG.curatorNote),
        key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()),
    )


def said_labels(blocks: Iterable[EvidenceBlock], language: str) -> Labelled:
    """(entity, label) pairs that some block's quote says: an entity's label, good for every block."""
    labelled: Labelled = set()
    for block in blocks:
        for s, p, o in block.facts:
            if p in LABEL_PROPERTIES and isinstance(o, Literal) and not is_translation((s, p, o), language) \
                    and (_in_text(str(o), block.quote) or in_list(str(o), block.quote)):
                labelled.add((s, plain(str(o))))
    return labelled


def graph_labels(triples: Iterable[Triple]) -> Labelled:
    """(entity, label) pairs of the background, vocabularies or links (any language)."""
    return {(s, plain(str(o))) for s, p, o in triples if p in LABEL_PROPERTIES and isinstance(o, Literal)}


def unsaid_facts(blocks: list[EvidenceBlock], *, language: str, labelled: Labelled,
                 factors: Iterable[float] = (), issued: int | None = None) -> list[Problem]:
    """A problem for every literal fact that its block's quote does not say and no curator note names."""
    factors = tuple(factors)
    problems = []
    for block in blocks:
        for fact in checked_literals(block, language):
            if is_said(fact, block, language=language, labelled=labelled, factors=factors, issued=issued) \
                    or block.note_on(fact[2]):
                continue
            problems.append(_problem(block, fact))
        problems += _untranslated(block, language)
    return problems


def _untranslated(block: EvidenceBlock, language: str) -> list[Problem]:
    """A translated description (``cg:approach "…"@en``) with no value in the source's language beside
    it: the translation has no evidence of its own, so the words it renders must be in the block."""
    originals = {(s, p) for s, p, o in block.facts
                 if isinstance(o, Literal) and not is_translation((s, p, o), language)}
    return [Problem(block.path, block.line, block.show(block.name), block.show((s, p, o)),
                    f"a translation with no {language} value beside it / 译文旁没有原文（{language}）的值",
                    f"add the words the quote says: {block.show(s)} {block.show(p)} \"…\"@{language} , "
                    f"and keep the translation beside them / 写上引文原话，译文放在其旁")
            for s, p, o in sorted(block.facts)
            if p in DESCRIPTIVE_PROPERTIES and is_translation((s, p, o), language) and (s, p) not in originals]


def _problem(block: EvidenceBlock, fact: Triple) -> Problem:
    s, p, o = fact
    value = str(o)
    name = block.show(block.name)
    if o.datatype in NUMERIC | TEMPORAL:
        message = (f"the quote does not write the number {value} (in any form: 4000万, 四千万, 50%…) / "
                   f"引文中没有数值 {value}")
    else:
        message = f"the quote does not say {value!r} / 引文中没有“{value}”"
    judgement = (f"if it is your judgement, add to the block: {name} cg:curatorNote \"{value}: <reason>\"@zh . "
                 "/ 若是整理者的判断，在证据块上加 cg:curatorNote 写明该值及理由")
    if p in LABEL_PROPERTIES:
        hint = ("give the entity the label its quote writes (another name is a skos:altLabel), label it in a block "
                f"whose quote says it, or {judgement}")
    else:
        hint = f"quote the words that say it (a longer cg:quote), move the fact to a block whose quote says it, or {judgement}"
    return Problem(block.path, block.line, name, block.show(fact), message, hint)
