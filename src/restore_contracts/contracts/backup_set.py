"""The ``backup_sets`` row a restore run restores from.

Soft-deletable: the relation from a restore run is ``withTrashed``
(repo-verified), so a run may point at a set with ``deleted_at`` set.
"""

from __future__ import annotations

from restore_contracts.contracts._types import ContractModel, Count, Id, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED
R = Provenance.REPO_VERIFIED

TABLE = "backup_sets"


class BackupSet(ContractModel):
    """One row of ``backup_sets``."""

    id: Id = field(R, "Primary key; backup_set_id points here.")
    workspace_id: Id = field(A, "Workspace that owns the set.")
    managed_environment_id: Id = field(A, "Environment the set was taken from.")
    name: str = field(A, "Display name.")
    status: str | None = field(A, "Backup status.", default=None)
    item_count: Count | None = field(A, "Items in the set.", default=None)
    created_by: int | str | None = field(A, "Who took the backup.", default=None)
    completed_at: Timestamp | None = field(A, "When the backup finished.", default=None)
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)
    deleted_at: Timestamp | None = field(
        R,
        "Soft-delete time; a trashed set still resolves.",
        default=None,
        note="soft deletes repo-verified (withTrashed relation)",
    )


__all__ = ("TABLE", "BackupSet")
