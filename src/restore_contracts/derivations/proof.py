"""The whole derived proof view of one restore run, from its persisted neighbours.

:func:`decide_view` keeps, for every derived field, the table row that decided
it (``explain`` prints them, the truth report counts them); :func:`derive_proof`
is the same view as the ``RestoreRunProof`` contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts.evidence_snapshot import EvidenceSnapshot
from restore_contracts.contracts.operation_run import OperationRun
from restore_contracts.contracts.proof import (
    EvidenceState,
    OperationRunProofState,
    RestoreRunProof,
)
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.contracts.status import DecisionState
from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.derivations.attention import attention_tables, decide_attention
from restore_contracts.derivations.counts import OutcomeCounts, counts_table, decide_counts
from restore_contracts.derivations.decision import decide_decision_state, decision_table
from restore_contracts.derivations.evidence import decide_evidence, evidence_table
from restore_contracts.derivations.operation_run_proof import (
    decide_operation_run_proof,
    operation_run_proof_table,
)


@dataclass(frozen=True, slots=True)
class EvidenceChoice:
    """The evidence state one selection policy gives, and the snapshot it selected."""

    state: Decided[EvidenceState]
    snapshot: EvidenceSnapshot | None


@dataclass(frozen=True, slots=True)
class DerivedView:
    """Every derived field of one run with the row that decided it."""

    decision_state: Decided[DecisionState]
    counts: Decided[OutcomeCounts]
    attention: dict[str, Decided[str]]
    operation_run_proof: Decided[OperationRunProofState]
    evidence: dict[EvidencePolicy, EvidenceChoice] = field(default_factory=dict)
    """Per policy; empty when the evidence_snapshots table was not available."""


def decide_view(
    run: RestoreRun,
    operation_run: OperationRun | None,
    snapshots: Iterable[EvidenceSnapshot] | None,
    assumptions: Assumptions,
    *,
    looked_up: bool = True,
) -> DerivedView:
    """Decision, counts, attention, operation-run proof and evidence under both policies.

    ``snapshots`` None means the evidence table was not available (no evidence is
    derived); ``looked_up`` False means operation_runs was not available.
    """
    evidence: dict[EvidencePolicy, EvidenceChoice] = {}
    if snapshots is not None:
        linked = list(snapshots)
        for policy in EvidencePolicy:
            state, chosen = decide_evidence(run, linked, assumptions, policy)
            evidence[policy] = EvidenceChoice(state, chosen)
    return DerivedView(
        decision_state=decide_decision_state(run, assumptions),
        counts=decide_counts(run, assumptions),
        attention=decide_attention(run, assumptions),
        operation_run_proof=decide_operation_run_proof(
            run, operation_run, assumptions, looked_up=looked_up
        ),
        evidence=evidence,
    )


def derive_proof(
    run: RestoreRun,
    operation_run: OperationRun | None,
    snapshots: Iterable[EvidenceSnapshot],
    assumptions: Assumptions,
    *,
    policy: EvidencePolicy | None = None,
) -> RestoreRunProof:
    """Decision, attention, operation-run proof and evidence state of one run."""
    chosen_policy = policy or assumptions.evidence_policy
    evidence, snapshot = decide_evidence(run, snapshots, assumptions, chosen_policy)
    attention = decide_attention(run, assumptions)
    return RestoreRunProof.model_validate(
        {
            "restore_run_id": run.id,
            "decision_state": decide_decision_state(run, assumptions).value.value,
            "attention": {name: d.value for name, d in attention.items()},
            "operation_run_id": run.operation_run_id,
            "operation_run_proof_state": decide_operation_run_proof(
                run, operation_run, assumptions
            ).value.value,
            "evidence_policy": chosen_policy.value,
            "evidence_state": evidence.value.value,
            "evidence_snapshot_id": snapshot.id if snapshot else None,
        }
    )


TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "decision_state": ("dry_run_decision_state", "decision_states", "legacy_mapping"),
    "counts": ("count_by_item_status", "skipped_foundation_decision"),
    "attention_state": (
        "legacy_mapping",
        "dry_run_attention_state",
        "unfinished_attention_state",
        "attention_by_status",
    ),
    "attention_summary": ("summary_by_case",),
    "attention_next_action": ("next_action_by_case", "next_actions"),
    "attention_cause_family": (
        "cause_family_by_case",
        "cause_by_http_status",
        "cause_by_message",
        "cause_item_statuses",
        "cause_families",
    ),
    "attention_recovery_claim_boundary": (
        "recovery_claim_boundary_by_case",
        "recovery_claim_boundaries",
    ),
    "attention_tone": ("tones", "tone_vocabulary"),
    "operation_run_proof": (
        "operation_run_completed_status",
        "proof_by_outcome",
        "operation_run_statuses",
        "operation_run_outcomes",
    ),
    "evidence": (
        "evidence_policy",
        "active_evidence_statuses",
        "evidence_recency",
        "evidence_by_status",
        "evidence_by_completeness",
        "evidence_statuses",
        "completeness_states",
    ),
}
"""Table -> the configuration keys that set it."""


def derivation_tables(assumptions: Assumptions) -> dict[str, list[TableRow]]:
    """Every table a derivation executes, by name, in the order a view is derived."""
    return {
        "decision_state": decision_table(assumptions),
        "counts": counts_table(assumptions),
        **attention_tables(assumptions),
        "operation_run_proof": operation_run_proof_table(assumptions),
        "evidence": evidence_table(assumptions),
    }


__all__ = (
    "TABLE_KEYS",
    "DerivedView",
    "EvidenceChoice",
    "decide_view",
    "derivation_tables",
    "derive_proof",
)
