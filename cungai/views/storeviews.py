"""The views of a build of any size, read from its Oxigraph store: aggregate, cap by centrality, lay out ahead.

``write_views_from_store`` is what the build calls. Its work is bounded by the pages it writes,
not by the size of the graph, except for four cheap reads of the whole store:

1. the catalogue (``read_catalogue``): every entity with its names and classes, and every fact
   between two entities with its first quote, read from Oxigraph's TSV answers as plain strings
   (classes, names, the reified facts of the source graphs, the other graphs' links: 19k entities
   and 65k links of a 1M-triple district in 2-3.5 s);
2. the network of those facts: centrality and communities (``analysis.measure``), the GraphML and
   GEXF exports of the whole network, and the aggregated overview (classes as nodes with their
   number of entities, properties between classes as edges with their number of facts);
3. the choice of what to draw: each graph page draws at most ``GRAPH_NODES_MAX`` entities, the
   most central by PageRank, and says so on the page ("showing N of M"); ``ENTITY_PAGES_MAX``
   entity pages are written (drawn entities first, most central first) and ``ARTICLE_PAGES_MAX``
   annotated articles; ``cungai serve`` renders any other page when it is asked for
   (``OnDemandPages``);
4. the page model (``storemodel.model_around``): only the facts, evidence and names those pages
   show, read with VALUES blocks, fed to the same page builders as before. Small builds (every
   entity gets a page) get exactly the pages of the whole model.

Graph pages beyond ``views.LARGE_GRAPH`` nodes carry positions computed here (``analysis.layout``)
and have physics off; smaller ones keep vis-network's physics, which settles and then stops (it
looks better on a few dozen nodes and costs nothing there).
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import networkx as nx
from rdflib import URIRef
from rdflib.term import Node

from .analysis import (
    Centrality, annotate, central_actors, in_network, layout, measure, network_nodes, write_gexf, write_graphml,
)
from ..rdf.namespaces import BASE, CG
from .pagemodels import (
    ArticleFact, article_from_lines, article_href, category_of, entity_href, entity_summary, node_styles,
    search_index, served_only, spans_data,
)
from ..rdf.sparql import with_values
from .storemodel import (
    PREFIXES, STATEMENTS, StoreContext, TermReader, _unescape, model_around, oxigraph_select,
)
from .viewmodel import LANGUAGES, ORIGINS, Entity, KnowledgeModel, pinyin_of, split_entity_iri
from .pages import (
    ARTICLE_PAGES_MAX, ENTITY_PAGES_MAX, GRAPH_NODES_MAX, GRAPH_VIEWS, LARGE_GRAPH, NEIGHBOURHOOD_MAX, NETWORK_FILES,
    OVERVIEW, GraphView, PageWriter, ViewsResult, choose_nodes, class_rows, communities, copy_assets,
    entity_page_context, graph_view, legend_of, rank_key, reset, vis_data,
)

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
LINK_STATEMENTS = PREFIXES + """SELECT ?g ?s ?p ?o ?target WHERE {
  GRAPH ?g { ?statement rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             ?annotation oa:hasBody ?statement ; oa:hasTarget ?target . }
  FILTER(isIRI(?o) && ?p != rdf:type)
}"""
COUNTS = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"""

#: Pixels between linked classes on the overview (its nodes are large: sized by their entities).
OVERVIEW_SPACING = 240.0
#: The data file of the views that ``cungai serve`` reads to render pages on demand.
CENTRALITY_FILE = "data/centrality.json"


# ---------------------------------------------------------------- reading the store as strings


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
            found = self._iris[cell] = self.reader.iri(_unescape(cell[1:-1]))
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
        return _unescape(cell[1:end]), rest[1:] if rest.startswith("@") else ""


# ---------------------------------------------------------------- the catalogue


@dataclass
class Catalogue:
    """Every entity with its names and classes, and every fact between two entities (no evidence)."""

    entities: dict[URIRef, Entity]
    links: list[tuple[URIRef, URIRef, URIRef, str]]  # (subject, predicate, object, role), every role
    shell: KnowledgeModel  # terms, class hierarchy and sources; ``entities`` is the catalogue's
    quotes: dict[tuple, str] = field(default_factory=dict)  # the first quote of each link of a source graph

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
    for graph, subject, cls in raw.rows(TYPES):
        role = fact_roles.get(graph)
        entity, value = raw.entity(subject), raw.iri(cls)
        if role is None or value is None or entity is None:
            continue
        (inferred if role == "inferred" else asserted)[entity].add(value)
        mentioned.add(entity)
    names: dict[URIRef, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    written_pinyin: dict[URIRef, list[str]] = defaultdict(list)
    pinyin = f"<{CG.pinyin}>"
    for graph, subject, predicate, value in raw.rows(NAMES):
        role = fact_roles.get(graph)
        entity = raw.entity(subject)
        if role is None or role == "inferred" or entity is None or value.startswith(("<", "_:")):
            continue
        mentioned.add(entity)
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
    for graph, subject, predicate, value, target in raw.rows(LINK_STATEMENTS):
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
    superclasses = shell.superclasses
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
            all_classes=frozenset(every | {c for cls in every for c in superclasses.get(cls, ())}),
            written_pinyin=sorted(written_pinyin[iri])[0] if written_pinyin.get(iri) else None,
        )
    shell.entities = entities
    return Catalogue(entities, sorted(set(links), key=lambda link: (str(link[0]), str(link[1]), str(link[2]), link[3])),
                     shell, quotes)


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


# ---------------------------------------------------------------- the overview (aggregated)


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


# ---------------------------------------------------------------- writing


@dataclass
class Plan:
    """What the views write: the nodes of each graph page, the entities that get a page, and around them."""

    chosen: dict[str, tuple[list[URIRef], int]]
    written: list[URIRef]
    drawn: list[URIRef] = field(default_factory=list)  # drawn on a graph page without a page of their own
    near: list[URIRef] = field(default_factory=list)  # shown around the written pages (names, classes, quotes)


def plan_pages(catalogue: Catalogue, measures: Mapping[str, Centrality], *, max_graph_nodes: int,
               max_entity_pages: int) -> Plan:
    """The nodes each graph page draws, the entities with a page, and the entities their pages show around them.

    Pages go to the entities the graph pages draw first, then to the others, the most central
    first in each, ``max_entity_pages`` in all.
    """
    links = [(s, o) for s, _, o, _ in catalogue.network_links()]
    chosen = {spec.name: choose_nodes(spec, catalogue.entities, links, measures, max_nodes=max_graph_nodes)
              for spec in GRAPH_VIEWS}
    drawn = {iri for nodes, _ in chosen.values() for iri in nodes}
    rank = rank_key(measures)
    ordered = sorted(catalogue.entities, key=lambda iri: (iri not in drawn, *rank(iri)))
    written = sorted(ordered[:max_entity_pages], key=str)
    inside = set(written)
    # The neighbourhood graph of a page draws the most central entities one fact away.
    around: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, _, o, role in catalogue.links:
        if s != o:
            around[s].add(o)
            if role != "vocabulary":
                around[o].add(s)
    near: set[URIRef] = set()
    for iri in written:
        near.update(n for n in sorted(around.get(iri, ()), key=rank)[:NEIGHBOURHOOD_MAX] if n not in inside)
    others = sorted(drawn - inside, key=str)
    return Plan(chosen, written, others, sorted(near - drawn, key=str))


def page_model(context: StoreContext, catalogue: Catalogue, plan: Plan, sources: Sequence) -> KnowledgeModel:
    """The facts the pages show, with the catalogue's names and classes for every other entity."""
    model = model_around(context, plan.written, about=plan.drawn, near=plan.near, sources=sources,
                         known=catalogue.entities)
    for entity in model.entities.values():
        entity.page = False
    for iri in plan.written:
        model.entities[iri].page = True
    return model


def store_of(graphs) -> object:
    """An in-memory Oxigraph store of rdflib named graphs (``assemble.store_of``)."""
    from ..build.assemble import store_of as assemble

    return assemble(graphs)


def write_views_from_store(store, out_dir: Path, *, report: dict, sources: Sequence = (),
                           network_dir: Path | None = None, max_graph_nodes: int = GRAPH_NODES_MAX,
                           max_entity_pages: int = ENTITY_PAGES_MAX,
                           max_article_pages: int = ARTICLE_PAGES_MAX) -> ViewsResult:
    """Write every page of the views of the build in ``store`` into ``out_dir`` (replaced).

    ``store`` is a pyoxigraph ``Store`` holding the build's named graphs (nothing in the default
    graph), ``sources`` the build's ``SourceText`` objects (their texts become the annotated
    articles), ``report`` the build report (counts, coverage). With ``network_dir``, the whole
    entity network goes there as ``kg.graphml`` and ``kg.gexf``. Graph pages draw at most
    ``max_graph_nodes`` nodes; ``max_entity_pages`` entity pages are written (the drawn entities
    first, the most central first) and ``max_article_pages`` annotated articles (by source id);
    ``cungai serve`` renders the others on demand.
    """
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    out_dir = reset(Path(out_dir))
    select, reader = oxigraph_select(store)
    context = StoreContext(select, reader)
    raw = RawReader(store, reader)
    catalogue = read_catalogue(context, raw, sources)
    lap("catalogue")
    network = network_of(catalogue, catalogue.quotes)
    measures = measure(network)
    lap("measures")
    network_files: list[Path] = []
    if network_dir is not None:
        annotate(network, measures)
        network_files = [write_graphml(network, Path(network_dir) / NETWORK_FILES[0]),
                         write_gexf(network, Path(network_dir) / NETWORK_FILES[1], date=catalogue.shell.data_date)]
        lap("network files")
    plan = plan_pages(catalogue, measures, max_graph_nodes=max_graph_nodes, max_entity_pages=max_entity_pages)
    model = page_model(context, catalogue, plan, sources)
    model.served_sources = frozenset(sorted(model.sources)[max_article_pages:])
    lap("page model")
    styles = node_styles(model, measures)
    writer = PageWriter(model, out_dir)
    copy_assets(out_dir)
    counts: dict[str, dict[str, int]] = {}
    drawn: dict[str, list[str]] = {}
    overview = overview_graph(catalogue, measures)
    writer.write(f"graph/{OVERVIEW.name}.html", "graph.html", view=overview, spec=OVERVIEW,
                 data=vis_data(overview, edge_labels=len(overview.edges) <= 60),
                 title_zh=OVERVIEW.zh, title_en=OVERVIEW.en)
    counts[OVERVIEW.name] = {"nodes": len(overview.nodes), "edges": len(overview.edges), "entities": len(overview.nodes)}
    views = []
    for spec in GRAPH_VIEWS:
        chosen, total = plan.chosen[spec.name]
        view = graph_view(model, measures, spec, styles=styles, chosen=chosen, total=total)
        if len(view.nodes) > LARGE_GRAPH:
            view.positions = layout(view.node_ids, [(e["from"], e["to"]) for e in view.edges])
        views.append(view)
        counts[spec.name] = {"nodes": len(view.nodes), "edges": len(view.edges), "entities": view.total}
        drawn[spec.name] = view.node_ids
        writer.write(f"graph/{spec.name}.html", "graph.html", view=view, spec=spec,
                     data=vis_data(view, edge_labels=len(view.edges) <= 60),
                     title_zh=spec.zh, title_en=spec.en)
    lap("graph pages")
    for iri in plan.written:
        entity = model.entities[iri]
        if entity_href(entity):
            writer.write(entity_href(entity), "entity.html", **entity_page_context(model, measures, styles, iri))
    lap("entity pages")
    articles = write_articles(writer, context, model, report)
    lap("articles")
    fact_count, inferred_count = _fact_counts(report, store)
    writer.write("index.html", "index.html", report=_report_defaults(report), views=views, overview=overview,
                 counts=counts, articles=articles,
                 class_rows=class_rows(catalogue.entities.values(), model), entity_count=len(catalogue.entities),
                 entity_pages=len(plan.written), fact_count=fact_count, inferred_count=inferred_count,
                 actors=[(entity_summary(model, e), m) for e, m in central_actors(model, measures, top=12)],
                 communities=communities(model, measures), search={"entities": search_index(model)},
                 served_articles=model.served_sources,
                 network_files=[p.name for p in network_files],
                 network={"nodes": network.number_of_nodes(), "edges": network.number_of_edges()},
                 title_zh="村改知识图谱", title_en="cungai-kg")
    write_centrality(out_dir / CENTRALITY_FILE, measures)
    manifest = {"pages": sorted(writer.pages), "graphs": counts, "drawn": drawn,
                "entities": len(catalogue.entities), "entity_pages": len(plan.written),
                "caps": {"graph_nodes": max_graph_nodes, "entity_pages": max_entity_pages, "large_graph": LARGE_GRAPH,
                         "article_pages": max_article_pages},
                "served_articles": sorted(model.served_sources),
                "network_files": [p.name for p in network_files]}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                           encoding="utf-8")
    lap("index")
    return ViewsResult(out_dir, sorted(writer.pages), counts, network_files, timings)


def _report_defaults(report: dict) -> dict:
    """The report with what the index shows, when a caller passed less (tests, ad-hoc runs)."""
    found = dict(report)
    found.setdefault("triples", 0)
    found.setdefault("evidence", {}).setdefault("coverage", 1.0)
    found.setdefault("shacl", {}).setdefault("conforms", True)
    found.setdefault("reasoner", {}).setdefault("consistent", True)
    return found


def _fact_counts(report: dict, store) -> tuple[int, int]:
    """(asserted facts, inferred triples): the sources' fact triples and the triples of the other fact graphs."""
    sizes = report.get("graphs")
    if not sizes:
        sizes = {row["g"].value: int(row["n"].value) for row in store.query(COUNTS)}
    stated = int(report.get("evidence", {}).get("fact_triples", 0))
    inferred = 0
    for name, size in sizes.items():
        tail = str(name).rsplit("/graph/", 1)[-1]
        if tail == "inferred":
            inferred += int(size)
        elif tail in ("background", "links") or tail.startswith(("dataset/", "links/")):
            stated += int(size)
    return stated, inferred


def write_centrality(path: Path, measures: Mapping[str, Centrality]) -> None:
    """The measures of every node, for pages rendered on demand: ``{iri: [degree, betweenness, pagerank, community]}``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = {node: [m.degree, m.betweenness, m.pagerank, m.community] for node, m in sorted(measures.items())}
    path.write_text(json.dumps(rows, separators=(",", ":")) + "\n", encoding="utf-8")


def read_centrality(path: Path) -> dict[str, Centrality]:
    """What ``write_centrality`` wrote (empty when the file is missing)."""
    if not path.is_file():
        return {}
    return {node: Centrality(int(d), float(b), float(p), int(c))
            for node, (d, b, p, c) in json.loads(path.read_text(encoding="utf-8")).items()}


# ---------------------------------------------------------------- articles


TEXTS_DIR = "data/texts"


def write_articles(writer: PageWriter, context: StoreContext, model: KnowledgeModel, report: dict) -> list:
    """The annotated articles: pages for the sources not in ``model.served_sources``, read one source
    graph at a time; for the others their text (``data/texts/``), which ``cungai serve`` renders from.

    Returns the article models for the index (those served on demand without their facts).
    """
    articles = []
    graphs = {str(name).rsplit("/", 1)[-1]: name for name in context.graph("source")}
    lines = ArticleLines(model)
    spans_of: dict[str, list] = defaultdict(list)
    for span in context.spans.values():
        spans_of[span.source_id].append(span)
    for source_id in sorted(model.sources):
        source = model.sources[source_id]
        name = graphs.get(source_id)
        if source_id in model.served_sources:
            text = writer.out_dir / TEXTS_DIR / (Path(article_href(source_id)).stem + ".txt")
            text.parent.mkdir(parents=True, exist_ok=True)
            text.write_text(source.text, encoding="utf-8")
            articles.append(article_from_lines(source, {span: [] for span in spans_of[source_id]}, {}, report=report))
            continue
        article = article_from_lines(source, lines.supports(context, name) if name is not None else {}, lines.hrefs,
                                     report=report)
        articles.append(article)
        writer.write(article_href(source_id), "article.html", **article_context(article))
    return articles


def article_context(article) -> dict:
    """What ``article.html`` shows of an article model."""
    return dict(article=article, title_zh=article.title_zh, title_en=article.title_en, spans_data=spans_data(article))


class ArticleLines:
    """The fact lines of the articles' spans, each node's names worked out once."""

    def __init__(self, model: KnowledgeModel):
        self.model = model
        self.nodes: dict[Node, tuple] = {}
        self.predicates: dict[Node, tuple[str, str, str]] = {}
        self.hrefs: dict[str, tuple[str, bool]] = {}

    def node(self, node: Node) -> tuple:
        """(zh, en, href, served, IRI text or "", whether an entity) of ``node``."""
        found = self.nodes.get(node)
        if found is None:
            entity = self.model.entities.get(node) if isinstance(node, URIRef) else None
            href = entity_href(entity) if entity is not None else ""
            served = served_only(entity) if entity is not None else False
            found = self.nodes[node] = (self.model.node_label(node, "zh"), self.model.node_label(node, "en"),
                                        href, served, str(node) if isinstance(node, URIRef) else "", entity is not None)
            if entity is not None:
                self.hrefs[str(node)] = (href, served)
        return found

    def predicate(self, node: Node) -> tuple[str, str, str]:
        found = self.predicates.get(node)
        if found is None:
            term = self.model.term(node)
            found = self.predicates[node] = (term.label("zh"), term.label("en"), str(node))
        return found

    def supports(self, context: StoreContext, graph: URIRef) -> dict:
        """For each span of the source graph ``graph``: the facts it supports, as article lines."""
        spans = context.spans
        supports: dict = defaultdict(list)
        seen: set[tuple] = set()
        for row in context.select(STATEMENTS, {"g": graph}):
            span = spans.get((graph, row["target"]))
            key = (row["target"], row["s"], row["p"], row["o"])
            if span is None or key in seen:
                continue
            seen.add(key)
            s_zh, s_en, s_href, s_served, subject, is_entity = self.node(row["s"])
            o_zh, o_en, o_href, o_served, _, _ = self.node(row["o"])
            p_zh, p_en, predicate = self.predicate(row["p"])
            supports[span].append(ArticleFact(subject, predicate, is_entity, {
                "s_zh": s_zh, "s_en": s_en, "p_zh": p_zh, "p_en": p_en, "o_zh": o_zh, "o_en": o_en,
                "s_href": s_href, "o_href": o_href, "s_served": s_served, "o_served": o_served}))
        return supports


# ---------------------------------------------------------------- pages on demand (cungai serve)


class OnDemandPages:
    """Entity pages rendered when asked for, from an engine that answers SPARQL SELECTs.

    ``run`` takes a SELECT query's text and returns its SPARQL JSON results (for ``cungai
    serve``: the endpoint's query workers, with their time limit); ``views_dir`` holds the written
    views (their ``data/centrality.json``). The page is the one the build would have written: the
    same template, the same model of the entity and what is around it.
    """

    def __init__(self, run, views_dir: Path):
        from types import SimpleNamespace

        from .storemodel import GRAPH_NAMES, store_base
        from .pages import PageRenderer

        probe = TermReader(BASE)
        names = [str(row["g"]) for row in probe.read_json(run(GRAPH_NAMES))]
        self.reader = TermReader(store_base(names))

        def select(text: str, bindings: Mapping[str, object]):
            return self.reader.read_json(run(with_values(text, bindings, spell=self.reader.spell)))

        self.context = StoreContext(select, self.reader)
        self.measures = read_centrality(Path(views_dir) / CENTRALITY_FILE)
        root = BASE + "source/"
        self.sources = [SimpleNamespace(source_id=str(s)[len(root):], text="")
                        for s in sorted(set(self.context.metadata.subjects()), key=str)
                        if isinstance(s, URIRef) and str(s).startswith(root)]
        self.renderer = PageRenderer(self.context.assemble((), self.sources))

    def render_article(self, name: str, views_dir: Path) -> str | None:
        """The annotated article ``name`` (a source id) from its text in ``data/texts/``; None without one."""
        from types import SimpleNamespace

        text = Path(views_dir) / TEXTS_DIR / f"{name}.txt"
        graph = next((g for g in self.context.graph("source") if str(g).rsplit("/", 1)[-1] == name), None)
        if not text.is_file() or graph is None:
            return None
        source = SimpleNamespace(source_id=name, text=text.read_text(encoding="utf-8"))
        mentioned = sorted({node for row in self.context.select(STATEMENTS, {"g": graph}) for node in (row["s"], row["o"])
                            if isinstance(node, URIRef) and split_entity_iri(node)}, key=str)
        sources = [source if s.source_id == name else s for s in self.sources]
        model = model_around(self.context, [], near=mentioned, sources=sources)
        model.served_sources = frozenset(s.source_id for s in self.sources if s.source_id != name)
        for entity in model.entities.values():
            entity.page = False
        lines = ArticleLines(model)
        article = article_from_lines(model.sources[name], lines.supports(self.context, graph), lines.hrefs)
        return self.renderer.render(article_href(name), "article.html", **article_context(article))

    def render(self, kind: str, slug: str) -> str | None:
        """The HTML of the page of ``…/id/{kind}/{slug}``; None when no fact mentions that entity."""
        iri = URIRef(BASE + "id/" + kind + "/" + slug)
        if split_entity_iri(iri) is None:
            return None
        model = model_around(self.context, [iri], sources=self.sources)
        if iri not in model.entities:
            return None
        for entity in model.entities.values():
            entity.page = False
        model.entities[iri].page = True
        styles = node_styles(model, self.measures)
        return self.renderer.render(entity_href(model.entities[iri]), "entity.html",
                                    **entity_page_context(model, self.measures, styles, iri))


__all__ = [
    "Catalogue", "OnDemandPages", "Plan", "network_of", "overview_graph", "page_model",
    "plan_pages", "read_catalogue", "write_views_from_store",
]
