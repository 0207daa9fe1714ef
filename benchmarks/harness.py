"""Timing helpers: interleaved (ABAB…) rounds, medians, and the result rows."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Row:
    """One line of the results table; ``ratio`` is against ``baseline``."""

    group: str
    name: str
    value: float
    unit: str = "ms"
    ratio: float | None = None
    baseline: str | None = None
    target: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.target is None or self.ratio is None or self.ratio <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def interleaved(
    contenders: Mapping[str, Callable[[], object]], *, rounds: int, per_round: int
) -> dict[str, float]:
    """Median seconds per call of each contender; rounds alternate A B A B … (order flips)."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            fn = contenders[name]
            start = time.perf_counter()
            for _ in range(per_round):
                fn()
            samples[name].append((time.perf_counter() - start) / per_round)
    return {name: statistics.median(values) for name, values in samples.items()}


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else float("inf")


def render(rows: list[Row]) -> str:
    """A plain-text table: group, name, median, ratio, target, verdict."""
    header = ("benchmark", "median", "ratio", "vs", "target", "")
    lines = [header]
    for row in rows:
        value = f"{row.value:.3f} {row.unit}" if row.unit == "ms" else f"{row.value:g} {row.unit}"
        lines.append(
            (
                f"{row.group}: {row.name}",
                value,
                "" if row.ratio is None else f"{row.ratio:.2f}x",
                row.baseline or "",
                "" if row.target is None else f"<= {row.target:.2f}x",
                "" if row.target is None else ("ok" if row.ok else "MISSED"),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {row.group}: {row.name}: {row.note}" for row in rows if row.note]
    return "\n".join(out + (["", "notes:", *notes] if notes else []))
