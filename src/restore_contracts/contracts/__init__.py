"""Contracts: typed models of what the application persists, one module each.

``CONTRACTS`` names every contract by its schema name; ``TABLE_MODELS`` maps
each persisted table to its row model.
"""

from __future__ import annotations

from pydantic import BaseModel

from restore_contracts.contracts.attention import AttentionState, RestoreResultAttention
from restore_contracts.contracts.backup_item import BackupItem
from restore_contracts.contracts.backup_set import BackupSet
from restore_contracts.contracts.evidence_snapshot import EvidenceSnapshot
from restore_contracts.contracts.managed_environment import ManagedEnvironment
from restore_contracts.contracts.metadata import Basis, ExecutionSafetySnapshot, RestoreRunMetadata
from restore_contracts.contracts.operation_run import OperationRun
from restore_contracts.contracts.preview import PreviewItem, RestoreRunPreview
from restore_contracts.contracts.proof import EvidenceState, OperationRunProofState, RestoreRunProof
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.contracts.results import FoundationEntry, ItemOutcome, RestoreRunResults
from restore_contracts.contracts.status import (
    DecisionState,
    RestoreRunStatus,
    StatusGroup,
    group_of,
    is_executed,
)
from restore_contracts.contracts.workspace import Workspace

CONTRACTS: dict[str, type[BaseModel]] = {
    "restore_run": RestoreRun,
    "restore_run_results": RestoreRunResults,
    "restore_run_metadata": RestoreRunMetadata,
    "restore_run_preview": RestoreRunPreview,
    "restore_result_attention": RestoreResultAttention,
    "restore_run_proof": RestoreRunProof,
    "operation_run": OperationRun,
    "evidence_snapshot": EvidenceSnapshot,
    "workspace": Workspace,
    "managed_environment": ManagedEnvironment,
    "backup_set": BackupSet,
    "backup_item": BackupItem,
}
"""Schema name -> contract model; one JSON Schema file each."""

TABLE_MODELS: dict[str, type[BaseModel]] = {
    "workspaces": Workspace,
    "managed_environments": ManagedEnvironment,
    "backup_sets": BackupSet,
    "backup_items": BackupItem,
    "operation_runs": OperationRun,
    "restore_runs": RestoreRun,
    "evidence_snapshots": EvidenceSnapshot,
}
"""Persisted table -> row model, parents before children (insert order)."""

__all__ = (
    "CONTRACTS",
    "TABLE_MODELS",
    "AttentionState",
    "BackupItem",
    "BackupSet",
    "Basis",
    "DecisionState",
    "EvidenceSnapshot",
    "EvidenceState",
    "ExecutionSafetySnapshot",
    "FoundationEntry",
    "ItemOutcome",
    "ManagedEnvironment",
    "OperationRun",
    "OperationRunProofState",
    "PreviewItem",
    "RestoreResultAttention",
    "RestoreRun",
    "RestoreRunMetadata",
    "RestoreRunPreview",
    "RestoreRunProof",
    "RestoreRunResults",
    "RestoreRunStatus",
    "StatusGroup",
    "Workspace",
    "group_of",
    "is_executed",
)
