"""Explain one restore run: the row as read, its derived view and which table rows decided it.

This is what a developer reads when the detail page shows something
surprising: the persisted row exactly as the source gave it, every derived
field with the id, condition and provenance of the derivation row that
decided it, the linked operation run and evidence snapshots, and every
finding the validators report on the run and on those neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from restore_contracts.config import Assumptions
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun
from restore_contracts.derivations import (
    FIELD_TABLES,
    Decided,
    TableRow,
    decide_view,
    derivation_tables,
)
from restore_contracts.errors import InputError
from restore_contracts.validators.engine import validate
from restore_contracts.validators.index import as_id
from restore_contracts.validators.source import Record, Source
from restore_contracts.validators.tables import EVIDENCE, OPERATION_RUNS, PROOFS, RESTORE_RUNS


def plain(value: Any) -> Any:
    """A value as read, made JSON-safe without changing what it says (bytes as text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass(slots=True)
class _Found:
    """The rows of one explanation, gathered in one pass per table."""

    run: Record | None = None
    runs_read: int = 0
    operation_run: Record | None = None
    snapshots: list[Record] = field(default_factory=list)


def _key(record: Record) -> int | None:
    if record.problem is not None or not isinstance(record.data, dict):
        return None
    return as_id(record.data.get("id"))


def _gather(source: Source, run_id: int) -> _Found:
    tables = set(source.tables())
    if RESTORE_RUNS not in tables:
        raise InputError(f"{source.name}: no restore_runs table to explain a run from")
    found = _Found()
    for record in source.records(RESTORE_RUNS):
        found.runs_read += 1
        if found.run is None and _key(record) == run_id:
            found.run = record
    if found.run is None:
        raise InputError(
            f"restore run {run_id} is not in {source.name} "
            f"({found.runs_read} restore_runs rows read)"
        )
    assert found.run.data is not None
    op_id = as_id(found.run.data.get("operation_run_id"))
    if op_id is not None and OPERATION_RUNS in tables:
        for record in source.records(OPERATION_RUNS):
            if _key(record) == op_id:
                found.operation_run = record
                break
    if op_id is not None and EVIDENCE in tables:
        for record in source.records(EVIDENCE):
            data = record.data
            if isinstance(data, dict) and as_id(data.get("operation_run_id")) == op_id:
                found.snapshots.append(record)
    return found


def _model(model: type[BaseModel], record: Record | None) -> Any:
    if record is None or not isinstance(record.data, dict):
        return None
    try:
        return model.model_validate(record.data)
    except ValidationError:
        return None


def _where(record: Record) -> str:
    return f"{record.location}:{record.line}" if record.line is not None else record.location


def _row(rows: dict[str, TableRow], rule: str) -> dict[str, Any]:
    entry = rows.get(rule)
    if entry is None:
        return {"rule": rule}
    return {
        "rule": entry.rule,
        "when": entry.when,
        "then": entry.then,
        "provenance": entry.provenance.value,
        "note": entry.note,
    }


def _decided(
    table: str, decided: Decided[Any], tables: dict[str, dict[str, TableRow]]
) -> dict[str, Any]:
    rows = tables[table]
    value = decided.value
    return {
        "value": getattr(value, "value", value),
        "table": table,
        "decided_by": _row(rows, decided.rule),
        "via": [_row(rows, rule) for rule in decided.via if rule != decided.rule],
    }


def _derived(
    run: RestoreRun,
    operation_run: OperationRun | None,
    snapshots: list[EvidenceSnapshot] | None,
    assumptions: Assumptions,
    *,
    looked_up: bool,
) -> dict[str, Any]:
    view = decide_view(run, operation_run, snapshots, assumptions, looked_up=looked_up)
    tables = {
        name: {r.rule: r for r in rows} for name, rows in derivation_tables(assumptions).items()
    }
    counts = view.counts.value
    evidence: dict[str, Any] | None = None
    if snapshots is not None:
        evidence = {
            policy.value: {
                **_decided("evidence", choice.state, tables),
                "snapshot_id": choice.snapshot.id if choice.snapshot else None,
                "configured": policy is assumptions.evidence_policy,
            }
            for policy, choice in view.evidence.items()
        }
    return {
        "decision_state": _decided("decision_state", view.decision_state, tables),
        "counts": {
            "value": {
                "total": counts.total,
                "succeeded": counts.succeeded,
                "failed": counts.failed,
                "skipped": counts.skipped,
                "partial": counts.partial,
                "non_applied": counts.non_applied,
                "foundations_skipped": counts.foundations_skipped,
            },
            "table": "counts",
            "decided_by": _row(tables["counts"], view.counts.rule),
            "via": [],
        },
        "attention": {
            name: _decided(FIELD_TABLES[name], decided, tables)
            for name, decided in view.attention.items()
        },
        "operation_run_proof_state": _decided(
            "operation_run_proof", view.operation_run_proof, tables
        ),
        "evidence": evidence,
    }


def explain_run(source: Source, run_id: int, assumptions: Assumptions) -> dict[str, Any]:
    """Everything about one restore run of ``source``, as plain data (see the module doc)."""
    found = _gather(source, run_id)
    assert found.run is not None
    tables = set(source.tables())
    run = _model(RestoreRun, found.run)
    operation_run = _model(OperationRun, found.operation_run)
    snapshot_models = [_model(EvidenceSnapshot, r) for r in found.snapshots]
    valid_snapshots = [s for s in snapshot_models if s is not None]
    result = validate(source, assumptions)
    op_id = as_id((found.run.data or {}).get("operation_run_id"))
    snapshot_ids = {_key(r) for r in found.snapshots} - {None}
    on_run = [
        f.as_dict() for f in result.findings if f.id == run_id and f.table in (RESTORE_RUNS, PROOFS)
    ]
    on_neighbours = [
        f.as_dict()
        for f in result.findings
        if (f.table == OPERATION_RUNS and op_id is not None and f.id == op_id)
        or (f.table == EVIDENCE and f.id in snapshot_ids)
    ]
    derived = None
    if run is not None:
        derived = _derived(
            run,
            operation_run,
            valid_snapshots if EVIDENCE in tables else None,
            assumptions,
            looked_up=OPERATION_RUNS in tables,
        )
    return {
        "source": source.name,
        "restore_run": {
            "id": run_id,
            "location": _where(found.run),
            "row": plain(found.run.data),
            "matches_contract": run is not None,
        },
        "derived": derived,
        "evidence_policy": assumptions.evidence_policy.value,
        "operation_run": None
        if op_id is None
        else {
            "id": op_id,
            "looked_up": OPERATION_RUNS in tables,
            "found": found.operation_run is not None,
            "location": _where(found.operation_run) if found.operation_run else None,
            "row": plain(found.operation_run.data) if found.operation_run else None,
            "matches_contract": operation_run is not None,
        },
        "evidence_snapshots": None
        if op_id is None or EVIDENCE not in tables
        else [
            {
                "location": _where(record),
                "row": plain(record.data),
                "matches_contract": model is not None,
            }
            for record, model in zip(found.snapshots, snapshot_models, strict=True)
        ],
        "findings": on_run,
        "neighbour_findings": on_neighbours,
    }


__all__ = ("explain_run", "plain")
