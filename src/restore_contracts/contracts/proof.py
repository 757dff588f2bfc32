"""RestoreRunProof: the derived proof view of the restore-run detail page.

Nothing here is persisted. It gathers what the page would show (decision
state, attention, operation-run proof state, post-run evidence state) so that
fixtures and exports of that view can be checked against the derivations.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from restore_contracts.contracts._types import ContractModel, Id, JsonText
from restore_contracts.contracts.attention import RestoreResultAttention
from restore_contracts.contracts.status import DecisionState
from restore_contracts.provenance import Provenance, field

D = Provenance.DERIVED


class OperationRunProofState(StrEnum):
    """What the detail page can prove from the linked operation run (assumed states)."""

    NOT_LINKED = "not_linked"
    UNRESOLVED = "unresolved"
    UNKNOWN = "unknown"
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    PARTIALLY_SUCCEEDED = "partially_succeeded"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"
    UNRECOGNISED = "unrecognised"


class EvidenceState(StrEnum):
    """What the detail page can show about post-run evidence (assumed states)."""

    NO_OPERATION_RUN = "no_operation_run"
    NONE = "none"
    PENDING = "pending"
    COMPLETE = "complete"
    PARTIAL = "partial"
    INCOMPLETE = "incomplete"
    UNAVAILABLE = "unavailable"
    UNRECOGNISED = "unrecognised"


class RestoreRunProof(ContractModel):
    """The derived view of one restore run; computed, never a column."""

    restore_run_id: Id = field(D, "The restore run this view describes.")
    decision_state: Annotated[DecisionState, Field(strict=False)] = field(
        D, "UI decision state.", note="mapping assumed"
    )
    attention: Annotated[RestoreResultAttention, JsonText()] = field(
        D, "Result attention.", note="derivation assumed; contract repo-verified"
    )
    operation_run_id: Id | None = field(D, "Linked operation run, if any.", default=None)
    operation_run_proof_state: Annotated[OperationRunProofState, Field(strict=False)] = field(
        D, "Operation-run proof state.", note="states assumed"
    )
    evidence_policy: str = field(
        D,
        "Selection policy used.",
        vocabulary=("latest_active", "latest_any"),
        note="which policy the application uses is an open question",
    )
    evidence_state: Annotated[EvidenceState, Field(strict=False)] = field(
        D, "Post-run evidence state.", note="states assumed; evidence is foundation-real"
    )
    evidence_snapshot_id: Id | None = field(D, "Snapshot selected, if any.", default=None)


__all__ = ("EvidenceState", "OperationRunProofState", "RestoreRunProof")
