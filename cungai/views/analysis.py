"""Network analysis of the entities with networkx: centrality, communities, layouts, GraphML and GEXF exports.

The network has one node per entity of the policy (people, bodies, posts, strategies, parks,
places, projects, outcomes...) and one edge per asserted fact between two entities. It leaves out
the evidence nodes, the ontology, literal values and the controlled vocabularies (units,
indicators, roles, concept schemes: hubs that would join unrelated outcomes), and the reasoner's
inferences (inverse and transitive copies of asserted facts).

Measures, all on the undirected simple graph because the direction of a property is the
modeller's choice (``org:holds`` could as well be ``org:heldBy``), with fixed seeds so that two
builds of the same graph give the same numbers:

- degree;
- PageRank by power iteration in numpy (SciPy is not a dependency; the pure-Python loop took 8 s
  on the 19k nodes of a 1M-triple district, numpy 0.2 s);
- betweenness, exact while it stays within ``BETWEENNESS_BUDGET`` node-and-edge visits (one
  breadth-first search per source node costs about 5 µs per node and edge in networkx), sampled
  from ``k`` source nodes beyond (``k`` falls to ``BETWEENNESS_MIN_SAMPLES`` on large networks:
  an estimate, which the pages say);
- communities by Louvain; beyond ``LOUVAIN_EDGES`` edges (networkx's Louvain took 21 s on a 36k
  edge district) Louvain runs on the graph of the groups that a fast label propagation finds
  first, each group one weighted node, and the groups' members make up its communities.

``layout`` precomputes node positions for the large graph pages (vis-network's physics is too slow
in the browser past a few hundred nodes): each community is laid out by Fruchterman–Reingold in
numpy and the communities are packed side by side, largest first. The GraphML and GEXF writers
stream text: networkx's writers took 7 s and 4.5 s on the 1M-triple network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import networkx as nx

from .viewmodel import ACTOR_CLASSES, VOCABULARY_CLASSES, Entity, KnowledgeModel

#: Node-and-edge visits the betweenness may make (k sources × (nodes + edges)): about 0.7 s.
BETWEENNESS_BUDGET = 150_000
BETWEENNESS_MIN_SAMPLES = 4
#: Beyond this many edges Louvain runs on label-propagation groups instead of single nodes.
LOUVAIN_EDGES = 2_000
SEED = 42


@dataclass(frozen=True)
class Centrality:
    """The measures of one node."""

    degree: int
    betweenness: float
    pagerank: float
    community: int


def in_network(entity: Entity) -> bool:
    """Whether ``entity`` is a node of the network (not a controlled-vocabulary term)."""
    return _outside_vocabulary(entity.all_classes)


@lru_cache(maxsize=4096)
def _outside_vocabulary(classes: frozenset) -> bool:
    return not any(c in classes for c in VOCABULARY_CLASSES)


def network_nodes(entities: dict, model: KnowledgeModel) -> nx.MultiDiGraph:
    """A network with one node per entity that belongs in it (``in_network``), with the node
    attributes every network of the project carries; ``model`` names the classes and public IRIs."""
    network = nx.MultiDiGraph()
    for iri in sorted(entities, key=str):
        entity = entities[iri]
        if not in_network(entity):
            continue
        main = entity.main_class
        network.add_node(str(iri), label=entity.label("zh"), label_zh=entity.labels.get("zh", ""),
                         label_en=entity.labels.get("en", ""),
                         **{"class": model.term(main).curie if main is not None else ""},
                         iri=model.public_iri(iri))
    return network


def simple_graph(network: nx.Graph) -> nx.Graph:
    """The undirected simple graph of ``network`` (no loops, one edge per pair), nodes sorted."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(network.nodes))
    simple.add_edges_from(sorted({(u, v) if u < v else (v, u) for u, v in network.edges() if u != v}))
    return simple


def measure(network: nx.Graph) -> dict[str, Centrality]:
    """Degree, betweenness, PageRank and community of every node."""
    simple = simple_graph(network)
    if simple.number_of_nodes() == 0:
        return {}
    samples = betweenness_samples(simple.number_of_nodes(), simple.number_of_edges())
    if samples < simple.number_of_nodes():
        betweenness = nx.betweenness_centrality(simple, k=samples, seed=SEED)
    else:
        betweenness = nx.betweenness_centrality(simple)
    pagerank = pagerank_of(simple)
    ordered = sorted(communities_of(simple), key=lambda c: (-len(c), min(c)))
    community_of = {node: index for index, members in enumerate(ordered) for node in members}
    return {
        node: Centrality(
            degree=simple.degree(node),
            betweenness=round(betweenness.get(node, 0.0), 6),
            pagerank=round(pagerank.get(node, 0.0), 6),
            community=community_of.get(node, -1),
        )
        for node in simple.nodes
    }


def communities_of(simple: nx.Graph) -> list[set]:
    """Louvain communities; on large graphs Louvain over label-propagation groups (see the module doc)."""
    if simple.number_of_edges() == 0:
        return [{n} for n in simple]
    if simple.number_of_edges() <= LOUVAIN_EDGES:
        return nx.community.louvain_communities(simple, seed=SEED)
    groups = sorted((sorted(g) for g in nx.community.fast_label_propagation_communities(simple, seed=SEED)),
                    key=lambda g: g[0])
    group_of = {node: index for index, members in enumerate(groups) for node in members}
    coarse = nx.Graph()
    coarse.add_nodes_from(range(len(groups)))
    for u, v in simple.edges():
        a, b = group_of[u], group_of[v]
        if a != b:
            weight = coarse.get_edge_data(a, b, {"weight": 0})["weight"]
            coarse.add_edge(a, b, weight=weight + 1)
    merged = nx.community.louvain_communities(coarse, weight="weight", seed=SEED)
    return [{node for g in part for node in groups[g]} for part in merged]


def betweenness_samples(nodes: int, edges: int) -> int:
    """How many source nodes the betweenness uses: all of them while the budget allows, else a sample."""
    affordable = BETWEENNESS_BUDGET // max(1, nodes + edges)
    return nodes if affordable >= nodes else min(nodes, max(BETWEENNESS_MIN_SAMPLES, affordable))


def pagerank_of(graph: nx.Graph, *, alpha: float = 0.85, tolerance: float = 1.0e-10,
                max_iterations: int = 200) -> dict[str, float]:
    """PageRank by power iteration in numpy (``nx.pagerank`` needs SciPy, which this package does not pull in).

    Dangling nodes spread their rank evenly, as ``nx.pagerank`` does; the result sums to 1.
    """
    import numpy as np

    nodes = list(graph.nodes)
    count = len(nodes)
    if count == 0:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    pairs = [(index[u], index[v]) for u, v in graph.edges() if u != v]
    ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    tail = np.concatenate([ends[:, 0], ends[:, 1]])  # each undirected edge both ways
    head = np.concatenate([ends[:, 1], ends[:, 0]])
    degree = np.bincount(tail, minlength=count).astype(float)
    dangling = degree == 0
    safe = np.where(dangling, 1.0, degree)
    rank = np.full(count, 1.0 / count)
    for _ in range(max_iterations):
        spread = alpha * rank[dangling].sum() / count
        new = (1.0 - alpha) / count + spread + alpha * np.bincount(head, weights=(rank / safe)[tail], minlength=count)
        converged = np.abs(new - rank).sum() < count * tolerance
        rank = new
        if converged:
            break
    return {n: float(r) for n, r in zip(nodes, rank)}


# ---------------------------------------------------------------- layouts

#: Pixels between two linked nodes, roughly, in a precomputed layout.
LAYOUT_SPACING = 70.0
#: Beyond this many nodes a group's repulsion is computed against a sample of the others.
LAYOUT_SAMPLE = 200


def layout(nodes: Sequence[str], edges: Iterable[tuple[str, str]], groups: Mapping[str, int] | None = None, *,
           iterations: int = 80, seed: int = 7, spacing: float = LAYOUT_SPACING) -> dict[str, tuple[float, float]]:
    """Positions (in vis-network pixels) for ``nodes``: each group laid out alone, the groups packed.

    ``groups`` maps a node to its group; by default the communities of the drawn graph itself
    (``communities_of``: the communities of the whole network scatter when only part of them is
    drawn). Nodes of groups of one or two (isolated nodes) are put together in a grid.
    Fruchterman–Reingold in numpy, seeded: the same graph gets the same picture.
    """
    import numpy as np

    edges = list(edges)
    if groups is None:
        drawn = nx.Graph()
        drawn.add_nodes_from(sorted(nodes))
        drawn.add_edges_from(sorted({(u, v) if u < v else (v, u) for u, v in edges if u != v and u in drawn and v in drawn}))
        groups = {node: index for index, members in enumerate(sorted(communities_of(drawn), key=lambda c: (-len(c), min(c))))
                  for node in members}
    members: dict[int, list[str]] = {}
    for node in sorted(nodes):
        members.setdefault(groups.get(node, -1), []).append(node)
    small = [n for g in sorted(members, key=str) if len(members[g]) <= 2 for n in members[g]]
    blocks = [members[g] for g in sorted(members, key=lambda g: (-len(members[g]), str(g))) if len(members[g]) > 2]
    where = {n: i for i, n in enumerate(nodes)}
    linked: dict[str, list[str]] = {}
    for u, v in edges:
        if u in where and v in where and u != v:
            linked.setdefault(u, []).append(v)
            linked.setdefault(v, []).append(u)
    rng = np.random.default_rng(seed)
    pieces: list[tuple[list[str], "np.ndarray"]] = []
    for block in blocks:
        local = {n: i for i, n in enumerate(block)}
        pairs = sorted({(local[u], local[v]) if local[u] < local[v] else (local[v], local[u])
                        for u in block for v in linked.get(u, ()) if v in local})
        rounds = iterations if len(block) > 40 else max(20, iterations // 3)
        pieces.append((block, _fruchterman_reingold(len(block), pairs, rng, iterations=rounds)))
    if small:
        side = math.ceil(math.sqrt(len(small)))
        grid = np.array([[(i % side) * 1.0, (i // side) * 1.0] for i in range(len(small))])
        pieces.append((small, grid - grid.mean(axis=0) if len(small) > 1 else grid * 0))
    return _pack(pieces, spacing)


def _fruchterman_reingold(count: int, pairs: list[tuple[int, int]], rng, *, iterations: int):
    """Positions with mean edge length about 1 (numpy; repulsion sampled beyond ``LAYOUT_SAMPLE`` nodes)."""
    import numpy as np

    if count == 1:
        return np.zeros((1, 2))
    angle = rng.random(count) * 2 * math.pi
    spread = np.sqrt(rng.random(count))
    x, y = np.cos(angle) * spread, np.sin(angle) * spread
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    a, b = edges[:, 0], edges[:, 1]
    k2 = 1.0 / count
    k = math.sqrt(k2)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    everyone = np.arange(count)
    for _ in range(iterations):
        if count > LAYOUT_SAMPLE:
            others, weight = rng.choice(count, LAYOUT_SAMPLE, replace=False), count / LAYOUT_SAMPLE
        else:
            others, weight = everyone, 1.0
        dx = x[:, None] - x[None, others]
        dy = y[:, None] - y[None, others]
        force = dx * dx
        force += dy * dy
        np.maximum(force, 1e-4, out=force)
        np.divide(weight * k2, force, out=force)
        sx = (dx * force).sum(axis=1)
        sy = (dy * force).sum(axis=1)
        if len(edges):
            ex, ey = x[a] - x[b], y[a] - y[b]
            pull = np.sqrt(ex * ex + ey * ey) / k
            sx -= np.bincount(a, ex * pull, count) - np.bincount(b, ex * pull, count)
            sy -= np.bincount(a, ey * pull, count) - np.bincount(b, ey * pull, count)
        size = np.maximum(np.sqrt(sx * sx + sy * sy), 0.01)
        step = np.minimum(size, temperature) / size
        x += sx * step
        y += sy * step
        temperature -= cooling
    pos = np.stack([x - x.mean(), y - y.mean()], axis=1)
    if len(edges):
        mean = float(np.sqrt(((pos[a] - pos[b]) ** 2).sum(axis=1)).mean())
    else:
        mean = k
    return pos / max(mean, 1e-6)


def _pack(pieces, spacing: float) -> dict[str, tuple[float, float]]:
    """Pieces placed in rows, largest first, each scaled to ``spacing`` and kept apart."""
    placed: dict[str, tuple[float, float]] = {}
    if not pieces:
        return placed
    boxes = []
    for block, pos in pieces:
        pos = pos * spacing
        low, high = pos.min(axis=0), pos.max(axis=0)
        boxes.append((block, pos - low, (high - low) + spacing))
    area = sum(float(w * h) for _, _, (w, h) in boxes)
    width = max(max(float(w) for _, _, (w, _) in boxes), math.sqrt(area) * 1.3)
    x = y = row = 0.0
    for block, pos, (w, h) in boxes:
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for node, (px, py) in zip(block, pos):
            placed[node] = (round(x + float(px), 1), round(y + float(py), 1))
        x += float(w)
        row = max(row, float(h))
    cx = sum(p[0] for p in placed.values()) / len(placed)
    cy = sum(p[1] for p in placed.values()) / len(placed)
    return {n: (round(px - cx, 1), round(py - cy, 1)) for n, (px, py) in placed.items()}


# ---------------------------------------------------------------- exports


def annotate(network: nx.MultiDiGraph, measures: dict[str, Centrality]) -> nx.MultiDiGraph:
    """Write the measures onto the network's nodes (for Gephi) and return it."""
    for node, m in measures.items():
        network.nodes[node].update(degree=m.degree, betweenness=m.betweenness, pagerank=m.pagerank,
                                   community=m.community)
    return network


#: Characters XML 1.0 cannot hold become U+FFFD; markup characters become entities.
_ILLEGAL = {c: "\ufffd" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}
_TEXT = str.maketrans({**_ILLEGAL, "&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({**_ILLEGAL, "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _xml(value: object) -> str:
    return str(value).translate(_TEXT)


def _attr(value: object) -> str:
    return '"' + str(value).translate(_ATTRIBUTE) + '"'


def _columns(items: Iterable[dict]) -> list[tuple[str, str]]:
    """(name, GraphML type) of every attribute in ``items``, in first-seen order."""
    found: dict[str, str] = {}
    for data in items:
        for name, value in data.items():
            if name not in found:
                found[name] = "long" if isinstance(value, int) and not isinstance(value, bool) else (
                    "double" if isinstance(value, float) else "string")
    return list(found.items())


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def write_graphml(network: nx.MultiDiGraph, path: Path) -> Path:
    """The network as GraphML (Gephi, yEd, Cytoscape), written as a stream (what ``nx.write_graphml`` writes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    node_columns = _columns(data for _, data in network.nodes(data=True))
    edge_columns = _columns(data for _, _, data in network.edges(data=True))
    node_key = {name: f"d{i}" for i, (name, _) in enumerate(node_columns)}
    edge_key = {name: f"d{i + len(node_columns)}" for i, (name, _) in enumerate(edge_columns)}
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for columns, keys, kind in ((edge_columns, edge_key, "edge"), (node_columns, node_key, "node")):
            for name, kind_of in reversed(columns):
                out.write(f'  <key id="{keys[name]}" for="{kind}" attr.name={_attr(name)} attr.type="{kind_of}" />\n')
        out.write('  <graph edgedefault="directed">\n')
        for node, data in network.nodes(data=True):
            out.write(f"    <node id={_attr(node)}>\n")
            out.writelines(f'      <data key="{node_key[k]}">{_xml(_text(v))}</data>\n' for k, v in data.items())
            out.write("    </node>\n")
        for u, v, key, data in network.edges(keys=True, data=True):
            out.write(f"    <edge source={_attr(u)} target={_attr(v)} id={_attr(key)}>\n")
            out.writelines(f'      <data key="{edge_key[k]}">{_xml(_text(val))}</data>\n' for k, val in data.items())
            out.write("    </edge>\n")
        out.write("  </graph>\n</graphml>\n")
    return path


def write_gexf(network: nx.MultiDiGraph, path: Path, *, date: str = "") -> Path:
    """The network as GEXF 1.2 (Gephi), written as a stream; ``date`` is the file's date (reproducible builds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    node_columns = [(n, t) for n, t in _columns(data for _, data in network.nodes(data=True)) if n != "label"]
    edge_columns = [(n, t) for n, t in _columns(data for _, _, data in network.edges(data=True)) if n != "label"]
    edge_columns.append(("networkx_key", "string"))
    edge_id = {name: str(i + len(node_columns)) for i, (name, _) in enumerate(edge_columns)}
    node_id = {name: str(i) for i, (name, _) in enumerate(node_columns)}
    stamp = f' lastmodifieddate="{_xml(date)}"' if date else ""
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
                  f"  <meta{stamp}>\n    <creator>cungai-kg</creator>\n  </meta>\n"
                  '  <graph defaultedgetype="directed" mode="static" name="">\n')
        for columns, ids, kind in ((edge_columns, edge_id, "edge"), (node_columns, node_id, "node")):
            out.write(f'    <attributes mode="static" class="{kind}">\n')
            out.writelines(f'      <attribute id="{ids[n]}" title={_attr(n)} type="{t}" />\n' for n, t in columns)
            out.write("    </attributes>\n")
        out.write("    <nodes>\n")
        for node, data in network.nodes(data=True):
            out.write(f"      <node id={_attr(node)} label={_attr(data.get('label', node))}>\n        <attvalues>\n")
            out.writelines(f'          <attvalue for="{node_id[k]}" value={_attr(_text(v))} />\n'
                           for k, v in data.items() if k != "label")
            out.write("        </attvalues>\n      </node>\n")
        out.write("    </nodes>\n    <edges>\n")
        for number, (u, v, key, data) in enumerate(network.edges(keys=True, data=True)):
            label = f" label={_attr(data['label'])}" if "label" in data else ""
            out.write(f'      <edge source={_attr(u)} target={_attr(v)} id="{number}"{label}>\n        <attvalues>\n')
            values = [(k, val) for k, val in data.items() if k != "label"] + [("networkx_key", key)]
            out.writelines(f'          <attvalue for="{edge_id[k]}" value={_attr(_text(val))} />\n' for k, val in values)
            out.write("        </attvalues>\n      </edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")
    return path


def central_actors(model: KnowledgeModel, measures: dict[str, Centrality], *, top: int = 10,
                   classes: frozenset | None = None) -> list[tuple[Entity, Centrality]]:
    """The ``top`` actors (people, bodies, posts) by PageRank, then betweenness, then IRI."""
    wanted = classes or ACTOR_CLASSES
    by_text = {str(iri): entity for iri, entity in model.entities.items()}
    ranked = [(by_text[node], m) for node, m in measures.items() if node in by_text and by_text[node].is_a(wanted)]
    ranked.sort(key=lambda pair: (-pair[1].pagerank, -pair[1].betweenness, str(pair[0].iri)))
    return ranked[:top]
