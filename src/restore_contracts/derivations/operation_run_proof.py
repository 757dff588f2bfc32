"""Operation-run proof state: what the linked OperationRun says about execution.

The link is repo-verified; the states and the table are assumed. A run whose
``operation_run_id`` cannot be looked up (the operation_runs table was not
given) is ``unknown``, never silently ``unresolved``.
"""

from __future__ import annotations

from restore_contracts.config import Assumptions
from restore_contracts.contracts.operation_run import OperationRun
from restore_contracts.contracts.proof import OperationRunProofState
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.derivations._table import TableRow
from restore_contracts.provenance import Provenance

P = OperationRunProofState


def derive_operation_run_proof(
    run: RestoreRun,
    operation_run: OperationRun | None,
    assumptions: Assumptions,
    *,
    looked_up: bool = True,
) -> OperationRunProofState:
    """The proof state of a run given its operation run (None: not found or not linked)."""
    if run.operation_run_id is None:
        return P.NOT_LINKED
    if operation_run is None:
        return P.UNRESOLVED if looked_up else P.UNKNOWN
    if operation_run.status != "completed":
        return (
            P.IN_PROGRESS
            if operation_run.status in assumptions.operation_run_statuses
            else P.UNRECOGNISED
        )
    state = assumptions.proof_by_outcome.get(operation_run.outcome)
    if state is None:
        return P.UNRECOGNISED
    return P(state)


def operation_run_proof_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_operation_run_proof`, in evaluation order."""
    a = Provenance.ASSUMED
    rows = [
        TableRow("P1", "operation_run_id is null", P.NOT_LINKED.value, Provenance.REPO_VERIFIED),
        TableRow("P2", "operation run not found", P.UNRESOLVED.value, a),
        TableRow("P3", "operation_runs not available to look in", P.UNKNOWN.value, a),
        TableRow("P4", "operation run status is not completed", P.IN_PROGRESS.value, a),
    ]
    for index, (outcome, state) in enumerate(assumptions.proof_by_outcome.items(), start=5):
        rows.append(TableRow(f"P{index}", f"completed with outcome = {outcome}", state, a))
    rows.append(
        TableRow(
            f"P{len(rows) + 1}", "status or outcome outside the vocabulary", P.UNRECOGNISED.value, a
        )
    )
    return rows


__all__ = ("OperationRunProofState", "derive_operation_run_proof", "operation_run_proof_table")
