"""The rules' scratch store and the clashes found in it, explained: an individual in two disjoint
classes, two values of a functional data property, a value outside its datatype or its range.

``rules.apply_rules`` runs the rules in a scratch Oxigraph store whose private vocabulary
(``RULES``) never reaches an output; this module reads the clashes back from it and says, for
each, which individual, which classes or values, and which facts (asserted or inferred) they come
from. ``literal_value`` and ``in_range`` compare literals as OWL 2 does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from rdflib import URIRef

from ..rdf.namespaces import OA, OWL, RDF, RDFS, XSD, curie


RULES = "urn:x-cungai:rules#"  # private vocabulary of the scratch store; never reaches an output


PREFIXES = {"r": RULES, "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD), "oa": str(OA)}


MAX_EXPLAINED = 20  # clashes explained in one error


MAX_REASONS = 4  # facts shown for each class of a clash


INTEGER_BOUNDS = {
    XSD.integer: (None, None), XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
    XSD.long: (-2**63, 2**63 - 1), XSD.int: (-2**31, 2**31 - 1), XSD.short: (-2**15, 2**15 - 1),
    XSD.byte: (-2**7, 2**7 - 1), XSD.unsignedLong: (0, 2**64 - 1), XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 2**8 - 1),
}


REAL_RANGES = frozenset({XSD.decimal, OWL.rational, OWL.real})


INTEGER_FORM = re.compile(r"[+-]?[0-9]+")


DECIMAL_FORM = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


FLOAT_FORM = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")


DISJOINT_CLASHES = """
    SELECT ?x ?c ?d WHERE {
      { GRAPH r:axioms { ?c r:disjointWith ?d } GRAPH r:types { ?x a ?c . ?x a ?d } }
      UNION { GRAPH r:types { ?x a owl:Nothing } BIND(owl:Nothing AS ?c) BIND(owl:Nothing AS ?d) }
    } ORDER BY ?x ?c ?d"""


WHY_IN_CLASS = """
    SELECT ?x ?c ?how ?p ?other ?via ?inferred WHERE {
      { GRAPH r:asserted { ?x a ?via } GRAPH r:axioms { ?via r:subClassOrSelf ?c } BIND("asserted" AS ?how) }
      UNION { GRAPH r:entailed { ?x ?p ?other } GRAPH r:axioms { ?p r:domain ?via . ?via r:subClassOrSelf ?c }
              BIND("subject" AS ?how) BIND(NOT EXISTS { GRAPH r:asserted { ?x ?p ?other } } AS ?inferred) }
      UNION { GRAPH r:axioms { ?p a r:DataProperty ; r:domain ?via . ?via r:subClassOrSelf ?c }
              GRAPH r:asserted { ?x ?p ?other } BIND("subject" AS ?how) }
      UNION { GRAPH r:entailed { ?other ?p ?x } GRAPH r:axioms { ?p r:range ?via . ?via r:subClassOrSelf ?c }
              BIND("object" AS ?how) BIND(NOT EXISTS { GRAPH r:asserted { ?other ?p ?x } } AS ?inferred) }
    }"""


FUNCTIONAL_VALUES = """
    SELECT ?x ?f ?p ?v WHERE {
      GRAPH r:axioms { ?p r:functionalWithin ?f } GRAPH r:asserted { ?x ?p ?v } FILTER(isLiteral(?v))
    }"""


RANGED_VALUES = """
    SELECT ?x ?p ?v ?range WHERE {
      GRAPH r:axioms { ?p r:dataRange ?range } GRAPH r:asserted { ?x ?p ?v } FILTER(isLiteral(?v))
    }"""


TYPED_DATA_VALUES = """
    SELECT ?x ?p ?v WHERE {
      GRAPH r:axioms { ?p a r:DataProperty } GRAPH r:asserted { ?x ?p ?v }
      FILTER(isLiteral(?v) && lang(?v) = "" && datatype(?v) != xsd:string)
    }"""


LABELS = "SELECT ?x ?label WHERE { GRAPH r:asserted { ?x rdfs:label ?label } }"


def disjoint_clashes(scratch) -> list[str]:
    import pyoxigraph as ox

    rows = [(r["x"], r["c"], r["d"]) for r in scratch.query(DISJOINT_CLASHES, prefixes=PREFIXES)]
    lines = []
    for x, c, d in rows[:MAX_EXPLAINED]:
        reasons = {}
        for cls in (c, d):
            found = scratch.query(WHY_IN_CLASS, prefixes=PREFIXES,
                                  substitutions={ox.Variable("x"): x, ox.Variable("c"): cls})
            found = sorted({_reason(r) for r in found}, key=lambda why: (not why.startswith("asserted"), why))
            shown = found[:MAX_REASONS] + ([f"{len(found) - MAX_REASONS} more"] if len(found) > MAX_REASONS else [])
            reasons[cls] = "; ".join(shown) or "inferred"
        if c == d:
            lines.append(f"{_label(scratch, x)}<{x.value}> is in owl:Nothing ({reasons[c]})")
        else:
            lines.append(f"{_label(scratch, x)}<{x.value}> is both {short(c)} ({reasons[c]}) and "
                         f"{short(d)} ({reasons[d]}), which are disjoint")
    if len(rows) > MAX_EXPLAINED:
        lines.append(f"… and {len(rows) - MAX_EXPLAINED} more clashes of disjoint classes")
    return lines


def _reason(row) -> str:
    via = short(row["via"])
    if row["how"].value == "asserted":
        return f"asserted a {via}"
    prop, other = short(row["p"]), short(row["other"])
    inferred = ", inferred" if row["inferred"] is not None and row["inferred"].value == "true" else ""
    if row["how"].value == "subject":
        return f"subject of {prop} {other}{inferred} (domain {via})"
    return f"object of {prop} from {other}{inferred} (range {via})"


def functional_clashes(scratch) -> list[str]:
    values: dict[tuple, dict] = defaultdict(dict)
    for row in scratch.query(FUNCTIONAL_VALUES, prefixes=PREFIXES):
        try:
            key = literal_value(row["v"])
        except ValueError:
            continue  # reported as an invalid literal
        values[(row["x"], row["f"])].setdefault(key, (row["p"], row["v"]))
    lines = []
    for (x, f), found in sorted(values.items(), key=lambda item: (item[0][0].value, item[0][1].value)):
        if len(found) > 1:
            shown = ", ".join(sorted(f"{short(p)} {short(v)}" for p, v in found.values()))
            lines.append(f"{_label(scratch, x)}<{x.value}> has {len(found)} different values of "
                         f"{short(f)}, which is functional: {shown}")
    return lines


def datatype_clashes(scratch) -> list[str]:
    lines = set()
    for row in scratch.query(TYPED_DATA_VALUES, prefixes=PREFIXES):
        try:
            literal_value(row["v"])
        except ValueError:
            lines.add(f"{_label(scratch, row['x'])}<{row['x'].value}> {short(row['p'])} {short(row['v'])} "
                      f"is not a valid {short(row['v'].datatype)}")
    for row in scratch.query(RANGED_VALUES, prefixes=PREFIXES):
        try:
            inside = in_range(row["v"], URIRef(row["range"].value))
        except ValueError:
            continue  # reported above
        if not inside:
            lines.add(f"{_label(scratch, row['x'])}<{row['x'].value}> {short(row['p'])} {short(row['v'])} "
                      f"is outside the range {short(row['range'])} of {short(row['p'])}")
    return sorted(lines)


def literal_value(literal) -> tuple:
    """A key that two literals share exactly when OWL 2 gives them the same value; ValueError if
    the literal is not a valid form of its numeric or boolean datatype (owlready2 cannot even
    parse those: the HermiT build stops with a parsing error)."""
    text = literal.value
    if literal.language:
        return ("lang", text, literal.language.lower())
    datatype = URIRef(literal.datatype.value)
    if datatype in INTEGER_BOUNDS:  # out of the type's bounds ("-1"^^xsd:nonNegativeInteger) HermiT accepts
        if not INTEGER_FORM.fullmatch(text):
            raise ValueError(text)
        return ("real", Fraction(int(text)))
    if datatype == XSD.decimal:
        if not DECIMAL_FORM.fullmatch(text):
            raise ValueError(text)
        return ("real", Fraction(Decimal(text)))
    if datatype in (XSD.double, XSD.float):
        if not FLOAT_FORM.fullmatch(text):
            raise ValueError(text)
        return (str(datatype), float(text.replace("INF", "inf")))
    if datatype == XSD.boolean:
        if text not in ("true", "false", "1", "0"):
            raise ValueError(text)
        return ("boolean", text in ("true", "1"))
    if datatype in (XSD.string, RDF.PlainLiteral):
        return ("string", text)
    return (str(datatype), text)


def in_range(literal, datatype: URIRef) -> bool:
    """Whether the value of ``literal`` lies in the value space of the range ``datatype``."""
    kind, value = literal_value(literal)[:2]
    if datatype == RDFS.Literal:
        return True
    if datatype in INTEGER_BOUNDS:
        low, high = INTEGER_BOUNDS[datatype]
        return (kind == "real" and value.denominator == 1 and (low is None or value >= low)
                and (high is None or value <= high))
    if datatype in REAL_RANGES:
        return kind == "real"
    if datatype in (XSD.double, XSD.float):
        return kind == str(datatype)
    if datatype == XSD.string:
        return kind == "string"
    if datatype == RDF.PlainLiteral:
        return kind in ("string", "lang")
    if datatype == XSD.boolean:
        return kind == "boolean"
    return kind == str(datatype)


def short(term) -> str:
    """A prefixed name for an IRI (rdflib or Oxigraph), a literal as Turtle writes it."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        text = term.value.replace("\\", "\\\\").replace('"', '\\"')
        if term.language:
            return f'"{text}"@{term.language}'
        return f'"{text}"' if term.datatype.value == str(XSD.string) else f'"{text}"^^{short(term.datatype)}'
    if isinstance(term, ox.NamedNode):
        term = URIRef(term.value)
    if isinstance(term, URIRef):
        return curie(term) or f"<{term}>"
    return str(term)


def _label(scratch, node) -> str:
    import pyoxigraph as ox

    labels = {row["label"].language: row["label"].value for row in scratch.query(
        LABELS, prefixes=PREFIXES, substitutions={ox.Variable("x"): node})}
    label = labels.get("zh") or labels.get("en") or labels.get(None) or ""
    return f"{label} " if label else ""
