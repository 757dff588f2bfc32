"""Configuration: every assumption of the toolkit, with its default, overridable.

The truth map leaves vocabularies, the legacy mapping, the derivation tables
and the evidence selection policy open. Their defaults are this toolkit's best
reading of the application; a team that knows better writes
``[tool.restore-contracts]`` in ``pyproject.toml`` or a
``restore-contracts.toml`` and every command follows it.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from restore_contracts.contracts.attention import (
    CAUSE_FAMILIES,
    NEXT_ACTIONS,
    TONES,
    AttentionState,
)
from restore_contracts.contracts.evidence_snapshot import COMPLETENESS_STATES, EVIDENCE_STATUSES
from restore_contracts.contracts.operation_run import (
    OPERATION_RUN_OUTCOMES,
    OPERATION_RUN_STATUSES,
)
from restore_contracts.contracts.preview import PREVIEW_ACTIONS
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

DEFAULT_PROOF_BY_OUTCOME: dict[str, str] = {
    "pending": "in_progress",
    "succeeded": "succeeded",
    "partially_succeeded": "partially_succeeded",
    "failed": "failed",
    "blocked": "blocked",
    "cancelled": "cancelled",
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

DEFAULT_EVIDENCE_BY_STATUS: dict[str, str] = {
    "queued": "pending",
    "generating": "pending",
    "failed": "unavailable",
    "expired": "unavailable",
}
"""Selected snapshot status -> evidence state; other statuses go by completeness (assumed)."""

DEFAULT_EVIDENCE_BY_COMPLETENESS: dict[str, str] = {
    "complete": "complete",
    "partial": "partial",
    "missing": "incomplete",
}

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
    proof_by_outcome: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_PROOF_BY_OUTCOME))
    operation_run_agreement: dict[RestoreRunStatus, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_OPERATION_RUN_AGREEMENT)
    )
    evidence_by_status: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_EVIDENCE_BY_STATUS)
    )
    evidence_by_completeness: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_EVIDENCE_BY_COMPLETENESS)
    )
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Per-rule severity overrides for the validators, by rule code."""

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
        return self

    def effective_status(self, status: RestoreRunStatus) -> RestoreRunStatus:
        """A legacy status resolved to the terminal status it stands for."""
        return self.legacy_mapping.get(status, status)


_MERGED_KEYS = (
    "legacy_mapping",
    "decision_states",
    "attention_by_status",
    "tones",
    "proof_by_outcome",
    "operation_run_agreement",
    "evidence_by_status",
    "evidence_by_completeness",
)


def build_assumptions(
    overrides: Mapping[str, Any], *, source: str = "configuration"
) -> Assumptions:
    """Validate overrides over the defaults; a bad value is a one-line error naming its key."""
    defaults = Assumptions()
    data: dict[str, Any] = dict(overrides)
    for key in _MERGED_KEYS:
        if key in data and isinstance(data[key], Mapping):
            base = {str(k): v for k, v in getattr(defaults, key).items()}
            base.update(data[key])
            data[key] = base
    try:
        return Assumptions.model_validate(data)
    except RecursionError:
        raise ConfigError(f"{source}: values nest too deeply") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(part) for part in error["loc"])
        key = ".".join(part for part in ("tool.restore-contracts", loc) if part)
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{source}: {key}: {message}") from None


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
        raise ConfigError(f"{path}: tool.restore-contracts must be a table")
    return build_assumptions(table, source=str(path))


__all__ = (
    "CONFIG_FILE",
    "DEFAULT_ATTENTION_BY_STATUS",
    "DEFAULT_EVIDENCE_BY_COMPLETENESS",
    "DEFAULT_EVIDENCE_BY_STATUS",
    "DEFAULT_OPERATION_RUN_AGREEMENT",
    "DEFAULT_PROOF_BY_OUTCOME",
    "DEFAULT_TONES",
    "Assumptions",
    "AttentionChoice",
    "EvidencePolicy",
    "Severity",
    "build_assumptions",
    "load_assumptions",
)
