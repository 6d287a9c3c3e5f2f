"""OWL where OWL is promised: ``ontology.owl`` and ``kg.owl`` are OWL 2 DL (py-horned-owl's profile checker),
``kg.owl`` holds every fact of the union, and the reasoner changes no process-wide state.
"""

from __future__ import annotations

import socket
import threading

import pyhornedowl
import pytest
from pyhornedowl.profile import check_profile
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cungai.checks.reason import reason
from cungai.rdf.namespaces import CG

LU_DEQUAN = URIRef("https://w3id.org/cungai/id/person/lu-dequan")


@pytest.mark.parametrize("name", ["ontology.owl", "kg.owl"])
def test_the_owl_files_are_owl_2_dl(built, name):
    report = check_profile(pyhornedowl.open_ontology(str(built.out_dir / name)), "DL")
    found = [f"{type(v).__name__} {getattr(v, 'iri', '')}" for v in report.violations]
    assert report.conformant, found


def test_kg_ttl_is_rdf_not_owl_and_says_why(built):
    """The union keeps the evidence (RDF reification) and VoID, which OWL 2 DL cannot hold: kg.owl is the OWL file."""
    report = check_profile(pyhornedowl.open_ontology(str(built.out_dir / "kg.ttl")), "DL")
    undeclared = {str(getattr(v, "iri", "")) for v in report.violations}
    assert str(RDF.subject) in undeclared and "http://rdfs.org/ns/void#inDataset" in undeclared


def test_kg_owl_holds_every_fact_without_the_evidence(built):
    owl = Graph().parse(built.out_dir / "kg.owl", format="xml")
    union = Graph().parse(built.out_dir / "kg.nt", format="nt")
    assert (LU_DEQUAN, RDF.type, CG.Official) in owl
    evidence = ("statement", "annotation", "span")
    facts = {t for t in union if not any(str(t[0]).startswith(f"https://w3id.org/cungai/id/{k}/") for k in evidence)
             and "rdfs.org/ns/void#" not in str(t[1]) and "rdfs.org/ns/void#" not in str(t[2])}
    assert len(owl) == len(facts) and not any(p == RDF.subject for p in owl.predicates())


def test_the_reasoner_leaves_the_socket_timeout_alone(built, monkeypatch):
    """``--checks scale`` runs HermiT in a thread beside other work: no process-wide setting may change."""
    calls: list = []
    monkeypatch.setattr(socket, "setdefaulttimeout", lambda value: calls.append(value))
    before = socket.getdefaulttimeout()
    ontology = built.graphs[URIRef("https://w3id.org/cungai/graph/ontology")]
    done: dict = {}
    worker = threading.Thread(target=lambda: done.update(result=reason(ontology, Graph())))
    worker.start()
    worker.join()
    assert done["result"].consistent
    assert calls == [] and socket.getdefaulttimeout() == before
