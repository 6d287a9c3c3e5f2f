"""SHACL validation compiled to SPARQL and run inside a pyoxigraph Store: the build's check at scale.

pySHACL walks an rdflib graph in Python (about 110 s at a million triples). Here each shape of
``ontology/shapes.ttl`` that is checked (a shape with a target, and its property shapes) becomes one
SPARQL query: a UNION of blocks, each returning the focus nodes (``?this``) that break a constraint
and the offending value (``?value``) where SHACL reports one. All of them take about 0.6 s of CPU at
100k triples (pySHACL: 14 s) and 7 s at a million, growing linearly with the focus nodes.
``validate_store`` reports the same ``Violation``s as ``validate.validate`` (pySHACL), which
``tests/test_shacl_sparql.py`` checks on the article, a synthetic district and broken graphs.

Supported, which is everything the project's shapes use:

* targets: ``sh:targetClass`` (instances of the class or of a subclass: ``rdf:type/rdfs:subClassOf*``
  over the data graph, which includes the ontology graph);
* paths: an IRI, or ``sh:inversePath`` of an IRI;
* node shapes: ``sh:property``, ``sh:message``, ``sh:severity`` and the value constraints below
  (the value node is the focus node itself);
* property shapes: ``sh:minCount``, ``sh:maxCount``, ``sh:qualifiedValueShape`` with
  ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount``, ``sh:uniqueLang``, ``sh:lessThan``;
* value constraints: ``sh:class``, ``sh:datatype``, ``sh:or``, ``sh:languageIn``, ``sh:minLength``,
  ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``;
* inside ``sh:or`` and ``sh:qualifiedValueShape``: value constraints, or a path with
  ``sh:minCount`` / ``sh:maxCount`` and value constraints.

Any other SHACL parameter on a shape that is checked (another target or path form, ``sh:node``,
``sh:pattern``, ``sh:deactivated``, a datatype Oxigraph rewrites…) raises ``DataError`` naming the
shape and the parameter, so a change to the shapes can never silently weaken validation.

Known differences from pySHACL, all on data the build does not write:

* ``sh:datatype`` needs a well-formed literal per XSD, as Oxigraph parses it: pySHACL (through
  rdflib) accepts ``" 5"^^xsd:integer`` and any ``xsd:gYear``; here they are violations.
* Oxigraph stores every integer-derived datatype (``xsd:nonNegativeInteger``, ``xsd:int``…) as
  ``xsd:integer``, so ``sh:datatype`` with one of them cannot be checked and raises ``DataError``
  (use ``xsd:integer`` with ``sh:minInclusive``). It also lower-cases language tags and writes
  numbers canonically, so a reported value may be spelled differently (``"05"`` becomes ``"5"``).
* ``sh:languageIn`` uses SPARQL ``langMatches`` (pySHACL compares the first subtag only) and
  ``sh:lessThan`` SPARQL ``<`` (pySHACL compares IRIs and language strings as text).
* A shape without ``sh:message`` is reported with the component's name as its rule, where pySHACL
  writes a sentence of its own.

The store holds only named graphs, so every query runs over their union
(``use_default_graph_as_union``); pyoxigraph repeats a triple once per graph that holds it, hence
``DISTINCT`` in every projection and ``COUNT(DISTINCT …)`` in every count. Every term in the
SPARQL text comes from the shapes graph (``sparql.sparql_term``); nothing from the data is pasted in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, NoReturn

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD, NamespaceManager
from rdflib.term import Node

from ..errors import DataError
from ..rdf.namespaces import SH, bind_prefixes, prefix_block
from ..rdf.sparql import sparql_term
from ..rdf.terms import to_rdflib
from .validate import Violation

if TYPE_CHECKING:
    import pyoxigraph

PREFIXES = prefix_block("rdf", "rdfs", "xsd")

#: Datatypes that Oxigraph parses, so that a cast to the datatype fails exactly on an ill-formed
#: literal (``"1e5"^^xsd:decimal``, ``"2024-02-30"^^xsd:date``, ``"24"^^xsd:gYear``).
CASTABLE_DATATYPES = frozenset({
    XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.dateTime, XSD.date, XSD.time,
    XSD.gYear, XSD.gYearMonth, XSD.duration,
})
#: Datatypes that Oxigraph rewrites to ``xsd:integer`` when it stores a literal: not checkable in a store.
INTEGER_DERIVED = frozenset({
    XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger,
    XSD.long, XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
})
UNSUPPORTED_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
NOT_VALIDATING = frozenset({SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group})
MAX_NESTING = 8  # sh:or / sh:qualifiedValueShape inside each other: deeper is taken for a recursive shape
NOT_IN_IRI = frozenset('<>"{}|^`\\ \t\r\n')


@dataclass(frozen=True)
class Constraint:
    """One constraint of a shape, as its results are reported: the component and the rule (message)."""

    component: str
    rule: str


@dataclass(frozen=True)
class CompiledShape:
    """A shape whose results are reported: one SPARQL query, the path and severity of its results."""

    name: str
    path: str
    severity: str
    constraints: tuple[Constraint, ...]
    blocks: tuple[str, ...]

    @property
    def query(self) -> str:
        """One SELECT for every result of the shape: the UNION of its blocks. Each block binds ``?this``
        (the focus node), ``?k`` (the index of the constraint), ``?value`` where SHACL reports a
        value, and ``?x`` to tell apart the results SHACL gives once per language or compared value."""
        blocks = "\n  UNION\n".join(f"  {{\n{block}\n  }}" for block in self.blocks)
        return f"{PREFIXES}\nSELECT DISTINCT ?this ?value ?k ?x WHERE {{\n{blocks}\n}}"


@dataclass(frozen=True)
class _Context:
    """What compiling a shape needs: the shapes graph, fresh variable names, the shape's name for errors."""

    shapes: Graph
    counter: Callable[[], int]
    name: str
    depth: int = 0

    def var(self) -> str:
        return f"?v{self.counter()}"

    def within(self, name: str) -> _Context:
        if self.depth == MAX_NESTING:
            self.fail(f"nesting deeper than {MAX_NESTING} (a recursive shape?)")
        return _Context(self.shapes, self.counter, f"{self.name}, {name}", self.depth + 1)

    def n3(self, term: Node) -> str:
        return term.n3(self.shapes.namespace_manager)

    def fail(self, what: str) -> NoReturn:
        raise DataError(f"SHACL shape {self.name}: {what} is not supported by the SPARQL validator "
                        "(cungai/checks/shacl_sparql.py), so these shapes cannot be checked inside Oxigraph")

    def objects(self, shape: Node, parameter: URIRef) -> list[Node]:
        return sorted(self.shapes.objects(shape, parameter), key=lambda term: term.n3())

    def one(self, shape: Node, parameter: URIRef) -> Node:
        values = self.objects(shape, parameter)
        if len(values) != 1:
            self.fail(f"{len(values)} values of {self.n3(parameter)}")
        return values[0]

    def count(self, literal: Node, parameter: URIRef) -> int:
        if not isinstance(literal, Literal) or type(literal.value) is not int or literal.value < 0:
            self.fail(f"{self.n3(parameter)} {self.n3(literal)} (not a non-negative integer)")
        return literal.value

    def iri(self, term: Node, parameter: URIRef) -> URIRef:
        """``term``, checked to be an IRI that ``n3()`` writes as valid SPARQL."""
        if not isinstance(term, URIRef) or NOT_IN_IRI & set(term):
            self.fail(f"{self.n3(parameter)} with a value that is not an IRI")
        return term

    def items(self, head: Node, parameter: URIRef) -> list[Node]:
        items = list(Collection(self.shapes, head)) if isinstance(head, BNode) else []
        if not items:
            self.fail(f"{self.n3(parameter)} without a non-empty RDF list")
        return items


@cache
def _project_namespaces() -> NamespaceManager:
    return bind_prefixes(Graph()).namespace_manager


# --- reading the shapes ---------------------------------------------------------------------------

def _check_parameters(ctx: _Context, shape: Node, allowed: frozenset[URIRef]) -> None:
    """Refuse any SHACL parameter this module does not compile, and an implicit class target."""
    for predicate in sorted(set(ctx.shapes.predicates(shape))):
        if predicate.startswith(str(SH)) and predicate not in allowed:
            ctx.fail(ctx.n3(predicate))
    for kind in (RDFS.Class, OWL.Class):
        if (shape, RDF.type, kind) in ctx.shapes:
            ctx.fail(f"an implicit class target (the shape is a {ctx.n3(kind)})")


def _path(ctx: _Context, shape: Node) -> str:
    """The SPARQL property path of ``sh:path``: an IRI, or ``sh:inversePath`` of an IRI."""
    path = ctx.one(shape, SH.path)
    if isinstance(path, URIRef):
        return ctx.iri(path, SH.path).n3()
    inverse = ctx.shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef) and set(ctx.shapes.predicates(path)) == {SH.inversePath}:
        return "^" + ctx.iri(inverse, SH.inversePath).n3()
    ctx.fail("a sh:path that is neither an IRI nor sh:inversePath of an IRI")


def _path_label(shapes: Graph, shape: Node) -> str:
    """The path as ``validate.validate`` writes it: compact with the project's prefixes."""
    path = shapes.value(shape, SH.path)
    if path is None:
        return ""
    return path.n3(_project_namespaces()) if isinstance(path, URIRef) else "(complex path)"


def _rule(shapes: Graph, shape: Node, component: str) -> str:
    """The shape's sh:message as ``validate._message`` writes it, "en (zh)"; else the component's name."""
    messages = {lit.language: str(lit) for lit in sorted(shapes.objects(shape, SH.message), key=lambda t: t.n3())
                if isinstance(lit, Literal)}
    if "en" in messages:
        return f"{messages['en']} ({messages['zh']})" if "zh" in messages else messages["en"]
    if messages:
        return next(iter(messages.values()))
    return component


def _severity(shapes: Graph, shape: Node) -> str:
    severity = shapes.value(shape, SH.severity)
    return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"


# --- value constraints: a boolean SPARQL expression, true when the value at ``var`` passes -------
# None of them can raise a SPARQL error (hence COALESCE(…, false)), so that ``!test`` is sound.

def _class(ctx: _Context, cls: Node, var: str) -> str:
    return f"EXISTS {{ {var} rdf:type/rdfs:subClassOf* {ctx.iri(cls, SH['class']).n3()} }}"


def _datatype(ctx: _Context, datatype: Node, var: str) -> str:
    datatype = ctx.iri(datatype, SH.datatype)
    if datatype == XSD.string:
        return f"COALESCE(DATATYPE({var}) = xsd:string, false)"
    if datatype == RDF.langString:
        return f'COALESCE(LANG({var}) != "", false)'
    if datatype in CASTABLE_DATATYPES:
        return f"COALESCE(DATATYPE({var}) = {datatype.n3()} && isLiteral({datatype.n3()}({var})), false)"
    if datatype in INTEGER_DERIVED:
        ctx.fail(f"sh:datatype {ctx.n3(datatype)} (Oxigraph stores it as xsd:integer: "
                 "write xsd:integer with sh:minInclusive / sh:maxInclusive)")
    ctx.fail(f"sh:datatype {ctx.n3(datatype)} (no well-formedness check for it)")


def _language_in(ctx: _Context, head: Node, var: str) -> str:
    ranges = ctx.items(head, SH.languageIn)
    if not all(isinstance(r, Literal) and r.language is None and r.datatype in (None, XSD.string) for r in ranges):
        ctx.fail("sh:languageIn with an item that is not a plain string")
    return "COALESCE(" + " || ".join(f"langMatches(LANG({var}), {sparql_term(r)})" for r in ranges) + ", false)"


def _min_length(ctx: _Context, length: Node, var: str) -> str:
    n = ctx.count(length, SH.minLength)
    return "true" if n == 0 else f"COALESCE(!isBlank({var}) && STRLEN(STR({var})) >= {n}, false)"


def _value_range(operator: str) -> Callable[[_Context, Node, str], str]:
    def value_range(ctx: _Context, bound: Node, var: str) -> str:
        if not isinstance(bound, Literal):
            ctx.fail(f"a range bound that is not a literal ({ctx.n3(bound)})")
        return f"COALESCE({var} {operator} {sparql_term(bound)}, false)"
    return value_range


def _or(ctx: _Context, head: Node, var: str) -> str:
    members = ctx.items(head, SH["or"])
    return "(" + " || ".join(_conforms(ctx.within(f"sh:or member {i}"), member, var)
                             for i, member in enumerate(members, 1)) + ")"


VALUE_COMPONENTS: dict[URIRef, tuple[str, Callable[[_Context, Node, str], str]]] = {
    SH["class"]: ("ClassConstraintComponent", _class),
    SH.datatype: ("DatatypeConstraintComponent", _datatype),
    SH.languageIn: ("LanguageInConstraintComponent", _language_in),
    SH.minLength: ("MinLengthConstraintComponent", _min_length),
    SH.minInclusive: ("MinInclusiveConstraintComponent", _value_range(">=")),
    SH.maxInclusive: ("MaxInclusiveConstraintComponent", _value_range("<=")),
    SH.minExclusive: ("MinExclusiveConstraintComponent", _value_range(">")),
    SH.maxExclusive: ("MaxExclusiveConstraintComponent", _value_range("<")),
    SH["or"]: ("OrConstraintComponent", _or),
}


def _value_tests(ctx: _Context, shape: Node, var: str) -> list[tuple[str, str]]:
    """(component, test) for each value constraint of ``shape``, on the value at ``var``."""
    return [(component, compile_test(ctx, value, var))
            for parameter, (component, compile_test) in VALUE_COMPONENTS.items()
            for value in ctx.objects(shape, parameter)]


def _at_least(ctx: _Context, focus: str, path: str, n: int) -> str:
    """True when the node at ``focus`` has ``n`` distinct values on ``path``."""
    if n == 0:
        return "true"
    values = [ctx.var() for _ in range(n)]
    distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(values, 2))
    patterns = " ".join(f"{focus} {path} {v} ." for v in values)
    return f"EXISTS {{ {patterns} FILTER({distinct}) }}" if distinct else f"EXISTS {{ {patterns} }}"


NESTED_NODE = frozenset(VALUE_COMPONENTS) | NOT_VALIDATING
NESTED_PROPERTY = NESTED_NODE | {SH.path, SH.minCount, SH.maxCount}


def _conforms(ctx: _Context, shape: Node, var: str) -> str:
    """True when the node at ``var`` conforms to ``shape``: a member of sh:or, a qualified value shape."""
    if (shape, SH.path, None) not in ctx.shapes:
        _check_parameters(ctx, shape, NESTED_NODE)
        tests = [test for _, test in _value_tests(ctx, shape, var)]
    else:
        _check_parameters(ctx, shape, NESTED_PROPERTY)
        path = _path(ctx, shape)
        minimum = [ctx.count(n, SH.minCount) for n in ctx.objects(shape, SH.minCount)]
        maximum = [ctx.count(n, SH.maxCount) for n in ctx.objects(shape, SH.maxCount)]
        tests = [_at_least(ctx, var, path, n) for n in minimum]
        tests += [f"!{_at_least(ctx, var, path, n + 1)}" for n in maximum]
        value = ctx.var()
        tests += [f"NOT EXISTS {{ {var} {path} {value} FILTER(!{test}) }}"
                  for _, test in _value_tests(ctx, shape, value)]
    return "(" + " && ".join(tests) + ")" if tests else "true"


# --- compiling one shape: its constraints and the blocks of its query --------------------------

@dataclass
class _Shape:
    """A shape being compiled. Each block repeats the focus-node pattern (``targets``): a UNION
    branch cannot see the others, and Oxigraph answers the pattern from its indexes."""

    ctx: _Context
    node: Node
    targets: str
    path: str | None
    constraints: list[Constraint] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    counts: list[tuple[int, str]] = field(default_factory=list)  # (?k, its condition on the counts)
    counted: list[tuple[str, str]] = field(default_factory=list)  # (a COUNT, the BIND of what it counts)

    def constraint(self, component: str) -> int:
        """Register a constraint; its index is the ``?k`` of its results."""
        self.constraints.append(Constraint(component, _rule(self.ctx.shapes, self.node, component)))
        return len(self.constraints) - 1


def _min_count(shape: _Shape) -> None:
    for n in shape.ctx.objects(shape.node, SH.minCount):
        if (minimum := shape.ctx.count(n, SH.minCount)) > 0:
            shape.counts.append((shape.constraint("MinCountConstraintComponent"), f"?n < {minimum}"))


def _max_count(shape: _Shape) -> None:
    for n in shape.ctx.objects(shape.node, SH.maxCount):
        maximum = shape.ctx.count(n, SH.maxCount)
        shape.counts.append((shape.constraint("MaxCountConstraintComponent"), f"?n > {maximum}"))


def _qualified(shape: _Shape) -> None:
    """How many values conform to sh:qualifiedValueShape (sh:qualifiedValueShapesDisjoint is not supported)."""
    ctx, node = shape.ctx, shape.node
    minimum = [ctx.count(n, SH.qualifiedMinCount) for n in ctx.objects(node, SH.qualifiedMinCount)]
    maximum = [ctx.count(n, SH.qualifiedMaxCount) for n in ctx.objects(node, SH.qualifiedMaxCount)]
    has_shape = (node, SH.qualifiedValueShape, None) in ctx.shapes
    if not (has_shape or minimum or maximum):
        return
    if not has_shape or not (minimum or maximum):
        ctx.fail("sh:qualifiedValueShape without sh:qualifiedMinCount / sh:qualifiedMaxCount, or the other way round")
    test = _conforms(ctx.within("sh:qualifiedValueShape"), ctx.one(node, SH.qualifiedValueShape), "?value")
    conforming, count = ctx.var(), ctx.var()
    # IF(…, ?value, ?unbound) leaves ``conforming`` unbound for a value that does not conform: COUNT skips it.
    shape.counted.append((f"(COUNT(DISTINCT {conforming}) AS {count})",
                          f"BIND(IF({test}, ?value, ?unbound) AS {conforming})"))
    shape.counts += [(shape.constraint("QualifiedMinCountConstraintComponent"), f"{count} < {n}")
                     for n in minimum if n > 0]
    shape.counts += [(shape.constraint("QualifiedMaxCountConstraintComponent"), f"{count} > {n}") for n in maximum]


def _count_block(shape: _Shape) -> None:
    """The count constraints together: one grouped count of each focus node's values (``?n``, and one
    count per qualified value shape), then, for each constraint ``?k``, the condition it sets."""
    if not shape.counts:
        return
    aggregates = "".join(f" {aggregate}" for aggregate, _ in shape.counted)
    binds = "".join(f" {bind}" for _, bind in shape.counted)
    conditions = " || ".join(f"(?k = {k} && {condition})" for k, condition in shape.counts)
    shape.blocks.append(
        f"    {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n){aggregates} WHERE {{ {shape.targets}\n"
        f"        OPTIONAL {{ ?this {shape.path} ?value .{binds} }} }} GROUP BY ?this }}\n"
        f"    VALUES ?k {{ {' '.join(str(k) for k, _ in shape.counts)} }} FILTER({conditions})")


def _unique_lang(shape: _Shape) -> None:
    """One result per language tag that two values share; like pySHACL, without a value."""
    for unique in shape.ctx.objects(shape.node, SH.uniqueLang):
        if not isinstance(unique, Literal) or not isinstance(unique.value, bool):
            shape.ctx.fail(f"sh:uniqueLang {shape.ctx.n3(unique)} (not a boolean)")
        if unique.value:
            shape.blocks.append(
                f"    {{ SELECT ?this ?x WHERE {{ {shape.targets} ?this {shape.path} ?value\n"
                "        FILTER(LANG(?value) != \"\") BIND(LCASE(LANG(?value)) AS ?x) }\n"
                "      GROUP BY ?this ?x HAVING (COUNT(DISTINCT ?value) > 1) }\n"
                f"    BIND({shape.constraint('UniqueLangConstraintComponent')} AS ?k)")


def _less_than(shape: _Shape) -> None:
    """One result per value and value of the other property that it is not less than (SPARQL ``<``)."""
    for other in shape.ctx.objects(shape.node, SH.lessThan):
        other = shape.ctx.iri(other, SH.lessThan)
        shape.blocks.append(
            f"    {shape.targets} ?this {shape.path} ?value . ?this {other.n3()} ?x .\n"
            f"    FILTER(!COALESCE(?value < ?x, false)) BIND({shape.constraint('LessThanConstraintComponent')} AS ?k)")


def _value_constraints(shape: _Shape) -> None:
    """Each value node (the focus node itself in a node shape) that fails a value constraint. sh:class
    takes MINUS: Oxigraph answers it with one anti-join instead of a path search per value."""
    values = f"?this {shape.path} ?value ." if shape.path else "BIND(?this AS ?value)"
    for parameter, (component, compile_test) in VALUE_COMPONENTS.items():
        for value in shape.ctx.objects(shape.node, parameter):
            if parameter == SH["class"]:
                check = f"MINUS {{ ?value rdf:type/rdfs:subClassOf* {shape.ctx.iri(value, parameter).n3()} }}"
            else:
                check = f"FILTER(!{compile_test(shape.ctx, value, '?value')})"
            shape.blocks.append(f"    {shape.targets} {values}\n    {check} BIND({shape.constraint(component)} AS ?k)")


PROPERTY_COMPONENTS = (_min_count, _max_count, _qualified, _count_block, _unique_lang, _less_than)
PROPERTY_PARAMETERS = NESTED_PROPERTY | {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
                                         SH.uniqueLang, SH.lessThan}
NODE_PARAMETERS = NESTED_NODE | {SH.property}


def _targets(ctx: _Context, shape: Node) -> str:
    """A group binding ``?this`` to each focus node: an instance of a target class or of a subclass.
    A node may come more than once (a type in two graphs): every block counts DISTINCT values and the
    query is SELECT DISTINCT, which is twice as fast on Oxigraph as a DISTINCT subquery here."""
    for target in UNSUPPORTED_TARGETS:
        if (shape, target, None) in ctx.shapes:
            ctx.fail(ctx.n3(target))
    classes = " ".join(sparql_term(ctx.iri(c, SH.targetClass)) for c in ctx.objects(shape, SH.targetClass))
    return f"{{ VALUES ?class {{ {classes} }} ?this rdf:type/rdfs:subClassOf* ?class }}"


def _compile_shape(ctx: _Context, node: Node, targets: str, *, top_level: bool) -> CompiledShape:
    extra = frozenset({SH.targetClass} if top_level else ())
    if (node, SH.path, None) in ctx.shapes:
        _check_parameters(ctx, node, PROPERTY_PARAMETERS | extra)
        shape = _Shape(ctx, node, targets, _path(ctx, node))
        for component in PROPERTY_COMPONENTS:
            component(shape)
    else:
        _check_parameters(ctx, node, NODE_PARAMETERS | extra)
        shape = _Shape(ctx, node, targets, None)
    _value_constraints(shape)
    return CompiledShape(ctx.name, _path_label(ctx.shapes, node), _severity(ctx.shapes, node),
                         tuple(shape.constraints), tuple(shape.blocks))


def compile_shapes(shapes: Graph) -> list[CompiledShape]:
    """Each shape with a target, and each of its property shapes, compiled to one SPARQL query.

    Raises DataError naming the shape and the parameter for anything this module cannot compile.
    """
    counter = itertools.count().__next__
    targeted = {shape for target in (SH.targetClass, *UNSUPPORTED_TARGETS) for shape in shapes.subjects(target, None)}
    compiled = []
    for node in sorted(targeted, key=lambda s: s.n3()):
        ctx = _Context(shapes, counter, node.n3(shapes.namespace_manager))
        targets = _targets(ctx, node)
        compiled.append(_compile_shape(ctx, node, targets, top_level=True))
        for i, prop in enumerate(ctx.objects(node, SH.property), 1):
            path = shapes.value(prop, SH.path)
            name = f"property #{i}" + (f" ({ctx.n3(path)})" if isinstance(path, URIRef) else "")
            compiled.append(_compile_shape(ctx.within(name), prop, targets, top_level=False))
    return [shape for shape in compiled if shape.blocks]


# --- running ----------------------------------------------------------------------------------------

def _label(store: pyoxigraph.Store, node) -> str:
    """``validate._label`` read from a store: "zh / en" from the node's rdfs:label, else an untagged one."""
    from pyoxigraph import Literal as OxLiteral, NamedNode

    labels: dict[str | None, str] = {}
    for label in sorted((quad.object for quad in store.quads_for_pattern(node, NamedNode(str(RDFS.label)), None, None)),
                        key=str):
        if isinstance(label, OxLiteral):
            labels[label.language] = label.value
    return " / ".join(labels[lang] for lang in ("zh", "en") if lang in labels) or labels.get(None, "")


def validate_store(store: pyoxigraph.Store, shapes: Graph) -> list[Violation]:
    """Every violation of ``shapes`` in the union of the store's named graphs (the ontology graph
    included, for class hierarchies), reported and sorted as ``validate.validate`` does."""
    found = []
    for shape in compile_shapes(shapes):
        for row in store.query(shape.query, use_default_graph_as_union=True):
            found.append((shape, shape.constraints[int(row["k"].value)], row["this"], row["value"]))
    labels = {node: _label(store, node) for node in {node for _, _, node, _ in found}}
    violations = [
        Violation(node=node.value, label=labels[node], rule=constraint.rule, path=shape.path,
                  value=to_rdflib(value).n3(_project_namespaces()) if value is not None else "",
                  severity=shape.severity)
        for shape, constraint, node, value in found
    ]
    return sorted(violations, key=lambda v: (v.node, v.rule, v.path, v.value))
