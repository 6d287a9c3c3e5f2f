"""The normalised model of a built graph that the views and the network analysis read.

Normalise, then render: this module turns the named graphs of a build into plain Python values
(entities with their labels and classes, every fact with where it comes from and the exact text
that states it, ontology terms with their labels, the sources and their texts). Nothing here
writes HTML or escapes anything; ``views.py`` escapes every string of this model when it renders.

Facts come from the named graphs by role: ``…/graph/source/{id}`` (stated by a source, with
evidence), ``…/graph/background`` (curated, cited with ``dcterms:source``), ``…/graph/links`` and
``…/graph/dataset/{name}``, the vocabularies of ``…/graph/ontology``, and ``…/graph/inferred``
(what the reasoner added). A build with another base IRI is read back under the default base, and
``public_iri`` gives the IRI as published.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from pypinyin import Style, lazy_pinyin
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..rdf.owl import reachable
from ..rdf.namespaces import (
    BASE, CG, DCTERMS, ORG, PROV, RDF, RDFS, SKOS, curie, source_iri,
)

ENTITY_ROOT = BASE + "id/"
EVIDENCE_KINDS = frozenset({"statement", "annotation", "span"})
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)
LANGUAGES = ("zh", "en")

#: Where a fact comes from, in the order a page lists them.
ORIGINS = ("source", "background", "links", "dataset", "vocabulary", "inferred")

#: Labels of terms the ontology may leave unlabelled (RDF/RDFS built-ins).
BUILTIN_LABELS: dict[URIRef, tuple[str, str]] = {
    RDF.type: ("类型", "type"),
    RDFS.label: ("名称", "label"),
    RDFS.comment: ("说明", "comment"),
    SKOS.prefLabel: ("首选名称", "preferred label"),
    SKOS.altLabel: ("别名", "alternative label"),
    SKOS.definition: ("定义", "definition"),
    DCTERMS.source: ("出处", "source"),
    PROV.wasAttributedTo: ("归属于", "attributed to"),
}


@dataclass(frozen=True)
class Claim:
    """How one quote presents a fact (status: reported, ongoing, planned, aimed, opinion) and who
    asserts it there (the speaker's zh and en names; empty for the source's own voice)."""

    status: str
    status_labels: tuple[str, str]
    voice_labels: tuple[str, str] = ("", "")

    @property
    def prospective(self) -> bool:  # planned or aimed at: not (yet) done
        return self.status in ("planned", "aimed")


@dataclass(frozen=True)
class Evidence:
    """One located quote of a source: ``text[start:end] == exact``, with the words around it, and
    its claim for the fact it supports (which takes no part in equality: one span, one evidence)."""

    source_id: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    claim: Claim | None = field(default=None, compare=False)

    @property
    def anchor(self) -> str:
        """The fragment id of this span on the article page."""
        return f"span-{self.start}-{self.end}"


@dataclass(frozen=True)
class Fact:
    """One triple about entities, where it comes from and its evidence (none if inferred)."""

    subject: URIRef
    predicate: URIRef
    object: Node
    origin: str
    evidence: tuple[Evidence, ...] = ()
    citations: tuple[str, ...] = ()

    @property
    def inferred(self) -> bool:
        return self.origin == "inferred"

    @property
    def prospective(self) -> bool:  # every quote presents it as planned or aimed at
        return bool(self.evidence) and all(e.claim is not None and e.claim.prospective for e in self.evidence)

    @property
    def triple(self) -> tuple[Node, Node, Node]:
        return (self.subject, self.predicate, self.object)


@dataclass(frozen=True)
class Term:
    """An ontology class or property with its labels and definitions in zh and en."""

    iri: URIRef
    curie: str
    labels: dict[str, str]
    definitions: dict[str, str]

    def label(self, lang: str = "zh") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.labels.get("zh") or self.curie


@dataclass
class Entity:
    """A thing the graph describes (an IRI under ``…/id/``), ready to be shown."""

    iri: URIRef
    kind: str
    slug: str
    labels: dict[str, str] = field(default_factory=dict)
    alt_labels: list[str] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)
    classes: tuple[URIRef, ...] = ()
    inferred_classes: tuple[URIRef, ...] = ()
    all_classes: frozenset[URIRef] = frozenset()
    written_pinyin: str | None = None  # cg:pinyin as the data writes it; None: from the zh label, when asked
    page: bool = True  # whether the views write a page for it

    @property
    def pinyin(self) -> str:
        """Toneless pinyin of the name, syllables spaced (pypinyin costs ~0.4 ms: only when asked)."""
        if self.written_pinyin is None:
            self.written_pinyin = pinyin_of(self.labels.get("zh", ""))
        return self.written_pinyin

    @property
    def main_class(self) -> URIRef | None:
        return self.classes[0] if self.classes else None

    def label(self, lang: str = "zh") -> str:
        other = "en" if lang == "zh" else "zh"
        return self.labels.get(lang) or self.labels.get(other) or self.slug

    def is_a(self, classes: Iterable[URIRef]) -> bool:
        return any(c in self.all_classes for c in classes)


@dataclass(frozen=True)
class Source:
    """A source document: its id, titles, date and text."""

    source_id: str
    iri: URIRef
    titles: dict[str, str]
    issued: str
    text: str

    def title(self, lang: str = "zh") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.titles.get("zh") or self.source_id


@dataclass
class KnowledgeModel:
    """Entities, facts, terms and sources of one build."""

    base: str
    entities: dict[URIRef, Entity]
    facts: list[Fact]
    terms: dict[URIRef, Term]
    superclasses: dict[URIRef, frozenset[URIRef]]
    sources: dict[str, Source]
    served_sources: frozenset[str] = frozenset()  # sources whose article page only ``cungai serve`` renders
    _out: dict[URIRef, list[Fact]] = field(default_factory=dict, repr=False)
    _in: dict[URIRef, list[Fact]] = field(default_factory=dict, repr=False)
    _order: dict[int, int] = field(default_factory=dict, repr=False)
    _source_iris: dict[Node, "Source"] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        out: dict[URIRef, list[Fact]] = defaultdict(list)
        into: dict[URIRef, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            out[fact.subject].append(fact)
            if isinstance(fact.object, URIRef):
                into[fact.object].append(fact)
        self._out, self._in = dict(out), dict(into)

    def fact_order(self) -> dict[int, int]:
        """The position of each fact (by ``id``) in ``facts``: to put a subset back in order."""
        if len(self._order) != len(self.facts):
            self._order = {id(f): i for i, f in enumerate(self.facts)}
        return self._order

    def facts_about(self, iri: URIRef) -> list[Fact]:
        """Facts whose subject is ``iri``."""
        return self._out.get(iri, [])

    def facts_to(self, iri: URIRef) -> list[Fact]:
        """Facts whose object is ``iri``."""
        return self._in.get(iri, [])

    def term(self, iri: URIRef) -> Term:
        """The term ``iri`` (labelled by the ontology, a built-in, or its CURIE)."""
        found = self.terms.get(iri)
        if found is None:
            zh_en = BUILTIN_LABELS.get(iri)
            labels = {"zh": zh_en[0], "en": zh_en[1]} if zh_en else {}
            found = Term(iri, curie(iri) or str(iri), labels, {})
            self.terms[iri] = found
        return found

    def node_label(self, node: Node, lang: str = "zh") -> str:
        """How to name any node: an entity's label, a term's label, a source's title, a literal's text."""
        if isinstance(node, URIRef):
            if node in self.entities:
                return self.entities[node].label(lang)
            source = self.source_of(node)
            if source is not None:
                return source.title(lang)
            return self.term(node).label(lang)
        if isinstance(node, Literal):
            return literal_text(node)
        return str(node)

    def source_of(self, iri: Node) -> Source | None:
        """The source whose IRI is ``iri``, if any."""
        if len(self._source_iris) != len(self.sources):
            self._source_iris = {source.iri: source for source in self.sources.values()}
        return self._source_iris.get(iri)

    def public_iri(self, iri: Node) -> str:
        """``iri`` as the build published it (under its base IRI)."""
        text = str(iri)
        return self.base + text[len(BASE):] if text.startswith(BASE) else text

    def most_specific(self, classes: Iterable[URIRef]) -> list[URIRef]:
        """``classes`` ordered from the most specific (most superclasses) down, ties by IRI."""
        def depth(c: URIRef) -> int:
            return len(self.superclasses.get(c, ()))
        unique = set(classes)
        leaves = [c for c in unique if not any(c != o and c in self.superclasses.get(o, ()) for o in unique)]
        rest = [c for c in unique if c not in leaves]
        def key(c: URIRef) -> tuple:
            return (not str(c).startswith(str(CG)), -depth(c), str(c))
        return sorted(leaves, key=key) + sorted(rest, key=key)

    def closure(self, classes: Iterable[URIRef]) -> frozenset[URIRef]:
        """``classes`` with every class above them."""
        every = set(classes)
        return frozenset(every | {s for c in every for s in self.superclasses.get(c, ())})

    @property
    def data_date(self) -> str:
        """The newest date among the sources (ISO), the date the graph's content is as of."""
        dates = sorted(s.issued for s in self.sources.values() if s.issued)
        return dates[-1] if dates else ""


def literal_text(value: Literal) -> str:
    """A literal as a reader expects it: its lexical form (dates, numbers, text)."""
    return str(value)


def pinyin_of(text: str) -> str:
    """Toneless pinyin of the Chinese in ``text``, syllables joined by spaces (other text kept)."""
    if not text:
        return ""
    return " ".join(s for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s.strip())


def split_entity_iri(iri: URIRef) -> tuple[str, str] | None:
    """``(kind, slug)`` of an entity IRI ``…/id/{kind}/{slug}``; None for other IRIs and evidence nodes."""
    text = str(iri)
    if not text.startswith(ENTITY_ROOT):
        return None
    kind, _, slug = text[len(ENTITY_ROOT):].partition("/")
    if not slug or kind in EVIDENCE_KINDS:
        return None
    return kind, slug


def _is_evidence_node(node: Node) -> bool:
    text = str(node)
    return text.startswith(ENTITY_ROOT) and text[len(ENTITY_ROOT):].split("/", 1)[0] in EVIDENCE_KINDS


def _language_order(lang: str) -> tuple:
    """zh, then en, then any other language: the order pages show texts in, whatever order the
    graph gave them (a set: its order changes from run to run)."""
    return (LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES), lang)


def _lang_values(graph: Graph, subject: URIRef, predicates: Sequence[URIRef]) -> dict[str, str]:
    found: dict[str, list[str]] = defaultdict(list)
    for predicate in predicates:
        for value in graph.objects(subject, predicate):
            if isinstance(value, Literal):
                lang = (value.language or "").split("-")[0] or "und"
                found[lang].append(str(value))
    return {lang: sorted(found[lang])[0] for lang in sorted(found, key=_language_order)}


def is_fact(role: str | None, subject: Node) -> bool:
    """Whether a triple with ``subject`` in a graph of ``role`` is a fact about entities.

    Evidence nodes, non-IRI subjects, source metadata and the ontology's own terms are not.
    """
    if role in (None, "sources") or not isinstance(subject, URIRef) or _is_evidence_node(subject):
        return False
    return role != "vocabulary" or split_entity_iri(subject) is not None


#: One fact as a graph holds it: the triple, the role of its graph, its evidence and citations.
FactRow = tuple[tuple[Node, Node, Node], str, tuple[Evidence, ...], tuple[str, ...]]


def _span_key(e: Evidence) -> tuple:
    return (e.source_id, e.start, e.end)


def assemble_model(base: str, rows: Iterable[FactRow], *, ontology: Graph, metadata: Graph,
                   sources: Sequence = (), known: Mapping[URIRef, Entity] | None = None,
                   described: Iterable[URIRef] = ()) -> KnowledgeModel:
    """The model from its facts (``rows``, under the default base), the ontology and the sources' metadata.

    The store's readers end here (``storemodel.StoreContext.assemble``). ``ontology`` and
    ``metadata`` are small graphs whatever the size of the data; the facts are never put in an
    rdflib graph. With ``known`` (entities already described elsewhere: the views' catalogue), the
    entities the facts mention are taken from it, except those of ``described``, whose own facts
    ``rows`` hold.
    """
    facts = _merged_facts(rows)
    superclasses = _superclasses(ontology)
    model = KnowledgeModel(base, {}, facts, _terms(ontology), superclasses, _sources(metadata, sources))
    own_facts = set(described)
    for iri, described_by in _entity_facts(facts).items():
        if known is not None and iri in known and iri not in own_facts:
            model.entities[iri] = known[iri]
        else:
            model.entities[iri] = _entity(model, iri, *described_by)
    if known is not None:
        for iri, entity in known.items():
            model.entities.setdefault(iri, entity)
    return model


def _merged_facts(rows: Iterable[FactRow]) -> list[Fact]:
    """Facts with evidence and citations, in page order; a triple stated twice in graphs of one role
    is one fact, and an inferred triple that is also asserted is left out."""
    all_facts: dict[tuple[tuple[Node, Node, Node], str], Fact] = {}
    for triple, role, spans, citations in rows:
        key = (triple, role)
        previous = all_facts.get(key)
        if previous is not None:
            spans = tuple(sorted(set(previous.evidence) | set(spans), key=_span_key))
            citations = previous.citations or citations
        elif len(spans) > 1:
            spans = tuple(sorted(set(spans), key=_span_key))
        all_facts[key] = Fact(*triple, origin=role, evidence=spans,
                              citations=tuple(citations) if role == "background" else ())
    asserted = {t for (t, role) in all_facts if role != "inferred"}
    spelled: dict[Node, str] = {}

    def text(node: Node) -> str:
        found = spelled.get(node)
        if found is None:
            found = spelled[node] = node.n3()
        return found

    return sorted(
        (f for (t, role), f in all_facts.items() if role != "inferred" or t not in asserted),
        key=lambda f: (ORIGINS.index(f.origin), text(f.subject), text(f.predicate), text(f.object)),
    )


def _terms(ontology: Graph) -> dict[URIRef, Term]:
    """The ontology's terms with their labels and definitions in zh and en."""
    terms: dict[URIRef, Term] = {}
    for subject in set(ontology.subjects(RDF.type, None)):
        if isinstance(subject, URIRef) and split_entity_iri(subject) is None:
            labels = {k: v for k, v in _lang_values(ontology, subject, LABEL_PROPERTIES).items() if k in LANGUAGES}
            definitions = {k: v for k, v in _lang_values(ontology, subject, (SKOS.definition,)).items() if k in LANGUAGES}
            if not labels and subject in BUILTIN_LABELS:
                labels = dict(zip(LANGUAGES, BUILTIN_LABELS[subject]))
            terms[subject] = Term(subject, curie(subject) or str(subject), labels, definitions)
    return terms


def _superclasses(ontology: Graph) -> dict[URIRef, frozenset[URIRef]]:
    """Each class with every class above it (``rdfs:subClassOf``, transitively, itself left out)."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct[sub].add(sup)
    return {cls: frozenset(reachable(cls, direct) - {cls}) for cls in direct}


#: The properties that name and describe an entity (read from asserted facts only).
NAMING = frozenset(LABEL_PROPERTIES) | {SKOS.altLabel, SKOS.definition, RDFS.comment, CG.pinyin}


def _entity_facts(facts: list[Fact]) -> dict[URIRef, tuple[dict, set, set]]:
    """Every entity IRI a fact mentions, in IRI order, with its naming values by property, its
    asserted classes and its inferred ones."""
    values: dict[URIRef, dict[URIRef, set[Node]]] = defaultdict(lambda: defaultdict(set))
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    inferred_types: dict[URIRef, set[URIRef]] = defaultdict(set)
    mentioned: set[URIRef] = set()
    is_entity: dict[Node, bool] = {}
    rdf_type = RDF.type  # a Namespace attribute costs a method call each time

    def entity_iri(node: Node) -> bool:
        found = is_entity.get(node)
        if found is None:
            found = is_entity[node] = isinstance(node, URIRef) and split_entity_iri(node) is not None
        return found

    for fact in facts:
        if fact.predicate in NAMING and not fact.inferred:
            values[fact.subject][fact.predicate].add(fact.object)
        if fact.predicate == rdf_type and isinstance(fact.object, URIRef):
            (inferred_types if fact.inferred else types)[fact.subject].add(fact.object)
        if entity_iri(fact.subject):
            mentioned.add(fact.subject)
        if entity_iri(fact.object):
            mentioned.add(fact.object)
    return {iri: (values.get(iri, {}), types.get(iri, set()), inferred_types.get(iri, set()))
            for iri in sorted(mentioned, key=str)}


def _entity(model: KnowledgeModel, iri: URIRef, own: dict, asserted_types: set, inferred_types: set) -> Entity:
    """An entity described by its naming values and classes."""
    kind, slug = split_entity_iri(iri)
    labels = _lang_of(own, LABEL_PROPERTIES)
    definitions = _lang_of(own, (SKOS.definition, RDFS.comment))
    extra = inferred_types - asserted_types
    every = set(asserted_types) | extra
    written = sorted(str(o) for o in own.get(CG.pinyin, ())) or [None]
    return Entity(
        iri, kind, slug,
        labels={k: v for k, v in labels.items() if k in LANGUAGES} or ({"zh": labels["und"]} if "und" in labels else {}),
        alt_labels=sorted({str(o) for o in own.get(SKOS.altLabel, ())}),
        definitions={k: v for k, v in definitions.items() if k in LANGUAGES},
        classes=tuple(model.most_specific(asserted_types)),
        inferred_classes=tuple(model.most_specific(extra)),
        all_classes=model.closure(every),
        written_pinyin=written[0],
    )


def _lang_of(values: dict[URIRef, set[Node]], predicates: Sequence[URIRef]) -> dict[str, str]:
    """Like ``_lang_values``, over the values of one subject gathered by predicate."""
    found: dict[str, list[str]] = defaultdict(list)
    for predicate in predicates:
        for value in values.get(predicate, ()):
            if isinstance(value, Literal):
                lang = (value.language or "").split("-")[0] or "und"
                found[lang].append(str(value))
    return {lang: sorted(found[lang])[0] for lang in sorted(found, key=_language_order)}


def _sources(metadata: Graph, sources: Sequence) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for source in sorted(sources, key=lambda s: s.source_id):
        iri = source_iri(source.source_id)
        titles = {k: v for k, v in _lang_values(metadata, iri, (DCTERMS.title, RDFS.label)).items() if k in LANGUAGES}
        labels = {k: v for k, v in _lang_values(metadata, iri, (RDFS.label,)).items() if k in LANGUAGES}
        issued = metadata.value(iri, DCTERMS.issued) or metadata.value(iri, DCTERMS.modified) or ""
        found[source.source_id] = Source(source.source_id, iri, labels or titles, _iso_date(issued),
                                         getattr(source, "text", ""))
    return found


def _iso_date(value: Node | str) -> str:
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return text
    return text


#: Classes whose instances are controlled vocabulary (units, indicators, roles, schemes), not actors
#: or things of the policy: the network analysis and the graph views leave them out.
VOCABULARY_CLASSES = frozenset({CG.Unit, CG.Indicator, CG.Role, SKOS.ConceptScheme})

#: Classes of actors: the "most central actors" list.
ACTOR_CLASSES = frozenset({CG.Person, ORG.Organization, ORG.Post})
