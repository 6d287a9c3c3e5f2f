"""SHACL validation with pySHACL, reported so that a person can act on it.

Each violation names the node by its label (zh / en), the rule (the shape's message), the path and
the offending value, instead of the raw validation report graph. Where the fact is written (file,
line, block) is found by ``checks.curation.violation_problems``, for ``cungai check`` and the build.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..rdf.namespaces import SH, labels_of


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words."""

    node: str
    label: str
    rule: str
    path: str
    value: str
    severity: str

    def __str__(self) -> str:
        parts = [f"{self.label} <{self.node}>" if self.label else f"<{self.node}>", self.rule]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return " — ".join(parts)


def _label(graph: Graph, node: Node) -> str:
    labels = labels_of(graph, node)
    return " / ".join(labels[lang] for lang in ("zh", "en") if lang in labels) or labels.get(None, "")


def _message(report: Graph, result: Node) -> str:
    messages = {lit.language: str(lit) for lit in report.objects(result, SH.resultMessage) if isinstance(lit, Literal)}
    if "en" in messages:
        return f"{messages['en']} ({messages['zh']})" if "zh" in messages else messages["en"]
    if messages:
        return next(iter(messages.values()))
    component = report.value(result, SH.sourceConstraintComponent)
    return str(component).rsplit("#", 1)[-1] if component else "constraint violated"


def validate(data: Graph, shapes: Graph) -> list[Violation]:
    """Every violation of ``shapes`` in ``data``, which includes the ontology (for class hierarchies)."""
    from pyshacl import validate as shacl_validate

    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none",
        advanced=True, allow_warnings=True, abort_on_first=False,
    )
    if conforms:
        return []
    violations = []
    for result in report.subjects(SH.resultSeverity, None):
        node = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = report.value(result, SH.resultSeverity)
        violations.append(Violation(
            node=str(node),
            label=_label(data, node),
            rule=_message(report, result),
            path=path.n3(data.namespace_manager) if isinstance(path, URIRef) else ("(complex path)" if path is not None else ""),
            value=value.n3(data.namespace_manager) if value is not None else "",
            severity=str(severity).rsplit("#", 1)[-1],
        ))
    return sorted(violations, key=lambda v: (v.node, v.rule, v.path, v.value))
