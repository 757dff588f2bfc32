"""The ``operation_runs`` row a restore run links to (its execution proof).

The table and the link are repo-verified; the truth map names the status and
outcome classes but not their values, nor the tenancy columns, so those are
assumed (and configurable).
"""

from __future__ import annotations

from typing import Annotated, Any

from restore_contracts.contracts._types import (
    ContractModel,
    EmptyAsMap,
    Id,
    Int,
    JsonText,
    Timestamp,
)
from restore_contracts.provenance import Provenance, field

R = Provenance.REPO_VERIFIED
A = Provenance.ASSUMED

TABLE = "operation_runs"
OPERATION_RUN_STATUSES = ("queued", "running", "completed")
"""Assumed values of ``OperationRunStatus``."""
OPERATION_RUN_OUTCOMES = (
    "pending",
    "succeeded",
    "partially_succeeded",
    "failed",
    "blocked",
    "cancelled",
)
"""Assumed values of ``OperationRunOutcome``."""


class OperationRun(ContractModel):
    """One row of ``operation_runs``."""

    id: Id = field(R, "Primary key; restore_runs.operation_run_id points here.")
    workspace_id: Id = field(A, "Workspace that owns the operation.")
    managed_environment_id: Id | None = field(A, "Environment the operation ran in.", default=None)
    user_id: Id | None = field(A, "Who started the operation.", default=None)
    type: str = field(A, "Operation type, e.g. restore.execute.")
    status: str = field(
        R,
        "OperationRunStatus value.",
        vocabulary=OPERATION_RUN_STATUSES,
        note="class repo-verified; values assumed",
    )
    outcome: str = field(
        R,
        "OperationRunOutcome value.",
        vocabulary=OPERATION_RUN_OUTCOMES,
        note="class repo-verified; values assumed",
    )
    summary_counts: Annotated[dict[str, Int] | None, EmptyAsMap(), JsonText()] = field(
        A, "Counts the operation reports.", default=None
    )
    failure_summary: Annotated[list[Annotated[dict[str, Any], EmptyAsMap()]] | None, JsonText()] = (
        field(A, "Failures the operation reports.", default=None)
    )
    context: Annotated[dict[str, Any] | None, EmptyAsMap(), JsonText()] = field(
        A, "What the operation was started with.", default=None
    )
    started_at: Timestamp | None = field(A, "When it started.", default=None)
    completed_at: Timestamp | None = field(A, "When it ended.", default=None)
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)


__all__ = ("OPERATION_RUN_OUTCOMES", "OPERATION_RUN_STATUSES", "TABLE", "OperationRun")
