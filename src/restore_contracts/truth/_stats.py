"""Small counting helpers shared by the truth questions: shares, tallies, example ids.

A share is rounded once, half up, from the exact fraction, to the 0.1% the
reports print; the percentage text is that same figure, never rounded again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_PLACES = Decimal("0.001")


def share(part: int, whole: int) -> float | None:
    """part / whole rounded half up to three places (0.1%); None when whole is 0."""
    if whole == 0:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP))


def percent(value: float | None) -> str:
    """A share as the percentage it already is (``0.686`` -> ``68.6%``); None is ``n/a``."""
    if value is None:
        return "n/a"
    return f"{Decimal(repr(value)) * 100:.1f}%"


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


__all__ = ("Examples", "Ratio", "distribution", "percent", "share")
