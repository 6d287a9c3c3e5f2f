"""Where a curated fact is written: the file, the line and the block, found in the curated text.

Checks that run on the parsed graph (SHACL) know terms, not lines. ``find_statement`` looks for the
statement about a subject in the curated files as a curator wrote it (with each file's own
prefixes, or as a full IRI), and for the line of one predicate in it; in TriG, the block is the
evidence block (named graph) around it. The first file that says it wins. ``checks.curation.
violation_problems`` places SHACL results with it, for ``cungai check`` and the build alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_BLOCK = re.compile(r"^\s*(\S+)\s*\{")
_END = re.compile(r"\s\.\s*(#.*)?$")


@dataclass(frozen=True)
class Place:
    """A line of a curated file, and the block (TriG named graph) it is in."""

    path: Path
    line: int
    block: str | None = None
    text: str = ""


def spellings(iri: str, prefixes: dict[str, str]) -> list[str]:
    """How ``iri`` can be written in a file with ``prefixes``: ``<iri>`` and every ``prefix:local``."""
    found = [f"<{iri}>"]
    for prefix, namespace in prefixes.items():
        local = iri[len(namespace):]
        if namespace and iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", local):
            found.append(f"{prefix}:{local}")
    return found


def _starts(line: str, names: list[str]) -> bool:
    stripped = line.lstrip()
    return any(stripped.startswith(name) and stripped[len(name):len(name) + 1] in ("", " ", "\t", ";", ",")
               for name in names)


def find_statement(files: Iterable[Path], subject: str, predicate: str | None = None) -> Place | None:
    """The line where ``predicate`` (an IRI, ``<IRI>`` or ``prefix:local``) is said of ``subject`` (an IRI);
    without a predicate, the line that starts the first statement about ``subject``. None if not written.
    """
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        prefixes = {m.group(1): m.group(2) for m in map(_PREFIX.match, lines) if m}
        names = spellings(subject, prefixes)
        wanted = []
        if predicate:
            wanted = [predicate] if not predicate.startswith("<") else spellings(predicate.strip("<>"), prefixes)
        block = None
        for number, line in enumerate(lines, start=1):
            opening = _BLOCK.match(line)
            if opening and path.suffix == ".trig":
                block = opening.group(1)
            if not _starts(line, names):
                continue
            if not wanted:
                return Place(path, number, block, line)
            for ahead in range(number, len(lines) + 1):
                text = lines[ahead - 1]
                if any(re.search(rf"(?<![\w:]){re.escape(w)}(?![\w-])", text) for w in wanted):
                    return Place(path, ahead, block, text)
                if _END.search(text):
                    break
    return None
