"""Finding entities by name: the one name matcher of ``cungai find``, query parameters and ``cungai link``.

Names are compared after ``names.normalise`` (full/half width, traditional → simplified, spaces
and punctuation, case). A text meets an entity's names in one of these ways, best first:

=====  ==========================  ================================================================
1.00   ``label`` / ``altLabel``    the names are equal
0.95   ``place+label``             a place the entity lies in (``cg:locatedIn``, any depth), then its
                                   name: 伦教北海工业区, 顺德区伦教街道 (the place by its name or stem)
0.90   ``pinyin``                  a Latin-script text equals the pinyin of a Chinese name
0.85   ``label-stem``              equal once a generic term is taken off one side (顺德 ~ 顺德区,
                                   北海 ~ 北海工业区, 工业区 ~ 工业园); ``place+label-stem`` likewise
0.70   ``initials``                a Latin-script text equals the pinyin initials (bhgyq)
≤0.60  ``partial``                 (``find`` only) the text is part of a name, scored by how much
≤0.30  ``similar``                 (``find`` only) a Chinese name with many characters in common
=====  ==========================  ================================================================

The steps that changed the text are appended to the method (``label+t2s``). ``find_entities``
matches against an Oxigraph store (the build's ``store/``); ``link.tables`` builds the same
``Entity`` list from rdflib graphs. Entities joined by ``skos:exactMatch`` count as one, shown by
the curated entity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

from rdflib import URIRef

from ..project.names import has_han, latin_key, normalise, pinyin_syllables
from ..rdf.namespaces import ID, PREFIXES, curie
from ..rdf.sparql import with_values

SCORES = {"label": 1.0, "altLabel": 1.0, "place+label": 0.95, "place+altLabel": 0.95, "pinyin": 0.9,
          "label-stem": 0.85, "altLabel-stem": 0.85, "place+label-stem": 0.85, "place+altLabel-stem": 0.85,
          "initials": 0.7}
PARTIAL_MAX = 0.6
SIMILAR_MIN = 0.4  # share of characters two names must have in common to be shown as a near miss
RESOLVE_MIN = 0.8  # a name given for an IRI parameter must meet an entity at least this well
DERIVED_KINDS = ("statement", "annotation", "span")

# Generic terms that may be left off a name, by what they name; longest first within a family.
GENERIC_TERMS: dict[str, tuple[str, ...]] = {
    "division": ("特别行政区", "自治区", "自治州", "自治县", "街道", "省", "市", "区", "县", "镇", "乡"),
    "park": ("工业园区", "产业园区", "工业园", "产业园", "工业区", "园区"),
    "village": ("社区", "村委会", "村"),
    "project": ("项目",),
}


@dataclass(frozen=True)
class Entity:
    """An entity of the graph (or a cluster of entities joined by skos:exactMatch) and its names."""

    iri: str
    label: str
    names: tuple[tuple[str, str], ...]  # (method, normalised name)
    han_names: tuple[str, ...]  # the Chinese names as written, for pinyin
    types: frozenset[str]
    places: tuple[str, ...] = ()  # normalised names (and stems) of the places the entity lies in

    @cached_property
    def pinyin(self) -> tuple[str, ...]:
        """The toneless pinyin of each Chinese name, syllables joined (computed when first asked)."""
        return tuple(sorted({latin_key("".join(pinyin_syllables(n))) for n in self.han_names}))

    @cached_property
    def initials(self) -> tuple[str, ...]:
        """The pinyin initials of each Chinese name (``北海工业区`` → ``bhgyq``)."""
        return tuple(sorted({"".join(s[:1] for s in pinyin_syllables(n)) for n in self.han_names}))


@dataclass(frozen=True)
class Candidate:
    """An entity a text may stand for, with the score and how the names met."""

    entity: Entity
    score: float
    method: str

    @property
    def iri(self) -> str:
        return self.entity.iri

    @property
    def label(self) -> str:
        return self.entity.label


#: What ``find_entities`` returns: a candidate entity with its score and method.
Match = Candidate


def is_entity(iri: str) -> bool:
    """Whether ``iri`` names an entity (``…/id/{kind}/…``), not a statement, annotation or span."""
    return iri.startswith(str(ID)) and iri[len(str(ID)):].split("/", 1)[0] not in DERIVED_KINDS


def split_generic(name: str) -> tuple[str, str, str]:
    """``(stem, term, family)`` of a normalised name: ``北海工业区`` → ``("北海", "工业区", "park")``."""
    best = (name, "", "")
    for family, terms in GENERIC_TERMS.items():
        for term in terms:
            if name.endswith(term) and len(name) - len(term) >= 2 and len(term) > len(best[1]):
                best = (name[: -len(term)], term, family)
    return best


def _stem_match(text: str, name: str) -> bool:
    text_stem, text_term, text_family = split_generic(text)
    stem, term, family = split_generic(name)
    if text_stem != stem or text_term == term:
        return False
    return not text_term or not term or text_family == family


def _name_match(text: str, name: str) -> str | None:
    """``""`` when equal, ``"-stem"`` when equal but for a generic term, else None."""
    if text == name:
        return ""
    return "-stem" if _stem_match(text, name) else None


def candidates(text: str, pool: Iterable[Entity], *, partial: bool = False) -> list[Candidate]:
    """Every entity of ``pool`` whose names meet ``text``, best first (``partial``: also part of a name)."""
    normal = normalise(text)
    steps = "".join(f"+{s}" for s in normal.steps if s != "case")
    latin = not has_han(text)
    key = latin_key(text) if latin else ""
    found: dict[str, Candidate] = {}

    def offer(entity: Entity, method: str, score: float | None = None) -> None:
        score = SCORES[method] if score is None else score
        current = found.get(entity.iri)
        if current is None or score > current.score:
            found[entity.iri] = Candidate(entity, round(score, 3), method + steps)

    row = normal.key
    for entity in pool:
        for method, name in entity.names:
            how = _name_match(row, name) if not latin or row == name else None
            if how is not None:
                offer(entity, method + how)
                continue
            if latin:
                continue
            for place in entity.places:
                if row.startswith(place) and len(row) - len(place) >= 2:
                    how = _name_match(row[len(place):], name)
                    if how is not None:
                        offer(entity, f"place+{method}{how}")
            if partial and len(row) >= 2 and row in name:
                offer(entity, "partial", PARTIAL_MAX * len(row) / len(name))
            elif partial and entity.iri not in found:  # a near miss: many characters in common
                common = len(set(row) & set(name)) / len(set(row) | set(name))
                if common >= SIMILAR_MIN:
                    offer(entity, "similar", PARTIAL_MAX * 0.5 * common)
        if latin and key and entity.han_names:
            if key in entity.pinyin:
                offer(entity, "pinyin")
            elif len(key) >= 2 and key in entity.initials:
                offer(entity, "initials")
            elif partial and len(key) >= 3 and any(key in p for p in entity.pinyin):
                offer(entity, "partial", PARTIAL_MAX * max(len(key) / len(p) for p in entity.pinyin if key in p))
            elif partial and any(len(p) >= 4 and p in key for p in entity.pinyin):  # a name with more after it
                offer(entity, "partial", PARTIAL_MAX * max(len(p) for p in entity.pinyin if p in key) / len(key))
        if partial and latin and len(row) >= 3 and not found.get(entity.iri):
            best = max((len(row) / len(name) for _, name in entity.names if row in name), default=0)
            if best:
                offer(entity, "partial", PARTIAL_MAX * best)
    return sorted(found.values(), key=lambda c: (-c.score, c.entity.iri))


def cluster(names: Iterable[tuple[str, str, str]], *, exact_pairs: Iterable[tuple[str, str]] = (),
            curated: Iterable[str] = (), types: Iterable[tuple[str, str]] = (),
            places: Iterable[tuple[str, str]] = ()) -> list[Entity]:
    """Entities from rows of ``(iri, method, name)`` (method ``label`` or ``altLabel``), joined by
    ``skos:exactMatch`` pairs into one shown by a ``curated`` entity, with their ``(iri, class)``
    types and the ``(iri, place name)`` of the places they lie in."""
    raw: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for iri, method, name in names:
        if is_entity(iri) and name.strip():
            raw[iri].append((method, name))
    curated = set(curated)
    parent = {e: e for e in raw}

    def find(e: str) -> str:
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    for s, o in exact_pairs:
        if s in parent and o in parent:
            a, b = find(s), find(o)
            if a != b:
                keep, other = sorted((a, b), key=lambda e: (e not in curated, e))
                parent[other] = keep
    type_of, place_of = defaultdict(set), defaultdict(set)
    for iri, cls in types:
        type_of[iri].add(cls)
    for iri, name in places:
        key = normalise(name).key
        place_of[iri] |= {key, split_generic(key)[0]} - {""}
    members: dict[str, list[str]] = defaultdict(list)
    for e in sorted(raw):
        members[find(e)].append(e)
    out = []
    for head, group in sorted(members.items()):
        written = [(m, n) for member in group for m, n in raw[member]]
        normalised = {(m, normalise(n).key) for m, n in written}
        han = {n for _, n in written if has_han(n)}
        out.append(Entity(head, _display_label(raw[head]), tuple(sorted(normalised)), tuple(sorted(han)),
                          frozenset(t for member in group for t in type_of[member]),
                          tuple(sorted({p for member in group for p in place_of[member]}, key=lambda p: (-len(p), p)))))
    return out


def _display_label(names: Sequence[tuple[str, str]]) -> str:
    labels = [n for m, n in names if m == "label"] or [n for _, n in names]
    return next((n for n in sorted(labels) if has_han(n)), sorted(labels)[0])


# ---------------------------------------------------------------------------- over a store

_NAMES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?p ?name WHERE { VALUES ?p { rdfs:label skos:altLabel } ?e ?p ?name FILTER(isIRI(?e) && isLiteral(?name)) }"""
_EXACT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?o WHERE { ?s skos:exactMatch ?o }"""
_CURATED = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX graph: <https://w3id.org/cungai/graph/>
SELECT DISTINCT ?e WHERE { { ?e skos:exactMatch ?o } UNION { ?o skos:exactMatch ?e }
  GRAPH ?g { ?e ?p ?x } FILTER(?g != graph:links && ?g != graph:inferred && !STRSTARTS(STR(?g), "https://w3id.org/cungai/graph/dataset/")) }"""
_PLACES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX cg: <https://w3id.org/cungai/ontology#>
SELECT ?e ?name WHERE { ?e cg:locatedIn+ ?place . ?place rdfs:label|skos:altLabel ?name FILTER(lang(?name) != "en") }"""
_OF_CLASS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?e WHERE { ?t rdfs:subClassOf* ?class . ?e a ?t }"""
_KNOWN_CLASS = "ASK { { ?class ?p ?o } UNION { ?s a ?class } }"
_OCCURS = "ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }"


def _rows(store, text: str, bindings: dict | None = None) -> list[tuple[str, ...]]:
    """The values of every row of a SELECT; ``bindings`` (rdflib terms) go in as a VALUES block."""
    return [tuple(term.value for term in row) for row in store.query(with_values(text, bindings or {}))]


def expand_class(name: str) -> str:
    """A class given as a CURIE of the project's prefixes (``cg:Place``) or a full IRI; ValueError if neither."""
    if name.startswith(("http://", "https://")):
        return name
    prefix, _, local = name.partition(":")
    if local and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    raise ValueError(f"unknown class {name!r}: write cg:Class (prefixes: {', '.join(sorted(PREFIXES))}) or a full IRI")


def store_entities(store, *, type_: str | None = None, near: str | None = None) -> list[Entity]:
    """The named entities of an Oxigraph ``store`` (default graph: the union), of class ``type_``
    (a CURIE or IRI, subclasses included) if given; a ValueError for a class the graph does not know.

    ``near``, a Chinese text, keeps only the entities with a name that shares a character with it
    (simplified or traditional): no other can meet it, and normalising every name of a large graph
    is what takes the time.
    """
    names = [(e, "label" if p.endswith("#label") else "altLabel", n) for e, p, n in _rows(store, _NAMES)]
    places = _rows(store, _PLACES)
    if near and has_han(near):
        chars = set(normalise(near).key) | set(_s2t().convert(near))
        kept = {e for e, _, n in names if chars.intersection(n)}
        names = [row for row in names if row[0] in kept]
        places = [row for row in places if row[0] in kept]
    curated = {e for (e,) in _rows(store, _CURATED)}
    entities = cluster(names, exact_pairs=_rows(store, _EXACT), curated=curated, places=places)
    if type_:
        cls = {"class": URIRef(expand_class(type_))}
        if not store.query(with_values(_KNOWN_CLASS, cls)):
            raise ValueError(f"the graph has no class {type_}")
        members = {e for (e,) in _rows(store, _OF_CLASS, cls)}
        entities = [e for e in entities if e.iri in members]
    return entities


def find_entities(store, text: str, type_: str | None = None, *, limit: int = 20) -> list[Match]:
    """Entities of ``store`` whose names meet ``text`` (whole or in part), best first, at most ``limit``."""
    if not text.strip():
        return []
    return candidates(text, store_entities(store, type_=type_, near=text), partial=True)[:limit]


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def resolve_entity(store, text: str, type_: str | None = None) -> Match:
    """The one entity ``text`` names (a label, alias, pinyin, place-prefixed name…), or a UsageError
    that lists the candidates: when none scores 0.80 or more, or several share the top score."""
    from ..errors import UsageError

    found = find_entities(store, text, type_)
    strong = [c for c in found if c.score >= RESOLVE_MIN]
    top = [c for c in strong if c.score == strong[0].score] if strong else []
    if len(top) == 1:
        return top[0]
    listed = "; ".join(f"{curie(c.iri) or c.iri} {c.label} ({c.score:.2f} {c.method})" for c in (top or found)[:8])
    if top:
        raise UsageError(f"{text!r} names {len(top)} entities equally / 名称有歧义: {listed}; "
                         "give one of their IRIs")
    hint = f"; close / 相近: {listed}" if listed else "; `cungai find TEXT` searches by name / 可用 cungai find 查找"
    raise UsageError(f"no entity is named {text!r} / 没有名为 {text!r} 的实体{hint}")


def entity_exists(store, iri: str) -> bool:
    """Whether ``iri`` occurs in the graph at all (as a subject or an object); an IRI Oxigraph cannot
    parse (``A:\x7f``) occurs nowhere."""
    try:
        return bool(store.query(with_values(_OCCURS, {"x": URIRef(iri)})))
    except SyntaxError:
        return False

