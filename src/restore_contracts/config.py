"""Configuration: every assumption of the toolkit, with its default, overridable.

The truth map leaves vocabularies, the legacy mapping, the derivation tables
and the evidence selection policy open. Their defaults are this toolkit's best
reading of the application; a team that knows better writes
``[tool.restore-contracts]`` in ``pyproject.toml`` or a
``restore-contracts.toml`` and every command follows it.
"""

from __future__ import annotations

import difflib
import re
import stat
import string
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from restore_contracts.contracts import TABLE_MODELS
from restore_contracts.contracts._types import zone_of
from restore_contracts.contracts.attention import (
    CAUSE_FAMILIES,
    NEXT_ACTIONS,
    RECOVERY_CLAIM_BOUNDARIES,
    TONES,
    AttentionState,
)
from restore_contracts.contracts.evidence_snapshot import COMPLETENESS_STATES, EVIDENCE_STATUSES
from restore_contracts.contracts.metadata import COUNT_KEYS
from restore_contracts.contracts.operation_run import (
    OPERATION_RUN_OUTCOMES,
    OPERATION_RUN_STATUSES,
)
from restore_contracts.contracts.preview import PREVIEW_ACTIONS
from restore_contracts.contracts.proof import EvidenceState, OperationRunProofState
from restore_contracts.contracts.results import FOUNDATION_DECISIONS, ITEM_OUTCOME_STATUSES
from restore_contracts.contracts.status import (
    DEFAULT_DECISION_STATES,
    DEFAULT_LEGACY_MAPPING,
    DecisionState,
    RestoreRunStatus,
    StatusGroup,
    group_of,
)
from restore_contracts.errors import ConfigError

CONFIG_FILE = "restore-contracts.toml"
PYPROJECT_TABLE = ("tool", "restore-contracts")

S = RestoreRunStatus
St = AttentionState


class EvidencePolicy(StrEnum):
    """Which snapshot stands for an operation run's evidence when there are several."""

    LATEST_ACTIVE = "latest_active"
    LATEST_ANY = "latest_any"


class AttentionChoice(BaseModel):
    """The attention state of an executed run with one (effective) terminal status.

    ``when = "always"`` gives ``then``; ``"clean"`` gives ``then`` when nothing
    failed, was partial, skipped or not applied and no foundation was skipped,
    else ``otherwise``; ``"applied"`` gives ``then`` when at least one item was
    applied (succeeded or partial), else ``otherwise``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: Literal["always", "clean", "applied"] = "always"
    then: AttentionState
    otherwise: AttentionState | None = None

    @model_validator(mode="after")
    def _otherwise_needed(self) -> AttentionChoice:
        if self.when != "always" and self.otherwise is None:
            raise ValueError(f"'otherwise' is required when 'when' is {self.when!r}")
        return self


DEFAULT_ATTENTION_BY_STATUS: dict[RestoreRunStatus, AttentionChoice] = {
    S.COMPLETED: AttentionChoice(
        when="clean", then=St.COMPLETED, otherwise=St.COMPLETED_WITH_FOLLOW_UP
    ),
    S.PARTIAL: AttentionChoice(then=St.PARTIAL),
    S.FAILED: AttentionChoice(then=St.FAILED),
    S.CANCELLED: AttentionChoice(when="applied", then=St.PARTIAL, otherwise=St.NOT_EXECUTED),
}

DEFAULT_TONES: dict[AttentionState, str] = {
    St.NOT_EXECUTED: "gray",
    St.COMPLETED: "success",
    St.COMPLETED_WITH_FOLLOW_UP: "warning",
    St.PARTIAL: "warning",
    St.FAILED: "danger",
}

DEFAULT_PROOF_BY_OUTCOME: dict[str, OperationRunProofState] = {
    "pending": OperationRunProofState.IN_PROGRESS,
    "succeeded": OperationRunProofState.SUCCEEDED,
    "partially_succeeded": OperationRunProofState.PARTIALLY_SUCCEEDED,
    "failed": OperationRunProofState.FAILED,
    "blocked": OperationRunProofState.BLOCKED,
    "cancelled": OperationRunProofState.CANCELLED,
}
"""Outcome of a completed operation run -> proof state (assumed)."""

DEFAULT_OPERATION_RUN_AGREEMENT: dict[RestoreRunStatus, tuple[str, ...]] = {
    S.DRAFT: ("queued/pending",),
    S.SCOPED: ("queued/pending",),
    S.CHECKED: ("queued/pending",),
    S.PREVIEWED: ("queued/pending",),
    S.PENDING: ("queued/pending",),
    S.QUEUED: ("queued/pending",),
    S.RUNNING: ("running/pending",),
    S.COMPLETED: ("completed/succeeded",),
    S.PARTIAL: ("completed/partially_succeeded",),
    S.FAILED: ("completed/failed", "completed/blocked"),
    S.CANCELLED: ("completed/cancelled",),
}
"""Restore status -> the ``status/outcome`` pairs its operation run may have (assumed)."""

DEFAULT_EVIDENCE_BY_STATUS: dict[str, EvidenceState] = {
    "queued": EvidenceState.PENDING,
    "generating": EvidenceState.PENDING,
    "failed": EvidenceState.UNAVAILABLE,
    "expired": EvidenceState.UNAVAILABLE,
}
"""Selected snapshot status -> evidence state; other statuses go by completeness (assumed)."""

DEFAULT_EVIDENCE_BY_COMPLETENESS: dict[str, EvidenceState] = {
    "complete": EvidenceState.COMPLETE,
    "partial": EvidenceState.PARTIAL,
    "missing": EvidenceState.INCOMPLETE,
}

EVIDENCE_RECENCY_COLUMNS = ("generated_at", "created_at", "updated_at", "expires_at", "id")
"""Snapshot columns the recency order may name (timestamps and the primary key)."""

ATTENTION_CASES = (
    "dry_run",
    "pre_execution",
    "execution",
    "ended",
    "completed",
    "completed_with_follow_up",
    "partial",
    "failed",
)
"""What next action and summary switch on: the attention state, and for ``not_executed``
why (a dry run, not started, still executing, or ended without applying anything)."""

DEFAULT_NEXT_ACTION_BY_CASE: dict[str, str] = {
    "dry_run": "review_preview",
    "pre_execution": "start_restore",
    "execution": "wait_for_execution",
    "ended": "start_restore",
    "completed": "verify_tenant_state",
    "completed_with_follow_up": "review_follow_up_items",
    "partial": "review_item_failures",
    "failed": "review_failure",
}

SUMMARY_FIELDS = ("applied", "total", "failed", "follow_up", "status", "reason")
"""Placeholders a summary template may use: items applied, total, failed, items needing review
plus skipped foundations, the persisted status, and " <failure_reason>" (empty without one)."""

DEFAULT_SUMMARY_BY_CASE: dict[str, str] = {
    "dry_run": "Preview only: no changes were applied.",
    "pre_execution": "Restore has not been executed (status {status}).",
    "execution": "Restore is {status}; no result yet.",
    "ended": "Restore was cancelled before any item was applied.",
    "completed": "Restore completed: {applied} of {total} items applied.",
    "completed_with_follow_up": (
        "Restore completed with follow-up: {applied} of {total} items applied, "
        "{follow_up} to review."
    ),
    "partial": "Restore partially applied: {applied} of {total} items applied, {failed} failed.",
    "failed": "Restore failed: {applied} of {total} items applied.{reason}",
}

CAUSE_CASES = (
    "completed",
    "cancelled",
    "not_executed",
    "skipped_items",
    "foundation_skipped",
    "unclassified",
)
DEFAULT_CAUSE_FAMILY_BY_CASE: dict[str, str] = {
    "completed": "none",
    "cancelled": "cancelled",
    "not_executed": "not_executed",
    "skipped_items": "skipped_items",
    "foundation_skipped": "foundation",
    "unclassified": "unknown",
}

DEFAULT_CAUSE_BY_HTTP_STATUS: dict[int, str] = {
    400: "validation",
    403: "permission",
    404: "not_found",
    408: "timeout",
    429: "throttling",
    504: "timeout",
}
"""HTTP status of an item's failing Graph call -> cause family (assumed)."""


class CausePattern(BaseModel):
    """A failure message matching ``pattern`` (case-insensitive search) points at ``family``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str
    family: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
        return value


DEFAULT_CAUSE_BY_MESSAGE: tuple[CausePattern, ...] = (
    CausePattern(pattern=r"\b403\b|forbidden|permission|unauthori[sz]ed", family="permission"),
    CausePattern(pattern=r"\b429\b|throttl|too many requests", family="throttling"),
    CausePattern(pattern=r"\b404\b|not found", family="not_found"),
    CausePattern(pattern=r"\b400\b|bad request|invalid", family="validation"),
    CausePattern(pattern=r"time[d ]?out|\b408\b|\b504\b", family="timeout"),
    CausePattern(pattern=r"foundation", family="foundation"),
)
"""Failure message patterns, tried in order (assumed)."""

DEFAULT_RECOVERY_CLAIM_BOUNDARY_BY_CASE: dict[str, str] = {
    "not_executed": "no_execution",
    "executed": "execution_only_not_recovery_proven",
}
"""Neither claims recovery: execution alone never proves it (repo-verified rule)."""

DEFAULT_COUNT_BY_ITEM_STATUS: dict[str, str] = {
    "succeeded": "succeeded",
    "failed": "failed",
    "skipped": "skipped",
    "partial": "partial",
    "non_applied": "non_applied",
}
"""Item outcome status -> the metadata count it adds to, when counts come from results."""
DEFAULT_MAX_LINE_BYTES = 8 << 20
"""Largest line, CSV/TSV record or JSON document element the readers hold (8 MiB)."""

Vocabulary = Annotated[tuple[str, ...], Field(min_length=1)]
Severity = Literal["error", "warning", "info"]


class Assumptions(BaseModel):
    """Every overridable assumption, validated as a whole.

    Mappings given in a file are merged over the defaults key by key;
    vocabularies replace the default list.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence_policy: EvidencePolicy = EvidencePolicy.LATEST_ACTIVE
    active_evidence_statuses: Vocabulary = ("active",)
    legacy_mapping: dict[RestoreRunStatus, RestoreRunStatus] = Field(
        default_factory=lambda: dict(DEFAULT_LEGACY_MAPPING)
    )
    decision_states: dict[RestoreRunStatus, DecisionState] = Field(
        default_factory=lambda: dict(DEFAULT_DECISION_STATES)
    )
    attention_by_status: dict[RestoreRunStatus, AttentionChoice] = Field(
        default_factory=lambda: dict(DEFAULT_ATTENTION_BY_STATUS)
    )
    tones: dict[AttentionState, str] = Field(default_factory=lambda: dict(DEFAULT_TONES))
    dry_run_decision_state: DecisionState = DecisionState.PREVIEW_ONLY
    dry_run_attention_state: AttentionState = AttentionState.NOT_EXECUTED
    unfinished_attention_state: AttentionState = AttentionState.NOT_EXECUTED
    """Attention of a (non-dry) run whose status is pre-execution or execution."""
    next_action_by_case: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_NEXT_ACTION_BY_CASE)
    )
    summary_by_case: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SUMMARY_BY_CASE))
    cause_family_by_case: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_CAUSE_FAMILY_BY_CASE)
    )
    cause_by_http_status: dict[int, str] = Field(
        default_factory=lambda: dict(DEFAULT_CAUSE_BY_HTTP_STATUS)
    )
    cause_by_message: tuple[CausePattern, ...] = DEFAULT_CAUSE_BY_MESSAGE
    cause_item_statuses: Vocabulary = ("failed", "partial")
    """Item statuses whose causes decide the cause family (the most common one wins)."""
    recovery_claim_boundaries: Vocabulary = RECOVERY_CLAIM_BOUNDARIES
    recovery_claim_boundary_by_case: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RECOVERY_CLAIM_BOUNDARY_BY_CASE)
    )
    operation_run_completed_status: str = "completed"
    """The operation-run status after which its outcome is final."""
    evidence_recency: tuple[str, ...] = ("generated_at", "created_at", "id")
    """Newest snapshot first by these columns; a null timestamp falls back to the next one."""
    count_by_item_status: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_COUNT_BY_ITEM_STATUS)
    )
    skipped_foundation_decision: str = "skipped"
    """The foundation decision counted as foundations_skipped."""
    item_outcome_statuses: Vocabulary = ITEM_OUTCOME_STATUSES
    foundation_decisions: Vocabulary = FOUNDATION_DECISIONS
    preview_actions: Vocabulary = PREVIEW_ACTIONS
    operation_run_statuses: Vocabulary = OPERATION_RUN_STATUSES
    operation_run_outcomes: Vocabulary = OPERATION_RUN_OUTCOMES
    evidence_statuses: Vocabulary = EVIDENCE_STATUSES
    completeness_states: Vocabulary = COMPLETENESS_STATES
    tone_vocabulary: Vocabulary = TONES
    next_actions: Vocabulary = NEXT_ACTIONS
    cause_families: Vocabulary = CAUSE_FAMILIES
    proof_by_outcome: dict[str, OperationRunProofState] = Field(
        default_factory=lambda: dict(DEFAULT_PROOF_BY_OUTCOME)
    )
    operation_run_agreement: dict[RestoreRunStatus, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_OPERATION_RUN_AGREEMENT)
    )
    evidence_by_status: dict[str, EvidenceState] = Field(
        default_factory=lambda: dict(DEFAULT_EVIDENCE_BY_STATUS)
    )
    evidence_by_completeness: dict[str, EvidenceState] = Field(
        default_factory=lambda: dict(DEFAULT_EVIDENCE_BY_COMPLETENESS)
    )
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Per-rule severity overrides for the validators, by rule code."""
    extra_columns: dict[str, list[str]] = Field(default_factory=dict)
    """Table -> the application's own columns the contracts do not know: read past silently
    instead of reported (RR103)."""

    @field_validator("extra_columns")
    @classmethod
    def _extra_columns_of_known_tables(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        known = (*TABLE_MODELS, "restore_run_proofs")
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown table(s) {', '.join(unknown)}; expected {', '.join(known)}")
        return value

    max_line_bytes: int = Field(DEFAULT_MAX_LINE_BYTES, ge=1024)
    """Larger lines, records and JSON elements are skipped with a finding (bounded memory)."""
    timezone: str = "UTC"
    """The application's timezone (Laravel's ``app.timezone``): naive timestamps are in it."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        zone_of(value)
        return value

    @field_validator("legacy_mapping")
    @classmethod
    def _legacy_maps_to_terminal(
        cls, value: dict[RestoreRunStatus, RestoreRunStatus]
    ) -> dict[RestoreRunStatus, RestoreRunStatus]:
        for legacy, target in value.items():
            if group_of(legacy) is not StatusGroup.LEGACY:
                raise ValueError(f"{legacy.value!r} is not a legacy status")
            if group_of(target) is not StatusGroup.TERMINAL:
                raise ValueError(f"{target.value!r} is not a terminal status")
        return value

    @field_validator("decision_states")
    @classmethod
    def _decision_not_for_legacy(
        cls, value: dict[RestoreRunStatus, DecisionState]
    ) -> dict[RestoreRunStatus, DecisionState]:
        for status in value:
            if group_of(status) is StatusGroup.LEGACY:
                raise ValueError(
                    f"{status.value!r} is a legacy status: it takes the decision state of the "
                    "status legacy_mapping resolves it to (configure legacy_mapping instead)"
                )
        return value

    @field_validator("attention_by_status")
    @classmethod
    def _attention_for_terminal(
        cls, value: dict[RestoreRunStatus, AttentionChoice]
    ) -> dict[RestoreRunStatus, AttentionChoice]:
        for status in value:
            if group_of(status) is not StatusGroup.TERMINAL:
                raise ValueError(f"{status.value!r} is not a terminal status")
        return value

    @model_validator(mode="after")
    def _complete_tables(self) -> Assumptions:
        missing_legacy = {s for s in S if group_of(s) is StatusGroup.LEGACY} - set(
            self.legacy_mapping
        )
        if missing_legacy:
            raise ValueError(f"legacy_mapping lacks {sorted(missing_legacy)}")
        for tone in self.tones.values():
            if tone not in self.tone_vocabulary:
                raise ValueError(f"tone {tone!r} is not in tone_vocabulary")
        self._check_against_vocabularies()
        return self

    def _check_against_vocabularies(self) -> None:
        """Every table names only values its vocabulary holds, so no derived row can break
        a vocabulary rule: the toolkit never contradicts itself, whatever is overridden."""
        _keys_within("next_action_by_case", self.next_action_by_case, ATTENTION_CASES)
        _keys_within("summary_by_case", self.summary_by_case, ATTENTION_CASES)
        _keys_within("cause_family_by_case", self.cause_family_by_case, CAUSE_CASES)
        _keys_within(
            "recovery_claim_boundary_by_case",
            self.recovery_claim_boundary_by_case,
            ("not_executed", "executed"),
        )
        _values_within("next_action_by_case", self.next_action_by_case, self.next_actions)
        _values_within("cause_family_by_case", self.cause_family_by_case, self.cause_families)
        _values_within("cause_by_http_status", self.cause_by_http_status, self.cause_families)
        _values_within(
            "cause_by_message",
            {str(i): p.family for i, p in enumerate(self.cause_by_message)},
            self.cause_families,
        )
        _values_within(
            "recovery_claim_boundary_by_case",
            self.recovery_claim_boundary_by_case,
            self.recovery_claim_boundaries,
        )
        for case, template in self.summary_by_case.items():
            _check_template(f"summary_by_case.{case}", template)
        _keys_within("proof_by_outcome", self.proof_by_outcome, self.operation_run_outcomes)
        if self.operation_run_completed_status not in self.operation_run_statuses:
            raise ValueError(
                f"operation_run_completed_status: {self.operation_run_completed_status!r} "
                "is not in operation_run_statuses"
            )
        for status, pairs in self.operation_run_agreement.items():
            for pair in pairs:
                op_status, _, outcome = pair.partition("/")
                if op_status not in self.operation_run_statuses or (
                    outcome not in self.operation_run_outcomes
                ):
                    raise ValueError(
                        f"operation_run_agreement.{status.value}: {pair!r} is not "
                        "'status/outcome' from operation_run_statuses and operation_run_outcomes"
                    )
        _keys_within("evidence_by_status", self.evidence_by_status, self.evidence_statuses)
        _keys_within(
            "evidence_by_completeness", self.evidence_by_completeness, self.completeness_states
        )
        for active in self.active_evidence_statuses:
            if active not in self.evidence_statuses:
                raise ValueError(
                    f"active_evidence_statuses: {active!r} is not in evidence_statuses"
                )
        for column in self.evidence_recency:
            if column not in EVIDENCE_RECENCY_COLUMNS:
                raise ValueError(
                    f"evidence_recency: {column!r} is not one of {list(EVIDENCE_RECENCY_COLUMNS)}"
                )
        _keys_within("count_by_item_status", self.count_by_item_status, self.item_outcome_statuses)
        _values_within("count_by_item_status", self.count_by_item_status, COUNT_KEYS[1:])
        for item_status in self.cause_item_statuses:
            if item_status not in self.item_outcome_statuses:
                raise ValueError(
                    f"cause_item_statuses: {item_status!r} is not in item_outcome_statuses"
                )
        if self.skipped_foundation_decision not in self.foundation_decisions:
            raise ValueError(
                f"skipped_foundation_decision: {self.skipped_foundation_decision!r} "
                "is not in foundation_decisions"
            )

    def effective_status(self, status: RestoreRunStatus) -> RestoreRunStatus:
        """A legacy status resolved to the terminal status it stands for."""
        return self.legacy_mapping.get(status, status)

    def decision_of(self, status: RestoreRunStatus) -> DecisionState:
        """The decision state of a (non-dry) run's status; a legacy one by what it resolves to."""
        return self.decision_states[self.effective_status(status)]


def _keys_within(name: str, table: Mapping[Any, Any], known: Any) -> None:
    for key in table:
        if str(key) not in known:
            raise ValueError(f"{name}: key {str(key)!r} is not one of {sorted(known)}")


def _values_within(name: str, table: Mapping[Any, str], known: Any) -> None:
    for key, value in table.items():
        if value not in known:
            raise ValueError(
                f"{name}.{key}: {value!r} is not in the vocabulary {sorted(known)}; "
                "override both together"
            )


def _check_template(name: str, template: str) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ValueError(f"{name}: not a valid template: {exc}") from None
    for placeholder in fields:
        if placeholder not in SUMMARY_FIELDS:
            raise ValueError(
                f"{name}: unknown placeholder {{{placeholder}}}; use {list(SUMMARY_FIELDS)}"
            )
    try:
        template.format(applied=0, total=0, failed=0, follow_up=0, status="draft", reason="")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: not a valid template: {exc}") from None


_MERGED_KEYS = (
    "legacy_mapping",
    "decision_states",
    "attention_by_status",
    "tones",
    "next_action_by_case",
    "summary_by_case",
    "cause_family_by_case",
    "cause_by_http_status",
    "recovery_claim_boundary_by_case",
    "count_by_item_status",
    "proof_by_outcome",
    "operation_run_agreement",
    "evidence_by_status",
    "evidence_by_completeness",
)

_NAMED_MESSAGE = re.compile(r"^([a-z_][a-z0-9_.]*): (.*)$", re.S)
"""A whole-configuration check's message that starts with the key it is about."""

_KEYED_BY_VOCABULARY = {
    "proof_by_outcome": "operation_run_outcomes",
    "evidence_by_status": "evidence_statuses",
    "evidence_by_completeness": "completeness_states",
    "count_by_item_status": "item_outcome_statuses",
}
"""Mappings keyed by a vocabulary's values: a default entry whose key the configured
vocabulary drops is dropped with it (given entries are merged over the rest)."""


CONFIG_PREFIX = ".".join(PYPROJECT_TABLE)
"""How pyproject.toml spells the toolkit's keys; a restore-contracts.toml has them at its top
level (or, equally, under this table)."""


def _documented_keys(loc: tuple[Any, ...]) -> list[str] | None:
    """The keys the model at ``loc`` takes (all of them documented in docs/configuration.md),
    or None where the keys are free (a mapping's own keys)."""
    model: Any = Assumptions
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return sorted(model.model_fields)


def _unknown_key(loc: tuple[Any, ...]) -> str:
    """The message for a key the configuration does not take: a near miss, else the list."""
    keys = _documented_keys(loc[:-1])
    if keys is None:
        return "unknown key"
    close = difflib.get_close_matches(str(loc[-1]), keys, n=1)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key; the keys are: {', '.join(keys)}"


def build_assumptions(
    overrides: Mapping[str, Any], *, source: str = "configuration", prefix: str = CONFIG_PREFIX
) -> Assumptions:
    """Validate overrides over the defaults; a bad value is a one-line error naming its key.

    ``prefix`` is how the file the user has spells the keys' table: ``tool.restore-contracts``
    in pyproject.toml, nothing for the top level of a restore-contracts.toml, so that the
    key in the message is the one to look for in the file.
    """
    defaults = Assumptions()
    data: dict[str, Any] = dict(overrides)
    for key in _MERGED_KEYS:
        if key in data and isinstance(data[key], Mapping):
            base = {str(k): v for k, v in getattr(defaults, key).items()}
            base.update(data[key])
            data[key] = base
    for key, vocabulary in _KEYED_BY_VOCABULARY.items():
        values = data.get(vocabulary)
        given = overrides.get(key, {})
        if isinstance(values, list | tuple) and isinstance(given, Mapping):
            kept = {k: v for k, v in getattr(defaults, key).items() if k in values}
            kept.update(given)
            data[key] = kept
    try:
        assumptions = Assumptions.model_validate(data)
    except RecursionError:
        raise ConfigError(f"{source}: values nest too deeply") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(part) for part in error["loc"])
        key = ".".join(part for part in (prefix, loc) if part)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = _unknown_key(tuple(error["loc"]))
        named = _NAMED_MESSAGE.match(message)
        if not loc and named is not None:
            key = ".".join(part for part in (prefix, named.group(1)) if part)
            message = named.group(2)
        where = f"{source}: {key}" if key else source  # a whole-file check at the top level
        raise ConfigError(f"{where}: {message}") from None
    if assumptions.severity:
        # checked here, where the file and the key are known (the registry checks again)
        from restore_contracts.validators.rules import RULES

        unknown = sorted(set(assumptions.severity) - set(RULES))
        if unknown:
            key = ".".join(part for part in (prefix, "severity") if part)
            raise ConfigError(f"{source}: {key}: unknown rule code(s) {unknown}")
    return assumptions


MAX_CONFIG_BYTES = 1 << 20
"""A configuration file larger than this (1 MiB) is refused rather than read."""


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; anything but a readable, regular, UTF-8 TOML file is one ConfigError.

    A FIFO or a device is refused before it is opened: opening a FIFO nobody
    writes to would wait forever, and a device can be endless.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ConfigError(f"{path}: cannot read configuration: not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: configuration larger than {MAX_CONFIG_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}: not valid TOML: not UTF-8 (byte 0x{data[exc.start]:02x} on line {line})"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: values nest too deeply") from None


def load_assumptions(path: Path | None = None, *, cwd: Path | None = None) -> Assumptions:
    """Load the configuration: an explicit file, else restore-contracts.toml, else pyproject.toml.

    A ``restore-contracts.toml`` holds the keys at its top level (or under
    ``[tool.restore-contracts]``); ``pyproject.toml`` holds them under
    ``[tool.restore-contracts]``. No file means the defaults.
    """
    if path is None:
        here = cwd or Path.cwd()
        candidates = [here / CONFIG_FILE, here / "pyproject.toml"]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            return Assumptions()
    document = _read_toml(path)
    table: Any = document
    for part in PYPROJECT_TABLE:
        if isinstance(table, dict) and part in table:
            table = table[part]
        elif path.name == "pyproject.toml":
            return Assumptions()
        else:
            break
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {CONFIG_PREFIX} must be a table")
    prefix = CONFIG_PREFIX if table is not document else ""
    return build_assumptions(table, source=str(path), prefix=prefix)


__all__ = (
    "ATTENTION_CASES",
    "CAUSE_CASES",
    "CONFIG_FILE",
    "CONFIG_PREFIX",
    "DEFAULT_ATTENTION_BY_STATUS",
    "DEFAULT_CAUSE_BY_HTTP_STATUS",
    "DEFAULT_CAUSE_BY_MESSAGE",
    "DEFAULT_CAUSE_FAMILY_BY_CASE",
    "DEFAULT_COUNT_BY_ITEM_STATUS",
    "DEFAULT_EVIDENCE_BY_COMPLETENESS",
    "DEFAULT_EVIDENCE_BY_STATUS",
    "DEFAULT_MAX_LINE_BYTES",
    "DEFAULT_NEXT_ACTION_BY_CASE",
    "DEFAULT_OPERATION_RUN_AGREEMENT",
    "DEFAULT_PROOF_BY_OUTCOME",
    "DEFAULT_RECOVERY_CLAIM_BOUNDARY_BY_CASE",
    "DEFAULT_SUMMARY_BY_CASE",
    "DEFAULT_TONES",
    "EVIDENCE_RECENCY_COLUMNS",
    "SUMMARY_FIELDS",
    "Assumptions",
    "AttentionChoice",
    "CausePattern",
    "EvidencePolicy",
    "Severity",
    "build_assumptions",
    "load_assumptions",
)
