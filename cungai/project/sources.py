"""Source texts and their metadata: ``graph/sources/{id}.txt`` beside ``graph/sources/{id}.ttl``.

A source text must be UTF-8 in Unicode NFC and match the SHA-256 digest its metadata records, so
that evidence offsets (code points of the file as stored) can never drift silently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ..errors import DataError
from ..rdf.load import parse_rdf_file
from ..rdf.namespaces import CG, DCTERMS, source_iri


@dataclass(frozen=True)
class SourceText:
    """One source document: its id, text, language and metadata graph."""

    source_id: str
    path: Path
    text: str
    language: str
    metadata: Graph

    @property
    def iri(self) -> URIRef:
        return source_iri(self.source_id)

    @property
    def year(self) -> int | None:
        """The year of the source's date of issue (``dcterms:issued``), if it has one."""
        issued = self.metadata.value(self.iri, DCTERMS.issued)
        found = re.match(r"\d{4}", str(issued)) if issued is not None else None
        return int(found.group()) if found else None


def read_text(path: Path) -> str:
    """The text of ``path``, which must be UTF-8 (no BOM) in NFC; otherwise a DataError naming where."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise DataError(f"{path}: starts with a UTF-8 byte order mark; store source texts without one")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}:{line}: not UTF-8 (byte {exc.start}: {exc.reason}); convert the file to UTF-8"
        ) from None
    if not unicodedata.is_normalized("NFC", text):
        for number, line_text in enumerate(text.split("\n"), start=1):
            if not unicodedata.is_normalized("NFC", line_text):
                column = next(
                    i for i, ch in enumerate(line_text, start=1)
                    if unicodedata.normalize("NFC", line_text[: i]) != line_text[: i]
                    or not unicodedata.is_normalized("NFC", ch)
                )
                raise DataError(
                    f"{path}:{number}:{column}: text is not in Unicode NFC; normalise it "
                    "(e.g. python -c \"import unicodedata,sys; ...normalize('NFC', ...)\") before curating"
                )
    return text


def load_source(text_path: Path) -> SourceText:
    """Read one source text and its metadata file, checking encoding, normalisation and digest."""
    source_id = text_path.stem
    meta_path = text_path.with_suffix(".ttl")
    if not meta_path.exists():
        raise DataError(f"{text_path}: no metadata file {meta_path.name} beside it (title, date, language, sha256)")
    text = read_text(text_path)
    metadata = parse_rdf_file(meta_path)
    iri = source_iri(source_id)
    if (iri, None, None) not in metadata:
        raise DataError(f"{meta_path}: describes no <{iri}>")
    recorded = metadata.value(iri, CG.sha256)
    actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if recorded is None or str(recorded) != actual:
        raise DataError(
            f"{meta_path}: cg:sha256 is {recorded or 'missing'} but {text_path.name} hashes to {actual}; "
            "a changed text moves every evidence offset: re-check the evidence, then record the new digest"
        )
    language = metadata.value(iri, DCTERMS.language)
    if not isinstance(language, Literal):
        raise DataError(f"{meta_path}: <{iri}> needs dcterms:language (e.g. \"zh\")")
    return SourceText(source_id, text_path, text, str(language), metadata)
