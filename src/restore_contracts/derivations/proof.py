"""The whole derived proof view of one restore run, from its persisted neighbours."""

from __future__ import annotations

from collections.abc import Iterable

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts.evidence_snapshot import EvidenceSnapshot
from restore_contracts.contracts.operation_run import OperationRun
from restore_contracts.contracts.proof import RestoreRunProof
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.derivations.attention import derive_attention
from restore_contracts.derivations.decision import derive_decision_state
from restore_contracts.derivations.evidence import derive_evidence
from restore_contracts.derivations.operation_run_proof import derive_operation_run_proof


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
    evidence_state, snapshot = derive_evidence(run, snapshots, assumptions, chosen_policy)
    return RestoreRunProof(
        restore_run_id=run.id,
        decision_state=derive_decision_state(run, assumptions),
        attention=derive_attention(run, assumptions),
        operation_run_id=run.operation_run_id,
        operation_run_proof_state=derive_operation_run_proof(run, operation_run, assumptions),
        evidence_policy=chosen_policy.value,
        evidence_state=evidence_state,
        evidence_snapshot_id=snapshot.id if snapshot else None,
    )


__all__ = ("derive_proof",)
