"""One IRI per thing: no two entities of one class may share a Chinese name.

A variant name of a thing is a ``skos:altLabel`` of its one IRI (graph/README.md, Identity). When
two IRIs of the same class carry the same Chinese ``rdfs:label`` or ``skos:altLabel``, the curated
data has split one thing in two (or given two things one name): the build stops and names both IRIs
with the file and evidence block where each name is written. SHACL Core cannot compare values
across focus nodes, so this check is Python, run on the curated graphs (sources and background)
before validation; imported district tables are reconciled by ``cungai link`` instead.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import DataError
from ..project.reader import ProjectData
from ..rdf.namespaces import BACKGROUND_GRAPH, RDF, RDFS, SKOS

NAME_PROPERTIES = (RDFS.label, SKOS.altLabel)
Triple = tuple[Node, Node, Node]


def _normal(name: str) -> str:
    """A name as compared: NFKC (full-width and ASCII punctuation alike), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def shared_names(triples: Iterable[Triple], where: Mapping[Triple, str], *, language: str = "zh") -> list[str]:
    """Problems where two entities of one class carry the same name in ``language``.

    ``where`` says where a naming triple is written (``file:line block``), for the message.
    """
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
        for cls in classes.get(entity, ()):
            for name, triple in named.items():
                owners[(cls, name)][entity] = triple
    problems = []
    for (cls, name), entities in sorted(owners.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        if len(entities) < 2:
            continue
        shown = "; ".join(f"{entity} ({where.get(triple, 'background or vocabulary')})"
                          for entity, triple in sorted(entities.items(), key=lambda e: str(e[0])))
        problems.append(f"{len(entities)} entities of class {cls} share the name {name!r}: {shown}. "
                        "One thing needs one IRI: keep one and make the other name its skos:altLabel "
                        "(graph/README.md, Identity) / 同一事物只能有一个 IRI：保留一个，另一个名称写作 skos:altLabel")
    return problems


def check_names(project: ProjectData) -> None:
    """Raise ``DataError`` when two entities of one class share a Chinese name in the curated data
    (the sources' facts and the background; see ``shared_names``)."""
    background = project.graphs.get(BACKGROUND_GRAPH, Graph())
    curated = chain(background, *(resolving.facts for resolving in project.resolved.values()))
    where = {t: w for resolving in project.resolved.values() for t, w in resolving.named_in.items()}
    problems = shared_names(curated, where)
    if problems:
        raise DataError("shared names / 重名实体:\n" + "\n".join(f"  - {p}" for p in problems))
