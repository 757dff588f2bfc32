"""``restore_runs.results``: what execution did to each foundation and each item.

The container shape is repo-verified (``RestoreService`` writes
``results.foundations`` as a list and ``results.items`` as a map keyed by
``backup_item_id``); the keys inside one entry are this toolkit's assumption,
so entries keep any key they carry and only the assumed ones are typed. Even
the keys the derivations switch on (an item's ``status``, a foundation's
``type`` and ``decision``) are optional here: a real entry shaped otherwise is
reported by their own assumed rules and still goes through every other rule.
"""

from __future__ import annotations

from typing import Annotated

from restore_contracts.contracts._types import ContractModel, Count, EmptyAsMap, Int, ItemKey
from restore_contracts.provenance import Provenance, field

A = Provenance.ASSUMED
INVENTED_NOTE = "key named by this toolkit, not by the truth map; optional"

ITEM_OUTCOME_STATUSES = ("succeeded", "failed", "skipped", "partial", "non_applied")
"""Assumed vocabulary of ``results.items.*.status`` (mirrors the metadata counts)."""

FOUNDATION_DECISIONS = ("created", "mapped_existing", "skipped", "failed")
"""Assumed vocabulary of ``results.foundations[*].decision``."""


class FoundationEntry(ContractModel):
    """One foundation object (scope tag, assignment filter, ...) handled before the items."""

    type: str | None = field(
        A,
        "Foundation kind, e.g. scopeTag or assignmentFilter.",
        default=None,
        note=INVENTED_NOTE + " (RR315 reports an entry without it)",
    )
    source_id: str | None = field(A, "Id of the object in the backup.", default=None)
    source_name: str | None = field(A, "Display name in the backup.", default=None)
    target_id: str | None = field(A, "Id of the object in the target tenant.", default=None)
    decision: str | None = field(
        A,
        "What execution did with the foundation.",
        default=None,
        vocabulary=FOUNDATION_DECISIONS,
        note=INVENTED_NOTE + " (RR316 reports an entry without it)",
    )
    reason: str | None = field(A, "Why it was skipped or failed.", default=None)


class ItemOutcome(ContractModel):
    """The outcome of restoring one backup item (an "item outcome array")."""

    status: str | None = field(
        A,
        "Outcome of the item.",
        default=None,
        vocabulary=ITEM_OUTCOME_STATUSES,
        note=INVENTED_NOTE + " (RR314 reports an item without it)",
    )
    policy_type: str | None = field(A, "Intune policy type of the item.", default=None)
    display_name: str | None = field(A, "Policy display name.", default=None)
    policy_identifier: str | None = field(A, "Graph id of the policy.", default=None)
    reason: str | None = field(A, "Why the item failed, was skipped or not applied.", default=None)
    http_status: Int | None = field(A, "HTTP status of the failing Graph call.", default=None)
    graph_request_id: str | None = field(A, "Graph request-id of the last call.", default=None)
    duration_ms: Count | None = field(A, "Time spent on the item.", default=None)


class RestoreRunResults(ContractModel):
    """The ``results`` JSON column of a restore run."""

    foundations: list[FoundationEntry] = field(
        Provenance.REPO_VERIFIED, "List of foundation entries.", default_factory=list
    )
    items: Annotated[dict[ItemKey, ItemOutcome], EmptyAsMap()] = field(
        Provenance.REPO_VERIFIED,
        "Item outcomes keyed by backup_item_id.",
        default_factory=dict,
    )


__all__ = (
    "FOUNDATION_DECISIONS",
    "ITEM_OUTCOME_STATUSES",
    "FoundationEntry",
    "ItemOutcome",
    "RestoreRunResults",
)
