"""The catalogue of a build read from its Oxigraph store: every entity with its names and classes,
every fact between two entities with its first quote, the entity network and the aggregated overview.

Read from Oxigraph's TSV answers as plain strings (classes, names, the reified facts of the source
graphs, the other graphs' links): 19k entities and 65k links of a 1M-triple district in 2-3.5 s.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import networkx as nx
from rdflib import URIRef

from ..rdf.namespaces import CG
from ..rdf.sparql import with_values
from .analysis import (
    Centrality, in_network, layout, network_nodes,
)
from .pagemodels import (
    category_of, entity_href, served_only,
)
from .pages import (
    OVERVIEW, GraphView, legend_of, rank_key,
)
from .storemodel import (
    PREFIXES, StoreContext, TermReader, statements, unescape,
)
from .viewmodel import LANGUAGES, ORIGINS, Entity, KnowledgeModel, pinyin_of, split_entity_iri


#: Every class of every entity (the evidence nodes' classes left out).
TYPES = PREFIXES + """SELECT ?g ?e ?c WHERE {
  GRAPH ?g { ?e a ?c }
  FILTER(?c NOT IN (rdf:Statement, oa:Annotation, oa:SpecificResource, oa:TextPositionSelector, oa:TextQuoteSelector))
}"""


#: Every name of every entity, and the pinyin written in the data.
NAMES = PREFIXES + """SELECT ?g ?e ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel cg:pinyin }
  GRAPH ?g { ?e ?p ?l }
}"""


#: The facts whose object is an IRI, of the graphs ``?g`` (those that are not a source's: small).
LINKS = PREFIXES + """SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && ?p != rdf:type)
}"""


#: The facts of the source graphs whose object is an IRI, from their reification (every fact of a
#: source graph has evidence, DESIGN §4), with their annotation targets (the first quote of an edge).
LINK_STATEMENTS = statements("FILTER(isIRI(?o) && ?p != rdf:type)")


#: Pixels between linked classes on the overview (its nodes are large: sized by their entities).
OVERVIEW_SPACING = 240.0


class RawReader:
    """SELECT answers of an Oxigraph store as rows of TSV cells, and what those cells say.

    The catalogue reads tens of thousands of rows; making an rdflib term of every cell would
    cost more than the queries, so cells stay strings and only entity IRIs become ``URIRef``.
    """

    def __init__(self, store, reader: TermReader):
        self.store = store
        self.reader = reader
        self._iris: dict[str, URIRef] = {}
        self._entities: dict[str, URIRef | None] = {}

    def rows(self, query: str, bindings: Mapping[str, object] | None = None) -> list[list[str]]:
        import pyoxigraph as ox

        text = with_values(query, bindings or {}, spell=self.reader.spell)
        body = self.store.query(text).serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
        return [line.split("\t") for line in body.split("\n")[1:] if line]

    def iri(self, cell: str) -> URIRef | None:
        """The IRI in ``cell`` (under the default base), None if the cell is not an IRI."""
        found = self._iris.get(cell)
        if found is None and cell.startswith("<"):
            found = self._iris[cell] = self.reader.iri(unescape(cell[1:-1]))
        return found

    def entity(self, cell: str) -> URIRef | None:
        """The entity IRI in ``cell`` (``…/id/{kind}/{slug}``, not an evidence node), else None."""
        found = self._entities.get(cell, False)
        if found is False:
            iri = self.iri(cell)
            found = self._entities[cell] = iri if iri is not None and split_entity_iri(iri) is not None else None
        return found

    @staticmethod
    def literal(cell: str) -> tuple[str, str]:
        """(text, language) of a literal cell (language empty when it has none)."""
        if not cell.startswith('"'):
            return cell, ""
        end = cell.rindex('"')
        rest = cell[end + 1:]
        return unescape(cell[1:end]), rest[1:] if rest.startswith("@") else ""


@dataclass
class Catalogue:
    """Every entity with its names and classes, and every fact between two entities (no evidence)."""

    entities: dict[URIRef, Entity]
    links: list[tuple[URIRef, URIRef, URIRef, str]]  # (subject, predicate, object, role), every role
    shell: KnowledgeModel  # terms, class hierarchy and sources; ``entities`` is the catalogue's
    quotes: dict[tuple, str] = field(default_factory=dict)  # the first quote of each link of a source graph
    stated: set[URIRef] = field(default_factory=set)  # the entities a source names or types (with a quote)

    _network: list | None = field(default=None, repr=False)

    def network_links(self) -> list[tuple[URIRef, URIRef, URIRef, str]]:
        """The asserted facts between two entities of the network, in the model's order of facts."""
        if self._network is None:
            found = {(s, p, o, role) for s, p, o, role in self.links
                     if role not in ("inferred", "vocabulary") and s != o
                     and in_network(self.entities[s]) and in_network(self.entities[o])}
            self._network = sorted(found, key=lambda link: (ORIGINS.index(link[3]), str(link[0]), str(link[1]),
                                                            str(link[2])))  # strings: URIRef's < is slow
        return self._network


def read_catalogue(context: StoreContext, raw: RawReader, sources: Sequence = ()) -> Catalogue:
    """The catalogue of the build in ``context`` (see the module doc)."""
    fact_roles = {context.reader.public(name): role for name, role in context.roles.items()
                  if role not in (None, "sources")}
    shell = context.assemble((), sources)
    asserted: dict[URIRef, set[URIRef]] = defaultdict(set)
    inferred: dict[URIRef, set[URIRef]] = defaultdict(set)
    mentioned: set[URIRef] = set()
    stated: set[URIRef] = set()
    for graph, subject, cls in raw.rows(TYPES):
        role = fact_roles.get(graph)
        entity, value = raw.entity(subject), raw.iri(cls)
        if role is None or value is None or entity is None:
            continue
        (inferred if role == "inferred" else asserted)[entity].add(value)
        mentioned.add(entity)
        if role == "source":
            stated.add(entity)
    names: dict[URIRef, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    written_pinyin: dict[URIRef, list[str]] = defaultdict(list)
    pinyin = f"<{CG.pinyin}>"
    for graph, subject, predicate, value in raw.rows(NAMES):
        role = fact_roles.get(graph)
        entity = raw.entity(subject)
        if role is None or role == "inferred" or entity is None or value.startswith(("<", "_:")):
            continue
        mentioned.add(entity)
        if role == "source":
            stated.add(entity)
        text, lang = raw.literal(value)
        if predicate == pinyin:
            written_pinyin[entity].append(text)
        else:
            names[entity][lang.split("-")[0] or "und"].append(text)
    links: list[tuple[URIRef, URIRef, URIRef, str]] = []
    small = [name for name, role in context.roles.items() if role not in (None, "sources", "source")]
    quoted: dict[tuple[str, str, str], tuple] = {}
    spell = context.reader.public
    spans = {(spell(graph), spell(target)): ((span.source_id, span.start, span.end), span.exact)
             for (graph, target), span in context.spans.items()}
    source_rows = []
    for graph, subject, predicate, value, target, *_ in raw.rows(LINK_STATEMENTS):
        found = spans.get((graph, target))
        key = (subject, predicate, value)
        known = quoted.get(key)
        if known is None:
            source_rows.append((graph, subject, predicate, value))
        if found is not None and (not known or found[0] < known[0]):
            quoted[key] = found
        elif known is None:
            quoted[key] = ()
    small_rows = raw.rows(LINKS, {"g": small}) if small else []
    for graph, subject, predicate, value in [*source_rows, *small_rows]:
        role = fact_roles.get(graph)
        s, o = raw.entity(subject), raw.entity(value)
        if role is None or s is None or o is None:
            continue
        links.append((s, raw.iri(predicate), o, role))
        mentioned.add(s)
        mentioned.add(o)
    quotes = {(raw.iri(s), raw.iri(p), raw.iri(o)): found[1] for (s, p, o), found in quoted.items() if found}
    entities: dict[URIRef, Entity] = {}
    for iri in sorted(mentioned, key=str):
        kind, slug = split_entity_iri(iri)
        found = {lang: sorted(texts)[0] for lang, texts in names.get(iri, {}).items()}
        own = asserted.get(iri, set())
        extra = inferred.get(iri, set()) - own
        every = own | extra
        entities[iri] = Entity(
            iri, kind, slug,
            labels={k: v for k, v in found.items() if k in LANGUAGES} or ({"zh": found["und"]} if "und" in found else {}),
            classes=tuple(shell.most_specific(own)), inferred_classes=tuple(shell.most_specific(extra)),
            all_classes=shell.closure(every),
            written_pinyin=sorted(written_pinyin[iri])[0] if written_pinyin.get(iri) else None,
        )
    shell.entities = entities
    return Catalogue(entities, sorted(set(links), key=lambda link: (str(link[0]), str(link[1]), str(link[2]), link[3])),
                     shell, quotes, stated)


def network_of(catalogue: Catalogue, quotes: Mapping[tuple, str] | None = None) -> nx.MultiDiGraph:
    """The entity network (``analysis.entity_network`` from the catalogue): nodes, edges keyed by CURIE."""
    model = catalogue.shell
    network = network_nodes(catalogue.entities, model)
    for s, p, o, role in catalogue.network_links():
        term = model.term(p)
        network.add_edge(str(s), str(o), key=term.curie, predicate=str(p), label=term.label("zh"),
                         label_en=term.label("en"), origin=role,
                         quote=(quotes or {}).get((s, p, o), "") if role == "source" else "")
    return network


def class_aggregates(catalogue: Catalogue) -> tuple[dict[URIRef, list[URIRef]], Counter]:
    """The network's entities by their most specific asserted class, and the asserted facts
    between them counted by (class, property, class)."""
    by_class: dict[URIRef, list[URIRef]] = defaultdict(list)
    for iri, entity in catalogue.entities.items():
        if in_network(entity) and entity.main_class is not None:
            by_class[entity.main_class].append(iri)
    counts = Counter()
    for s, p, o, _ in catalogue.network_links():
        a, b = catalogue.entities[s].main_class, catalogue.entities[o].main_class
        if a is not None and b is not None:
            counts[(a, p, b)] += 1
    return by_class, counts


def overview_graph(catalogue: Catalogue, measures: Mapping[str, Centrality], *, members: int = 8) -> GraphView:
    """The overview page: one node per class sized by its entities (the most central listed), one
    edge per (class, property, class) as wide as its number of facts; positions computed here."""
    model = catalogue.shell
    by_class, counts = class_aggregates(catalogue)
    biggest = max((len(v) for v in by_class.values()), default=1)
    nodes = []
    for cls in sorted(by_class, key=str):
        entities = by_class[cls]
        term = model.term(cls)
        category = category_of(catalogue.entities[entities[0]])
        top = sorted(entities, key=rank_key(measures))[:members]
        syllables = pinyin_of(term.label("zh")).split()
        nodes.append({
            "id": str(cls), "label": f"{term.label('zh')} {len(entities)}",
            "label_zh": term.label("zh"), "label_en": term.label("en"),
            "py": "".join(syllables), "ini": "".join(s[0] for s in syllables if s),
            "cls": term.curie, "cls_zh": term.label("zh"), "cls_en": term.label("en"),
            "cat": category.key, "shape": category.shape, "color": category.colour,
            "color_class": category.colour, "color_community": category.colour,
            "size": round(12 + 36 * math.sqrt(len(entities) / biggest), 1), "community": -1,
            "degree": 0, "betweenness": 0.0, "pagerank": 0.0, "href": "", "served": False, "evidence": [],
            "count": len(entities),
            "members": [{"zh": catalogue.entities[m].label("zh"), "en": catalogue.entities[m].label("en"),
                         "href": entity_href(catalogue.entities[m]), "served": served_only(catalogue.entities[m])}
                        for m in top],
        })
    edges = []
    widest = max(counts.values(), default=1)
    for (a, p, b), count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0][0]), str(item[0][1]), str(item[0][2]))):
        term = model.term(p)
        edges.append({
            "id": f"e{len(edges)}", "from": str(a), "to": str(b),
            "pred_zh": f"{term.label('zh')} ×{count}", "pred_en": f"{term.label('en')} ×{count}", "curie": term.curie,
            "origin": "aggregate", "count": count, "width": round(1 + 7 * math.sqrt(count / widest), 1),
            "from_zh": model.term(a).label("zh"), "from_en": model.term(a).label("en"),
            "to_zh": model.term(b).label("zh"), "to_en": model.term(b).label("en"),
            "evidence": [], "citations": [], "dashes": False,
        })
    view = GraphView(OVERVIEW, nodes, edges, legend_of(nodes), total=len(nodes))
    view.positions = layout([n["id"] for n in nodes], [(e["from"], e["to"]) for e in edges], {n["id"]: 0 for n in nodes},
                            spacing=OVERVIEW_SPACING)
    return view
