"""The ``evidence_snapshots`` row: post-run evidence, possibly linked to an operation run.

Foundation-real (the truth map's label for the whole section): the model and
viewer exist, but whether restore execution produces one is deferred. Tenancy,
``status``, ``completeness_state`` and ``operation_run_id`` are named there and
stay foundation-real; their vocabularies are assumed.
"""

from __future__ import annotations

from typing import Annotated, Any

from restore_contracts.contracts._types import ContractModel, EmptyAsMap, Id, JsonText, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED
F = Provenance.FOUNDATION_REAL

TABLE = "evidence_snapshots"
EVIDENCE_STATUSES = ("queued", "generating", "active", "superseded", "expired", "failed")
"""Assumed values of ``evidence_snapshots.status``; ``active`` backs the latest-active policy."""
COMPLETENESS_STATES = ("complete", "partial", "missing")
"""Assumed values of ``evidence_snapshots.completeness_state``."""


class EvidenceSnapshot(ContractModel):
    """One row of ``evidence_snapshots``."""

    id: Id = field(A, "Primary key.", note="Laravel convention")
    workspace_id: Id = field(F, "Workspace of the snapshot (tenant scope).")
    managed_environment_id: Id = field(F, "Environment of the snapshot (tenant scope).")
    operation_run_id: Id | None = field(
        F,
        "Operation run the snapshot documents.",
        default=None,
        note="link exists; whether restore execution produces it is deferred",
    )
    status: str = field(
        F,
        "Snapshot status.",
        vocabulary=EVIDENCE_STATUSES,
        note="column foundation-real; values assumed",
    )
    completeness_state: str = field(
        F,
        "How complete the evidence is.",
        vocabulary=COMPLETENESS_STATES,
        note="column foundation-real; values assumed",
    )
    generated_at: Timestamp | None = field(A, "When the evidence was gathered.", default=None)
    expires_at: Timestamp | None = field(A, "When the evidence goes stale.", default=None)
    summary: Annotated[dict[str, Any] | None, EmptyAsMap(), JsonText()] = field(
        A, "What the snapshot contains.", default=None
    )
    created_at: Timestamp | None = field(A, "Row creation time.", default=None)
    updated_at: Timestamp | None = field(A, "Row update time.", default=None)


__all__ = ("COMPLETENESS_STATES", "EVIDENCE_STATUSES", "TABLE", "EvidenceSnapshot")
