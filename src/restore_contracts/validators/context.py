"""What rules read besides the row: the configured vocabularies and the indexes.

Vocabulary rules read the configuration (``Assumptions``), never constants;
the context turns it once into sets and lookup tables keyed by the raw text a
row carries, so that a check is a few dictionary lookups.
"""

from __future__ import annotations

from datetime import tzinfo

from restore_contracts.config import Assumptions
from restore_contracts.contracts._types import zone_of
from restore_contracts.contracts.status import STATUS_GROUPS, StatusGroup
from restore_contracts.validators.index import Indexes

PRE = StatusGroup.PRE_EXECUTION
EXECUTION = StatusGroup.EXECUTION
TERMINAL = StatusGroup.TERMINAL
LEGACY = StatusGroup.LEGACY


class RuleContext:
    """Configuration as sets and maps, plus the indexes of the referenced tables."""

    def __init__(self, assumptions: Assumptions, indexes: Indexes | None = None) -> None:
        a = assumptions
        self.assumptions = a
        self.indexes = indexes if indexes is not None else Indexes()
        self.group: dict[str, StatusGroup] = {s.value: g for s, g in STATUS_GROUPS.items()}
        """Raw status text -> its group (repo-verified)."""
        self.effective: dict[str, str] = {
            s.value: a.effective_status(s).value for s in STATUS_GROUPS
        }
        """Raw status text -> the status it stands for (legacy resolved)."""
        self.agreement: dict[str, frozenset[str]] = {
            s.value: frozenset(pairs) for s, pairs in a.operation_run_agreement.items()
        }
        self.item_statuses = frozenset(a.item_outcome_statuses)
        self.foundation_decisions = frozenset(a.foundation_decisions)
        self.preview_actions = frozenset(a.preview_actions)
        self.operation_run_statuses = frozenset(a.operation_run_statuses)
        self.operation_run_outcomes = frozenset(a.operation_run_outcomes)
        self.evidence_statuses = frozenset(a.evidence_statuses)
        self.completeness_states = frozenset(a.completeness_states)
        self.active_evidence_statuses = frozenset(a.active_evidence_statuses)
        self.tones: dict[str, str] = {state.value: tone for state, tone in a.tones.items()}
        self.tone_vocabulary = frozenset(a.tone_vocabulary)
        self.next_actions = frozenset(a.next_actions)
        self.cause_families = frozenset(a.cause_families)
        self.recovery_boundaries = frozenset(a.recovery_claim_boundaries)
        self.zone: tzinfo = zone_of(a.timezone)
        """The application's timezone: naive timestamps were read in it."""

    def ended(self, status: str) -> bool:
        """Whether a status is terminal or legacy (execution is over)."""
        group = self.group[status]
        return group is TERMINAL or group is LEGACY

    def has(self, table: str) -> bool:
        """Whether the input offers ``table``."""
        return table in self.indexes.present


__all__ = ("EXECUTION", "LEGACY", "PRE", "TERMINAL", "RuleContext")
