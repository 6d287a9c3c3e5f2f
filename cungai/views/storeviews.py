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
   entity pages are written (entities a source states first, then drawn ones, most central first) and ``ARTICLE_PAGES_MAX``
   annotated articles; ``cungai serve`` renders any other page when it is asked for
   (``ondemand.OnDemandPages``);
4. the page model (``storemodel.model_around``): only the facts, evidence and names those pages
   show, read with VALUES blocks, fed to the same page builders as before. Small builds (every
   entity gets a page) get exactly the pages of the whole model.

Graph pages beyond ``views.LARGE_GRAPH`` nodes carry positions computed here (``analysis.layout``)
and have physics off; smaller ones keep vis-network's physics, which settles and then stops (it
looks better on a few dozen nodes and costs nothing there).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from rdflib import URIRef

from .analysis import (
    Centrality, annotate, central_actors, layout, measure, write_gexf, write_graphml,
)
from ..config import NETWORK_FILES
from .pagemodels import (
    entity_href, entity_summary, node_styles,
    search_index,
)
from .storemodel import (
    StoreContext, model_around, oxigraph_select,
)
from .articles import write_articles
from .catalogue import RawReader, overview_graph, network_of, read_catalogue, Catalogue
from .ondemand import CENTRALITY_FILE, write_centrality
from .viewmodel import KnowledgeModel
from .pages import (
    ARTICLE_PAGES_MAX, ENTITY_PAGES_MAX, GRAPH_NODES_MAX, GRAPH_VIEWS, LARGE_GRAPH, NEIGHBOURHOOD_MAX,
    OVERVIEW, GraphView, PageWriter, ViewsResult, choose_nodes, class_rows, communities, copy_assets,
    entity_page_context, graph_view, rank_key, reset, vis_data,
)

COUNTS = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"""

# ---------------------------------------------------------------- reading the store as strings


# ---------------------------------------------------------------- the catalogue


# ---------------------------------------------------------------- the overview (aggregated)


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

    Pages go to every entity a source states first (each has quotes), then to those the graph
    pages draw, then to the others, the most central first in each, ``max_entity_pages`` in all:
    the cap only bites at synthetic district scale.
    """
    links = [(s, o) for s, _, o, _ in catalogue.network_links()]
    chosen = {spec.name: choose_nodes(spec, catalogue.entities, links, measures, max_nodes=max_graph_nodes)
              for spec in GRAPH_VIEWS}
    drawn = {iri for nodes, _ in chosen.values() for iri in nodes}
    rank = rank_key(measures)
    stated = catalogue.stated
    ordered = sorted(catalogue.entities, key=lambda iri: (iri not in stated, iri not in drawn, *rank(iri)))
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
    lap = _Laps()
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
        network_files = _write_network_files(network, measures, Path(network_dir), date=catalogue.shell.data_date)
        lap("network files")
    plan = plan_pages(catalogue, measures, max_graph_nodes=max_graph_nodes, max_entity_pages=max_entity_pages)
    model = page_model(context, catalogue, plan, sources)
    model.served_sources = frozenset(sorted(model.sources)[max_article_pages:])
    lap("page model")
    styles = node_styles(model, measures)
    writer = PageWriter(model, out_dir)
    copy_assets(out_dir)
    overview = overview_graph(catalogue, measures)
    _write_graph_page(writer, overview, OVERVIEW)
    views = [_write_graph_page(writer, graph_view(model, measures, spec, styles=styles, chosen=plan.chosen[spec.name][0],
                                                  total=plan.chosen[spec.name][1]), spec)
             for spec in GRAPH_VIEWS]
    counts = {view.spec.name: {"nodes": len(view.nodes), "edges": len(view.edges), "entities": view.total}
              for view in [overview, *views]}
    drawn = {view.spec.name: view.node_ids for view in views}
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
    _write_json(out_dir / "manifest.json", {
        "pages": sorted(writer.pages), "graphs": counts, "drawn": drawn,
        "entities": len(catalogue.entities), "entity_pages": len(plan.written),
        "caps": {"graph_nodes": max_graph_nodes, "entity_pages": max_entity_pages, "large_graph": LARGE_GRAPH,
                 "article_pages": max_article_pages},
        "served_articles": sorted(model.served_sources), "network_files": [p.name for p in network_files]})
    lap("index")
    return ViewsResult(out_dir, sorted(writer.pages), counts, network_files, lap.timings)


class _Laps:
    """Seconds spent since the previous lap, by name: the views' own timings."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 3)
        self.last = now


def _write_network_files(network, measures: Mapping[str, Centrality], folder: Path, *, date: str) -> list[Path]:
    """The whole entity network with its measures, as GraphML and GEXF (for Gephi)."""
    annotate(network, measures)
    return [write_graphml(network, folder / NETWORK_FILES[0]), write_gexf(network, folder / NETWORK_FILES[1], date=date)]


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _write_graph_page(writer: PageWriter, view: GraphView, spec) -> GraphView:
    """One graph page; a graph of more than ``LARGE_GRAPH`` nodes gets its layout computed here."""
    if view.positions is None and len(view.nodes) > LARGE_GRAPH:
        view.positions = layout(view.node_ids, [(e["from"], e["to"]) for e in view.edges])
    writer.write(f"graph/{spec.name}.html", "graph.html", view=view, spec=spec,
                 data=vis_data(view, edge_labels=len(view.edges) <= 60), title_zh=spec.zh, title_en=spec.en)
    return view


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


# ---------------------------------------------------------------- articles


# ---------------------------------------------------------------- pages on demand (cungai serve)


