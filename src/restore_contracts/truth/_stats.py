"""Small counting helpers shared by the truth questions: shares, tallies, example ids."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to four places; None when there is nothing to divide by."""
    if whole == 0:
        return None
    return round(part / whole, 4)


@dataclass(slots=True)
class Examples:
    """Keep the first ``limit`` ids seen under each label (input order, so deterministic)."""

    limit: int
    ids: dict[str, list[int]] = field(default_factory=dict)

    def add(self, label: str, row_id: int) -> None:
        """Remember ``row_id`` under ``label`` if there is room."""
        kept = self.ids.setdefault(label, [])
        if len(kept) < self.limit:
            kept.append(row_id)

    def get(self, label: str) -> list[int]:
        """The ids kept under a label (empty if none)."""
        return list(self.ids.get(label, []))


@dataclass(slots=True)
class Ratio:
    """How many of some rows have a property."""

    total: int = 0
    hits: int = 0

    def add(self, hit: bool) -> None:
        """Count one row."""
        self.total += 1
        self.hits += int(hit)

    def as_dict(self, total_key: str = "rows", hits_key: str = "hits") -> dict[str, Any]:
        """The counts and their share."""
        return {total_key: self.total, hits_key: self.hits, "share": share(self.hits, self.total)}


def distribution(counter: Counter[str]) -> dict[str, dict[str, Any]]:
    """Value -> count and share, most common first, ties by value."""
    total = sum(counter.values())
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return {value: {"count": n, "share": share(n, total)} for value, n in ordered}


__all__ = ("Examples", "Ratio", "distribution", "share")
