"""Derivations: pure functions from persisted rows to what the detail page shows.

Each has one documented rule table (``*_table``) built from the same
configuration the function reads, so the printed table is the executed one.
"""

from __future__ import annotations

from restore_contracts.derivations._table import TableRow
from restore_contracts.derivations.attention import (
    attention_table,
    derive_attention,
    derive_attention_state,
)
from restore_contracts.derivations.counts import OutcomeCounts, counts_from_results, outcome_counts
from restore_contracts.derivations.decision import decision_table, derive_decision_state
from restore_contracts.derivations.evidence import (
    derive_evidence,
    evidence_state_of,
    evidence_table,
    select_snapshot,
)
from restore_contracts.derivations.operation_run_proof import (
    derive_operation_run_proof,
    operation_run_proof_table,
)
from restore_contracts.derivations.proof import derive_proof

__all__ = (
    "OutcomeCounts",
    "TableRow",
    "attention_table",
    "counts_from_results",
    "decision_table",
    "derive_attention",
    "derive_attention_state",
    "derive_decision_state",
    "derive_evidence",
    "derive_operation_run_proof",
    "derive_proof",
    "evidence_state_of",
    "evidence_table",
    "operation_run_proof_table",
    "outcome_counts",
    "select_snapshot",
)
