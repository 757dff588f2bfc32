"""Decision state: the UI-facing summary of the 13 persisted statuses.

The detail page must show fewer states than the application persists without
inventing persisted truth (the truth map calls this model derived); the
mapping itself is assumed and configurable. A legacy status shows the state of
the status the legacy mapping resolves it to, so ``statuses`` and the decision
table never disagree.
"""

from __future__ import annotations

from restore_contracts.config import Assumptions
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.contracts.status import (
    STATUS_GROUPS,
    DecisionState,
    StatusGroup,
)
from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.provenance import Provenance

TABLE = "decision_state"


def decide_decision_state(run: RestoreRun, assumptions: Assumptions) -> Decided[DecisionState]:
    """The decision state and the row of :func:`decision_table` that gave it."""
    if run.is_dry_run:
        return Decided(assumptions.dry_run_decision_state, "D1")
    return Decided(assumptions.decision_of(run.status), f"D.{run.status.value}")


def derive_decision_state(run: RestoreRun, assumptions: Assumptions) -> DecisionState:
    """Dry runs show the configured dry-run state; every other run by the status table."""
    return decide_decision_state(run, assumptions).value


def decision_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_decision_state`, in evaluation order."""
    a = Provenance.ASSUMED
    rows = [TableRow("D1", "is_dry_run", assumptions.dry_run_decision_state.value, a)]
    for status, group in STATUS_GROUPS.items():
        state = assumptions.decision_of(status).value
        if group is StatusGroup.LEGACY:
            resolved = assumptions.effective_status(status).value
            when = f"status = {status.value} (legacy: as {resolved}, by legacy_mapping)"
        else:
            when = f"status = {status.value}"
        rows.append(TableRow(f"D.{status.value}", when, state, a))
    return rows


__all__ = ("TABLE", "decide_decision_state", "decision_table", "derive_decision_state")
