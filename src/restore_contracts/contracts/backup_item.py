"""The ``backup_items`` row: one captured Intune policy in a backup set.

``requested_items`` and the keys of ``results.items`` are backup item ids
(repo-verified); the truth map never names the ``backup_items`` table, so all
of its columns, ``id`` included, are assumed.
"""

from __future__ import annotations

from typing import Annotated, Any

from restore_contracts.contracts._types import ContractModel, EmptyAsMap, Id, JsonText, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED

TABLE = "backup_items"


class BackupItem(ContractModel):
    """One row of ``backup_items``."""

    id: Id = field(
        A,
        "Primary key; restore item ids point here.",
        note="item ids in restore runs are repo-verified; the backup_items table is not named",
    )
    backup_set_id: Id = field(A, "Set the item belongs to.")
    policy_identifier: str | None = field(A, "Graph id of the captured policy.", default=None)
    policy_type: str = field(A, "Intune policy type.")
    display_name: str | None = field(A, "Policy display name.", default=None)
    platform: str | None = field(A, "Target platform.", default=None)
    payload: Annotated[dict[str, Any] | None, EmptyAsMap(), JsonText()] = field(
        A, "Captured Graph payload.", default=None
    )
    captured_at: Timestamp | None = field(A, "When the policy was captured.", default=None)
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)


__all__ = ("TABLE", "BackupItem")
