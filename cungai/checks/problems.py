"""A problem found in the curated data, said so that a curator can mend it: where, what, how.

Every check of ``cungai check`` (and the build's checks that run per block) reports ``Problem``s:
the file and line, the evidence block, the fact as the curator wrote it, what is wrong and how to
mend it (in Chinese and English). ``severity`` is ``error`` (fails check and build) or ``notice``
(reported, fails nothing: a new IRI that will be registered, an unfinished source).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError


@dataclass(frozen=True)
class Problem:
    """One thing to mend (or to know), located in the curated files."""

    path: Path | None
    line: int
    block: str
    fact: str
    message: str
    hint: str = ""
    severity: str = "error"

    @property
    def where(self) -> str:
        if self.path is None:
            return "(project)"
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        head = self.where + (f" block {self.block}" if self.block else "")
        lines = [f"{head}: {self.message}"]
        if self.fact:
            lines.append(f"    fact / 事实: {self.fact}")
        if self.hint:
            lines.append(f"    mend / 修改: {self.hint}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"file": str(self.path) if self.path else None, "line": self.line, "block": self.block,
                "fact": self.fact, "message": self.message, "hint": self.hint, "severity": self.severity}


def errors_of(problems: list[Problem]) -> list[Problem]:
    """The problems that fail a check or a build."""
    return [p for p in problems if p.severity == "error"]


def raise_on_errors(problems: list[Problem], *, title: str, limit: int = 40) -> None:
    """A DataError listing the errors among ``problems`` (the first ``limit``), if there is any."""
    errors = errors_of(problems)
    if not errors:
        return
    lines = [f"{title} ({len(errors)}):"]
    lines += [str(p) for p in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"… and {len(errors) - limit} more / 另有 {len(errors) - limit} 处")
    raise DataError("\n".join(lines))
