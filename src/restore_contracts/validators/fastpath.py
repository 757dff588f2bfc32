"""Fast acceptance of rows that are already in the canonical export encoding.

Building the pydantic models costs several times more than parsing a row, so
each table has a checker that answers one question on the plain parsed dict:
is this row valid *and* already canonical (ids as integers, booleans as
booleans, timestamps as ``'Y-m-d H:i:s'``, JSON columns as objects)? When it
is, the rules read the dict as it is. When it is not (text encodings from CSV,
offsets, fractions, or an actual error), the engine falls back to the model,
which normalises the row or explains what is wrong. A checker may say no to a
valid row, never yes to an invalid one (tests hold it to the models).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from restore_contracts.contracts.status import RestoreRunStatus

FastCheck = Callable[[dict[str, Any]], bool]

MAX_ID = 2**63 - 1
_MISSING: Any = object()
_EMPTY: Any = object()
_TIMESTAMP = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]) (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
).fullmatch
STATUS_VALUES = frozenset(s.value for s in RestoreRunStatus)


@lru_cache(maxsize=4096)
def _real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_timestamp(v: Any) -> bool:
    """A canonical timestamp: ``'YYYY-MM-DD HH:MM:SS'`` naming a real second (read as UTC)."""
    return (
        type(v) is str
        and len(v) == 19
        and _TIMESTAMP(v) is not None
        and v[:4] != "0000"
        and ((v[8] < "3" and v[8:10] != "29") or _real_day(v[:10]))
    )


def is_id(v: Any) -> bool:
    """A primary or foreign key as an integer in the bigint range."""
    return type(v) is int and 0 < v <= MAX_ID


def is_item_key(k: str) -> bool:
    """A backup item id used as an object key: decimal text without a leading zero."""
    return len(k) <= 18 and k.isascii() and k.isdigit() and k[0] != "0"


def _opt(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: v is None or check(v)


def _is_str(v: Any) -> bool:
    return type(v) is str


def _is_count(v: Any) -> bool:
    return type(v) is int and v >= 0


def _is_int_or_str(v: Any) -> bool:
    return type(v) is int or type(v) is str


def _is_object(v: Any) -> bool:
    return type(v) is dict


def _is_int_map(v: Any) -> bool:
    return type(v) is dict and all(type(x) is int for x in v.values())


def _is_object_list(v: Any) -> bool:
    return type(v) is list and all(type(x) is dict for x in v)


def _is_str_list(v: Any) -> bool:
    return type(v) is list and all(type(x) is str for x in v)


ID = is_id
OPT_ID = _opt(is_id)
STR = _is_str
OPT_STR = _opt(_is_str)
OPT_TS = _opt(is_timestamp)
OPT_COUNT = _opt(_is_count)
OPT_INT_OR_STR = _opt(_is_int_or_str)
OPT_OBJECT = _opt(_is_object)
OPT_INT_MAP = _opt(_is_int_map)
OPT_OBJECT_LIST = _opt(_is_object_list)
OPT_BOOL = _opt(lambda v: type(v) is bool)
OPT_STR_LIST = _opt(_is_str_list)


def columns_check(spec: Mapping[str, Callable[[Any], bool]], required: frozenset[str]) -> FastCheck:
    """A checker from column -> predicate; a required column must be present."""
    checks = tuple(spec.items())

    def check(row: dict[str, Any]) -> bool:
        for name, ok in checks:
            value = row.get(name, _MISSING)
            if value is _MISSING:
                if name in required:
                    return False
            elif not ok(value):
                return False
        return True

    return check


_TIMESTAMPS = {"created_at": OPT_TS, "updated_at": OPT_TS}

SPECS: dict[str, tuple[dict[str, Callable[[Any], bool]], frozenset[str]]] = {
    "workspaces": ({"id": ID, "name": STR, "slug": OPT_STR, **_TIMESTAMPS}, frozenset({"id", "name"})),
    "managed_environments": (
        {"id": ID, "workspace_id": ID, "name": STR, "tenant_id": OPT_STR, **_TIMESTAMPS},
        frozenset({"id", "workspace_id", "name"}),
    ),
    "backup_sets": (
        {
            "id": ID,
            "workspace_id": ID,
            "managed_environment_id": ID,
            "name": STR,
            "status": OPT_STR,
            "item_count": OPT_COUNT,
            "created_by": OPT_INT_OR_STR,
            "completed_at": OPT_TS,
            **_TIMESTAMPS,
            "deleted_at": OPT_TS,
        },
        frozenset({"id", "workspace_id", "managed_environment_id", "name"}),
    ),
    "backup_items": (
        {
            "id": ID,
            "backup_set_id": ID,
            "policy_identifier": OPT_STR,
            "policy_type": STR,
            "display_name": OPT_STR,
            "platform": OPT_STR,
            "payload": OPT_OBJECT,
            "captured_at": OPT_TS,
            **_TIMESTAMPS,
        },
        frozenset({"id", "backup_set_id", "policy_type"}),
    ),
    "operation_runs": (
        {
            "id": ID,
            "workspace_id": ID,
            "managed_environment_id": OPT_ID,
            "user_id": OPT_ID,
            "type": STR,
            "status": STR,
            "outcome": STR,
            "summary_counts": OPT_INT_MAP,
            "failure_summary": OPT_OBJECT_LIST,
            "context": OPT_OBJECT,
            "started_at": OPT_TS,
            "completed_at": OPT_TS,
            **_TIMESTAMPS,
        },
        frozenset({"id", "workspace_id", "type", "status", "outcome"}),
    ),
    "evidence_snapshots": (
        {
            "id": ID,
            "workspace_id": ID,
            "managed_environment_id": ID,
            "operation_run_id": OPT_ID,
            "status": STR,
            "completeness_state": STR,
            "generated_at": OPT_TS,
            "expires_at": OPT_TS,
            "summary": OPT_OBJECT,
            **_TIMESTAMPS,
        },
        frozenset({"id", "workspace_id", "managed_environment_id", "status", "completeness_state"}),
    ),
}
"""Column predicates of the flat tables, held equal to the models by the tests."""

_FOUNDATION_STRS = ("source_id", "source_name", "target_id", "reason")
_ITEM_STRS = ("policy_type", "display_name", "policy_identifier", "reason", "graph_request_id")
_COUNTS = (
    "total",
    "succeeded",
    "failed",
    "skipped",
    "partial",
    "non_applied",
    "foundations_skipped",
)
_BASES = ("scope_basis", "check_basis", "preview_basis")


def _results_ok(results: Any) -> bool:
    if type(results) is not dict:
        return False
    foundations = results.get("foundations", _EMPTY)
    if type(foundations) is not list:
        return foundations is _EMPTY and _items_ok(results)
    for entry in foundations:
        if type(entry) is not dict:
            return False
        get = entry.get
        if type(get("type")) is not str or type(get("decision")) is not str:
            return False
        for name in _FOUNDATION_STRS:
            value = get(name)
            if value is not None and type(value) is not str:
                return False
    return _items_ok(results)


def _items_ok(results: dict[str, Any]) -> bool:
    items = results.get("items", _MISSING)
    if items is _MISSING:
        return True
    if type(items) is not dict:
        return False
    for key, outcome in items.items():
        if type(outcome) is not dict or not is_item_key(key):
            return False
        get = outcome.get
        if type(get("status")) is not str:
            return False
        for name in _ITEM_STRS:
            value = get(name)
            if value is not None and type(value) is not str:
                return False
        value = get("http_status")
        if value is not None and type(value) is not int:
            return False
        value = get("duration_ms")
        if value is not None and (type(value) is not int or value < 0):
            return False
    return True


def _preview_ok(preview: Any) -> bool:
    if type(preview) is not dict:
        return False
    generated = preview.get("generated_at")
    if generated is not None and not is_timestamp(generated):
        return False
    items = preview.get("items", _MISSING)
    if items is _MISSING:
        return True
    if type(items) is not dict:
        return False
    for key, planned in items.items():
        if type(planned) is not dict or not is_item_key(key):
            return False
        get = planned.get
        if type(get("action")) is not str:
            return False
        value = get("policy_type")
        if value is not None and type(value) is not str:
            return False
        value = get("display_name")
        if value is not None and type(value) is not str:
            return False
    return True


def _metadata_ok(meta: Any) -> bool:
    if type(meta) is not dict:
        return False
    get = meta.get
    for name in _COUNTS:
        value = get(name)
        if value is not None and (type(value) is not int or value < 0):
            return False
    for name in _BASES:
        basis = get(name)
        if basis is None:
            continue
        if type(basis) is not dict:
            return False
        value = basis.get("fingerprint")
        if value is not None and type(value) is not str:
            return False
        value = basis.get("recorded_at")
        if value is not None and not is_timestamp(value):
            return False
        value = basis.get("item_count")
        if value is not None and (type(value) is not int or value < 0):
            return False
    safety = get("execution_safety_snapshot")
    if safety is None:
        return True
    if type(safety) is not dict:
        return False
    value = safety.get("captured_at")
    if value is not None and not is_timestamp(value):
        return False
    value = safety.get("checks_passed")
    if value is not None and type(value) is not bool:
        return False
    value = safety.get("warnings")
    return value is None or _is_str_list(value)


_RUN_TIMESTAMPS = ("started_at", "completed_at", "created_at", "updated_at")


def restore_run_ok(row: dict[str, Any]) -> bool:
    """The ``restore_runs`` checker, written out for the table that streams by the million."""
    get = row.get
    for name in ("id", "managed_environment_id", "workspace_id", "backup_set_id"):
        value = get(name)
        if type(value) is not int or not 0 < value <= MAX_ID:
            return False
    status = get("status")
    if type(get("is_dry_run")) is not bool or type(status) is not str:
        return False
    if status not in STATUS_VALUES:
        return False
    value = get("requested_by")
    if value is not None and type(value) is not int and type(value) is not str:
        return False
    value = get("failure_reason")
    if value is not None and type(value) is not str:
        return False
    value = get("operation_run_id")
    if value is not None and (type(value) is not int or not 0 < value <= MAX_ID):
        return False
    for name in _RUN_TIMESTAMPS:
        value = get(name)
        if value is not None and not is_timestamp(value):
            return False
    value = get("requested_items")
    if value is not None:
        if type(value) is not list:
            return False
        for item in value:
            if type(item) is not int or not 0 < item <= MAX_ID:
                return False
    value = get("results")
    if value is not None and not _results_ok(value):
        return False
    value = get("metadata")
    if value is not None and not _metadata_ok(value):
        return False
    value = get("preview")
    return value is None or _preview_ok(value)


FAST_CHECKS: dict[str, FastCheck] = {
    table: columns_check(spec, required) for table, (spec, required) in SPECS.items()
}
FAST_CHECKS["restore_runs"] = restore_run_ok

__all__ = (
    "FAST_CHECKS",
    "MAX_ID",
    "SPECS",
    "STATUS_VALUES",
    "FastCheck",
    "columns_check",
    "is_id",
    "is_item_key",
    "is_timestamp",
    "restore_run_ok",
)
