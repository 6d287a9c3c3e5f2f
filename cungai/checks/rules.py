"""Reasoning at scale: SPARQL rules (a subset of OWL 2 RL) run to a fixpoint inside Oxigraph.

``apply_rules`` gives, for an ontology it accepts, the same ``…/graph/inferred`` graph and the same
verdict on consistency as the HermiT build (``cungai.checks.reason``), without the JVM and in seconds at a
million triples. It reads what HermiT reads: the ontology (the ``ontology`` argument, standing for
the store's ontology graph) and every fact of the store, i.e. every other named graph but the
inferred one, without the evidence (the triples whose subject is typed ``rdf:Statement``,
``oa:Annotation``, ``oa:SpecificResource``, ``oa:TextPositionSelector`` or ``oa:TextQuoteSelector``
in its graph), without ``owl:imports`` and without the literals outside the OWL 2 datatype map.

The rules are compiled from the ontology's axioms, not from a list of properties:

* property values (OWL 2 RL ``prp-spo1``, ``prp-inv1/2``, ``prp-symp``, ``prp-trp``):
  ``rdfs:subPropertyOf``, ``owl:inverseOf``, ``owl:SymmetricProperty`` and ``owl:TransitiveProperty``
  of object properties, to a fixpoint;
* types (``prp-dom``, ``prp-rng``, ``cax-sco``): ``rdfs:domain`` and ``rdfs:range`` of object and
  data properties (a data property inherits those of its super-properties) and ``rdfs:subClassOf``
  between named classes, applied to the asserted and the inferred property values;
* clashes (``cax-dw``, ``cax-adc``, ``cls-nothing2``, ``prp-fp``, ``dt-type2``, ``dt-not-type``): an
  individual in two classes declared disjoint (``owl:disjointWith``, ``owl:AllDisjointClasses``),
  whether by its asserted types or by the domains and ranges of the values it has; an individual
  in ``owl:Nothing``; two different values of a functional data property, compared as OWL 2
  compares them (``"1"^^xsd:int`` is ``"1.0"^^xsd:decimal``, not ``"1"^^xsd:string``); a value
  outside the ``rdfs:range`` of its data property (the integer types, decimal, double, float,
  string, plain literal, boolean, ``rdfs:Literal``); a literal that is not a valid form of its
  numeric or boolean datatype. Each clash is a ``DataError`` that names the individual, the
  classes or values, and the facts (asserted or inferred) they come from.

The inferred graph holds what the HermiT build writes there, which is less than the closure, and
the rules reproduce it exactly: HermiT (``-Y``, read by owlready2) reports a pair under an object
property only if no more specific *named* property holds for it (``x org:unitOf y`` does not also
give ``x org:subOrganizationOf y``, but two ``org:unitOf`` in a row give the
``org:subOrganizationOf`` that joins their ends), and for each individual only its most specific new
types; owlready2 keeps no value whose inverse is asserted (for a symmetric property: no mirror image
of an asserted value); facts whose subject is a subject of the ontology (its terms, the concepts of
``vocabularies.ttl``) are dropped; ``reason._add_inverses`` then adds the value of every declared
inverse of what is asserted or kept. Nothing already asserted is written. ``tests/test_rules.py``
compares rules and HermiT on the article, a synthetic district, mutations of the article that reach
each of these cases, and ontology variants (a transitive property with an inverse and a
sub-property without one; a symmetric property).

Not covered, and refused with a ``UsageError`` that says to reason with HermiT: class expressions
(``owl:Restriction`` with ``someValuesFrom``, ``allValuesFrom``, ``hasValue`` or cardinalities;
``unionOf``, ``intersectionOf``, ``complementOf``, ``oneOf``), equivalent classes or properties
(``owl:equivalentClass``, ``owl:equivalentProperty``, cycles of ``rdfs:subClassOf`` or
``rdfs:subPropertyOf``, two inverses of one property: HermiT reports those under one of the
equivalent terms only), ``owl:propertyChainAxiom``, ``owl:hasKey``, functional and
inverse-functional object properties and anything else that needs reasoning about equality
(``owl:sameAs``, ``owl:differentFrom``), reflexive, irreflexive and asymmetric properties, disjoint
properties, negative property assertions, data ranges other than the datatypes above, and schema
axioms stated in the facts instead of the ontology. The cungai ontology states none of them, so on
it the rules miss nothing HermiT would find. Not checked (SHACL's job): an object property with a
literal value, a data property with an IRI. Unsatisfiable classes without members are no clash, as
for HermiT's consistency check. No triple with a blank node is written (the facts have none).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.collection import Collection

from ..errors import DataError, UsageError
from ..rdf.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, OWL, RDF, RDFS, XSD
from ..rdf.owl import disjoint_pairs, reachable
from .reason import OWL2_DATATYPES
from .clashes import (
    INTEGER_BOUNDS, MAX_EXPLAINED, PREFIXES, REAL_RANGES, RULES, datatype_clashes, disjoint_clashes, functional_clashes,
    short,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

REASONER = "SPARQL rules (OWL 2 RL subset) in Oxigraph"
MAX_ITERATIONS = 64
# Axioms the rules understand; any other term of the OWL vocabulary in the ontology is refused.
SUPPORTED_PREDICATES = frozenset({
    OWL.inverseOf, OWL.disjointWith, OWL.members, OWL.imports, OWL.versionIRI,
    OWL.versionInfo, OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith, OWL.deprecated,
})
SUPPORTED_TYPES = frozenset({
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.OntologyProperty,
    OWL.Ontology, OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
    OWL.AllDisjointClasses, OWL.NamedIndividual, OWL.Thing, OWL.DeprecatedClass, OWL.DeprecatedProperty,
})
# Axioms whose both ends must be named terms (a blank node would be a class expression).
NAMED_ONLY = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.disjointWith)

SUPPORTED_RANGES = frozenset(INTEGER_BOUNDS) | REAL_RANGES | {
    XSD.double, XSD.float, XSD.string, RDF.PlainLiteral, RDFS.Literal, XSD.boolean,
}
@dataclass(frozen=True)
class Rule:
    """One SPARQL UPDATE: its name, the OWL 2 RL rules it implements, its text."""

    name: str
    owl_rl: str
    update: str


# The graphs of the scratch store: r:asserted (HermiT's input), r:axioms (tables compiled from the
# ontology), r:entailed (object property values), r:types (class memberships), r:result (the output).
PROPERTY_RULES = (
    Rule("property-hierarchy", "prp-spo1 prp-inv1 prp-inv2 prp-symp", """
        INSERT { GRAPH r:entailed { ?s ?q ?o } }
        WHERE { GRAPH r:axioms { ?p r:implies ?q } GRAPH r:entailed { ?s ?p ?o } } ;
        INSERT { GRAPH r:entailed { ?o ?q ?s } }
        WHERE { GRAPH r:axioms { ?p r:impliesInverse ?q } GRAPH r:entailed { ?s ?p ?o } }"""),
    Rule("transitive-property", "prp-trp", """
        INSERT { GRAPH r:entailed { ?a ?p ?c } }
        WHERE { GRAPH r:axioms { ?p a owl:TransitiveProperty } GRAPH r:entailed { ?a ?p ?b . ?b ?p ?c } }"""),
)
TYPE_RULES = (
    Rule("asserted-types", "", """
        INSERT { GRAPH r:types { ?x a ?c } } WHERE { GRAPH r:asserted { ?x a ?c } FILTER(isIRI(?c)) }"""),
    Rule("domain", "prp-dom", """
        INSERT { GRAPH r:types { ?x a ?c } }
        WHERE { GRAPH r:axioms { ?p r:domain ?c } GRAPH r:entailed { ?x ?p ?y } } ;
        INSERT { GRAPH r:types { ?x a ?c } }
        WHERE { GRAPH r:axioms { ?p a r:DataProperty ; r:domain ?c } GRAPH r:asserted { ?x ?p ?y } }"""),
    Rule("range", "prp-rng", """
        INSERT { GRAPH r:types { ?y a ?c } }
        WHERE { GRAPH r:axioms { ?p r:range ?c } GRAPH r:entailed { ?x ?p ?y } }"""),
    Rule("subclass", "cax-sco", """
        INSERT { GRAPH r:types { ?x a ?d } }
        WHERE { GRAPH r:axioms { ?c r:superClass ?d } GRAPH r:types { ?x a ?c } }"""),
)
OUTPUT_RULES = (
    Rule("most-specific-property-values", "", """
        INSERT { GRAPH r:result { ?a ?p ?b } }
        WHERE {
          GRAPH r:axioms { ?p a r:ObjectProperty } GRAPH r:entailed { ?a ?p ?b }
          FILTER(isIRI(?a) && isIRI(?b))
          FILTER NOT EXISTS { GRAPH r:asserted { ?a ?p ?b } }
          FILTER NOT EXISTS { GRAPH r:axioms { ?a a r:OntologySubject } }
          FILTER NOT EXISTS { GRAPH r:axioms { ?q r:strictSubPropertyOf ?p } GRAPH r:entailed { ?a ?q ?b } }
          FILTER NOT EXISTS { GRAPH r:axioms { ?p a owl:SymmetricProperty } GRAPH r:asserted { ?b ?p ?a } }
        }"""),
    Rule("declared-inverses", "", """
        INSERT { GRAPH r:result { ?o ?q ?s } }
        WHERE {
          GRAPH r:axioms { ?p r:declaredInverse ?q }
          { GRAPH r:asserted { ?s ?p ?o } } UNION { GRAPH r:result { ?s ?p ?o } }
          FILTER(isIRI(?s) && isIRI(?o))
          FILTER NOT EXISTS { GRAPH r:asserted { ?o ?q ?s } }
        }"""),
    Rule("most-specific-types", "", """
        INSERT { GRAPH r:result { ?x a ?c } }
        WHERE {
          GRAPH r:types { ?x a ?c } FILTER(isIRI(?x) && ?c != owl:Thing)
          MINUS { GRAPH r:asserted { ?x a ?c } }
          MINUS { GRAPH r:axioms { ?x a r:OntologySubject } }
          MINUS { GRAPH r:axioms { ?d r:strictSubClassOf ?c } GRAPH r:types { ?x a ?d } }
        }"""),
)

FACTS = """
    CONSTRUCT { ?s ?p ?o }
    WHERE {
      GRAPH ?g { ?s ?p ?o }
      MINUS {
        GRAPH ?g { ?s a ?evidence }
        VALUES ?evidence { rdf:Statement oa:Annotation oa:SpecificResource oa:TextPositionSelector oa:TextQuoteSelector }
      }
    }"""
AXIOMS_IN_FACTS = """
    SELECT ?s ?p ?o WHERE {
      GRAPH r:asserted { ?s ?p ?o }
      FILTER(?p IN (rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range)
             || (STRSTARTS(STR(?p), STR(owl:)) && ?p != owl:imports)
             || (?p = rdf:type && (?o IN (rdfs:Class, rdfs:Datatype)
                 || (STRSTARTS(STR(?o), STR(owl:)) && ?o NOT IN (owl:NamedIndividual, owl:Thing)))))
    } LIMIT 5"""
WITHHELD = """
    GRAPH r:asserted { ?s ?p ?o }
    FILTER(isLiteral(?o) && lang(?o) = "") BIND(datatype(?o) AS ?datatype)
    FILTER NOT EXISTS { GRAPH r:axioms { ?datatype a r:Owl2Datatype } }"""
COUNT_WITHHELD = "SELECT (COUNT(*) AS ?n) WHERE {" + WITHHELD + "}"
DROP_WITHHELD = "DELETE { GRAPH r:asserted { ?s ?p ?o } } WHERE {" + WITHHELD + "} ;" \
    " DELETE WHERE { GRAPH r:asserted { ?s owl:imports ?o } }"
START_ENTAILED = """
    INSERT { GRAPH r:entailed { ?s ?p ?o } }
    WHERE { GRAPH r:axioms { ?p a r:ObjectProperty } GRAPH r:asserted { ?s ?p ?o } FILTER(!isLiteral(?o)) }"""
COUNT = {
    "asserted": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH r:asserted { ?s ?p ?o } }",
    "entailed": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH r:entailed { ?s ?p ?o } }",
}
@dataclass
class RulesResult:
    """What the rules found: consistent (else a DataError was raised), what they added, how fast."""

    consistent: bool
    inferred_triples: int
    input_triples: int = 0
    withheld_literals: int = 0
    iterations: int = 0
    seconds: float = 0.0
    rules: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "reasoner": REASONER,
            "consistent": self.consistent,
            "input_triples": self.input_triples,
            "inferred_triples": self.inferred_triples,
            "withheld_literals_outside_owl2_datatype_map": self.withheld_literals,
            "rules": list(self.rules),
            "fixpoint_iterations": self.iterations,
            "seconds": round(self.seconds, 3),
        }


def rule_names() -> tuple[str, ...]:
    """Every rule and check, with the OWL 2 RL rules it implements."""
    checks = ("disjoint-classes (cax-dw cax-adc cls-nothing2)", "functional-data-property (prp-fp)",
              "data-range (dt-type2 dt-not-type)")
    rules = [f"{rule.name} ({rule.owl_rl})" if rule.owl_rl else rule.name
             for rule in PROPERTY_RULES + TYPE_RULES + OUTPUT_RULES]
    return tuple(rules) + checks


def apply_rules(
    store: ox.Store, ontology: Graph, *, graph: str = INFERRED_GRAPH, ontology_graph: str = ONTOLOGY_GRAPH,
) -> RulesResult:
    """Reason over ``store`` (a ``pyoxigraph.Store`` of named graphs) with the axioms of ``ontology``.

    The facts are every named graph but ``ontology_graph`` (``ontology`` stands for it) and
    ``graph``, without their evidence. Replaces the named graph ``graph`` with what HermiT would add
    there; raises a DataError that explains a clash (and leaves ``graph`` as it was), and a
    UsageError if the ontology or the facts need more than these rules.
    """
    import pyoxigraph as ox

    started = time.perf_counter()
    axioms = compile_axioms(ontology)
    target = ox.NamedNode(str(graph))
    scratch = ox.Store()
    scratch.extend(axioms)
    asserted = _node(RULES + "asserted")
    fact_graphs = [g for g in store.named_graphs() if g not in (target, _node(str(ontology_graph)))]
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, asserted)
                   for t in store.query(FACTS, named_graphs=fact_graphs, prefixes=PREFIXES))
    _refuse_axioms_in_facts(scratch)
    scratch.load(ontology.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=asserted)
    withheld = _count(scratch, COUNT_WITHHELD)
    scratch.update(DROP_WITHHELD, prefixes=PREFIXES)

    scratch.update(START_ENTAILED, prefixes=PREFIXES)
    size = _graph_size(scratch, "entailed")
    for iterations in range(1, MAX_ITERATIONS + 1):  # each round doubles the chains transitivity joins
        for rule in PROPERTY_RULES:
            scratch.update(rule.update, prefixes=PREFIXES)
        size, before = _graph_size(scratch, "entailed"), size
        if size == before:
            break
    else:
        raise RuntimeError(f"rules: no fixpoint after {MAX_ITERATIONS} rounds")
    for rule in TYPE_RULES:
        scratch.update(rule.update, prefixes=PREFIXES)

    clashes = disjoint_clashes(scratch) + functional_clashes(scratch) + datatype_clashes(scratch)
    if clashes:
        raise DataError(
            "rules: the ontology with the data is inconsistent.\n"
            + "\n".join(f"  - {line}" for line in clashes)
        )
    for rule in OUTPUT_RULES:
        scratch.update(rule.update, prefixes=PREFIXES)
    inferred = [ox.Quad(q.subject, q.predicate, q.object, target)
                for q in scratch.quads_for_pattern(None, None, None, _node(RULES + "result"))]
    if store.contains_named_graph(target):
        store.remove_graph(target)
    store.add_graph(target)
    store.extend(inferred)
    return RulesResult(
        consistent=True, inferred_triples=len(inferred), input_triples=_graph_size(scratch, "asserted"),
        withheld_literals=withheld, iterations=iterations, seconds=time.perf_counter() - started,
        rules=rule_names(),
    )


# --- compiling the ontology into tables ---------------------------------------------------------


def compile_axioms(ontology: Graph) -> list:
    """The ontology's axioms as quads of the ``r:axioms`` graph that the rules join against.

    Raises a UsageError that lists what the rules do not cover.
    """
    _refuse_unsupported(ontology)
    objects = {p for kind in (OWL.ObjectProperty, OWL.TransitiveProperty, OWL.SymmetricProperty)
               for p in ontology.subjects(RDF.type, kind) if isinstance(p, URIRef)}
    data = {p for p in ontology.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef)}
    annotations = set(ontology.subjects(RDF.type, OWL.AnnotationProperty))
    _check_property_kinds(ontology, objects, data, annotations)
    rows: list[tuple[URIRef, URIRef, URIRef]] = []
    add = rows.append

    # object properties: which property expressions each one implies, and which are more specific
    edges: dict[tuple, set[tuple]] = {(p, direction): set() for p in objects for direction in (1, -1)}
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        if p in objects:
            edges[(p, 1)].add((q, 1))
            edges[(p, -1)].add((q, -1))
    for p, q in ontology.subject_objects(OWL.inverseOf):
        for a, b in ((p, q), (q, p)):
            edges[(a, 1)].add((b, -1))
            edges[(a, -1)].add((b, 1))
            add((a, _r("declaredInverse"), b))
    for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
        edges[(p, 1)].add((p, -1))
        edges[(p, -1)].add((p, 1))
    reach = {node: reachable(node, edges) for node in edges}
    same = sorted(f"{short(p)} and {short(q)}" for p in objects for q in objects
                  if str(p) < str(q) and (q, 1) in reach[(p, 1)] and (p, 1) in reach[(q, 1)])
    for p in sorted(objects):
        add((p, RDF.type, _r("ObjectProperty")))
        for q, direction in reach[(p, 1)] - {(p, 1)}:
            add((p, _r("implies") if direction == 1 else _r("impliesInverse"), q))
        for q in objects - {p}:
            if (p, 1) in reach[(q, 1)]:
                add((q, _r("strictSubPropertyOf"), p))
        for domain in ontology.objects(p, RDFS.domain):
            add((p, _r("domain"), domain))
        for range_ in ontology.objects(p, RDFS.range):
            add((p, _r("range"), range_))
    for kind in (OWL.TransitiveProperty, OWL.SymmetricProperty):
        for p in ontology.subjects(RDF.type, kind):
            add((p, RDF.type, kind))

    # data properties: domains and ranges inherited from super-properties, functional ones
    data_edges = {p: {q for q in ontology.objects(p, RDFS.subPropertyOf) if q in data} for p in data}
    for p in sorted(data):
        add((p, RDF.type, _r("DataProperty")))
        for q in reachable(p, data_edges):
            for domain in ontology.objects(q, RDFS.domain):
                add((p, _r("domain"), domain))
            for range_ in ontology.objects(q, RDFS.range):
                add((p, _r("dataRange"), range_))
            if (q, RDF.type, OWL.FunctionalProperty) in ontology:
                add((p, _r("functionalWithin"), q))

    # classes: the subclass closure, strictly more specific classes, disjoint pairs
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    class_edges: dict[URIRef, set[URIRef]] = defaultdict(set)
    for c, d in ontology.subject_objects(RDFS.subClassOf):
        class_edges[c].add(d)
        classes |= {c, d}
    classes |= {c for p in objects | data for c in ontology.objects(p, RDFS.domain)}
    classes |= {c for p in objects for c in ontology.objects(p, RDFS.range)}
    supers = {c: reachable(c, class_edges) for c in classes}
    same += sorted(f"{short(c)} and {short(d)}" for c in classes for d in supers[c]
                   if str(c) < str(d) and c in supers[d])
    if same:  # HermiT reports the values and instances of equivalent terms under one of them only
        raise UsageError("rules: the ontology makes these terms equivalent, which the SPARQL rules do not "
                         "cover; reason with HermiT instead:\n" + "\n".join(f"  - {pair}" for pair in same))
    for c in sorted(classes):
        for d in supers[c]:
            add((c, _r("subClassOrSelf"), d))
            if d != c:
                add((c, _r("superClass"), d))
                if c not in supers.get(d, {d}):
                    add((c, _r("strictSubClassOf"), d))
    for a, b in sorted(disjoint_pairs(ontology)):
        add((a, _r("disjointWith"), b))

    for datatype in OWL2_DATATYPES:
        add((datatype, RDF.type, _r("Owl2Datatype")))
    for subject in set(ontology.subjects()):
        if isinstance(subject, URIRef):
            add((subject, RDF.type, _r("OntologySubject")))
    return [_quad(row, RULES + "axioms") for row in rows]


def _refuse_unsupported(ontology: Graph) -> None:
    problems = []
    for s, p, o in ontology:
        if p == RDF.type and str(o).startswith(str(OWL)) and o not in SUPPORTED_TYPES:
            problems.append(f"{short(s)} a {short(o)}")
        elif str(p).startswith(str(OWL)) and p not in SUPPORTED_PREDICATES:
            problems.append(f"{short(s)} {short(p)} {short(o)}")
        elif p in NAMED_ONLY and not (isinstance(s, URIRef) and isinstance(o, URIRef)):
            problems.append(f"{short(s)} {short(p)} a class expression")
    for s in ontology.subjects(RDF.type, OWL.FunctionalProperty):
        if (s, RDF.type, OWL.DatatypeProperty) not in ontology:
            problems.append(f"{short(s)} is a functional object property (needs reasoning about equality)")
    for s, _, members in ontology.triples((None, OWL.members, None)):
        if (s, RDF.type, OWL.AllDisjointClasses) not in ontology or any(
                not isinstance(m, URIRef) for m in Collection(ontology, members)):
            problems.append("owl:members of something other than owl:AllDisjointClasses of named classes")
    for p, dt in ontology.subject_objects(RDFS.range):
        if (p, RDF.type, OWL.DatatypeProperty) in ontology and dt not in SUPPORTED_RANGES:
            problems.append(f"{short(p)} rdfs:range {short(dt)} (a datatype the rules cannot check)")
    if problems:
        raise UsageError(
            "rules: the ontology states axioms the SPARQL rules do not cover; reason with HermiT instead:\n"
            + "\n".join(f"  - {line}" for line in sorted(set(problems))[:MAX_EXPLAINED])
        )


def _check_property_kinds(ontology: Graph, objects: set, data: set, annotations: set) -> None:
    problems = []
    for predicate in (RDFS.subPropertyOf, OWL.inverseOf):
        for p, q in ontology.subject_objects(predicate):
            kinds = {("object" if x in objects else "data" if x in data else
                      "annotation" if x in annotations else "undeclared") for x in (p, q)}
            if len(kinds) != 1 or "undeclared" in kinds or (predicate == OWL.inverseOf and kinds != {"object"}):
                problems.append(f"{short(p)} {short(predicate)} {short(q)} joins properties of kinds {sorted(kinds)}")
    for predicate in (RDFS.domain, RDFS.range):
        for p in ontology.subjects(predicate, None):
            if p not in objects | data | annotations:
                problems.append(f"{short(p)} has an {short(predicate)} but is not declared a property")
    if problems:
        raise UsageError("rules: the ontology's properties are not declared consistently:\n"
                         + "\n".join(f"  - {line}" for line in sorted(problems)))


def _refuse_axioms_in_facts(scratch) -> None:
    found = [f"{s} {p} {o}" for s, p, o in
             ((r["s"], r["p"], r["o"]) for r in scratch.query(AXIOMS_IN_FACTS, prefixes=PREFIXES))]
    if found:
        raise UsageError("rules: the facts state schema axioms, which the rules read only from the "
                         "ontology; move them there or reason with HermiT:\n"
                         + "\n".join(f"  - {line}" for line in found))


# --- clashes, explained -------------------------------------------------------------------------


# --- small helpers ------------------------------------------------------------------------------


def _r(name: str) -> URIRef:
    return URIRef(RULES + name)


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _quad(row: tuple, graph: str):
    import pyoxigraph as ox

    return ox.Quad(*(ox.NamedNode(str(term)) for term in row), ox.NamedNode(graph))


def _count(scratch, query: str) -> int:
    return int(next(iter(scratch.query(query, prefixes=PREFIXES)))["n"].value)


def _graph_size(scratch, name: str) -> int:
    return _count(scratch, COUNT[name])


