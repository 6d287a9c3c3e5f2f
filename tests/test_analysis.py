"""Network analysis on tiny real fixtures: what the network holds, the measures, the exports."""

from __future__ import annotations

import math
import time

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from cungai.views.analysis import (
    BETWEENNESS_MIN_SAMPLES, LOUVAIN_EDGES, betweenness_samples, central_actors, communities_of, layout, measure,
    pagerank_of, write_gexf, write_graphml,
)
from cungai.build.pipeline import build
from conftest import load_sources
from cungai.views.viewmodel import ACTOR_CLASSES

from views_oracle import entity_network, whole_model

ZHANG_SAN = "https://w3id.org/cungai/id/person/zhang-san"


def test_network_holds_entities_and_their_stated_relations(mini):
    result = build(root=mini)
    model = whole_model(result.store, load_sources(mini / "graph" / "sources"))
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
    assert betweenness_samples(200, 300) == 200
    assert BETWEENNESS_MIN_SAMPLES <= betweenness_samples(2_000, 4_000) < 2_000
    assert betweenness_samples(20_000, 60_000) == BETWEENNESS_MIN_SAMPLES
    assert betweenness_samples(200_000, 900_000) == BETWEENNESS_MIN_SAMPLES
    assert betweenness_samples(3, 2) == 3


def test_communities_of_a_large_network_partition_it_and_find_its_groups():
    """Beyond LOUVAIN_EDGES, Louvain runs over label-propagation groups: still every node once, and
    planted groups (dense inside, one edge between neighbours) come out whole."""
    graph = nx.Graph()
    for group in range(40):
        members = [f"n{group:02d}-{i:02d}" for i in range(25)]
        graph.add_edges_from(nx.gnm_random_graph(25, 120, seed=group).edges())
        graph = nx.relabel_nodes(graph, dict(zip(range(25), members)))
        graph.add_edge(members[0], f"n{(group + 1) % 40:02d}-01")
    assert graph.number_of_edges() > LOUVAIN_EDGES
    found = communities_of(graph)
    assert sorted(n for c in found for n in c) == sorted(graph)
    assert found == communities_of(graph)  # seeded
    whole = sum(1 for c in found for g in range(40) if {f"n{g:02d}-{i:02d}" for i in range(25)} <= c)
    assert whole >= 36


def test_layout_places_every_node_apart_and_the_same_way_each_time():
    graph = nx.connected_watts_strogatz_graph(900, 4, 0.05, seed=1)
    nodes = [str(n) for n in graph]
    edges = [(str(u), str(v)) for u, v in graph.edges()]
    groups = {str(n): n // 150 for n in graph}
    started = time.perf_counter()
    first = layout(nodes, edges, groups)
    print(f"\nlayout of {len(nodes)} nodes: {time.perf_counter() - started:.2f}s")  # reported, not asserted
    assert first == layout(nodes, edges, groups) and set(first) == set(nodes)
    points = list(first.values())
    assert len(set(points)) == len(points)
    linked = sum(math.dist(first[u], first[v]) for u, v in edges) / len(edges)
    anywhere = sum(math.dist(first[nodes[i]], first[nodes[-1 - i]]) for i in range(400)) / 400
    assert linked < anywhere / 3  # neighbours end up near each other


def test_streamed_exports_read_back_as_networkx_writes_them(tmp_path):
    network = nx.MultiDiGraph()
    network.add_node("a", label="甲 <&>", label_zh="甲", degree=2, pagerank=0.5, community=0)
    network.add_node("b", label='乙 "\t\n"', label_zh="乙", degree=1, pagerank=0.25, community=1)
    network.add_edge("a", "b", key="cg:p", predicate="https://x/p", label="关系", quote="原文 <b>&</b>")
    network.add_edge("a", "b", key="cg:q", predicate="https://x/q", label="另一个", quote="")
    ours_ml = write_graphml(network, tmp_path / "ours.graphml")
    ours_gexf = write_gexf(network, tmp_path / "ours.gexf", date="2020-01-01")
    nx.write_graphml(network, tmp_path / "nx.graphml")
    for ours, theirs in ((nx.read_graphml(ours_ml), nx.read_graphml(tmp_path / "nx.graphml")),):
        assert dict(ours.nodes(data=True)).keys() == dict(theirs.nodes(data=True)).keys()
        assert sorted(ours.edges(data=True, keys=True)) == sorted(theirs.edges(data=True, keys=True))
        assert ours.nodes["a"] == theirs.nodes["a"]
    gexf = nx.read_gexf(ours_gexf)
    assert gexf.nodes["a"]["label"] == "甲 <&>" and gexf.number_of_edges() == 2
    assert 'lastmodifieddate="2020-01-01"' in ours_gexf.read_text(encoding="utf-8")
    network.nodes["b"]["label_zh"] = "乙\u0001"  # XML 1.0 cannot hold it (networkx writes it anyway)
    assert nx.read_graphml(write_graphml(network, tmp_path / "control.graphml")).nodes["b"]["label_zh"] == "乙\ufffd"
    assert nx.read_gexf(write_gexf(network, tmp_path / "control.gexf")).nodes["b"]["label_zh"] == "乙\ufffd"
