"""The ``workspaces`` row: the top of tenant ownership.

Referenced by every tenant-owned record (repo-verified isolation); its own
columns beyond ``id`` are assumed.
"""

from __future__ import annotations

from restore_contracts.contracts._types import ContractModel, Id, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED

TABLE = "workspaces"


class Workspace(ContractModel):
    """One row of ``workspaces``."""

    id: Id = field(Provenance.REPO_VERIFIED, "Primary key; workspace_id points here.")
    name: str = field(A, "Display name.")
    slug: str | None = field(A, "URL slug.", default=None)
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)


__all__ = ("TABLE", "Workspace")
