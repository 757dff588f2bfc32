"""Builders of small, valid rows for the contract tests."""

from __future__ import annotations

from typing import Any

from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun


def run(**changes: Any) -> RestoreRun:
    """A valid restore run (completed, not dry) with some columns changed."""
    row: dict[str, Any] = {
        "id": 1,
        "managed_environment_id": 2,
        "workspace_id": 3,
        "backup_set_id": 4,
        "is_dry_run": False,
        "status": "completed",
    }
    row.update(changes)
    return RestoreRun.model_validate(row)


def items(*statuses: str, http_status: int | None = None) -> dict[str, Any]:
    """A results column with one item per status (ids 101, 102, ...)."""
    return {
        "foundations": [],
        "items": {
            str(101 + i): {"status": s, **({"http_status": http_status} if http_status else {})}
            for i, s in enumerate(statuses)
        },
    }


def op(**changes: Any) -> OperationRun:
    """A valid completed, succeeded operation run (id 9)."""
    row: dict[str, Any] = {
        "id": 9,
        "workspace_id": 3,
        "managed_environment_id": 2,
        "type": "restore.execute",
        "status": "completed",
        "outcome": "succeeded",
    }
    row.update(changes)
    return OperationRun.model_validate(row)


def snap(id: int, **changes: Any) -> EvidenceSnapshot:
    """A valid active, complete snapshot of operation run 9."""
    row: dict[str, Any] = {
        "id": id,
        "workspace_id": 3,
        "managed_environment_id": 2,
        "operation_run_id": 9,
        "status": "active",
        "completeness_state": "complete",
        "generated_at": f"2026-04-0{id} 10:00:00",
    }
    row.update(changes)
    return EvidenceSnapshot.model_validate(row)
