"""Derivations: pure functions from persisted rows to what the detail page shows.

Each has rule tables (``*_table``, all of them in :func:`derivation_tables`)
built from the same configuration the function reads, so the printed tables
are the executed ones; ``decide_*`` also return the row that decided a value.
"""

from __future__ import annotations

from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.derivations.attention import (
    FIELD_TABLES,
    attention_table,
    attention_tables,
    classify_cause,
    decide_attention,
    decide_attention_state,
    derive_attention,
    derive_attention_state,
)
from restore_contracts.derivations.counts import (
    OutcomeCounts,
    counts_from_results,
    counts_table,
    decide_counts,
    outcome_counts,
)
from restore_contracts.derivations.decision import (
    decide_decision_state,
    decision_table,
    derive_decision_state,
)
from restore_contracts.derivations.evidence import (
    decide_evidence,
    decide_evidence_state,
    derive_evidence,
    evidence_state_of,
    evidence_table,
    select_snapshot,
)
from restore_contracts.derivations.operation_run_proof import (
    decide_operation_run_proof,
    derive_operation_run_proof,
    operation_run_proof_table,
)
from restore_contracts.derivations.proof import (
    TABLE_KEYS,
    DerivedView,
    EvidenceChoice,
    decide_view,
    derivation_tables,
    derive_proof,
)

__all__ = (
    "FIELD_TABLES",
    "TABLE_KEYS",
    "Decided",
    "DerivedView",
    "EvidenceChoice",
    "OutcomeCounts",
    "TableRow",
    "attention_table",
    "attention_tables",
    "classify_cause",
    "counts_from_results",
    "counts_table",
    "decide_attention",
    "decide_attention_state",
    "decide_counts",
    "decide_decision_state",
    "decide_evidence",
    "decide_evidence_state",
    "decide_operation_run_proof",
    "decide_view",
    "decision_table",
    "derivation_tables",
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
