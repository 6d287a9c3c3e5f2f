"""Readable pinyin slugs for new entities (proposed once; IRIs are never recomputed from labels)."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """Lowercase pinyin syllables (without tones) joined by '-', other letters and digits kept."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(unicodedata.normalize("NFKC", text), style=Style.NORMAL, errors="default")
    words = [re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") for s in syllables]
    return re.sub(r"-{2,}", "-", "-".join(w for w in words if w))
