"""RestoreResultAttention: the attention contract the results surface renders.

The six fields are repo-verified (``RestoreResultAttention.php``); the state
vocabulary is too. The vocabularies of tone, next action and cause family are
this toolkit's assumptions (see :mod:`restore_contracts.derivations.attention`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from restore_contracts.contracts._types import ContractModel
from restore_contracts.provenance import Provenance, field

R = Provenance.REPO_VERIFIED

TONES = ("gray", "success", "warning", "danger")
NEXT_ACTIONS = (
    "review_preview",
    "start_restore",
    "wait_for_execution",
    "verify_tenant_state",
    "review_follow_up_items",
    "review_item_failures",
    "review_failure",
)
CAUSE_FAMILIES = (
    "none",
    "not_executed",
    "cancelled",
    "permission",
    "throttling",
    "validation",
    "not_found",
    "timeout",
    "foundation",
    "skipped_items",
    "unknown",
)
RECOVERY_CLAIM_BOUNDARIES = ("no_execution", "execution_only_not_recovery_proven")
"""Neither value claims recovery: execution alone never proves it."""


class AttentionState(StrEnum):
    """``RestoreResultAttention.state``."""

    NOT_EXECUTED = "not_executed"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    COMPLETED_WITH_FOLLOW_UP = "completed_with_follow_up"


class RestoreResultAttention(ContractModel):
    """What the results surface tells the operator about a run."""

    state: Annotated[AttentionState, Field(strict=False)] = field(R, "Attention state.")
    summary: str = field(R, "One-line summary shown to the operator.")
    primary_next_action: str = field(
        R,
        "What the operator should do next.",
        vocabulary=NEXT_ACTIONS,
        note="field repo-verified; vocabulary assumed",
    )
    primary_cause_family: str = field(
        R,
        "Main cause of attention.",
        vocabulary=CAUSE_FAMILIES,
        note="field repo-verified; vocabulary assumed",
    )
    recovery_claim_boundary: str = field(
        R,
        "What may be claimed: completed is not recovery proven.",
        vocabulary=RECOVERY_CLAIM_BOUNDARIES,
        note="field and rule repo-verified; vocabulary assumed",
    )
    tone: str = field(
        R,
        "Colour the surface uses.",
        vocabulary=TONES,
        note="field repo-verified; vocabulary (Filament colours) assumed",
    )


__all__ = (
    "CAUSE_FAMILIES",
    "NEXT_ACTIONS",
    "RECOVERY_CLAIM_BOUNDARIES",
    "TONES",
    "AttentionState",
    "RestoreResultAttention",
)
