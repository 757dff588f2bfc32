"""RestoreRunProof: the derived proof view of the restore-run detail page.

Nothing here is persisted. It gathers what the page would show (decision
state, attention, operation-run proof state, post-run evidence state) so that
fixtures and exports of that view can be checked against the derivations. The
truth map says the last two are not available in the attention contract and
the detail page has no proof panel (Known gap): the view is this toolkit's
proposal, labelled so field by field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

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


PROPOSAL_NOTE = (
    "not available in the attention contract (truth map); the detail page has no proof "
    "panel today (Known gap), so this view is this toolkit's proposal; states assumed"
)
EVIDENCE_NOTE = (
    "not available in the attention contract (truth map); whether restore execution "
    "produces evidence is deferred; the view is this toolkit's proposal; states assumed"
)


class RestoreRunProof(ContractModel):
    """The derived view of one restore run; computed, never a column.

    This toolkit's proposal for the proof/evidence aside the detail page lacks
    today (the truth map's Known gap). Its assumed value sets are vocabularies
    (``x-vocabulary``), never enums: the derivations and their configuration
    decide the values, not the schema.
    """

    restore_run_id: Id = field(D, "The restore run this view describes.")
    decision_state: str = field(
        D,
        "UI decision state.",
        vocabulary=[s.value for s in DecisionState],
        note="the truth map asks for a derived decision model; the mapping and states assumed",
    )
    attention: Annotated[RestoreResultAttention, JsonText()] = field(
        D, "Result attention.", note="derivation assumed; contract repo-verified"
    )
    operation_run_id: Id | None = field(D, "Linked operation run, if any.", default=None)
    operation_run_proof_state: str = field(
        Provenance.NOT_AVAILABLE,
        "Operation-run proof state.",
        vocabulary=[s.value for s in OperationRunProofState],
        note=PROPOSAL_NOTE,
    )
    evidence_policy: str = field(
        Provenance.DEFERRED,
        "Selection policy used.",
        vocabulary=("latest_active", "latest_any"),
        note="which snapshot to link when there are several is an open (deferred) question",
    )
    evidence_state: str = field(
        Provenance.NOT_AVAILABLE,
        "Post-run evidence state.",
        vocabulary=[s.value for s in EvidenceState],
        note=EVIDENCE_NOTE,
    )
    evidence_snapshot_id: Id | None = field(
        Provenance.DEFERRED,
        "Snapshot selected, if any.",
        default=None,
        note="whether restore execution produces an evidence snapshot is deferred",
    )


__all__ = ("EvidenceState", "OperationRunProofState", "RestoreRunProof")
