"""Decision state: the UI-facing summary of the 13 persisted statuses.

The detail page must show fewer states than the application persists without
inventing persisted truth; this is the (assumed, configurable) mapping.
"""

from __future__ import annotations

from restore_contracts.config import Assumptions
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.contracts.status import DecisionState
from restore_contracts.derivations._table import TableRow
from restore_contracts.provenance import Provenance


def derive_decision_state(run: RestoreRun, assumptions: Assumptions) -> DecisionState:
    """Dry runs show as preview only; every other run by the status table."""
    if run.is_dry_run:
        return DecisionState.PREVIEW_ONLY
    return assumptions.decision_states[run.status]


def decision_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_decision_state`, in evaluation order."""
    rows = [TableRow("D1", "is_dry_run", DecisionState.PREVIEW_ONLY.value, Provenance.ASSUMED)]
    for index, (status, state) in enumerate(assumptions.decision_states.items(), start=2):
        rows.append(
            TableRow(f"D{index}", f"status = {status.value}", state.value, Provenance.ASSUMED)
        )
    return rows


__all__ = ("decision_table", "derive_decision_state")
