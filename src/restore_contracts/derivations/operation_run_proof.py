"""Operation-run proof state: what the linked OperationRun says about execution.

The link is repo-verified; the proof state is *not available* in the attention
contract (truth map), so its states and this table are this toolkit's proposal
(assumed). A run whose ``operation_run_id`` cannot be looked up (the
operation_runs table was not given) is ``unknown``, never silently
``unresolved``.
"""

from __future__ import annotations

from restore_contracts.config import Assumptions
from restore_contracts.contracts.operation_run import OperationRun
from restore_contracts.contracts.proof import OperationRunProofState
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.provenance import Provenance

P = OperationRunProofState
TABLE = "operation_run_proof"
_NOTE = "the proof state is not available in the attention contract; states assumed"


def decide_operation_run_proof(
    run: RestoreRun,
    operation_run: OperationRun | None,
    assumptions: Assumptions,
    *,
    looked_up: bool = True,
) -> Decided[OperationRunProofState]:
    """The proof state and the row of :func:`operation_run_proof_table` that gave it."""
    if run.operation_run_id is None:
        return Decided(P.NOT_LINKED, "P1")
    if operation_run is None:
        return Decided(P.UNRESOLVED, "P2") if looked_up else Decided(P.UNKNOWN, "P3")
    if operation_run.status != assumptions.operation_run_completed_status:
        if operation_run.status in assumptions.operation_run_statuses:
            return Decided(P.IN_PROGRESS, "P4")
        return Decided(P.UNRECOGNISED, "P5")
    state = assumptions.proof_by_outcome.get(operation_run.outcome)
    if state is None:
        return Decided(P.UNRECOGNISED, "P5")
    return Decided(state, f"P.{operation_run.outcome}")


def derive_operation_run_proof(
    run: RestoreRun,
    operation_run: OperationRun | None,
    assumptions: Assumptions,
    *,
    looked_up: bool = True,
) -> OperationRunProofState:
    """The proof state of a run given its operation run (None: not found or not linked)."""
    return decide_operation_run_proof(run, operation_run, assumptions, looked_up=looked_up).value


def operation_run_proof_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_operation_run_proof`, in evaluation order."""
    a = Provenance.ASSUMED
    done = assumptions.operation_run_completed_status
    rows = [
        TableRow(
            "P1",
            "operation_run_id is null",
            P.NOT_LINKED.value,
            a,
            note="the nullable link is repo-verified; the state it gives is assumed",
        ),
        TableRow("P2", "operation run not found", P.UNRESOLVED.value, a, note=_NOTE),
        TableRow("P3", "operation_runs not available to look in", P.UNKNOWN.value, a, note=_NOTE),
        TableRow(
            "P4",
            f"operation run status is not {done} (and in operation_run_statuses)",
            P.IN_PROGRESS.value,
            a,
            note=_NOTE,
        ),
    ]
    for outcome, state in assumptions.proof_by_outcome.items():
        rows.append(
            TableRow(f"P.{outcome}", f"status {done} with outcome = {outcome}", state.value, a)
        )
    rows.append(
        TableRow(
            "P5", "status or outcome outside the vocabulary", P.UNRECOGNISED.value, a, note=_NOTE
        )
    )
    return rows


__all__ = (
    "TABLE",
    "OperationRunProofState",
    "decide_operation_run_proof",
    "derive_operation_run_proof",
    "operation_run_proof_table",
)
