"""View models of the browser pages: plain data built from the knowledge model, before any template.

Normalise, then render (STYLE 5): each function here turns the ``KnowledgeModel`` and the network
measures into dictionaries and small dataclasses of plain strings and numbers — labels in zh and
en, class styles, statements with their evidence in context, article segments with the spans that
cover them, links between pages. ``views.py`` hands them to the templates, which escape every
string (Jinja autoescape) and pass data to scripts only as JSON with ``<``, ``>``, ``&`` and ``'``
escaped; the scripts write text with ``textContent``, never ``innerHTML``.

Links are relative to the views folder (``entity/person/lu-dequan.html``); each page prefixes them
with its way back to that folder, so the pages work from ``file://`` anywhere they are copied.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from rdflib import Literal, URIRef
from rdflib.term import Node

from .analysis import Centrality
from ..rdf.namespaces import CG, DCTERMS, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, XSD, digest
from .viewmodel import Claim, Entity, Evidence, Fact, KnowledgeModel, Term

SAFE_SEGMENT = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,80}\Z")  # \Z: "$" would let a final new line in
COMMUNITY_COLOURS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#17becf",
)


@dataclass(frozen=True)
class Category:
    """A family of classes drawn alike: one colour and one shape, named in zh and en."""

    key: str
    zh: str
    en: str
    colour: str
    shape: str
    classes: tuple[URIRef, ...]


#: First match wins: an entity takes the style of the first category one of its classes falls in.
CATEGORIES: tuple[Category, ...] = (
    Category("person", "人物", "people", "#d62728", "dot", (CG.Person,)),
    Category("post", "职务", "posts", "#ff9896", "triangle", (ORG.Post,)),
    Category("enterprise", "企业", "enterprises", "#8c564b", "square", (CG.Enterprise,)),
    Category("body", "机构", "bodies", "#1f77b4", "square", (ORG.Organization,)),
    Category("strategy", "策略", "strategies", "#ff7f0e", "star", (CG.Strategy,)),
    Category("measure", "举措", "measures", "#ffbb78", "diamond", (CG.Measure, CG.PolicyInstrument)),
    Category("policy", "政策与任务", "policies and tasks", "#e377c2", "triangleDown", (CG.Policy, CG.Task)),
    Category("plan", "规划与目标", "plans and goals", "#17becf", "triangleDown", (CG.Plan, CG.Goal, PROV.Plan)),
    Category("slogan", "口号与定位", "slogans and positionings", "#c5b0d5", "diamond", (CG.Slogan,)),
    Category("park", "工业园", "industrial parks", "#2ca02c", "hexagon", (CG.IndustrialPark,)),
    Category("parcel", "地块", "land parcels", "#bcbd22", "square", (CG.LandParcel,)),
    Category("transport", "交通", "transport", "#7f7f7f", "triangle", (CG.TransportInfrastructure,)),
    Category("place", "地方", "places", "#98df8a", "hexagon", (CG.Place, SCHEMA.Place)),
    Category("path", "改造路径", "renovation paths", "#9467bd", "star", (CG.RenovationPath,)),
    Category("project", "项目", "projects", "#aec7e8", "diamond", (CG.Project,)),
    Category("outcome", "成果", "outcomes", "#e7ba52", "star", (CG.Outcome,)),
    Category("activity", "活动", "activities", "#dbdb8d", "dot", (CG.Activity, PROV.Activity)),
    Category("period", "时间", "time", "#c7c7c7", "triangle", (TIME.TemporalEntity,)),
    Category("quotation", "引语", "quotations", "#8c6d31", "dot", (CG.Quotation,)),
    Category("concept", "词表概念", "vocabulary terms", "#a0a0a0", "dot", (SKOS.Concept, SKOS.ConceptScheme)),
    Category("other", "其他", "other", "#cccccc", "dot", ()),
)


def category_of(entity: Entity) -> Category:
    """The drawing category of ``entity``."""
    return _category_of_classes(entity.all_classes)


@lru_cache(maxsize=4096)
def _category_of_classes(classes: frozenset) -> Category:
    for category in CATEGORIES:
        if any(c in classes for c in category.classes):
            return category
    return CATEGORIES[-1]


def entity_href(entity: Entity) -> str:
    """The page of ``entity``, relative to the views folder: ``entity/{kind}/{slug}.html``.

    Kinds and slugs are readable pinyin; anything else (a hostile or odd IRI) gets a digest name.
    Every entity has one: the build writes the pages of the most central entities, ``cungai serve``
    renders any other when it is asked for (``served_only``). Empty for a digest name the build
    did not write (the server cannot tell which entity it stands for).
    """
    kind_ok, slug_ok = SAFE_SEGMENT.match(entity.kind), SAFE_SEGMENT.match(entity.slug)
    if not entity.page and not (kind_ok and slug_ok):
        return ""
    kind = entity.kind if kind_ok else "x-" + digest(entity.kind, length=10)
    slug = entity.slug if slug_ok else "x-" + digest(entity.slug, length=16)
    return f"entity/{kind}/{slug}.html"


def served_only(entity: Entity) -> bool:
    """Whether the page of ``entity`` exists only under ``cungai serve`` (the build did not write it).

    Pages mark such links (``data-on-demand``); opened from the file system, ``links.js`` turns
    them into plain text instead of a link to a missing file.
    """
    return not entity.page


def article_href(source_id: str, anchor: str = "") -> str:
    """The annotated article of a source (at a span when ``anchor`` is given)."""
    name = source_id if SAFE_SEGMENT.match(source_id) else "x-" + digest(source_id, length=16)
    return f"article/{name}.html" + (f"#{anchor}" if anchor else "")


def term_view(term: Term) -> dict:
    return {"zh": term.label("zh"), "en": term.label("en"), "curie": term.curie,
            "definition_zh": term.definitions.get("zh", ""), "definition_en": term.definitions.get("en", "")}


def evidence_view(model: KnowledgeModel, evidence: Evidence) -> dict:
    source = model.sources.get(evidence.source_id)
    return {
        "prefix": evidence.prefix, "exact": evidence.exact, "suffix": evidence.suffix,
        "start": evidence.start, "end": evidence.end,
        "source": source.title("zh") if source else evidence.source_id,
        "source_id": evidence.source_id,
        "issued": source.issued if source and source.issued not in source.title("zh") else "",
        "href": article_href(evidence.source_id, evidence.anchor),
        "served": evidence.source_id in model.served_sources,
        "claim": claim_view(evidence.claim),
    }


def claim_view(claim: Claim | None) -> dict | None:
    """The badge of a quote: how it presents the fact (unless as done) and who asserts it (unless the
    source itself); None when there is nothing to mark."""
    if claim is None or (claim.status == "reported" and not any(claim.voice_labels)):
        return None
    shown = claim.status != "reported"
    return {"status": claim.status, "prospective": claim.prospective,
            "zh": claim.status_labels[0] if shown else "", "en": claim.status_labels[1] if shown else "",
            "voice_zh": claim.voice_labels[0], "voice_en": claim.voice_labels[1] or claim.voice_labels[0]}


def value_view(model: KnowledgeModel, node: Node) -> dict:
    """How to show the object (or subject) of a statement: a link, a term, a source or a literal."""
    if isinstance(node, URIRef):
        entity = model.entities.get(node)
        if entity is not None:
            return {"kind": "entity", "zh": entity.label("zh"), "en": entity.label("en"),
                    "href": entity_href(entity), "served": served_only(entity), "category": category_of(entity).key,
                    "colour": category_of(entity).colour}
        source = model.source_of(node)
        if source is not None:
            return {"kind": "source", "zh": source.title("zh"), "en": source.title("en"),
                    "href": article_href(source.source_id)}
        term = model.term(node)
        return {"kind": "term", "zh": term.label("zh"), "en": term.label("en"), "curie": term.curie,
                "iri": model.public_iri(node)}
    if isinstance(node, Literal):
        datatype = node.datatype
        shown = model.term(datatype).curie if datatype is not None and datatype != XSD.string else ""
        return {"kind": "literal", "zh": str(node), "en": "", "lang": node.language or "", "datatype": shown}
    return {"kind": "literal", "zh": str(node), "en": "", "lang": "", "datatype": ""}


def fact_view(model: KnowledgeModel, fact: Fact, *, towards: Node) -> dict:
    """One statement as the entity page lists it: the value, where it comes from, its evidence."""
    return {
        "value": value_view(model, towards),
        "origin": fact.origin,
        "inferred": fact.inferred,
        "prospective": fact.prospective,
        "translation": fact.origin == "source" and not fact.evidence and isinstance(fact.object, Literal),
        "evidence": [evidence_view(model, e) for e in fact.evidence],
        "citations": list(fact.citations),
    }


PROPERTY_ORDER = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.definition)
HIDDEN_PROPERTIES = frozenset({DCTERMS.source, PROV.wasAttributedTo})


def statement_groups(model: KnowledgeModel, facts: Iterable[Fact], *, incoming: bool,
                     limit: int | None = None) -> list[dict]:
    """Statements grouped by property (type and labels first, then by the property's zh label).

    With ``limit``, a group shows its first ``limit`` rows and counts the others (``more``): a
    district has thousands of things located in it.
    """
    grouped: dict[URIRef, list[Fact]] = defaultdict(list)
    for fact in facts:
        if not incoming and fact.predicate in HIDDEN_PROPERTIES and fact.origin == "background":
            continue  # shown as the citation of each background fact
        grouped[fact.predicate].append(fact)

    def order(p: URIRef) -> tuple:
        return (PROPERTY_ORDER.index(p) if p in PROPERTY_ORDER else len(PROPERTY_ORDER),
                model.term(p).label("zh"), str(p))

    def row_order(fact: Fact) -> tuple:  # as the rows sort: stated first, entities first, by zh name
        node = fact.subject if incoming else fact.object
        return (fact.inferred, not (isinstance(node, URIRef) and node in model.entities),
                value_view(model, node)["zh"] if limit is not None else "")

    groups = []
    for predicate in sorted(grouped, key=order):
        chosen = grouped[predicate]
        more = 0
        if limit is not None and len(chosen) > limit:
            chosen = sorted(chosen, key=row_order)[:limit]
            more = len(grouped[predicate]) - limit
        rows = [fact_view(model, f, towards=f.subject if incoming else f.object) for f in chosen]
        rows.sort(key=lambda r: (r["inferred"], r["value"]["kind"] != "entity", r["value"]["zh"]))
        groups.append({"property": term_view(model.term(predicate)), "rows": rows, "more": more,
                       "inferred_only": all(f.inferred for f in grouped[predicate])})
    return groups


@dataclass
class NodeStyle:
    """How one entity is drawn in every graph."""

    category: Category
    size: float
    community: int


def node_styles(model: KnowledgeModel, measures: dict[str, Centrality]) -> dict[URIRef, NodeStyle]:
    """Category, size (by PageRank, 12–48 px) and community of every entity."""
    top = max((m.pagerank for m in measures.values()), default=0.0) or 1.0
    styles = {}
    for iri, entity in model.entities.items():
        m = measures.get(str(iri))
        size = 12 + 36 * ((m.pagerank / top) ** 0.5) if m else 10
        styles[iri] = NodeStyle(category_of(entity), round(size, 1), m.community if m else -1)
    return styles


def entity_summary(model: KnowledgeModel, entity: Entity) -> dict:
    """Labels and classes of an entity, for tooltips, search and page headers."""
    main = entity.main_class
    term = model.term(main) if main is not None else None
    category = category_of(entity)
    return {
        "zh": entity.label("zh"), "en": entity.label("en"),
        "class_zh": term.label("zh") if term else category.zh,
        "class_en": term.label("en") if term else category.en,
        "class": term.curie if term else "",
        "category": category.key,
        "href": entity_href(entity),
        "served": served_only(entity),
    }


_NAMING = frozenset({RDF.type, RDFS.label})


def first_evidence(model: KnowledgeModel, entity: Entity, *, limit: int = 3) -> list[dict]:
    """Up to ``limit`` quotes about an entity: those of its type and name first, then any other."""
    seen: set[tuple[str, int, int]] = set()
    found: list[dict] = []
    facts = sorted(model.facts_about(entity.iri), key=lambda f: (f.predicate not in _NAMING, str(f.predicate)))
    for fact in facts + model.facts_to(entity.iri):
        for evidence in fact.evidence:
            key = (evidence.source_id, evidence.start, evidence.end)
            if key not in seen:
                seen.add(key)
                found.append(evidence_view(model, evidence))
            if len(found) >= limit:
                return found
    return found


def search_index(model: KnowledgeModel) -> list[dict]:
    """Every entity, with what a search by zh, en or pinyin needs."""
    rows = []
    for entity in sorted(model.entities.values(), key=lambda e: (e.label("zh"), str(e.iri))):
        if not entity.page:
            continue
        summary = entity_summary(model, entity)
        syllables = entity.pinyin.split()
        rows.append({
            "zh": summary["zh"], "en": entity.labels.get("en", ""), "alt": " / ".join(entity.alt_labels),
            "py": "".join(syllables), "ini": "".join(s[0] for s in syllables if s),
            "pys": " ".join(syllables), "cls_zh": summary["class_zh"], "cls_en": summary["class_en"],
            "href": summary["href"], "category": summary["category"],
        })
    return rows


@dataclass
class Segment:
    """A run of article text covered by the same spans (none: not evidence)."""

    text: str
    spans: tuple[int, ...]
    anchors: tuple[str, ...] = ()


@dataclass
class ArticleModel:
    """The annotated text of one source: segments, the spans with their facts, coverage."""

    source_id: str
    title_zh: str
    title_en: str
    issued: str
    segments: list[Segment]
    spans: list[dict]
    characters: int
    characters_covered: int
    strip: list[int]
    stats: dict = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        return self.characters_covered / self.characters if self.characters else 1.0


@dataclass(frozen=True)
class ArticleFact:
    """One fact a span supports: its subject and predicate (to order and to pick the span's entity) and its line."""

    subject: str
    predicate: str
    entity_subject: bool
    line: dict


def article_from_lines(source, supports: dict[Evidence, list[ArticleFact]], hrefs: dict[str, tuple[str, bool]], *,
                       report: dict | None = None, bins: int = 120) -> ArticleModel:
    """The article model from the facts each span supports (``hrefs``: entity IRI → page, served only)."""
    text = source.text
    source_id = source.source_id
    ordered = sorted(supports, key=lambda e: (e.start, -e.end))
    spans = []
    for index, evidence in enumerate(ordered):
        facts = supports[evidence]
        subjects = Counter(f.subject for f in facts if f.entity_subject)
        most = max(subjects.values(), default=0)
        primary = next((f.subject for f in facts if most and f.entity_subject and subjects.get(f.subject) == most), None)
        href, served = hrefs.get(primary, ("", False)) if primary is not None else ("", False)
        spans.append({
            "i": index, "id": evidence.anchor, "start": evidence.start, "end": evidence.end,
            "exact": evidence.exact, "href": href, "served": served,
            "facts": [f.line for f in sorted(facts, key=lambda f: (f.subject != primary, f.subject, f.predicate))],
        })
    boundaries = sorted({0, len(text)} | {e.start for e in ordered} | {e.end for e in ordered})
    starts: dict[int, list[str]] = defaultdict(list)
    opening: dict[int, list[int]] = defaultdict(list)
    for i, evidence in enumerate(ordered):
        starts[evidence.start].append(evidence.anchor)
        opening[evidence.start].append(i)
    segments: list[Segment] = []
    covered = 0
    open_spans: set[int] = set()
    for a, b in zip(boundaries, boundaries[1:]):  # a sweep: spans open at their start, close at their end
        open_spans.update(opening.get(a, ()))
        open_spans.difference_update([i for i in open_spans if ordered[i].end <= a])
        inside = tuple(sorted(i for i in open_spans if b <= ordered[i].end))
        if inside:
            covered += b - a
        segments.append(Segment(text[a:b], inside, tuple(dict.fromkeys(starts.get(a, ())))))
    strip = [0] * bins
    size = len(text)
    edges = [(size * k // bins, max(size * (k + 1) // bins, size * k // bins + 1)) for k in range(bins)]
    for evidence in ordered:  # bin k covers [lo, hi): lit when a span overlaps it
        first = max(0, evidence.start * bins // size - 1) if size else 0
        for k in range(first, bins):
            lo, hi = edges[k]
            if lo >= evidence.end:
                break
            if evidence.start < hi:
                strip[k] = 1
    stats = dict((report or {}).get("evidence", {}).get("sources", {}).get(source_id, {}))
    return ArticleModel(source_id, source.title("zh"), source.title("en"), source.issued, segments, spans,
                        len(text), covered, strip, stats)


def spans_data(article: ArticleModel) -> dict:
    """The spans of an article for its script, each name written once.

    ``spans[i].facts`` are ``[subject, predicate, object]`` indexes into ``nodes``
    (``[zh, en, href, served]``) and ``predicates`` (``[zh, en]``): an article of a thousand facts
    names the same few hundred entities over and over.
    """
    nodes: dict[tuple, int] = {}
    predicates: dict[tuple, int] = {}
    spans = []
    for span in article.spans:
        facts = []
        for line in span["facts"]:
            s = (line["s_zh"], line["s_en"], line["s_href"], line["s_served"])
            o = (line["o_zh"], line["o_en"], line["o_href"], line["o_served"])
            p = (line["p_zh"], line["p_en"])
            facts.append([nodes.setdefault(s, len(nodes)), predicates.setdefault(p, len(predicates)),
                          nodes.setdefault(o, len(nodes))])
        spans.append(dict(span, facts=facts))
    return {"spans": spans, "nodes": [list(n) for n in nodes], "predicates": [list(p) for p in predicates]}


def community_colour(community: int) -> str:
    return COMMUNITY_COLOURS[community % len(COMMUNITY_COLOURS)] if community >= 0 else "#cccccc"
