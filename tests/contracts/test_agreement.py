"""Schema and model accept the same documents.

Each field draws from a pool of encodings seen in real exports and of near
misses; hypothesis combines them into rows, and for every row the JSON Schema
verdict must equal the model's. The gaps inherent to JSON Schema are
asserted separately, so they stay visible: a calendar-impossible (or, once
moved to UTC, unrepresentable) timestamp that matches the pattern, and a
JSON column given as text (the schema can only say "a string"); the pools
hold JSON text only where it is valid.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from restore_contracts.contracts import (
    EvidenceSnapshot,
    OperationRun,
    RestoreRun,
    RestoreRunMetadata,
    RestoreRunResults,
)
from restore_contracts.schemas import schema_for

MISSING = object()

IDS = [
    1,
    42,
    "17",
    2**62,
    7.0,
    0,
    -3,
    "0",
    "007",
    "abc",
    1.5,
    True,
    None,
    [],
    2**63,
    "17\n",
    "\u0661\u0662",
]
TIMESTAMPS = [
    "2026-01-02 03:04:05",
    "2026-01-02T03:04:05Z",
    "2026-01-02T03:04:05.123456+02:00",
    "2026-03-29 01:30:00.5",
    "2026-01-02 03:04:05+00",
    "2026-01-02T03:04:05-0530",
    "2026-01-02",
    "2026-13-01 00:00:00",
    "2026-01-02 24:00:00",
    "yesterday",
    " 2026-01-02 03:04:05",
    "2026-01-02 03:04:05\n",
    "2026-03-01T10:00:00.000000Z",
    "2026-03-01T10:00:00",
    "2026-03-01T10:00:00+01:00",
    "2026-03-07 15:04:43,1999-01-01 00:00:00",
    5,
    None,
]
BOOLS = [True, False, 0, 1, 0.0, 1.0, "t", "f", "true", "FALSE", "0", "1", "yes", "T", 2, 0.5, None]
TEXT = ["x", "", "Forbidden: 403", "é€😀", 5, None, True]
STATUSES = ["completed", "aborted", "completed_with_errors", "draft", "COMPLETED", "done", 3, None]
REQUESTED = [None, [1, 2], ["3", 4], [], [0], ["x"], "[1, 2]", {"1": 1}]
RESULTS = [
    None,
    {"foundations": [], "items": {}},
    {
        "foundations": [{"type": "scopeTag", "decision": "skipped"}],
        "items": {"12": {"status": "failed", "http_status": 403}},
    },
    {"items": {"12": {"status": "succeeded", "duration_ms": 1200, "extra": [1]}}},
    {"items": {"abc": {"status": "succeeded"}}},
    {"items": {"12": {}}},
    {"items": {"12": {"status": "failed", "http_status": "403"}}},
    {"items": {"12": {"status": "failed", "duration_ms": -1}}},
    {"foundations": {}},
    {"foundations": [{"type": "scopeTag"}]},
    [],
]
METADATA = [
    None,
    {},
    {"total": 3, "succeeded": 3, "failed": 0},
    {"total": -1},
    {"total": "3"},
    {"total": True},
    {"scope_basis": {"fingerprint": "abc", "recorded_at": "2026-01-01 00:00:00"}},
    {"scope_basis": {"recorded_at": "soon"}},
    {"execution_safety_snapshot": {"captured_at": "2026-01-01T00:00:00Z", "warnings": ["w"]}},
    {"execution_safety_snapshot": {"warnings": "w"}},
    '{"total": 1, "failed": 1}',
    [],
    "[]",
    {"total": 1200.0, "failed": 2**63},
    {"scope_basis": [], "execution_safety_snapshot": []},
    {
        "execution_safety_snapshot": {
            "captured_at": "2026-03-01T10:00:00.000000Z",
            "checks_passed": 1,
        }
    },
    {"execution_safety_snapshot": {"checks_passed": 0.0}},
    {"execution_safety_snapshot": {"checks_passed": 2}},
    {"execution_safety_snapshot": {"checks_passed": "1"}},
]

RESTORE_RUN_POOLS: dict[str, list[Any]] = {
    "id": IDS,
    "managed_environment_id": IDS,
    "workspace_id": IDS,
    "backup_set_id": IDS,
    "requested_by": [None, 7, "ops@contoso.example", 1.5, [], True],
    "is_dry_run": BOOLS,
    "status": STATUSES,
    "requested_items": REQUESTED,
    "results": RESULTS,
    "metadata": METADATA,
    "failure_reason": TEXT,
    "started_at": TIMESTAMPS,
    "completed_at": TIMESTAMPS,
    "operation_run_id": IDS,
    "created_at": TIMESTAMPS,
    "unknown_column": ["kept", 1, None],
}
OPERATION_RUN_POOLS: dict[str, list[Any]] = {
    "id": IDS,
    "workspace_id": IDS,
    "managed_environment_id": IDS,
    "type": TEXT,
    "status": ["completed", "weird", 1, None],
    "outcome": ["succeeded", "", None],
    "summary_counts": [None, {"total": 3}, {"total": "3"}, [1], [], {"total": 2**63}, "[]"],
    "failure_summary": [None, [], [{"code": "x"}], {"code": "x"}, [[]], [[1]]],
    "context": [None, [], {"restore_run_id": 5}, [1], "[]"],
    "started_at": TIMESTAMPS,
}
EVIDENCE_POOLS: dict[str, list[Any]] = {
    "id": IDS,
    "workspace_id": IDS,
    "managed_environment_id": IDS,
    "operation_run_id": IDS,
    "status": ["active", "superseded", 4, None],
    "completeness_state": ["complete", "partial", None],
    "generated_at": TIMESTAMPS,
    "summary": [None, {"policies": 3}, ["x"], []],
}
BASES: dict[type[BaseModel], dict[str, Any]] = {
    RestoreRun: {
        "id": 1,
        "managed_environment_id": 2,
        "workspace_id": 3,
        "backup_set_id": 4,
        "is_dry_run": False,
        "status": "completed",
    },
    OperationRun: {
        "id": 1,
        "workspace_id": 2,
        "type": "restore.execute",
        "status": "completed",
        "outcome": "succeeded",
    },
    EvidenceSnapshot: {
        "id": 1,
        "workspace_id": 2,
        "managed_environment_id": 3,
        "status": "active",
        "completeness_state": "complete",
    },
}
"""A valid row per model, against which each value is judged on its own."""

RESULTS_POOLS = {
    "foundations": [[], [{"type": "t", "decision": "created"}], [{}], None, [[]], {}],
    "items": [{}, {"5": {"status": "skipped"}}, {"5": 1}, None, [], [1], {"5": []}, {"5\n": {}}],
}
METADATA_POOLS = {
    "total": [0, 5, -1, "5", None, 2.5],
    "foundations_skipped": [0, 1, -2, None],
    "preview_basis": [
        None,
        {"item_count": 3},
        {"item_count": -3},
        {"recorded_at": "2026-02-30 10:00:00x"},
    ],
}


def _accepted_alone(model: type[BaseModel], name: str, value: Any) -> bool:
    """Whether the model accepts ``value`` for one field (others left out or at a valid base)."""
    base = BASES.get(model, {})
    row = {k: v for k, v in base.items() if k != name}
    if value is not MISSING:
        row[name] = value
    try:
        model.model_validate(row)
    except ValidationError:
        return False
    return True


@st.composite
def rows(draw: st.DrawFn, model: type[BaseModel], pools: dict[str, list[Any]]) -> dict[str, Any]:
    """Rows that are mostly valid: every field from its good values, up to two from anywhere.

    Near misses only reveal a disagreement when the rest of the row is valid,
    so most fields take a value the model accepts on its own.
    """
    names = sorted(pools)
    wild = set(draw(st.lists(st.sampled_from(names), max_size=2)))
    row: dict[str, Any] = {}
    for name in names:
        everything = [MISSING, *pools[name]]
        good = [v for v in everything if _accepted_alone(model, name, v)] or everything
        value = draw(st.sampled_from(everything if name in wild else good))
        if value is not MISSING:
            row[name] = value
    return row


@functools.cache
def _validator(schema_name: str) -> Draft202012Validator:
    from restore_contracts.contracts import CONTRACTS

    return Draft202012Validator(schema_for(schema_name, CONTRACTS[schema_name]))


def verdicts(model: type[BaseModel], schema_name: str, row: dict[str, Any]) -> tuple[bool, bool]:
    """(schema accepts, model accepts) for one row."""
    schema_ok = _validator(schema_name).is_valid(row)
    try:
        model.model_validate(row)
        model_ok = True
    except ValidationError:
        model_ok = False
    return schema_ok, model_ok


CASES = [
    (RestoreRun, "restore_run", RESTORE_RUN_POOLS),
    (OperationRun, "operation_run", OPERATION_RUN_POOLS),
    (EvidenceSnapshot, "evidence_snapshot", EVIDENCE_POOLS),
    (RestoreRunResults, "restore_run_results", RESULTS_POOLS),
    (RestoreRunMetadata, "restore_run_metadata", METADATA_POOLS),
]


@pytest.mark.parametrize(("model", "schema_name", "pools"), CASES, ids=[c[1] for c in CASES])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_schema_and_model_agree(
    model: type[BaseModel], schema_name: str, pools: dict[str, list[Any]], data: st.DataObject
) -> None:
    """For any combination of encodings, the schema accepts a row exactly when the model does."""
    row = data.draw(rows(model, pools))
    schema_ok, model_ok = verdicts(model, schema_name, row)
    assert (schema_ok, row) == (model_ok, row)


@pytest.mark.parametrize(("model", "schema_name", "pools"), CASES, ids=[c[1] for c in CASES])
def test_each_value_alone(
    model: type[BaseModel], schema_name: str, pools: dict[str, list[Any]]
) -> None:
    """Every pool value, set on an otherwise valid row, gets the same verdict from both."""
    base = BASES.get(model, {})
    disagreements = []
    for name, pool in pools.items():
        for value in [MISSING, *pool]:
            row = {k: v for k, v in base.items() if k != name}
            if value is not MISSING:
                row[name] = value
            schema_ok, model_ok = verdicts(model, schema_name, row)
            if schema_ok != model_ok:
                disagreements.append((name, value, schema_ok, model_ok))
    assert disagreements == []


def valid_run(**changes: Any) -> dict[str, Any]:
    """A minimal valid restore_runs row with some columns changed."""
    row: dict[str, Any] = {
        "id": 1,
        "managed_environment_id": 2,
        "workspace_id": 3,
        "backup_set_id": 4,
        "is_dry_run": False,
        "status": "completed",
    }
    row.update(changes)
    return row


class TestKnownGaps:
    """What a JSON Schema cannot express, pinned so that it stays a documented exception."""

    def test_impossible_calendar_date(self) -> None:
        """February 30th matches the timestamp pattern; only the model rejects it."""
        assert verdicts(RestoreRun, "restore_run", valid_run(started_at="2026-02-30 10:00:00")) == (
            True,
            False,
        )

    def test_time_outside_the_representable_range(self) -> None:
        """Midnight of year 1 at +01:00 is in year 0 in UTC: it matches the pattern, and the
        model rejects it with a message instead of an overflow."""
        assert verdicts(
            RestoreRun, "restore_run", valid_run(started_at="0001-01-01T00:00:00+01:00")
        ) == (True, False)

    def test_json_column_as_text_is_only_a_string_to_the_schema(self) -> None:
        """JSON text with a bad body passes the schema; the model decodes it and rejects it."""
        bad_text = '{"items": {"abc": {"status": "succeeded"}}}'
        assert verdicts(RestoreRun, "restore_run", valid_run(results=bad_text)) == (True, False)

    def test_json_column_as_good_text_is_accepted_by_both(self) -> None:
        """Valid JSON text of a valid value is accepted by both, as CSV exports need."""
        good_text = '{"foundations": [], "items": {"9": {"status": "skipped"}}}'
        assert verdicts(RestoreRun, "restore_run", valid_run(results=good_text)) == (True, True)
