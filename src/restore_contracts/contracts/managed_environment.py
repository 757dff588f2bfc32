"""The ``managed_environments`` row: the tenant a restore run writes into.

``restore_runs.managed_environment_id`` -> ``ManagedEnvironment`` is
repo-verified; that an environment belongs to one workspace is assumed.
"""

from __future__ import annotations

from restore_contracts.contracts._types import ContractModel, Id, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED

TABLE = "managed_environments"


class ManagedEnvironment(ContractModel):
    """One row of ``managed_environments``."""

    id: Id = field(Provenance.REPO_VERIFIED, "Primary key; managed_environment_id points here.")
    workspace_id: Id = field(A, "Workspace the environment belongs to.")
    name: str = field(A, "Display name.")
    tenant_id: str | None = field(A, "Entra tenant id (GUID).", default=None)
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)


__all__ = ("TABLE", "ManagedEnvironment")
