"""RestoreRunStatus: the 13 persisted status values and what each one means.

Values and groups are repo-verified (``app/Support/RestoreRunStatus.php``).
The legacy mapping and the UI decision state are this toolkit's assumptions;
their defaults live here and can be overridden in the configuration.
"""

from __future__ import annotations

from enum import StrEnum

from restore_contracts.provenance import Provenance


class RestoreRunStatus(StrEnum):
    """Every value ``restore_runs.status`` can hold, legacy ones included."""

    DRAFT = "draft"
    SCOPED = "scoped"
    CHECKED = "checked"
    PREVIEWED = "previewed"
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ABORTED = "aborted"
    COMPLETED_WITH_ERRORS = "completed_with_errors"


class StatusGroup(StrEnum):
    """The truth map's grouping of statuses."""

    PRE_EXECUTION = "pre_execution"
    EXECUTION = "execution"
    TERMINAL = "terminal"
    LEGACY = "legacy"


class DecisionState(StrEnum):
    """The smaller, UI-facing decision model the detail page shows (derived)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PREVIEW_ONLY = "preview_only"


S = RestoreRunStatus

STATUS_GROUPS: dict[RestoreRunStatus, StatusGroup] = {
    S.DRAFT: StatusGroup.PRE_EXECUTION,
    S.SCOPED: StatusGroup.PRE_EXECUTION,
    S.CHECKED: StatusGroup.PRE_EXECUTION,
    S.PREVIEWED: StatusGroup.PRE_EXECUTION,
    S.PENDING: StatusGroup.PRE_EXECUTION,
    S.QUEUED: StatusGroup.EXECUTION,
    S.RUNNING: StatusGroup.EXECUTION,
    S.COMPLETED: StatusGroup.TERMINAL,
    S.PARTIAL: StatusGroup.TERMINAL,
    S.FAILED: StatusGroup.TERMINAL,
    S.CANCELLED: StatusGroup.TERMINAL,
    S.ABORTED: StatusGroup.LEGACY,
    S.COMPLETED_WITH_ERRORS: StatusGroup.LEGACY,
}
"""Status -> group, as the truth map lists them (repo-verified)."""

STATUS_GROUPS_PROVENANCE = Provenance.REPO_VERIFIED

DEFAULT_LEGACY_MAPPING: dict[RestoreRunStatus, RestoreRunStatus] = {
    S.ABORTED: S.CANCELLED,
    S.COMPLETED_WITH_ERRORS: S.PARTIAL,
}
"""Legacy status -> the terminal status it stands for today (assumed)."""

LEGACY_MAPPING_PROVENANCE = Provenance.ASSUMED

DEFAULT_DECISION_STATES: dict[RestoreRunStatus, DecisionState] = {
    S.DRAFT: DecisionState.NOT_STARTED,
    S.SCOPED: DecisionState.NOT_STARTED,
    S.CHECKED: DecisionState.NOT_STARTED,
    S.PREVIEWED: DecisionState.NOT_STARTED,
    S.PENDING: DecisionState.NOT_STARTED,
    S.QUEUED: DecisionState.IN_PROGRESS,
    S.RUNNING: DecisionState.IN_PROGRESS,
    S.COMPLETED: DecisionState.COMPLETED,
    S.PARTIAL: DecisionState.PARTIAL,
    S.FAILED: DecisionState.FAILED,
    S.CANCELLED: DecisionState.CANCELLED,
}
"""Status -> UI decision state for non-dry runs (assumed; dry runs show ``preview_only``).

Legacy statuses have no entry: they show the decision state of the status the
legacy mapping resolves them to, so the two tables can never disagree."""

DECISION_STATES_PROVENANCE = Provenance.ASSUMED


def group_of(status: RestoreRunStatus) -> StatusGroup:
    """The truth map's group of a status."""
    return STATUS_GROUPS[status]


def is_executed(status: RestoreRunStatus) -> bool:
    """Whether a run with this status has reached an end of execution (terminal or legacy)."""
    return STATUS_GROUPS[status] in (StatusGroup.TERMINAL, StatusGroup.LEGACY)


__all__ = (
    "DECISION_STATES_PROVENANCE",
    "DEFAULT_DECISION_STATES",
    "DEFAULT_LEGACY_MAPPING",
    "LEGACY_MAPPING_PROVENANCE",
    "STATUS_GROUPS",
    "STATUS_GROUPS_PROVENANCE",
    "DecisionState",
    "RestoreRunStatus",
    "StatusGroup",
    "group_of",
    "is_executed",
)
