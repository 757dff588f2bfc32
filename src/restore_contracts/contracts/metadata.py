"""``restore_runs.metadata``: summary counts, the basis chain and the safety snapshot.

Which keys exist is repo-verified ("includes at least"); their types and the
inner shape of the bases and of the safety snapshot are assumed. Every key is
optional in the model because pre-execution runs carry only part of it; the
validators say which keys a status requires.
"""

from __future__ import annotations

from typing import Annotated, Any

from restore_contracts.contracts._types import (
    ContractModel,
    Count,
    EmptyAsMap,
    JsonBool,
    Timestamp,
)
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED
R = Provenance.REPO_VERIFIED
COUNT_NOTE = "key repo-verified; non-negative integer type assumed"

COUNT_KEYS = ("total", "succeeded", "failed", "skipped", "partial", "non_applied")
"""The outcome counts; all but ``total`` name an item outcome status."""


class Basis(ContractModel):
    """One link of the scope -> check -> preview chain the run was decided on."""

    fingerprint: str | None = field(A, "Hash of the selection the step saw.", default=None)
    recorded_at: Timestamp | None = field(A, "When the step was recorded.", default=None)
    item_count: Count | None = field(A, "Items the step covered.", default=None)


class ExecutionSafetySnapshot(ContractModel):
    """What the safety checks said when execution was allowed to start."""

    captured_at: Timestamp | None = field(A, "When the snapshot was taken.", default=None)
    checks_passed: JsonBool | None = field(A, "Whether every blocking check passed.", default=None)
    warnings: list[str] | None = field(A, "Non-blocking warnings shown.", default=None)


class RestoreRunMetadata(ContractModel):
    """The ``metadata`` JSON column of a restore run."""

    total: Count | None = field(R, "Items in the run.", default=None, note=COUNT_NOTE)
    succeeded: Count | None = field(R, "Items applied.", default=None, note=COUNT_NOTE)
    failed: Count | None = field(R, "Items that failed.", default=None, note=COUNT_NOTE)
    skipped: Count | None = field(R, "Items skipped.", default=None, note=COUNT_NOTE)
    partial: Count | None = field(R, "Items partly applied.", default=None, note=COUNT_NOTE)
    non_applied: Count | None = field(R, "Items not applied.", default=None, note=COUNT_NOTE)
    foundations_skipped: Count | None = field(
        R, "Foundation entries skipped.", default=None, note=COUNT_NOTE
    )
    scope_basis: Annotated[Basis | None, EmptyAsMap()] = field(
        R, "Basis of the scope step.", default=None, note="key repo-verified; shape assumed"
    )
    check_basis: Annotated[Basis | None, EmptyAsMap()] = field(
        R, "Basis of the check step.", default=None, note="key repo-verified; shape assumed"
    )
    preview_basis: Annotated[Basis | None, EmptyAsMap()] = field(
        R, "Basis of the preview step.", default=None, note="key repo-verified; shape assumed"
    )
    execution_safety_snapshot: Annotated[ExecutionSafetySnapshot | None, EmptyAsMap()] = field(
        R,
        "Safety state captured when execution started.",
        default=None,
        note="key repo-verified; shape assumed",
    )

    def counts(self) -> dict[str, Any]:
        """The outcome counts as a plain mapping (missing ones as None)."""
        return {key: getattr(self, key) for key in COUNT_KEYS}


__all__ = (
    "COUNT_KEYS",
    "Basis",
    "ExecutionSafetySnapshot",
    "RestoreRunMetadata",
)
