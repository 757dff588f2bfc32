"""``restore_runs.preview``: what a preview said the run would do.

The column is repo-verified (json, nullable); its inner shape is assumed.
"""

from __future__ import annotations

from typing import Annotated

from restore_contracts.contracts._types import ContractModel, EmptyAsMap, ItemKey, Timestamp
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED

PREVIEW_ACTIONS = ("create", "update", "no_change", "skip")
"""Assumed vocabulary of ``preview.items.*.action``."""


class PreviewItem(ContractModel):
    """What the preview planned for one backup item."""

    action: str = field(A, "Planned action.", vocabulary=PREVIEW_ACTIONS)
    policy_type: str | None = field(A, "Intune policy type.", default=None)
    display_name: str | None = field(A, "Policy display name.", default=None)


class RestoreRunPreview(ContractModel):
    """The ``preview`` JSON column of a restore run."""

    generated_at: Timestamp | None = field(A, "When the preview was computed.", default=None)
    items: Annotated[dict[ItemKey, PreviewItem], EmptyAsMap()] = field(
        A,
        "Planned actions keyed by backup_item_id.",
        default_factory=dict,
    )


__all__ = ("PREVIEW_ACTIONS", "PreviewItem", "RestoreRunPreview")
