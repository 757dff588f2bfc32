"""Outcome counts of a run, as the results surface reads them.

The surface shows the summary counts from ``metadata`` (the truth map calls
them derived from it); a run without metadata counts is counted from
``results.items`` and ``results.foundations`` instead (assumed fallback).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from restore_contracts.contracts.restore_run import RestoreRun


@dataclass(frozen=True, slots=True)
class OutcomeCounts:
    """How many items ended in each outcome, and how many foundations were skipped."""

    total: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    partial: int = 0
    non_applied: int = 0
    foundations_skipped: int = 0

    @property
    def applied(self) -> int:
        """Items that changed the tenant (fully or in part)."""
        return self.succeeded + self.partial

    @property
    def clean(self) -> bool:
        """Nothing failed, partial, skipped or not applied, and no foundation skipped."""
        return not (
            self.failed
            or self.partial
            or self.skipped
            or self.non_applied
            or self.foundations_skipped
        )

    @property
    def needing_review(self) -> int:
        """Items that are not fully applied."""
        return self.failed + self.partial + self.skipped + self.non_applied


def counts_from_results(run: RestoreRun) -> OutcomeCounts:
    """Count item outcomes and skipped foundations in ``results``."""
    if run.results is None:
        return OutcomeCounts()
    tally = Counter(outcome.status for outcome in run.results.items.values())
    return OutcomeCounts(
        total=len(run.results.items),
        succeeded=tally["succeeded"],
        failed=tally["failed"],
        skipped=tally["skipped"],
        partial=tally["partial"],
        non_applied=tally["non_applied"],
        foundations_skipped=sum(1 for f in run.results.foundations if f.decision == "skipped"),
    )


def outcome_counts(run: RestoreRun) -> OutcomeCounts:
    """The counts the surface shows: metadata counts where present, else counted results."""
    meta = run.metadata
    if meta is None or meta.total is None:
        return counts_from_results(run)
    return OutcomeCounts(
        total=meta.total,
        succeeded=meta.succeeded or 0,
        failed=meta.failed or 0,
        skipped=meta.skipped or 0,
        partial=meta.partial or 0,
        non_applied=meta.non_applied or 0,
        foundations_skipped=meta.foundations_skipped or 0,
    )


__all__ = ("OutcomeCounts", "counts_from_results", "outcome_counts")
