"""Network analysis of the entities with networkx: centrality, communities, GraphML and GEXF exports.

The network has one node per entity of the policy (people, bodies, posts, strategies, parks,
places, projects, outcomes...) and one edge per asserted fact between two entities. It leaves out
the evidence nodes, the ontology, literal values and the controlled vocabularies (units,
indicators, roles, concept schemes: hubs that would join unrelated outcomes), and the reasoner's
inferences (inverse and transitive copies of asserted facts).

Measures: degree, betweenness (exact while it stays within ``BETWEENNESS_BUDGET``, k-sampled
beyond: one breadth-first search per source node costs about 5 µs per node and edge in networkx,
so 1,900 nodes took 51 s exactly), PageRank and Louvain communities, all on the undirected simple graph because the
direction of a property is the modeller's choice (``org:holds`` could as well be ``org:heldBy``).
Seeds are fixed, so two builds of the same graph give the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .viewmodel import ACTOR_CLASSES, VOCABULARY_CLASSES, Entity, KnowledgeModel

#: Node-and-edge visits the betweenness may make (k sources × (nodes + edges)): about 5 s.
BETWEENNESS_BUDGET = 1_000_000
BETWEENNESS_MIN_SAMPLES = 32
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
    return not entity.is_a(VOCABULARY_CLASSES)


def entity_network(model: KnowledgeModel) -> nx.MultiDiGraph:
    """Entities as nodes, asserted entity-to-entity facts as edges (keyed by property CURIE).

    Node attributes: ``label`` (zh, else en), ``label_zh``, ``label_en``, ``class`` (CURIE of the
    most specific class), ``iri``. Edge attributes: ``predicate`` (IRI), ``label`` (zh), ``origin``,
    ``quote`` (the first evidence quote, empty for background facts).
    """
    network = nx.MultiDiGraph()
    for iri in sorted(model.entities, key=str):
        entity = model.entities[iri]
        if not in_network(entity):
            continue
        main = entity.main_class
        network.add_node(
            str(iri),
            label=entity.label("zh"),
            label_zh=entity.labels.get("zh", ""),
            label_en=entity.labels.get("en", ""),
            **{"class": model.term(main).curie if main is not None else ""},
            iri=model.public_iri(iri),
        )
    for fact in model.facts:
        if fact.inferred or fact.origin == "vocabulary":
            continue
        s, o = str(fact.subject), str(fact.object)
        if s == o or s not in network or o not in network:
            continue
        term = model.term(fact.predicate)
        network.add_edge(
            s, o, key=term.curie,
            predicate=str(fact.predicate),
            label=term.label("zh"),
            label_en=term.label("en"),
            origin=fact.origin,
            quote=fact.evidence[0].exact if fact.evidence else "",
        )
    return network


def measure(network: nx.MultiDiGraph) -> dict[str, Centrality]:
    """Degree, betweenness, PageRank and Louvain community of every node."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(network.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in network.edges() if u != v}))
    if simple.number_of_nodes() == 0:
        return {}
    samples = betweenness_samples(simple.number_of_nodes(), simple.number_of_edges())
    if samples < simple.number_of_nodes():
        betweenness = nx.betweenness_centrality(simple, k=samples, seed=SEED)
    else:
        betweenness = nx.betweenness_centrality(simple)
    pagerank = pagerank_of(simple)
    communities = nx.community.louvain_communities(simple, seed=SEED) if simple.number_of_edges() else [
        {n} for n in simple]
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
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


def betweenness_samples(nodes: int, edges: int) -> int:
    """How many source nodes the betweenness uses: all of them while the budget allows, else a sample."""
    affordable = BETWEENNESS_BUDGET // max(1, nodes + edges)
    return nodes if affordable >= nodes else max(BETWEENNESS_MIN_SAMPLES, affordable)


def pagerank_of(graph: nx.Graph, *, alpha: float = 0.85, tolerance: float = 1.0e-10,
                max_iterations: int = 200) -> dict[str, float]:
    """PageRank by power iteration (``nx.pagerank`` needs SciPy, which this package does not pull in).

    Dangling nodes spread their rank evenly, as ``nx.pagerank`` does; the result sums to 1.
    """
    nodes = list(graph.nodes)
    count = len(nodes)
    if count == 0:
        return {}
    rank = dict.fromkeys(nodes, 1.0 / count)
    degree = {n: graph.degree(n) for n in nodes}
    for _ in range(max_iterations):
        dangling = alpha * sum(rank[n] for n in nodes if degree[n] == 0) / count
        new = {}
        for n in nodes:
            incoming = sum(rank[m] / degree[m] for m in graph.neighbors(n))
            new[n] = (1.0 - alpha) / count + dangling + alpha * incoming
        converged = sum(abs(new[n] - rank[n]) for n in nodes) < count * tolerance
        rank = new
        if converged:
            break
    return rank


def annotate(network: nx.MultiDiGraph, measures: dict[str, Centrality]) -> nx.MultiDiGraph:
    """Write the measures onto the network's nodes (for Gephi) and return it."""
    for node, m in measures.items():
        network.nodes[node].update(degree=m.degree, betweenness=m.betweenness, pagerank=m.pagerank,
                                   community=m.community)
    return network


def write_graphml(network: nx.MultiDiGraph, path: Path) -> Path:
    """The network as GraphML (Gephi, yEd, Cytoscape)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(network, path, encoding="utf-8", prettyprint=True)
    return path


def write_gexf(network: nx.MultiDiGraph, path: Path, *, date: str = "") -> Path:
    """The network as GEXF (Gephi); ``date`` replaces the writer's today so that builds are reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(network, path, encoding="utf-8", prettyprint=True)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{date}"' if date else "", text, count=1)
    path.write_text(text, encoding="utf-8")
    return path


def central_actors(model: KnowledgeModel, measures: dict[str, Centrality], *, top: int = 10,
                   classes: frozenset | None = None) -> list[tuple[Entity, Centrality]]:
    """The ``top`` actors (people, bodies, posts) by PageRank, then betweenness, then IRI."""
    wanted = classes or ACTOR_CLASSES
    by_text = {str(iri): entity for iri, entity in model.entities.items()}
    ranked = [(by_text[node], m) for node, m in measures.items() if node in by_text and by_text[node].is_a(wanted)]
    ranked.sort(key=lambda pair: (-pair[1].pagerank, -pair[1].betweenness, str(pair[0].iri)))
    return ranked[:top]
