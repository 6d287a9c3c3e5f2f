"""Test oracles for the views: the whole model of a small build, its whole entity network and every
graph page from it, with every fact in memory.

The views never hold every fact (they read a catalogue and the facts of the pages they write); on a
graph this small, what they draw must be what the whole model gives. These functions use the
package's own readers (``StoreContext``, ``graph_view``), only over everything at once.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import networkx as nx

from cungai.views.analysis import Centrality, network_nodes
from cungai.views.pages import GRAPH_VIEWS, GraphView, graph_view
from cungai.views.pagemodels import node_styles
from rdflib import Literal, URIRef

from cungai.rdf.namespaces import BASE
from cungai.views.storemodel import PREFIXES, STATEMENTS, StoreContext, fact_rows, oxigraph_select
from cungai.views.viewmodel import KnowledgeModel

#: Every triple of the graphs that hold facts, without the evidence nodes (filtered again by ``fact_rows``).
FACTS = PREFIXES + """SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(?g != ?sources && isIRI(?s)
         && !STRSTARTS(STR(?s), ?statements) && !STRSTARTS(STR(?s), ?annotations) && !STRSTARTS(STR(?s), ?spans))
  FILTER(?g != ?ontology || STRSTARTS(STR(?s), ?entities))
}"""


def fact_bindings(context: StoreContext) -> dict[str, object]:
    """The values ``FACTS`` filters with: graphs that hold no facts, and the IRI roots of evidence nodes."""
    ontology, sources = context.graph("vocabulary"), context.graph("sources")
    entity_root = context.base + "id/"
    return {
        "sources": sources[0] if sources else URIRef(BASE + "graph/sources"),
        "ontology": ontology[0] if ontology else URIRef(BASE + "graph/ontology"),
        "entities": Literal(entity_root),
        "statements": Literal(entity_root + "statement/"),
        "annotations": Literal(entity_root + "annotation/"),
        "spans": Literal(entity_root + "span/"),
    }


def whole_model(store, sources: Sequence = ()) -> KnowledgeModel:
    """Every fact of the build in ``store`` with its evidence (linear in the facts: small builds)."""
    select, reader = oxigraph_select(store)
    context = StoreContext(select, reader)
    evidence = context.evidence(STATEMENTS, {})
    return context.assemble(fact_rows(context, FACTS, fact_bindings(context), evidence), sources)


def entity_network(model: KnowledgeModel) -> nx.MultiDiGraph:
    """Entities as nodes, asserted entity-to-entity facts as edges keyed by property CURIE."""
    network = network_nodes(model.entities, model)
    for fact in model.facts:
        if fact.inferred or fact.origin == "vocabulary":
            continue
        s, o = str(fact.subject), str(fact.object)
        if s == o or s not in network or o not in network:
            continue
        term = model.term(fact.predicate)
        network.add_edge(s, o, key=term.curie, predicate=str(fact.predicate), label=term.label("zh"),
                         label_en=term.label("en"), origin=fact.origin,
                         quote=fact.evidence[0].exact if fact.evidence else "")
    return network


def graph_views(model: KnowledgeModel, measures: Mapping[str, Centrality]) -> list[GraphView]:
    """Every graph page of ``GRAPH_VIEWS`` from the whole model."""
    styles = node_styles(model, measures)
    return [graph_view(model, measures, spec, styles=styles) for spec in GRAPH_VIEWS]
