"""Open question 2: which snapshot to link when an operation run has several.

For every operation run with more than one snapshot, each candidate policy
(latest active, latest any) selects one; the report says what the detail page
would then show under each, how often they differ and how, and the status
sequences the snapshots went through over time. The verdict is read off those
figures, never fixed in advance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts import EvidenceSnapshot
from restore_contracts.derivations import evidence_state_of, select_snapshot
from restore_contracts.derivations.evidence import recency_key
from restore_contracts.truth._stats import distribution, percent, share

_NOT_EVIDENCE = frozenset({"pending", "unavailable", "unrecognised", "none"})
"""States that show no usable evidence: a policy preferring them shows less, not more."""


def _states(counter: Counter[str]) -> str:
    return ", ".join(f"{state} {n}" for state, n in sorted(counter.items()))


def compare_policies(
    snapshots_by_operation_run: Mapping[int, Sequence[EvidenceSnapshot]],
    assumptions: Assumptions,
    examples: int,
) -> dict[str, Any]:
    """The figures and the verdict of question 2 (the caller checks the table is present)."""
    several = 0
    disagree = 0
    shows: dict[str, Counter[str]] = {p.value: Counter() for p in EvidencePolicy}
    sequences: Counter[str] = Counter()
    active_missing = 0
    hidden_newer: Counter[str] = Counter()
    example_ids: list[int] = []
    columns = assumptions.evidence_recency
    for op_id in sorted(snapshots_by_operation_run):
        snapshots = snapshots_by_operation_run[op_id]
        if len(snapshots) < 2:
            continue
        several += 1
        ordered = sorted(snapshots, key=lambda s: recency_key(s, columns))
        sequences[" -> ".join(s.status for s in ordered)] += 1
        chosen = {p: select_snapshot(snapshots, p, assumptions) for p in EvidencePolicy}
        for policy, snapshot in chosen.items():
            shows[policy.value][evidence_state_of(snapshot, assumptions).value] += 1
        active = chosen[EvidencePolicy.LATEST_ACTIVE]
        newest = chosen[EvidencePolicy.LATEST_ANY]
        if (active.id if active else None) == (newest.id if newest else None):
            continue
        disagree += 1
        if active is None:
            active_missing += 1
        else:
            hidden_newer[evidence_state_of(newest, assumptions).value] += 1
        if len(example_ids) < examples:
            example_ids.append(op_id)
    return {
        "verdict": _verdict(several, disagree, active_missing, hidden_newer),
        "operation_runs_with_snapshots": len(snapshots_by_operation_run),
        "with_several": several,
        "policies_disagree": disagree,
        "share": share(disagree, several),
        "detail_page_shows": {policy: distribution(c) for policy, c in shows.items()},
        "when_disagreeing": {
            "latest_active_shows_nothing": active_missing,
            "latest_active_hides_newer": dict(sorted(hidden_newer.items())),
        },
        "status_sequences": distribution(sequences),
        "examples": {"operation_run_ids": example_ids},
    }


def _verdict(several: int, disagree: int, missing: int, hidden: Counter[str]) -> str:
    if several == 0:
        return "no data: no operation run has more than one snapshot"
    if disagree == 0:
        return f"either: both policies select the same snapshot for all {several}"
    hides = sum(hidden.values())
    measured = f"they differ for {disagree} of {several} ({percent(share(disagree, several))})"
    if missing == 0 and set(hidden) <= _NOT_EVIDENCE:
        return (
            f"latest_active: {measured}, each time an active snapshot exists and latest_any"
            f" would show a newer one without usable evidence ({_states(hidden)})"
        )
    if hides == 0:
        return (
            f"latest_any: {measured}, each time no snapshot is active, so latest_active"
            " would show no evidence at all"
        )
    parts = []
    if missing:
        parts.append(f"{missing} with no active snapshot (latest_active shows none)")
    if hides:
        parts.append(f"{hides} where an older active one hides a newer ({_states(hidden)})")
    return f"not settled by the data: {measured}; " + "; ".join(parts)


__all__ = ("compare_policies",)
