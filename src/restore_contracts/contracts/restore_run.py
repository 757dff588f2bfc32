"""The ``restore_runs`` row: every persisted column of a restore run.

Columns are repo-verified from the model and the two migrations the truth map
cites; ``id``, ``created_at`` and ``updated_at`` are Laravel's conventions.
Derived values (decision, attention, proof, evidence) are never columns here:
they are computed by :mod:`restore_contracts.derivations`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from restore_contracts.contracts._types import (
    Bool,
    ContractModel,
    EmptyAsMap,
    Id,
    Int,
    JsonText,
    Timestamp,
)
from restore_contracts.contracts.metadata import RestoreRunMetadata
from restore_contracts.contracts.preview import RestoreRunPreview
from restore_contracts.contracts.results import RestoreRunResults
from restore_contracts.contracts.status import RestoreRunStatus
from restore_contracts.provenance import Provenance, field

R = Provenance.REPO_VERIFIED
A = Provenance.ASSUMED
UTC_NOTE = "naive values are in the application timezone (configurable, default UTC)"

TABLE = "restore_runs"


class RestoreRun(ContractModel):
    """One row of ``restore_runs``; unknown columns are kept for the validators to report."""

    id: Id = field(A, "Primary key.", note="Laravel convention ($table->id())")
    managed_environment_id: Id = field(R, "Tenant environment the run restores into.")
    workspace_id: Id = field(R, "Workspace that owns the run (tenant isolation).")
    backup_set_id: Id = field(R, "Backup set restored from (soft-deletable).")
    requested_by: Int | str | None = field(
        R,
        "Who asked for the run.",
        default=None,
        note="nullable is repo-verified; the value type is not stated (user id or name)",
    )
    is_dry_run: Bool = field(R, "Preview-only run: nothing is applied.")
    status: Annotated[RestoreRunStatus, Field(strict=False)] = field(
        R, "One of the 13 RestoreRunStatus values."
    )
    requested_items: Annotated[list[Id] | None, JsonText()] = field(
        R,
        "Backup item ids the run was asked to restore.",
        default=None,
        note="json array, nullable: repo-verified; that null means the whole set is assumed",
    )
    preview: Annotated[RestoreRunPreview | None, EmptyAsMap(), JsonText()] = field(
        R, "Preview of what the run would do.", default=None, note="column repo-verified"
    )
    results: Annotated[RestoreRunResults | None, EmptyAsMap(), JsonText()] = field(
        R, "What execution did: foundations and items.", default=None
    )
    metadata: Annotated[RestoreRunMetadata | None, EmptyAsMap(), JsonText()] = field(
        R, "Counts, basis chain and safety snapshot.", default=None
    )
    failure_reason: str | None = field(R, "Why the run failed.", default=None)
    started_at: Timestamp | None = field(R, "When execution started.", default=None, note=UTC_NOTE)
    completed_at: Timestamp | None = field(R, "When execution ended.", default=None, note=UTC_NOTE)
    operation_run_id: Id | None = field(
        R,
        "The OperationRun that executed the run.",
        default=None,
        note="nullable FK added by migration 2026_02_10_115908 (repo-verified); "
        "that rows older than it have none is assumed",
    )
    created_at: Timestamp | None = field(
        A, "Row creation time.", default=None, note="Laravel timestamps(); " + UTC_NOTE
    )
    updated_at: Timestamp | None = field(
        A, "Row update time.", default=None, note="Laravel timestamps(); " + UTC_NOTE
    )


__all__ = ("TABLE", "RestoreRun")
