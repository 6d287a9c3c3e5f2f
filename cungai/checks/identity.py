"""One IRI per thing: no two entities of one class may share a Chinese name.

A variant name of a thing is a ``skos:altLabel`` of its one IRI (graph/README.md, Identity). When
two IRIs of the same class carry the same Chinese ``rdfs:label`` or ``skos:altLabel``, the curated
data has split one thing in two (or given two things one name): ``cungai check`` and the build stop
and name both IRIs with the file and evidence block where each name is written. Two exceptions:
outcomes and temporal entities are told apart by what they measure and when, not by their words
(two towns' "开发强度已超过50%"); and a curator's note on the block that names one of them
(``cg:curatorNote "示例: <reason>"``) records that they are two things on purpose.

SHACL Core cannot compare values across focus nodes, so this check is Python, run on the curated
graphs (sources and background); imported district tables are reconciled by ``cungai link`` instead.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import DataError
from ..project.evidence import EvidenceBlock
from ..project.reader import ProjectData
from ..rdf.namespaces import BACKGROUND_GRAPH, CG, RDF, RDFS, SKOS, TIME
from ..rdf.owl import reachable

NAME_PROPERTIES = (RDFS.label, SKOS.altLabel)
#: Classes whose instances are told apart by what they measure and when, not by their names.
TOLD_APART = (CG.Outcome, TIME.TemporalEntity)
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class SharedName:
    """Entities of one class that carry one Chinese name, each with the triple that names it."""

    cls: URIRef
    name: str
    entities: dict[URIRef, Triple]

    def describe(self, where: dict[Triple, str]) -> str:
        shown = "; ".join(f"{entity} ({where.get(triple, 'background or vocabulary')})"
                          for entity, triple in sorted(self.entities.items(), key=lambda e: str(e[0])))
        return (f"{len(self.entities)} entities of class {self.cls} share the name {self.name!r}: {shown}. "
                "One thing needs one IRI: keep one and make the other name its skos:altLabel "
                "(graph/README.md, Identity) / 同一事物只能有一个 IRI：保留一个，另一个名称写作 skos:altLabel")


def _normal(name: str) -> str:
    """A name as compared: NFKC (full-width and ASCII punctuation alike), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def told_apart(ontology: Graph) -> set[URIRef]:
    """``TOLD_APART`` and every class below them in ``ontology``."""
    below: dict[URIRef, set] = defaultdict(set)
    for sub, _, sup in ontology.triples((None, RDFS.subClassOf, None)):
        below[sup].add(sub)
    return set(chain.from_iterable(reachable(cls, below) for cls in TOLD_APART))


def shared_names(triples: Iterable[Triple], *, exempt: set[URIRef] = frozenset(),
                 language: str = "zh") -> list[SharedName]:
    """Where two entities of one class (not in ``exempt``) carry the same name in ``language``."""
    classes: dict[URIRef, set[URIRef]] = defaultdict(set)
    names: dict[URIRef, dict[str, Triple]] = defaultdict(dict)
    for triple in triples:
        s, p, o = triple
        if not isinstance(s, URIRef):
            continue
        if p == RDF.type and isinstance(o, URIRef):
            classes[s].add(o)
        elif p in NAME_PROPERTIES and isinstance(o, Literal) and (o.language or "").split("-")[0] == language:
            names[s].setdefault(_normal(str(o)), triple)
    owners: dict[tuple[URIRef, str], dict[URIRef, Triple]] = defaultdict(dict)
    for entity, named in names.items():
        for cls in classes.get(entity, set()) - exempt:
            for name, triple in named.items():
                owners[(cls, name)][entity] = triple
    return [SharedName(cls, name, entities)
            for (cls, name), entities in sorted(owners.items(), key=lambda item: (str(item[0][0]), item[0][1]))
            if len(entities) > 1]


def justified(shared: SharedName, blocks: Iterable[EvidenceBlock]) -> bool:
    """Whether a block that names one of the entities carries a curator's note on the name."""
    naming = set(shared.entities.values())
    return any(block.note_on(Literal(shared.name)) for block in blocks if naming & set(block.facts))


def check_names(project: ProjectData) -> None:
    """Raise ``DataError`` when two entities of one class share a Chinese name in the curated data
    (the sources' facts and the background) with no curator's note that says why."""
    background = project.graphs.get(BACKGROUND_GRAPH, Graph())
    curated = chain(background, *(resolving.facts for resolving in project.resolved.values()))
    blocks = [block for resolving in project.resolved.values() for block in resolving.blocks]
    where = {t: f"{block.where()} block {block.show(block.name)}" for block in blocks for t in block.facts}
    problems = [shared.describe(where) for shared in shared_names(curated, exempt=told_apart(project.ontology))
                if not justified(shared, blocks)]
    if problems:
        raise DataError("shared names / 重名实体:\n" + "\n".join(f"  - {p}" for p in problems))
