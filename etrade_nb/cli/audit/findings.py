"""A finding: where a possible secret is and what kind it looks like, never the value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .shapes import Confidence

TOO_LARGE = "skipped: too large"  # the kinds of Finding for content that was not read
NOT_TEXT = "cannot be read as text"
NOT_READ = frozenset({TOO_LARGE, NOT_TEXT})
PRAGMA = re.compile(r"etrade-nb:\s*allow", re.I)


@dataclass(frozen=True)
class Finding:
    """One possible secret: its file, location, kind and confidence (never the value)."""

    path: str
    where: str
    kind: str
    confidence: Confidence = Confidence.HIGH
    encoding: str = ""  # how the value was hidden: "base64", "percent-encoded", ...

    @property
    def skipped(self) -> bool:
        """True for content that was not read: too large, or not text (``encoding`` says why)."""
        return self.kind in NOT_READ

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.path}: {self.where}: {self.kind} ({self.encoding})"
        hidden = f", {self.encoding}" if self.encoding else ""
        return f"{self.path}: {self.where}: {self.kind} ({self.confidence} confidence{hidden})"


_SIBLINGS = {"token": "token secret", "token secret": "token"}


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per place and kind (the most confident), in first-seen order.

    A value read twice (under its name, then alone) may be judged "token secret" (high) and
    "token" (medium) at the same place: the less confident sibling kind is dropped.
    """
    best: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        key = (f.path, f.where, f.kind)
        if key not in best or f.confidence > best[key].confidence:
            best[key] = f
    return [
        f
        for (path, where, kind), f in best.items()
        if not (
            (sibling := best.get((path, where, _SIBLINGS.get(kind, ""))))
            and sibling.confidence > f.confidence
        )
    ]


def ranked(findings: Iterable[Finding]) -> list[Finding]:
    """Most confident first; within a confidence level, in file order (stable)."""
    return sorted(findings, key=lambda f: -f.confidence)
