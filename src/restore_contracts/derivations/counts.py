"""Outcome counts of a run, as the results surface reads them.

The surface shows the summary counts from ``metadata`` (the truth map calls
them derived from it); a run without metadata counts is counted from
``results.items`` and ``results.foundations`` instead (assumed fallback, by
the configured item-status -> count mapping).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from restore_contracts.config import Assumptions
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.provenance import Provenance

TABLE = "counts"


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


def counts_from_results(run: RestoreRun, assumptions: Assumptions) -> OutcomeCounts:
    """Count item outcomes and skipped foundations in ``results``."""
    if run.results is None:
        return OutcomeCounts()
    by_status = assumptions.count_by_item_status
    tally: Counter[str] = Counter()
    for outcome in run.results.items.values():
        key = by_status.get(outcome.status) if outcome.status is not None else None
        if key is not None:
            tally[key] += 1
    skipped = assumptions.skipped_foundation_decision
    return OutcomeCounts(
        total=len(run.results.items),
        succeeded=tally["succeeded"],
        failed=tally["failed"],
        skipped=tally["skipped"],
        partial=tally["partial"],
        non_applied=tally["non_applied"],
        foundations_skipped=sum(1 for f in run.results.foundations if f.decision == skipped),
    )


def decide_counts(run: RestoreRun, assumptions: Assumptions) -> Decided[OutcomeCounts]:
    """The counts and the row of :func:`counts_table` that gave them."""
    meta = run.metadata
    if meta is None or meta.total is None:
        return Decided(counts_from_results(run, assumptions), "C2")
    counts = OutcomeCounts(
        total=meta.total,
        succeeded=meta.succeeded or 0,
        failed=meta.failed or 0,
        skipped=meta.skipped or 0,
        partial=meta.partial or 0,
        non_applied=meta.non_applied or 0,
        foundations_skipped=meta.foundations_skipped or 0,
    )
    return Decided(counts, "C1")


def outcome_counts(run: RestoreRun, assumptions: Assumptions) -> OutcomeCounts:
    """The counts the surface shows: metadata counts where present, else counted results."""
    return decide_counts(run, assumptions).value


def counts_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`outcome_counts`, in evaluation order."""
    mapping = ", ".join(f"{k} -> {v}" for k, v in assumptions.count_by_item_status.items())
    return [
        TableRow(
            "C1",
            "metadata.total is present",
            "metadata counts (a missing count reads as 0)",
            Provenance.DERIVED,
            note="the truth map: result summary counts are derived from metadata",
        ),
        TableRow(
            "C2",
            "otherwise",
            f"count results.items by status ({mapping}); foundations_skipped = foundation "
            f"entries with decision {assumptions.skipped_foundation_decision}",
            Provenance.ASSUMED,
            note="the fallback and the status -> count mapping are assumed",
        ),
    ]


__all__ = (
    "TABLE",
    "OutcomeCounts",
    "counts_from_results",
    "counts_table",
    "decide_counts",
    "outcome_counts",
)
