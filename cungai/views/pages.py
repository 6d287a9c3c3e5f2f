"""Browser views of the built graph: the only module that writes pyvis pages.

``storeviews.write_views_from_store`` writes ``build/views/`` from the build's Oxigraph store;
this module holds what it renders with:

- ``index.html``: what the graph holds, links to every view, a search over the entities that have
  a page, by zh, en or pinyin, the most central actors and the communities;
- ``graph/overview.html``: the whole graph aggregated, one node per class with its number of
  entities, one edge per (class, property, class) with its number of facts;
- ``graph/{whole,actors,strategies,parks,places}.html``: pyvis (vis-network) graphs, coloured and
  shaped by class with a legend that filters, sized by PageRank, zh/en labels, a search box, the
  evidence quote in every tooltip and in a panel on click. A page draws at most
  ``GRAPH_NODES_MAX`` nodes, the most central by PageRank, and says so ("showing N of M"). Small
  pages settle with vis-network's physics, which then stops; beyond ``LARGE_GRAPH`` nodes the
  positions are computed at build time (``analysis.layout``) and physics is off;
- ``entity/{kind}/{slug}.html``: ``ENTITY_PAGES_MAX`` entity pages (every entity a source
  states first, then those the graph pages draw, the most central first): statements grouped by property (``STATEMENTS_MAX`` rows each,
  the rest counted) with their evidence in context (each quote's source, date and
  claim: planned, aimed at, opinion, under way, according to whom), inferred facts marked, its neighbourhood as a
  small graph. ``cungai serve`` renders the page of any other entity when it is asked for, at the
  same URL; links to such pages carry ``data-on-demand`` and become plain text from ``file://``;
- ``article/{source}.html``: each source text with every evidence span highlighted (the first
  ``ARTICLE_PAGES_MAX`` sources; ``cungai serve`` renders the others from ``data/texts/``);
- ``assets/``: vis-network (copied from the pyvis package), the stylesheet and the page scripts;
- ``manifest.json``: every page written, the nodes each graph page draws, the caps.

pyvis 0.3.2 builds the vis-network options (nodes and edges are filled directly: its ``add_edge``
is quadratic); its own template is not used, because it links Bootstrap and vis-network from CDNs
even in ``in_line`` mode and switches to ``innerHTML`` tooltips when a title holds ``href``. Our
templates are offline, load scripts only from ``assets/`` under a Content-Security-Policy that
forbids inline scripts and every network request, escape every string (Jinja autoescape), pass
data to scripts as JSON with ``<``/``>``/``&``/``'`` escaped, and the scripts set text with
``textContent`` only.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from rdflib import URIRef

from .. import __version__
from .analysis import Centrality, in_network
from ..rdf.namespaces import CG, ORG, SCHEMA, TIME
from .pagemodels import (
    CATEGORIES, NodeStyle, article_href, category_of, community_colour, entity_summary,
    evidence_view, first_evidence, node_styles, statement_groups, term_view,
)
from .viewmodel import Entity, Fact, KnowledgeModel

VIS_VERSION = "vis-9.1.2"
NEIGHBOURHOOD_MAX = 40
LABEL_MAX = 16
#: A graph page draws at most this many nodes (the most central): vis-network stays responsive.
GRAPH_NODES_MAX = 1500
#: Entity pages the build writes at most: every entity a source states (with its quotes) first, then
#: those the graph pages draw, the most central first (``cungai serve`` renders the others on
#: demand). About 3 ms each; only a synthetic district has more entities with quotes than this.
ENTITY_PAGES_MAX = 3000
#: Beyond this many nodes a graph page gets positions computed at build time and no physics.
LARGE_GRAPH = 400
#: vis-network's dash pattern of a fact that every quote presents as planned or aimed at (inferred
#: facts use the default dashes).
PLANNED_DASHES = [2, 6]
#: Annotated articles the build writes at most (by source id); ``cungai serve`` renders the others.
#: Every source of a curated project gets one; only a synthetic district has more sources.
ARTICLE_PAGES_MAX = 500
#: An entity page lists at most this many statements of one property (the rest are counted).
STATEMENTS_MAX = 200


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
OVERVIEW = GraphViewSpec("overview", "总览", "Overview",
                         "整个图谱按类聚合：每个类一个节点（实体数），每种关系一条边（事实数）。",
                         "The whole graph aggregated: one node per class (its entities), one edge per relation (its facts).",
                         None)

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
    positions: dict[str, tuple[float, float]] | None = None  # precomputed: physics off

    @property
    def node_ids(self) -> list[str]:
        return [n["id"] for n in self.nodes]


@dataclass
class ViewsResult:
    """What the views writer wrote."""

    out_dir: Path
    pages: list[str]
    graph_counts: dict[str, dict[str, int]]
    network_files: list[Path]
    timings: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- which nodes a page draws


def rank_key(measures: Mapping[str, Centrality]):
    """Most central first (PageRank), ties by IRI."""
    def key(iri: URIRef) -> tuple:
        m = measures.get(str(iri))
        return (-(m.pagerank if m else 0.0), str(iri))
    return key


def choose_nodes(spec: GraphViewSpec, entities: Mapping[URIRef, Entity], links: Iterable[tuple[URIRef, URIRef]],
                 measures: Mapping[str, Centrality], *, max_nodes: int = GRAPH_NODES_MAX) -> tuple[list[URIRef], int]:
    """The entities a graph page draws (sorted by IRI) and how many the view holds before the cut.

    ``links`` are the (subject, object) pairs of the asserted facts between entities of the
    network: the edges a page may draw. Beyond ``max_nodes`` the most central are kept (PageRank).
    """
    chosen = [iri for iri in sorted(entities, key=str)
              if in_network(entities[iri]) and (spec.classes is None or entities[iri].is_a(spec.classes))]
    if spec.anchors is not None and spec.classes is not None:
        members = set(chosen)
        linked = {n for s, o in links if s != o and s in members and o in members for n in (s, o)}
        chosen = [iri for iri in chosen if iri in linked or entities[iri].is_a(spec.anchors)]
    total = len(chosen)
    if total > max_nodes:
        chosen = sorted(sorted(chosen, key=rank_key(measures))[:max_nodes], key=str)
    return chosen, total


def _model_links(model: KnowledgeModel) -> list[tuple[URIRef, URIRef]]:
    return [(f.subject, f.object) for f in model.facts
            if not f.inferred and f.origin != "vocabulary" and isinstance(f.object, URIRef)]


# ---------------------------------------------------------------- graph data (normalise)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _node(model: KnowledgeModel, iri: URIRef, style: NodeStyle, measures: Mapping[str, Centrality],
          *, quotes: int = 3, searchable: bool = True) -> dict:
    entity = model.entities[iri]
    summary = entity_summary(model, entity)
    m = measures.get(str(iri))
    syllables = entity.pinyin.split() if searchable else []  # pypinyin: 0.4 ms a name
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
        "href": summary["href"], "served": summary["served"],
        "evidence": first_evidence(model, entity, limit=quotes),
    }


def graph_view(model: KnowledgeModel, measures: Mapping[str, Centrality], spec: GraphViewSpec,
               *, styles: dict[URIRef, NodeStyle] | None = None, max_nodes: int = GRAPH_NODES_MAX,
               chosen: Sequence[URIRef] | None = None, total: int | None = None) -> GraphView:
    """The nodes (entities of the spec's classes) and edges (asserted facts among them) of one view.

    Beyond ``max_nodes`` the view keeps the most central entities (by PageRank) and says so.
    ``chosen`` (with ``total``) gives the nodes when they were chosen on the whole network already
    (``choose_nodes``) and ``model`` holds only the facts the pages need.
    """
    styles = styles or node_styles(model, measures)
    if chosen is None:
        chosen, total = choose_nodes(spec, model.entities, _model_links(model), measures, max_nodes=max_nodes)
    view = _graph(model, measures, styles, spec, chosen, _facts_among(model, chosen))
    view.total = total if total is not None else len(chosen)
    return view


def _facts_among(model: KnowledgeModel, chosen: Sequence[URIRef]) -> list[Fact]:
    """The facts between ``chosen`` entities, in the model's order of facts."""
    members = set(chosen)
    found = [f for iri in chosen for f in model.facts_about(iri) if f.object in members]
    order = model.fact_order()
    return sorted(found, key=lambda f: order[id(f)])


def _edge_facts(model: KnowledgeModel, facts: Iterable[Fact], members: set[URIRef], *,
                inferred: bool = False) -> list[Fact]:
    return [
        f for f in facts
        if f.subject in members and f.object in members and f.subject != f.object
        and f.origin != "vocabulary" and (inferred or not f.inferred)
    ]


def _graph(model: KnowledgeModel, measures: Mapping[str, Centrality], styles: dict[URIRef, NodeStyle],
           spec: GraphViewSpec, chosen: Sequence[URIRef], facts: Iterable[Fact], *, inferred: bool = False,
           quotes: int = 3) -> GraphView:
    searchable = spec is not NEIGHBOURHOOD  # an entity page's small graph has no search box
    nodes = [_node(model, iri, styles[iri], measures, quotes=quotes, searchable=searchable) for iri in chosen]
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
            "planned": fact.prospective,
            "dashes": True if fact.inferred else PLANNED_DASHES if fact.prospective else False,
        })
    return GraphView(spec, nodes, edges, legend_of(nodes), total=len(nodes))


def legend_of(nodes: Iterable[dict]) -> list[dict]:
    """One row per class drawn: its colour, shape and number of nodes, in the categories' order."""
    counts: dict[str, dict] = {}
    for node in nodes:
        row = counts.setdefault(node["cls"], {
            "cls": node["cls"], "zh": node["cls_zh"], "en": node["cls_en"], "colour": node["color_class"],
            "shape": node["shape"], "category": node["cat"], "count": 0})
        row["count"] += node.get("count", 1)
    order = {c.key: i for i, c in enumerate(CATEGORIES)}
    return sorted(counts.values(), key=lambda r: (order.get(r["category"], 99), -r["count"], r["cls"]))


def neighbourhood(model: KnowledgeModel, measures: Mapping[str, Centrality], iri: URIRef,
                  styles: Mapping[URIRef, NodeStyle]) -> GraphView:
    """An entity, the entities one fact away (the most central ``NEIGHBOURHOOD_MAX``) and those facts."""
    touching = [f for f in model.facts_about(iri) + model.facts_to(iri)
                if not (f.origin == "vocabulary" and f.subject != iri)]
    chosen = [iri] + neighbours_of(model, measures, iri, touching)
    view = _graph(model, measures, styles, NEIGHBOURHOOD, chosen, touching, inferred=True, quotes=1)
    for node in view.nodes:
        node["size"] = 28 if node["id"] == str(iri) else 16
    return view


def neighbours_of(model: KnowledgeModel, measures: Mapping[str, Centrality], iri: URIRef,
                  touching: Iterable[Fact] | None = None) -> list[URIRef]:
    """The entities one fact away from ``iri`` that its neighbourhood graph draws (the most central)."""
    if touching is None:
        touching = [f for f in model.facts_about(iri) + model.facts_to(iri)
                    if not (f.origin == "vocabulary" and f.subject != iri)]
    around = {other for f in touching
              for other in [f.object if f.subject == iri else f.subject]
              if isinstance(other, URIRef) and other in model.entities and other != iri}
    return sorted(sorted(around, key=rank_key(measures))[:NEIGHBOURHOOD_MAX], key=str)


# ---------------------------------------------------------------- pyvis


@lru_cache(maxsize=8)
def _options(compact: bool, large: bool, fixed: bool, count_small: bool) -> str:
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    if compact:
        net.repulsion(node_distance=140, central_gravity=0.3, spring_length=120, spring_strength=0.05, damping=0.3)
    else:
        net.force_atlas_2based(gravity=-70, central_gravity=0.012, spring_length=110, spring_strength=0.06,
                               damping=0.5, overlap=0.6)
    options = json.loads(net.options.to_json())
    # Stabilise before the first drawing, then stop (graph.js turns physics off when it is done).
    options["physics"]["stabilization"] = {"enabled": True, "iterations": 150 if large else 600,
                                           "updateInterval": 50, "fit": True}
    options["physics"]["minVelocity"] = 2.0 if large else 1.0
    if fixed:  # positions computed at build time: nothing to simulate
        options["physics"] = {"enabled": False, "stabilization": {"enabled": False}}
    options["layout"] = {"randomSeed": 7, "improvedLayout": count_small and not fixed}
    options["interaction"] = {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                              "keyboard": False, "multiselect": False, "hideEdgesOnDrag": large}
    options["nodes"] = {"font": {"size": 13, "face": "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"},
                        "borderWidth": 1}
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"color": "#9aa5b1", "highlight": "#334e68", "hover": "#334e68"},
                        "smooth": {"enabled": not large, "type": "continuous"},
                        "font": {"size": 10, "align": "middle", "color": "#52606d"}}
    return json.dumps(options)


def vis_data(view: GraphView, *, edge_labels: bool = False, compact: bool = False) -> dict:
    """The vis-network nodes, edges and options of a view (options made by pyvis, once per kind of page).

    With ``view.positions`` the nodes carry ``x``/``y`` and physics is off: the page is drawn at once.
    """
    large = len(view.nodes) > LARGE_GRAPH
    fixed = view.positions is not None
    options = json.loads(_options(compact, large, fixed, len(view.nodes) < 150))
    nodes = [dict(node) for node in view.nodes]
    if fixed:
        for node in nodes:
            node["x"], node["y"] = view.positions[node["id"]]
    edges = [dict(edge, label=edge["pred_zh"] if edge_labels else "") for edge in view.edges]
    return {"nodes": nodes, "edges": edges, "options": options, "edge_labels": edge_labels,
            "compact": compact, "fixed": fixed}


# ---------------------------------------------------------------- pages (render)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("cungai.views", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["pct"] = lambda value: f"{100 * float(value):.1f}%"
    env.globals["categories"] = CATEGORIES
    return env


def nav_of(sources: Mapping, *, overview: bool = True) -> dict:
    """The links of the header: every graph page and the articles."""
    graphs = ([{"href": f"graph/{OVERVIEW.name}.html", "zh": OVERVIEW.zh, "en": OVERVIEW.en}] if overview else [])
    graphs += [{"href": f"graph/{s.name}.html", "zh": s.zh, "en": s.en} for s in GRAPH_VIEWS]
    return {
        "graphs": graphs,
        "articles": [{"href": article_href(sid), "zh": src.title("zh"), "en": src.title("en")}
                     for sid, src in sorted(sources.items())],
    }


def copy_assets(out_dir: Path) -> None:
    """vis-network and our stylesheet and scripts into ``out_dir/assets``."""
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    vis = resources.files("pyvis") / "templates" / "lib" / VIS_VERSION
    for name in ("vis-network.min.js", "vis-network.css"):
        (assets / name).write_bytes((vis / name).read_bytes())
    ours = resources.files("cungai.views") / "templates" / "assets"
    for entry in sorted(ours.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith("."):
            (assets / entry.name).write_bytes(entry.read_bytes())


def build_date() -> str:
    """The build date: ``SOURCE_DATE_EPOCH`` (reproducible builds) when set, otherwise empty."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return ""


class PageRenderer:
    """Renders pages with the templates, the header and footer every page shares."""

    def __init__(self, model: KnowledgeModel):
        self.env = _environment()
        self.common = {"nav": nav_of(model.sources), "version": __version__, "data_date": model.data_date,
                       "build_date": build_date()}

    def render(self, relative: str, template: str, **context) -> str:
        depth = relative.count("/")
        return self.env.get_template(template).render(root="../" * depth, page=relative, **self.common, **context)


class PageWriter(PageRenderer):
    """Writes pages into a views folder and remembers which."""

    def __init__(self, model: KnowledgeModel, out_dir: Path):
        super().__init__(model)
        self.out_dir = out_dir
        self.pages: list[str] = []

    def write(self, relative: str, template: str, **context) -> None:
        target = self.out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.render(relative, template, **context), encoding="utf-8")
        self.pages.append(relative)


def entity_page_context(model: KnowledgeModel, measures: Mapping[str, Centrality],
                        styles: Mapping[URIRef, NodeStyle], iri: URIRef) -> dict:
    """What ``entity.html`` shows of ``iri``: its statements, what links to it, its neighbourhood."""
    entity = model.entities[iri]
    around = neighbourhood(model, measures, iri, styles)
    summary = entity_summary(model, entity)
    return dict(
        entity=entity, summary=summary, iri=model.public_iri(iri),
        classes=[dict(term_view(model.term(c)), inferred=False) for c in entity.classes]
        + [dict(term_view(model.term(c)), inferred=True) for c in entity.inferred_classes],
        statements=statement_groups(model, model.facts_about(iri), incoming=False, limit=STATEMENTS_MAX),
        incoming=statement_groups(model, model.facts_to(iri), incoming=True, limit=STATEMENTS_MAX),
        measures=measures.get(str(iri)), colour=styles[iri].category.colour,
        data=vis_data(around, edge_labels=True, compact=True),
        title_zh=summary["zh"], title_en=summary["en"],
    )


def class_rows(entities: Iterable[Entity], model: KnowledgeModel) -> list[dict]:
    """One row per most specific class: its labels, colour, shape and number of entities."""
    counts: dict[URIRef, int] = {}
    example: dict[URIRef, Entity] = {}
    for entity in entities:
        if entity.main_class is not None:
            counts[entity.main_class] = counts.get(entity.main_class, 0) + 1
            example.setdefault(entity.main_class, entity)
    rows = []
    for cls, count in counts.items():
        category = category_of(example[cls])
        rows.append(dict(term_view(model.term(cls)), count=count, colour=category.colour, shape=category.shape,
                         category=category.key, iri=str(cls)))
    return sorted(rows, key=lambda r: (-r["count"], r["curie"]))


def communities(model: KnowledgeModel, measures: Mapping[str, Centrality], *, top: int = 8,
                members: int = 6) -> list[dict]:
    """The largest communities with their most central members."""
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


def reset(out_dir: Path) -> Path:
    """An empty ``out_dir`` (what was there is removed)."""
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    return out_dir
