"""Random worlds with realistic proportions: mostly completed, some partial or failed.

A random world first draws when its run was created (spread over the months
around the anchor), then a profile by weight, then the details. The dates
decide what can exist: runs created before 2026-02-10 have no operation run,
runs created before 2026-03-19 no evidence; legacy statuses belong to runs
from before the migration when the spread reaches back that far. The weights
are assumptions about a typical tenant, not measurements.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

from restore_contracts.generators.builder import ALL_STATUSES, LEGACY, TERMINAL, Spec
from restore_contracts.generators.clock import (
    DAY,
    EVIDENCE_TABLE_SINCE,
    OPERATION_RUN_COLUMN_SINCE,
)
from restore_contracts.generators.ids import MAX_ITEMS

SPREAD_BEFORE = 182 * DAY
"""Random runs start this long before the anchor (2025-12-01 for the default anchor)."""
SPREAD_AFTER = 152 * DAY
"""... and end this long after it (2026-10-31 for the default anchor)."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One kind of run a tenant has, and how often (relative weight)."""

    status: str
    weight: float
    mix: str = "none"
    dry_run: bool = False
    blocked: bool = False
    started: bool = True


PROFILES: tuple[Profile, ...] = (
    Profile("completed", 38, "clean"),
    Profile("completed", 14, "follow_up"),
    Profile("partial", 9, "partial"),
    Profile("failed", 5.5, "failed"),
    Profile("failed", 1.5, blocked=True),
    Profile("cancelled", 2, "cancelled_applied"),
    Profile("cancelled", 1.5, started=False),
    Profile("cancelled", 0.5, "cancelled_none"),
    Profile("aborted", 1, "cancelled_none"),
    Profile("aborted", 0.5, "cancelled_applied"),
    Profile("completed_with_errors", 2, "partial"),
    Profile("previewed", 4, dry_run=True),
    Profile("completed", 5, "dry", dry_run=True),
    Profile("draft", 2),
    Profile("scoped", 1),
    Profile("checked", 1),
    Profile("previewed", 3),
    Profile("pending", 1.5),
    Profile("queued", 1),
    Profile("running", 1.5),
)

_FAILURES = (
    "forbidden",
    "forbidden",
    "throttled",
    "throttled",
    "bad_request",
    "not_found",
    "timeout",
)
_EVIDENCE_PLANS: tuple[tuple[tuple[str, str], ...], ...] = (
    (),
    (),
    (),
    (("active", "complete"),),
    (("active", "complete"),),
    (("active", "complete"),),
    (("active", "complete"),),
    (("active", "partial"),),
    (("active", "missing"),),
    (("generating", "missing"),),
    (("queued", "missing"),),
    (("failed", "missing"),),
    (("expired", "complete"),),
    (("superseded", "partial"), ("active", "complete")),
    (("active", "complete"), ("generating", "missing")),
    (("superseded", "complete"), ("active", "complete"), ("failed", "missing")),
)
_OPERATION = {
    "queued": ("queued", "pending"),
    "running": ("running", "pending"),
    "completed": ("completed", "succeeded"),
    "partial": ("completed", "partially_succeeded"),
    "completed_with_errors": ("completed", "partially_succeeded"),
    "failed": ("completed", "failed"),
    "cancelled": ("completed", "cancelled"),
    "aborted": ("completed", "cancelled"),
}


def _cumulative(profiles: tuple[Profile, ...]) -> list[float]:
    total = 0.0
    out = []
    for profile in profiles:
        total += profile.weight
        out.append(total)
    return out


def _item_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.30:
        return 1 + int(rng.random() * 5)
    if roll < 0.80:
        return 6 + int(rng.random() * 15)
    if roll < 0.98:
        return 21 + int(rng.random() * 60)
    return 81 + int(rng.random() * 220)


class RandomSpecs:
    """Draws the spec of random world ``k`` from that world's Random."""

    __slots__ = ("_cum", "_profiles", "anchor", "items")

    def __init__(self, anchor: int, *, items: int | None = None, status: str | None = None):
        if items is not None and not 1 <= items <= MAX_ITEMS:
            raise ValueError(f"items must be between 1 and {MAX_ITEMS}")
        profiles = PROFILES
        if status is not None:
            if status not in ALL_STATUSES:
                raise ValueError(f"unknown status {status!r}")
            profiles = tuple(p for p in PROFILES if p.status == status)
        self._profiles = profiles
        self._cum = _cumulative(profiles)
        self.anchor = anchor
        self.items = items

    def draw(self, rng: random.Random) -> Spec:
        """One spec; dates decide whether an operation run and evidence may exist."""
        rand = rng.random
        profile = self._profiles[bisect.bisect(self._cum, rand() * self._cum[-1])]
        start = self.anchor - SPREAD_BEFORE
        end = self.anchor + SPREAD_AFTER
        if profile.status in LEGACY and start < OPERATION_RUN_COLUMN_SINCE:
            end = OPERATION_RUN_COLUMN_SINCE
        created = start + int(rand() * (end - start))
        executed = profile.status in TERMINAL or profile.status in LEGACY
        n = self.items if self.items is not None else _item_count(rng)
        if profile.mix == "partial":
            n = max(n, 2)
        extra = 0
        requested = "null"
        if rand() < 0.3:
            requested = "list"
            if rand() < 0.5:
                extra = 1 + int(rng.random() * 5)
        if self.items is not None:
            extra = 0
        operation = None
        evidence: tuple[tuple[str, str], ...] = ()
        needs_op = not profile.dry_run and (executed or profile.status in _OPERATION)
        if needs_op and created >= OPERATION_RUN_COLUMN_SINCE:
            operation = _OPERATION[profile.status]
            if profile.blocked:
                operation = ("completed", "blocked")
            if executed and created >= EVIDENCE_TABLE_SINCE:
                evidence = _EVIDENCE_PLANS[int(rand() * len(_EVIDENCE_PLANS))]
        roll = rand()
        requester = "user" if roll < 0.6 else "email" if roll < 0.9 else "none"
        foundations = int(rand() * 4)
        return Spec(
            status=profile.status,
            dry_run=profile.dry_run,
            items=n,
            extra_set_items=extra,
            requested=requested,
            mix=profile.mix,
            failure=_FAILURES[int(rand() * len(_FAILURES))],
            operation=operation,
            blocked=profile.blocked,
            evidence=evidence,
            started=profile.started,
            deleted_set=rand() < 0.03,
            at=created,
            pinned=True,
            unicode=rand() < 0.02,
            requester=requester,
            foundations=foundations,
            foundation_skipped=profile.mix == "follow_up" and rand() < 0.3,
        )


__all__ = ("PROFILES", "SPREAD_AFTER", "SPREAD_BEFORE", "Profile", "RandomSpecs")
