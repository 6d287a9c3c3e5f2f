"""Chinese names: normalising them for comparison, their pinyin, and the English name of a division.

``normalise`` is what reconciliation compares: NFKC (full-width → half-width), traditional →
simplified characters (OpenCC ``t2s``), no spaces or punctuation, lower case. ``pinyin_syllables``
is the toneless pinyin of a name, syllable by syllable (``伦教站`` → ``lun jiao zhan``), and
``latin_key`` turns a Latin-script name into one key (``Lúnjiào Zhàn`` → ``lunjiaozhan``), so a
row written in pinyin meets the entity written in characters.

``division_name_en`` writes the English name of an administrative division the way Chinese place
names are written in English: the proper name in Hanyu Pinyin (syllables joined, an apostrophe
before a syllable starting with a, o or e, first letter capitalised) and the generic term
translated (``顺德区`` → ``Shunde District``). It is a rule applied to the Chinese name, not a
translation from a source: datasets that use it say so in their metadata.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Generic terms of Chinese administrative divisions, longest first, with their English term.
DIVISION_TERMS: tuple[tuple[str, str], ...] = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("街道", "Subdistrict"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("镇", "Town"),
    ("乡", "Township"),
    ("村", "Village"),
)


@dataclass(frozen=True)
class Normalised:
    """A name made comparable, and which normalisation steps changed it."""

    key: str
    steps: tuple[str, ...]


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _strip(text: str) -> str:
    """Letters, marks and digits only: spaces, punctuation and symbols go."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMN")


def normalise(name: str) -> Normalised:
    """The comparison key of ``name`` and the steps that changed it (``width``, ``t2s``, ``spaces``, ``case``)."""
    steps: list[str] = []
    text = unicodedata.normalize("NFKC", name)
    if text != name:
        steps.append("width")
    simplified = _t2s().convert(text)
    if simplified != text:
        steps.append("t2s")
    stripped = _strip(simplified)
    if stripped != simplified:
        steps.append("spaces")
    lowered = stripped.casefold()
    if lowered != stripped:
        steps.append("case")
    return Normalised(lowered, tuple(steps))


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return any("HAN" in unicodedata.name(ch, "") or "CJK" in unicodedata.name(ch, "") for ch in text)


def latin_key(text: str) -> str:
    """A Latin-script name as lowercase letters and digits, tone marks and separators removed."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def pinyin_syllables(text: str) -> list[str]:
    """Toneless pinyin syllables of the Chinese characters in ``text`` (other letters and digits kept)."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(normalise(text).key, style=Style.NORMAL, errors="default", v_to_u=False)
    return [s.replace("ü", "v") for s in syllables if s]


def split_division_term(name: str) -> tuple[str, str]:
    """``(proper name, generic term)`` of a division name: ``顺德区`` → ``("顺德", "区")``."""
    for term, _ in DIVISION_TERMS:
        if name.endswith(term) and len(name) > len(term):
            return name[: -len(term)], term
    return name, ""


def romanise(name: str) -> str:
    """A proper name in Hanyu Pinyin as written in English: ``顺德`` → ``Shunde``, ``西安`` → ``Xi'an``."""
    syllables = pinyin_syllables(name)
    word = ""
    for index, syllable in enumerate(syllables):
        if index and syllable[:1] in ("a", "o", "e"):
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def division_name_en(name: str) -> str:
    """The English name of a division from its Chinese name: ``顺德区`` → ``Shunde District``."""
    proper, term = split_division_term(name.strip())
    english = dict(DIVISION_TERMS).get(term, "")
    return f"{romanise(proper)} {english}".strip()
