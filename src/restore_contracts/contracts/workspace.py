"""The ``workspaces`` row: the top of tenant ownership.

Every tenant-owned record carries ``workspace_id`` (repo-verified isolation
column); the truth map never names the ``workspaces`` table itself, so all of
its columns, ``id`` included, are assumed.
"""

from __future__ import annotations

from restore_contracts.contracts._types import ContractModel, Id, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED

TABLE = "workspaces"


class Workspace(ContractModel):
    """One row of ``workspaces``."""

    id: Id = field(
        A,
        "Primary key; workspace_id points here.",
        note="workspace_id is repo-verified; the workspaces table it points at is not named",
    )
    name: str = field(A, "Display name.")
    slug: str | None = field(A, "URL slug.", default=None)
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)


__all__ = ("TABLE", "Workspace")
