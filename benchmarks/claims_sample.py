"""A seeded random sample of a built source graph's fact triples, each with its quotes and qualifiers.

For a curator's re-read (issue 12): is every sampled fact stated by its quote, with the right value,
speaker and status? The script only lists; the reading is a person's, and its result goes in the report.

    python benchmarks/claims_sample.py [--build build] [--source lunjiao-2019-12-06] [--size 40] [--seed 12]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from cungai.rdf.namespaces import CG, OA, PREFIXES, RDF

EVIDENCE_TYPES = (RDF.Statement, OA.Annotation, OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector)


def short(term: Node) -> str:
    """A term with the project's prefixes (the longest namespace that fits)."""
    if isinstance(term, URIRef):
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
            if str(term).startswith(namespace):
                return f"{prefix}:{str(term)[len(namespace):]}"
    return term.n3()


def sample(build: Path, source_id: str, size: int, seed: int) -> list[tuple]:
    """``size`` fact triples of the source's graph, drawn with ``seed``: (triple, [(quote, start, who, status)])."""
    dataset = Dataset()
    dataset.parse(build / "kg.trig", format="trig")
    graph = dataset.graph(URIRef(f"https://w3id.org/cungai/graph/source/{source_id}"))
    evidence = {s for t in EVIDENCE_TYPES for s in graph.subjects(RDF.type, t)}
    facts = sorted((t for t in graph if t[0] not in evidence
                    and not (isinstance(t[2], Literal) and t[2].language == "en")),
                   key=lambda t: tuple(x.n3() for x in t))
    rows = []
    for triple in random.Random(seed).sample(facts, size):
        quotes = []
        for statement in graph.subjects(RDF.subject, triple[0]):
            if (statement, RDF.predicate, triple[1]) in graph and (statement, RDF.object, triple[2]) in graph:
                for annotation in graph.subjects(OA.hasBody, statement):
                    target = graph.value(annotation, OA.hasTarget)
                    selectors = list(graph.objects(target, OA.hasSelector))
                    exact = next(str(graph.value(s, OA.exact)) for s in selectors if graph.value(s, OA.exact) is not None)
                    start = next(int(graph.value(s, OA.start)) for s in selectors if graph.value(s, OA.start) is not None)
                    quotes.append((exact, start, short(graph.value(annotation, CG.accordingTo)),
                                   short(graph.value(annotation, CG.claimStatus))))
        rows.append((triple, sorted(quotes, key=lambda q: q[1])))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--source", default="lunjiao-2019-12-06")
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    for number, (triple, quotes) in enumerate(sample(args.build, args.source, args.size, args.seed), start=1):
        print(f"{number}. {' '.join(short(t) for t in triple)}")
        for exact, start, who, status in quotes:
            print(f"   @{start} [{who}, {status}] {exact}")


if __name__ == "__main__":
    main()
