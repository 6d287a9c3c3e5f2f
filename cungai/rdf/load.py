"""Parsing the project's RDF files, with errors that name the file and the line.

rdflib's parsers report syntax errors in several shapes; ``parse_rdf_file`` turns each into a
``DataError`` that starts with ``path:line:``. Parsing never reaches the network: the files are
Turtle or TriG, and ``owl:imports`` is not followed.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from ..errors import DataError

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}

_LINE_PATTERNS = (
    re.compile(r"at line (\d+)"),
    re.compile(r"line (\d+)"),
)


def _syntax_error(path: Path, exc: Exception) -> DataError:
    message = str(exc).strip()
    line = getattr(exc, "lines", None)
    if line is None:
        for pattern in _LINE_PATTERNS:
            found = pattern.search(message)
            if found:
                line = int(found.group(1))
                break
    where = f"{path}:{line}" if line is not None else f"{path}"
    detail = " ".join(message.split())
    if len(detail) > 400:
        detail = detail[:400] + " …"
    return DataError(f"{where}: syntax error: {detail}")


def _format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix]
    except KeyError:
        raise DataError(f"{path}: unknown RDF file type {path.suffix!r} (expected one of {sorted(FORMATS)})") from None


def parse_rdf_file(path: Path) -> Graph:
    """A Graph with the triples of a Turtle or N-Triples file; a DataError naming file and line on bad syntax."""
    graph = Graph()
    try:
        graph.parse(path, format=_format_of(path))
    except DataError:
        raise
    except Exception as exc:  # rdflib raises BadSyntax, SyntaxError, ValueError... depending on the parser
        raise _syntax_error(path, exc) from None
    return graph
