"""Readable pinyin slugs for new entities (proposed once; IRIs are never recomputed from labels).

The convention (graph/README.md): lowercase pinyin without tones, the syllables of one word run
together, words joined by ``-``: 北海工业区 → ``beihai-gongyequ``. Words come from jieba (offline)
with a user dictionary made of the graph's own words: every registered slug is aligned with its
Chinese label (``beihai-gongyequ`` with 北海工业区 gives 北海 and 工业区), so that a new name is cut
as the existing ones were. ``propose`` also looks the slug up in the registry (graph/iris.tsv), so
a taken slug is said before it is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .iris import Registered, read_registry, registry_path
from ..rdf.namespaces import ID
from ..paths import project_paths

#: How often jieba should think the graph's own words occur: high, so that they win over its dictionary.
WORD_FREQUENCY = 100_000


def _syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))]


def words_of(slug: str, label: str) -> list[str]:
    """The Chinese words of ``label`` as ``slug`` cuts them (``beihai-gongyequ``, 北海工业区 → 北海, 工业区);
    none when the slug is not the label's pinyin."""
    chars = [ch for ch in unicodedata.normalize("NFKC", label) if not ch.isspace()]
    syllables = _syllables("".join(chars))
    if len(syllables) != len(chars):
        return []
    words, at = [], 0
    for part in slug.split("-"):
        start, spelled = at, ""
        while at < len(chars) and len(spelled) < len(part):
            spelled += syllables[at]
            at += 1
        if spelled != part:
            return []
        words.append("".join(chars[start:at]))
    return words if at == len(chars) else []


@lru_cache(maxsize=4)
def _tokenizer(words: frozenset[str]):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in sorted(words):
        if len(word) > 1 and re.search(r"[\u4e00-\u9fff]", word):
            tokenizer.add_word(word, freq=WORD_FREQUENCY)
    return tokenizer


def graph_words(registry: list[Registered]) -> frozenset[str]:
    """Every word of the registered labels, cut as their slugs cut them."""
    words: set[str] = set()
    for entry in registry:
        if entry.iri.startswith(str(ID)) and entry.label_zh:
            words.update(words_of(entry.iri.rsplit("/", 1)[-1], entry.label_zh))
    return frozenset(words)


def slugify(text: str, *, words: frozenset[str] = frozenset(), person: bool = False) -> str:
    """The slug of ``text``: jieba's words (with ``words`` added to its dictionary) in pinyin, joined by '-'.

    A person's name is family name, then given name (卢德全 → ``lu-dequan``)."""
    name = unicodedata.normalize("NFKC", text).strip()
    if person and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name):
        return f"{''.join(_syllables(name[0]))}-{''.join(_syllables(name[1:]))}"
    tokens = _tokenizer(words).lcut(unicodedata.normalize("NFKC", text), HMM=True)
    parts: list[str] = []
    single = False  # runs of one-character words (复 绿) make one word (fulv), as curators write them
    for token in tokens:
        spelled = re.sub(r"[^a-z0-9]+", "", "".join(_syllables(token)))
        if not spelled:
            single = False
            continue
        one = len(token) == 1 and bool(re.match(r"[\u4e00-\u9fff]", token))
        if one and single:
            parts[-1] += spelled
        else:
            parts.append(spelled)
        single = one
    return "-".join(parts)


@dataclass(frozen=True)
class SlugProposal:
    """A proposed slug and the registered IRIs that already end in it (a slug is unique per kind)."""

    text: str
    slug: str
    kind: str | None
    taken: tuple[Registered, ...]

    @property
    def iri(self) -> str | None:
        return f"{ID}{self.kind}/{self.slug}" if self.kind else None

    @property
    def free(self) -> bool:
        """No registered IRI of this kind (of any kind when none is given) has the slug."""
        return not self.taken


def propose(text: str, *, kind: str | None = None, root: Path | str | None = None) -> SlugProposal:
    """A slug for ``text`` cut like the graph's words, and the registered IRIs that already use it."""
    registry = read_registry(registry_path(project_paths(root).graph_dir))
    slug = slugify(text, words=graph_words(registry), person=kind == "person")
    taken = tuple(entry for entry in registry if entry.iri.startswith(str(ID))
                  and entry.iri.rsplit("/", 1)[-1] == slug
                  and (kind is None or entry.iri == f"{ID}{kind}/{slug}"))
    return SlugProposal(text, slug, kind, taken)
