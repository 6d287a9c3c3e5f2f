"""Content negotiation: which format answers a request, from its ``Accept`` header or a ``format=`` parameter.

``Accept`` is read as RFC 9110 says: media ranges with quality values (``q=0`` is "not acceptable"),
the most specific range deciding a type's quality (``text/csv;q=0.9, text/*;q=0.1``), ties going to
the order of the server's offers. ``format``/``output`` parameters are what clients send instead
(SPARQLWrapper sends ``format=xml&output=xml``, ``format=json-ld``, ``format=n3`` …); their
meaning depends on what is answered: ``xml`` is SPARQL results XML for a SELECT and RDF/XML for a
graph, ``json`` results JSON or JSON-LD.
"""

from __future__ import annotations

from typing import Iterable, Sequence

#: Media types of each format this server writes (the first is the one it sends).
MEDIA: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle", "application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
    "nt": ("application/n-triples", "text/plain"),
    "jsonld": ("application/ld+json", "application/x-json+ld"),
    "rdfxml": ("application/rdf+xml", "application/xml", "text/xml"),
    "html": ("text/html", "application/xhtml+xml"),
}
TABULAR = ("json", "xml", "csv", "tsv")
GRAPH = ("turtle", "rdfxml", "jsonld", "nt")

#: ``format=``/``output=`` values clients send, for a tabular answer and for a graph.
_NAMES_TABULAR = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
_NAMES_GRAPH = {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
                "json-ld": "jsonld", "jsonld": "jsonld", "json": "jsonld", "xml": "rdfxml", "rdf": "rdfxml",
                "rdf+xml": "rdfxml", "rdfxml": "rdfxml"}


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """``(media range, quality, position)`` of each part of an Accept header."""
    out = []
    for position, part in enumerate(accept.split(",")):
        media, *options = [p.strip() for p in part.split(";")]
        if not media:
            continue
        quality = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        out.append((media.lower(), quality, position))
    return out


def _quality(media: str, ranges: list[tuple[str, float, int]]) -> float:
    """The quality the client gives ``media``: that of the most specific range that covers it."""
    kind = media.split("/")[0]
    best, specificity = 0.0, -1
    for pattern, quality, _ in ranges:
        level = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
        if level > specificity:
            best, specificity = quality, level
    return best if specificity >= 0 else 0.0


def by_accept(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered format the client prefers (the first offer when there is no Accept), or None."""
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _ranges(accept)
    best, best_quality = None, 0.0
    for fmt in offers:
        quality = max(_quality(media, ranges) for media in MEDIA[fmt])
        if quality > best_quality:
            best, best_quality = fmt, quality
    return best


def by_name(values: Iterable[str], offers: Sequence[str]) -> str | None:
    """The first ``format=``/``output=`` value that names an offered format (a name or a media type)."""
    names = _NAMES_GRAPH if set(offers) <= set(GRAPH) | {"html"} else _NAMES_TABULAR
    for value in values:
        value = value.strip().lower()
        fmt = names.get(value) or next((f for f in offers if value in MEDIA[f]), None)
        if fmt in offers:
            return fmt
    return None


def negotiate(offers: Sequence[str], accept: str | None, requested: Sequence[str] = ()) -> str | None:
    """The format of the answer: a recognised ``requested`` value first, else by ``Accept``; None: 406."""
    if requested:
        named = by_name(requested, offers)
        if named is not None:
            return named
    return by_accept(accept, offers)


def offers_for(form: str) -> tuple[str, ...]:
    """What a query of ``form`` can be answered as."""
    return GRAPH if form in ("CONSTRUCT", "DESCRIBE") else TABULAR
