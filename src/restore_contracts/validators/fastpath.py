"""Fast acceptance of rows already in the canonical export encoding (msgspec, in C).

Building the pydantic models costs several times more than parsing a row, so
each table also has a msgspec type that decodes and type-checks a canonical
row in one pass: ids as integers in the bigint range, booleans as booleans,
known statuses, JSON columns as objects, no unknown column. Timestamps and
item keys are then checked with one regular expression each (canonical
``'Y-m-d H:i:s'`` naming a real day). A row that passes is valid *and*
canonical, and the rules read it as it is. Any other row (text encodings
from CSV, offsets, fractions, unknown columns, or an actual error) goes to
the pydantic model, which normalises it or explains each problem. The fast
types may refuse a valid row, never accept an invalid one (the tests hold
them to the models).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, NotRequired, Required, TypedDict

import msgspec
from msgspec import Meta

MAX_ID = 2**63 - 1

Id = Annotated[int, Meta(gt=0, le=MAX_ID)]
Count = Annotated[int, Meta(ge=0)]
Status = Literal[
    "draft",
    "scoped",
    "checked",
    "previewed",
    "pending",
    "queued",
    "running",
    "completed",
    "partial",
    "failed",
    "cancelled",
    "aborted",
    "completed_with_errors",
]
Ts = str
"""A timestamp column: text here, its canonical form checked after decoding."""

_DATE = (
    r"(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)"
)
TIMESTAMP = _DATE + r" (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
"""A canonical timestamp: 'YYYY-MM-DD HH:MM:SS' naming a real second of a real day."""
_TIMESTAMPS = re.compile(f"{TIMESTAMP}(?:,{TIMESTAMP})*").fullmatch
_KEY = r"[1-9][0-9]{0,17}"
_STAMPS_AND_KEYS = re.compile(
    f"(?:{TIMESTAMP}(?:,{TIMESTAMP})*)?;(?:{_KEY}(?:,{_KEY})*)?"
).fullmatch


class _Foundation(TypedDict):
    type: str
    decision: str
    source_id: NotRequired[str | None]
    source_name: NotRequired[str | None]
    target_id: NotRequired[str | None]
    reason: NotRequired[str | None]


class _ItemOutcome(TypedDict, total=False):
    status: Required[str]
    policy_type: str | None
    display_name: str | None
    policy_identifier: str | None
    reason: str | None
    http_status: int | None
    graph_request_id: str | None
    duration_ms: Count | None


class _Results(TypedDict, total=False):
    foundations: list[_Foundation]
    items: dict[str, _ItemOutcome]


class _PreviewItem(TypedDict, total=False):
    action: Required[str]
    policy_type: str | None
    display_name: str | None


class _Preview(TypedDict, total=False):
    generated_at: Ts | None
    items: dict[str, _PreviewItem]


class _Basis(TypedDict, total=False):
    fingerprint: str | None
    recorded_at: Ts | None
    item_count: Count | None


class _Safety(TypedDict, total=False):
    captured_at: Ts | None
    checks_passed: bool | None
    warnings: list[str] | None


class _Metadata(TypedDict, total=False):
    total: Count | None
    succeeded: Count | None
    failed: Count | None
    skipped: Count | None
    partial: Count | None
    non_applied: Count | None
    foundations_skipped: Count | None
    scope_basis: _Basis | None
    check_basis: _Basis | None
    preview_basis: _Basis | None
    execution_safety_snapshot: _Safety | None


class _Row(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """Base of the fast row types: an unknown column sends the row to the model."""


class RestoreRunRow(_Row):
    id: Id
    managed_environment_id: Id
    workspace_id: Id
    backup_set_id: Id
    is_dry_run: bool
    status: Status
    requested_by: int | str | None = None
    requested_items: list[Id] | None = None
    preview: _Preview | None = None
    results: _Results | None = None
    metadata: _Metadata | None = None
    failure_reason: str | None = None
    started_at: Ts | None = None
    completed_at: Ts | None = None
    operation_run_id: Id | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class WorkspaceRow(_Row):
    id: Id
    name: str
    slug: str | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class ManagedEnvironmentRow(_Row):
    id: Id
    workspace_id: Id
    name: str
    tenant_id: str | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class BackupSetRow(_Row):
    id: Id
    workspace_id: Id
    managed_environment_id: Id
    name: str
    status: str | None = None
    item_count: Count | None = None
    created_by: int | str | None = None
    completed_at: Ts | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None
    deleted_at: Ts | None = None


class BackupItemRow(_Row):
    id: Id
    backup_set_id: Id
    policy_type: str
    policy_identifier: str | None = None
    display_name: str | None = None
    platform: str | None = None
    payload: dict[str, Any] | None = None
    captured_at: Ts | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class OperationRunRow(_Row):
    id: Id
    workspace_id: Id
    type: str
    status: str
    outcome: str
    managed_environment_id: Id | None = None
    user_id: Id | None = None
    summary_counts: dict[str, int] | None = None
    failure_summary: list[dict[str, Any]] | None = None
    context: dict[str, Any] | None = None
    started_at: Ts | None = None
    completed_at: Ts | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


class EvidenceSnapshotRow(_Row):
    id: Id
    workspace_id: Id
    managed_environment_id: Id
    status: str
    completeness_state: str
    operation_run_id: Id | None = None
    generated_at: Ts | None = None
    expires_at: Ts | None = None
    summary: dict[str, Any] | None = None
    created_at: Ts | None = None
    updated_at: Ts | None = None


FAST_TYPES: dict[str, type[_Row]] = {
    "workspaces": WorkspaceRow,
    "managed_environments": ManagedEnvironmentRow,
    "backup_sets": BackupSetRow,
    "backup_items": BackupItemRow,
    "operation_runs": OperationRunRow,
    "restore_runs": RestoreRunRow,
    "evidence_snapshots": EvidenceSnapshotRow,
}
"""Table -> its fast row type (tables without one always go through the model)."""

_TIMESTAMP_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(
        name for name, kind in row_type.__annotations__.items() if kind in ("Ts | None", "Ts")
    )
    for table, row_type in FAST_TYPES.items()
}


def _restore_run_canonical(row: dict[str, Any]) -> bool:
    """Timestamps (top level and inside the JSON columns) and item keys of a decoded run,
    checked with one regular expression over ``stamps;keys`` (result keys equal to the
    preview's, the usual case, are checked once)."""
    stamps = [row[c] for c in _RUN_TIMESTAMPS if row[c] is not None]
    keys: list[str] = []
    planned: Any = None
    preview = row["preview"]
    if preview is not None:
        generated = preview.get("generated_at")
        if generated is not None:
            stamps.append(generated)
        planned = preview.get("items")
        if planned:
            keys.extend(planned)
    results = row["results"]
    if results is not None:
        items = results.get("items")
        if items and (planned is None or items.keys() != planned.keys()):
            keys.extend(items)
    meta = row["metadata"]
    if meta is not None:
        for name in _BASES:
            basis = meta.get(name)
            if basis is not None:
                recorded = basis.get("recorded_at")
                if recorded is not None:
                    stamps.append(recorded)
        safety = meta.get("execution_safety_snapshot")
        if safety is not None:
            captured = safety.get("captured_at")
            if captured is not None:
                stamps.append(captured)
    return _STAMPS_AND_KEYS(f"{','.join(stamps)};{','.join(keys)}") is not None


_BASES = ("scope_basis", "check_basis", "preview_basis")


def _canonical_check(table: str) -> Callable[[dict[str, Any]], bool]:
    if table == "restore_runs":
        return _restore_run_canonical
    columns = _TIMESTAMP_COLUMNS[table]

    def canonical(row: dict[str, Any]) -> bool:
        stamps = [row[c] for c in columns if row[c] is not None]
        return not stamps or _TIMESTAMPS(",".join(stamps)) is not None

    return canonical


_RUN_TIMESTAMPS = _TIMESTAMP_COLUMNS["restore_runs"]

FastDecode = Callable[[bytes], "dict[str, Any] | None"]
FastConvert = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def fast_decoder(table: str) -> FastDecode | None:
    """JSON text -> the canonical row, or None when the row needs the model."""
    row_type = FAST_TYPES.get(table)
    if row_type is None:
        return None
    decode = msgspec.json.Decoder(row_type).decode
    as_dict = msgspec.structs.asdict
    canonical = _canonical_check(table)
    errors = (msgspec.ValidationError, msgspec.DecodeError, RecursionError)
    """RecursionError: JSON nested too deep for msgspec; the record path reports it (RR023)."""

    def fast(text: bytes) -> dict[str, Any] | None:
        try:
            row = as_dict(decode(text))
        except errors:
            return None
        return row if canonical(row) else None

    return fast


def fast_converter(table: str) -> FastConvert | None:
    """A parsed row -> the canonical row, or None when the row needs the model."""
    row_type = FAST_TYPES.get(table)
    if row_type is None:
        return None
    as_dict = msgspec.structs.asdict
    canonical = _canonical_check(table)

    def fast(data: dict[str, Any]) -> dict[str, Any] | None:
        try:
            row = as_dict(msgspec.convert(data, row_type))
        except msgspec.ValidationError:
            return None
        return row if canonical(row) else None

    return fast


def is_timestamp(value: Any) -> bool:
    """Whether a value is a canonical timestamp (the fast path's definition)."""
    return isinstance(value, str) and _TIMESTAMPS(value) is not None


__all__ = (
    "FAST_TYPES",
    "MAX_ID",
    "TIMESTAMP",
    "FastConvert",
    "FastDecode",
    "fast_converter",
    "fast_decoder",
    "is_timestamp",
)
