"""Browser views of the built graph: the only module that writes pyvis pages.

``write_views`` writes into ``build/views/``:

- ``index.html``: what the graph holds, links to every view, a search over all entities by zh, en
  or pinyin, the most central actors and the communities;
- ``graph/{whole,actors,strategies,parks,places}.html``: pyvis (vis-network) graphs, coloured and
  shaped by class with a legend that filters, sized by PageRank, zh/en labels, a search box,
  physics that settles and then stops, the evidence quote in every tooltip and in a panel on click;
- ``entity/{kind}/{slug}.html``: one page per entity, statements grouped by property with their
  evidence in context, inferred facts marked, and its neighbourhood as a small graph;
- ``article/{source}.html``: each source text with every evidence span highlighted;
- ``assets/``: vis-network (copied from the pyvis package), the stylesheet and the page scripts;
- ``manifest.json``: every page written and the nodes and edges each graph page draws.

pyvis 0.3.2 builds the vis-network data and options (nodes and edges are filled directly: its
``add_edge`` is quadratic); its own template is not used, because it links Bootstrap and
vis-network from CDNs even in ``in_line`` mode and switches to ``innerHTML`` tooltips when a title
holds ``href``. Our templates are offline, load scripts only from ``assets/`` under a
Content-Security-Policy that forbids inline scripts and every network request, escape every
string (Jinja autoescape), pass data to scripts as JSON with ``<``/``>``/``&``/``'`` escaped, and
the scripts set text with ``textContent`` only. The network file exports (GraphML, GEXF) are
written beside ``views/`` when the build passes ``network_dir``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from rdflib import Graph, URIRef

from . import __version__
from .analysis import Centrality, annotate, central_actors, entity_network, in_network, measure, write_gexf, write_graphml
from .namespaces import CG, ORG, SCHEMA, TIME
from .pagemodels import (
    CATEGORIES, NodeStyle, article_href, article_model, category_of, community_colour, entity_href,
    entity_summary, evidence_view, first_evidence, node_styles, search_index, statement_groups, term_view,
)
from .viewmodel import Fact, KnowledgeModel, build_model

VIS_VERSION = "vis-9.1.2"
NETWORK_FILES = ("kg.graphml", "kg.gexf")
NEIGHBOURHOOD_MAX = 40
LABEL_MAX = 16
#: A graph page draws at most this many nodes (the most central): vis-network stays responsive.
GRAPH_NODES_MAX = 1500
#: Entity pages are written for at most this many entities (the most central), ~30 KB each.
ENTITY_PAGES_MAX = 5000
#: Beyond this many nodes a graph stabilises in fewer iterations and draws straight edges.
LARGE_GRAPH = 400


@dataclass(frozen=True)
class GraphViewSpec:
    """One graph page: which classes it draws (None: every entity), named in zh and en.

    A node of the view's classes that no edge of the view touches is left out, unless it is of
    one of the ``anchors`` classes (the things the view is about: every park on the parks view).
    """

    name: str
    zh: str
    en: str
    about_zh: str
    about_en: str
    classes: tuple[URIRef, ...] | None
    anchors: tuple[URIRef, ...] | None = None


NEIGHBOURHOOD = GraphViewSpec("neighbourhood", "邻域", "Neighbourhood", "", "", None)

GRAPH_VIEWS: tuple[GraphViewSpec, ...] = (
    GraphViewSpec("whole", "全图", "Whole graph", "所有实体及其关系。", "Every entity and how they relate.", None),
    GraphViewSpec("actors", "人物与机构", "Actors", "人物、职务、机构及机构的隶属关系。",
                  "People, posts, bodies and how bodies nest.", (CG.Person, ORG.Post, ORG.Organization),
                  (CG.Person, ORG.Organization)),
    GraphViewSpec("strategies", "策略与举措", "Strategies", "“三宝”策略、举措、政策工具与落实它们的活动。",
                  "The three treasures, their measures and instruments, and the activities that carry them out.",
                  (CG.Strategy, CG.Measure, CG.PolicyInstrument, CG.Policy, CG.Task, CG.Activity),
                  (CG.Strategy, CG.Measure)),
    GraphViewSpec("parks", "园区与项目", "Parks", "工业园、改造路径、项目、带数字的成果、规划及其期限。",
                  "Parks, renovation paths, projects, outcomes with numbers, plans with their periods.",
                  (CG.IndustrialPark, CG.RenovationPath, CG.Project, CG.Outcome, CG.Plan, CG.LandParcel,
                   CG.LandAction, TIME.TemporalEntity),
                  (CG.IndustrialPark, CG.RenovationPath, CG.Project)),
    GraphViewSpec("places", "地方", "Places", "行政区划层级，以及其中的园区、地块与交通站点。",
                  "The administrative hierarchy, and the parks, parcels and stations in it.",
                  (CG.Place, SCHEMA.Place), (CG.Place, SCHEMA.Place)),
)


@dataclass
class GraphView:
    """The nodes and edges one graph page draws, as vis-network data."""

    spec: GraphViewSpec
    nodes: list[dict]
    edges: list[dict]
    legend: list[dict] = field(default_factory=list)
    total: int = 0  # entities of the view before the GRAPH_NODES_MAX cut

    @property
    def node_ids(self) -> list[str]:
        return [n["id"] for n in self.nodes]


@dataclass
class ViewsResult:
    """What ``write_views`` wrote."""

    out_dir: Path
    pages: list[str]
    graph_counts: dict[str, dict[str, int]]
    network_files: list[Path]


# ---------------------------------------------------------------- graph data (normalise)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _node(model: KnowledgeModel, iri: URIRef, style: NodeStyle, measures: dict[str, Centrality],
          *, quotes: int = 3) -> dict:
    entity = model.entities[iri]
    summary = entity_summary(model, entity)
    m = measures.get(str(iri))
    syllables = entity.pinyin.split()
    return {
        "id": str(iri),
        "label": _short(summary["zh"]),
        "label_zh": summary["zh"], "label_en": summary["en"],
        "py": "".join(syllables), "ini": "".join(s[0] for s in syllables if s),
        "cls": summary["class"], "cls_zh": summary["class_zh"], "cls_en": summary["class_en"],
        "cat": style.category.key,
        "shape": style.category.shape,
        "color": style.category.colour,
        "color_class": style.category.colour,
        "color_community": community_colour(style.community),
        "size": style.size,
        "community": style.community,
        "degree": m.degree if m else 0,
        "betweenness": m.betweenness if m else 0.0,
        "pagerank": m.pagerank if m else 0.0,
        "href": summary["href"],
        "evidence": first_evidence(model, entity, limit=quotes),
    }


def _rank(measures: dict[str, Centrality]):
    def key(iri: URIRef) -> tuple:
        m = measures.get(str(iri))
        return (-(m.pagerank if m else 0.0), str(iri))
    return key


def graph_view(model: KnowledgeModel, measures: dict[str, Centrality], spec: GraphViewSpec,
               *, styles: dict[URIRef, NodeStyle] | None = None, max_nodes: int = GRAPH_NODES_MAX) -> GraphView:
    """The nodes (entities of the spec's classes) and edges (asserted facts among them) of one view.

    Beyond ``max_nodes`` the view keeps the most central entities (by PageRank) and says so.
    """
    styles = styles or node_styles(model, measures)
    chosen = [
        iri for iri, entity in sorted(model.entities.items(), key=lambda item: str(item[0]))
        if in_network(entity) and (spec.classes is None or entity.is_a(spec.classes))
    ]
    if spec.anchors is not None and spec.classes is not None:
        members = set(chosen)
        linked = {n for f in _edge_facts(model, model.facts, members) for n in (f.subject, f.object)}
        chosen = [iri for iri in chosen if iri in linked or model.entities[iri].is_a(spec.anchors)]
    total = len(chosen)
    if total > max_nodes:
        chosen = sorted(sorted(chosen, key=_rank(measures))[:max_nodes], key=str)
    view = _graph(model, measures, styles, spec, chosen, model.facts)
    view.total = total
    return view


def _edge_facts(model: KnowledgeModel, facts: Iterable[Fact], members: set[URIRef], *,
                inferred: bool = False) -> list[Fact]:
    return [
        f for f in facts
        if f.subject in members and f.object in members and f.subject != f.object
        and f.origin != "vocabulary" and (inferred or not f.inferred)
    ]


def _graph(model: KnowledgeModel, measures: dict[str, Centrality], styles: dict[URIRef, NodeStyle],
           spec: GraphViewSpec, chosen: Sequence[URIRef], facts: Iterable[Fact], *, inferred: bool = False,
           quotes: int = 3) -> GraphView:
    nodes = [_node(model, iri, styles[iri], measures, quotes=quotes) for iri in chosen]
    edges = []
    for fact in _edge_facts(model, facts, set(chosen), inferred=inferred):
        term = model.term(fact.predicate)
        edges.append({
            "id": f"e{len(edges)}",
            "from": str(fact.subject), "to": str(fact.object),
            "pred_zh": term.label("zh"), "pred_en": term.label("en"), "curie": term.curie,
            "origin": fact.origin,
            "from_zh": model.node_label(fact.subject, "zh"), "from_en": model.node_label(fact.subject, "en"),
            "to_zh": model.node_label(fact.object, "zh"), "to_en": model.node_label(fact.object, "en"),
            "evidence": [evidence_view(model, e) for e in fact.evidence[:quotes]],
            "citations": list(fact.citations),
            "dashes": fact.inferred,
        })
    counts: dict[str, dict] = {}
    for node in nodes:
        row = counts.setdefault(node["cls"], {
            "cls": node["cls"], "zh": node["cls_zh"], "en": node["cls_en"], "colour": node["color_class"],
            "shape": node["shape"], "category": node["cat"], "count": 0})
        row["count"] += 1
    order = {c.key: i for i, c in enumerate(CATEGORIES)}
    legend = sorted(counts.values(), key=lambda r: (order.get(r["category"], 99), -r["count"], r["cls"]))
    return GraphView(spec, nodes, edges, legend, total=len(nodes))


def graph_views(model: KnowledgeModel, measures: dict[str, Centrality], *,
                max_nodes: int = GRAPH_NODES_MAX) -> list[GraphView]:
    """Every graph page of ``GRAPH_VIEWS``."""
    styles = node_styles(model, measures)
    return [graph_view(model, measures, spec, styles=styles, max_nodes=max_nodes) for spec in GRAPH_VIEWS]


def neighbourhood(model: KnowledgeModel, measures: dict[str, Centrality], iri: URIRef,
                  styles: dict[URIRef, NodeStyle]) -> GraphView:
    """An entity, the entities one fact away (the most central ``NEIGHBOURHOOD_MAX``) and those facts."""
    touching = [f for f in model.facts_about(iri) + model.facts_to(iri)
                if not (f.origin == "vocabulary" and f.subject != iri)]
    around = {other for f in touching
              for other in [f.object if f.subject == iri else f.subject]
              if isinstance(other, URIRef) and other in model.entities and other != iri}
    chosen = [iri] + sorted(sorted(around, key=_rank(measures))[:NEIGHBOURHOOD_MAX], key=str)
    view = _graph(model, measures, styles, NEIGHBOURHOOD, chosen, touching, inferred=True, quotes=1)
    for node in view.nodes:
        node["size"] = 28 if node["id"] == str(iri) else 16
    return view


# ---------------------------------------------------------------- pyvis


def vis_data(view: GraphView, *, edge_labels: bool = False, compact: bool = False) -> dict:
    """The vis-network nodes, edges and options of a view, made by pyvis."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    if compact:
        net.repulsion(node_distance=140, central_gravity=0.3, spring_length=120, spring_strength=0.05, damping=0.3)
    else:
        net.force_atlas_2based(gravity=-70, central_gravity=0.012, spring_length=110, spring_strength=0.06,
                               damping=0.5, overlap=0.6)
    large = len(view.nodes) > LARGE_GRAPH
    options = json.loads(net.options.to_json())
    # Stabilise before the first drawing, then stop (graph.js turns physics off when it is done).
    options["physics"]["stabilization"] = {"enabled": True, "iterations": 150 if large else 600,
                                           "updateInterval": 50, "fit": True}
    options["physics"]["minVelocity"] = 2.0 if large else 1.0
    options["layout"] = {"randomSeed": 7, "improvedLayout": len(view.nodes) < 150}
    options["interaction"] = {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                              "keyboard": False, "multiselect": False, "hideEdgesOnDrag": large}
    options["nodes"] = {"font": {"size": 13, "face": "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"},
                        "borderWidth": 1}
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"color": "#9aa5b1", "highlight": "#334e68", "hover": "#334e68"},
                        "smooth": {"enabled": not large, "type": "continuous"},
                        "font": {"size": 10, "align": "middle", "color": "#52606d"}}
    net.nodes = [dict(node) for node in view.nodes]  # direct fill: add_node/add_edge are slow and re-validate
    net.edges = [dict(edge, label=edge["pred_zh"] if edge_labels else "") for edge in view.edges]
    net.options = options
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": json.loads(options_json),
            "edge_labels": edge_labels, "compact": compact}


# ---------------------------------------------------------------- pages (render)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("cungai", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["pct"] = lambda value: f"{100 * float(value):.1f}%"
    env.globals["categories"] = CATEGORIES
    return env


def _nav(model: KnowledgeModel) -> dict:
    return {
        "graphs": [{"href": f"graph/{s.name}.html", "zh": s.zh, "en": s.en} for s in GRAPH_VIEWS],
        "articles": [{"href": article_href(sid), "zh": src.title("zh"), "en": src.title("en")}
                     for sid, src in sorted(model.sources.items())],
    }


def _copy_assets(out_dir: Path) -> None:
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    vis = resources.files("pyvis") / "templates" / "lib" / VIS_VERSION
    for name in ("vis-network.min.js", "vis-network.css"):
        (assets / name).write_bytes((vis / name).read_bytes())
    ours = resources.files("cungai") / "templates" / "assets"
    for entry in sorted(ours.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith("."):
            (assets / entry.name).write_bytes(entry.read_bytes())


def build_date() -> str:
    """The build date: ``SOURCE_DATE_EPOCH`` (reproducible builds) when set, otherwise empty."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return ""


def write_views(graphs: dict[URIRef, Graph], out_dir: Path, *, report: dict, sources: Sequence = (),
                network_dir: Path | None = None, max_graph_nodes: int = GRAPH_NODES_MAX,
                max_entity_pages: int = ENTITY_PAGES_MAX) -> ViewsResult:
    """Write every page of the views (and, with ``network_dir``, ``kg.graphml``/``kg.gexf`` there).

    ``graphs`` are the build's named graphs, ``sources`` its ``SourceText`` objects (their texts
    become the annotated articles), ``report`` the build report (counts, coverage). Graph pages
    draw at most ``max_graph_nodes`` nodes and entity pages are written for at most
    ``max_entity_pages`` entities, the most central first (the index says when a cut was made).
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    model = build_model(graphs, sources)
    network = entity_network(model)
    measures = measure(network)
    network_files: list[Path] = []
    if network_dir is not None:
        annotate(network, measures)
        network_files = [write_graphml(network, Path(network_dir) / NETWORK_FILES[0]),
                         write_gexf(network, Path(network_dir) / NETWORK_FILES[1], date=model.data_date)]
    if len(model.entities) > max_entity_pages:
        paged = set(sorted(model.entities, key=_rank(measures))[:max_entity_pages])
        for iri, entity in model.entities.items():
            entity.page = iri in paged
    styles = node_styles(model, measures)
    env = _environment()
    nav = _nav(model)
    common = {"nav": nav, "version": __version__, "data_date": model.data_date, "build_date": build_date()}
    _copy_assets(out_dir)
    pages: list[str] = []

    def write(relative: str, template: str, **context) -> None:
        depth = relative.count("/")
        html = env.get_template(template).render(root="../" * depth, page=relative, **common, **context)
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        pages.append(relative)

    counts: dict[str, dict[str, int]] = {}
    views = [graph_view(model, measures, spec, styles=styles, max_nodes=max_graph_nodes) for spec in GRAPH_VIEWS]
    for view in views:
        data = vis_data(view, edge_labels=len(view.edges) <= 60)
        counts[view.spec.name] = {"nodes": len(view.nodes), "edges": len(view.edges), "entities": view.total}
        write(f"graph/{view.spec.name}.html", "graph.html", view=view, spec=view.spec, data=data,
              title_zh=view.spec.zh, title_en=view.spec.en)

    for iri, entity in sorted(model.entities.items(), key=lambda item: str(item[0])):
        if not entity.page:
            continue
        around = neighbourhood(model, measures, iri, styles)
        summary = entity_summary(model, entity)
        write(
            entity_href(entity), "entity.html",
            entity=entity, summary=summary, iri=model.public_iri(iri),
            classes=[dict(term_view(model.term(c)), inferred=False) for c in entity.classes]
            + [dict(term_view(model.term(c)), inferred=True) for c in entity.inferred_classes],
            statements=statement_groups(model, model.facts_about(iri), incoming=False),
            incoming=statement_groups(model, model.facts_to(iri), incoming=True),
            measures=measures.get(str(iri)), colour=styles[iri].category.colour,
            data=vis_data(around, edge_labels=True, compact=True),
            title_zh=summary["zh"], title_en=summary["en"],
        )

    paged_count = sum(1 for e in model.entities.values() if e.page)
    articles = []
    for source_id in sorted(model.sources):
        article = article_model(model, source_id, report=report)
        articles.append(article)
        write(article_href(source_id), "article.html", article=article, title_zh=article.title_zh,
              title_en=article.title_en,
              spans_data={"spans": article.spans})

    write("index.html", "index.html", report=report, views=views, counts=counts, articles=articles,
          class_rows=_class_rows(model), entity_count=len(model.entities),
          entity_pages=paged_count,
          fact_count=sum(1 for f in model.facts if not f.inferred),
          inferred_count=sum(1 for f in model.facts if f.inferred),
          actors=[(entity_summary(model, e), m) for e, m in central_actors(model, measures, top=12)],
          communities=_communities(model, measures),
          search={"entities": search_index(model)},
          network_files=[p.name for p in network_files],
          network={"nodes": network.number_of_nodes(), "edges": network.number_of_edges()},
          title_zh="村改知识图谱", title_en="cungai-kg")

    manifest = {"pages": sorted(pages), "graphs": counts, "entities": len(model.entities),
                "entity_pages": paged_count, "network_files": [p.name for p in network_files]}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                           encoding="utf-8")
    return ViewsResult(out_dir, sorted(pages), counts, network_files)


def _class_rows(model: KnowledgeModel) -> list[dict]:
    counts: dict[URIRef, int] = {}
    for entity in model.entities.values():
        if entity.main_class is not None:
            counts[entity.main_class] = counts.get(entity.main_class, 0) + 1
    rows = []
    for cls, count in counts.items():
        entity = next(e for e in model.entities.values() if e.main_class == cls)
        category = category_of(entity)
        rows.append(dict(term_view(model.term(cls)), count=count, colour=category.colour, shape=category.shape))
    return sorted(rows, key=lambda r: (-r["count"], r["curie"]))


def _communities(model: KnowledgeModel, measures: dict[str, Centrality], *, top: int = 8, members: int = 6) -> list[dict]:
    grouped: dict[int, list[tuple[str, Centrality]]] = {}
    for node, m in measures.items():
        grouped.setdefault(m.community, []).append((node, m))
    by_text = {str(iri): e for iri, e in model.entities.items()}
    found = []
    for community in sorted(grouped, key=lambda c: (-len(grouped[c]), c))[:top]:
        ranked = sorted(grouped[community], key=lambda pair: (-pair[1].pagerank, pair[0]))
        found.append({"id": community, "size": len(ranked), "colour": community_colour(community),
                      "members": [entity_summary(model, by_text[n]) for n, _ in ranked[:members] if n in by_text]})
    return found
