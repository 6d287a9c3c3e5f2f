"""Network analysis on tiny real fixtures: what the network holds, the measures, the exports."""

from __future__ import annotations

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from cungai.analysis import betweenness_samples, central_actors, entity_network, measure, pagerank_of
from cungai.build import build
from cungai.sources import load_sources
from cungai.viewmodel import ACTOR_CLASSES, build_model

ZHANG_SAN = "https://w3id.org/cungai/id/person/zhang-san"


def test_network_holds_entities_and_their_stated_relations(mini):
    result = build(root=mini)
    model = build_model(result.graphs, load_sources(mini / "graph" / "sources"))
    network = entity_network(model)
    nodes = set(network.nodes)
    assert ZHANG_SAN in nodes
    assert not any("/id/statement/" in n or "/id/annotation/" in n or "/id/span/" in n for n in nodes)
    assert not any("/id/unit/" in n or "/id/indicator/" in n or "/id/role/" in n for n in nodes)  # vocabulary
    predicates = {data["predicate"] for _, _, data in network.edges(data=True)}
    assert "http://www.w3.org/ns/org#holds" in predicates
    assert "http://www.w3.org/ns/org#heldBy" not in predicates  # inferred inverse left out
    holds = next(d for _, _, d in network.edges(data=True) if d["predicate"].endswith("#holds"))
    assert holds["quote"] == "示例街道党工委书记张三"
    measures = measure(network)
    assert measures == measure(entity_network(model))  # seeded: the same numbers every time
    assert abs(sum(m.pagerank for m in measures.values()) - 1) < 1e-3
    top = central_actors(model, measures, top=3)
    assert {str(e.iri) for e, _ in top} == {
        ZHANG_SAN, "https://w3id.org/cungai/id/post/shili-shuji", "https://w3id.org/cungai/id/body/shili-dangongwei"}
    assert all(e.is_a(ACTOR_CLASSES) for e, _ in top)


def test_build_writes_graphml_and_gexf_beside_the_views(mini):
    build(root=mini)
    graphml = nx.read_graphml(mini / "build" / "kg.graphml")
    gexf = nx.read_gexf(mini / "build" / "kg.gexf")
    assert ZHANG_SAN in graphml and ZHANG_SAN in gexf
    assert graphml.nodes[ZHANG_SAN]["label_zh"] == "张三"
    assert {"degree", "betweenness", "pagerank", "community"} <= set(graphml.nodes[ZHANG_SAN])
    assert 'lastmodifieddate="2020-01-01"' in (mini / "build" / "kg.gexf").read_text(encoding="utf-8")


def test_pagerank_matches_networkx():
    graph = nx.gnm_random_graph(300, 700, seed=3)
    graph.add_nodes_from(range(300, 305))  # isolated nodes: dangling rank is spread evenly
    ours = pagerank_of(graph)
    theirs = _pagerank_python(graph, tol=1e-12, max_iter=500)
    assert max(abs(ours[n] - theirs[n]) for n in graph) < 1e-6


def test_betweenness_is_exact_when_small_and_sampled_when_large():
    assert betweenness_samples(300, 400) == 300
    assert 32 <= betweenness_samples(20_000, 60_000) < 20_000
    assert betweenness_samples(200_000, 900_000) == 32
