"""Independent checks of the VALID-world invariants, written from the catalogue, not the builder.

``violations(world)`` returns one message per broken invariant (code first),
so a test can assert ``[] == violations(world)`` and see every problem at once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from restore_contracts.config import Assumptions
from restore_contracts.contracts import RestoreRunStatus
from restore_contracts.contracts._types import parse_timestamp
from restore_contracts.generators import World

PRE = {"draft", "scoped", "checked", "previewed", "pending"}
EXECUTION = {"queued", "running"}
TERMINAL = {"completed", "partial", "failed", "cancelled"}
LEGACY = {"aborted", "completed_with_errors"}
COUNT_KEYS = ("succeeded", "failed", "skipped", "partial", "non_applied")
OPERATION_RUN_COLUMN_SINCE = "2026-02-10 00:00:00"
EVIDENCE_TABLE_SINCE = "2026-03-19 00:00:00"


def _ts(value: Any) -> Any:
    return None if value is None else parse_timestamp(value)


def violations(world: World, assumptions: Assumptions | None = None) -> list[str]:
    """Every invariant the world breaks, as ``CODE: message`` lines (empty when valid)."""
    a = assumptions or Assumptions()
    out: list[str] = []
    by_id = {
        table: {row["id"]: row for row in rows if "id" in row}
        for table, rows in world.tables.items()
    }
    for table, rows in world.tables.items():
        ids = [row.get("id") for row in rows]
        if len(ids) != len(set(ids)):
            out.append(f"PK: duplicate id in {table}")
    for run in world.rows("restore_runs"):
        out += _run_violations(run, by_id, world, a)
    out += _evidence_violations(world, by_id, a)
    return out


def _run_violations(
    run: dict[str, Any], by_id: dict[str, dict[Any, Any]], world: World, a: Assumptions
) -> list[str]:
    out: list[str] = []
    rid = run["id"]
    status = run["status"]
    dry = run["is_dry_run"]
    results = run["results"]
    meta = run["metadata"]
    created, started, completed, updated = (
        _ts(run["created_at"]),
        _ts(run["started_at"]),
        _ts(run["completed_at"]),
        _ts(run["updated_at"]),
    )

    # T1-T4 tenancy and references
    env = by_id["managed_environments"].get(run["managed_environment_id"])
    if env is None or env["workspace_id"] != run["workspace_id"]:
        out.append(f"T1: run {rid} environment not in the run's workspace")
    bset = by_id["backup_sets"].get(run["backup_set_id"])
    if bset is None:
        out.append(f"T2: run {rid} backup set missing")
    elif (bset["workspace_id"], bset["managed_environment_id"]) != (
        run["workspace_id"],
        run["managed_environment_id"],
    ):
        out.append(f"T2: run {rid} backup set in another tenant")
    set_items = {
        str(i["id"])
        for i in world.rows("backup_items")
        if i["backup_set_id"] == run["backup_set_id"]
    }
    referenced = [str(i) for i in run["requested_items"] or []]
    referenced += list((results or {}).get("items", {}))
    referenced += list((run["preview"] or {}).get("items", {}))
    if any(key not in set_items for key in referenced):
        out.append(f"T3: run {rid} references items outside its backup set")
    if results is not None and run["requested_items"] is not None:
        requested = {str(i) for i in run["requested_items"]}
        if not set(results["items"]) <= requested:
            out.append(f"T4: run {rid} results items outside requested_items")

    # L1-L6 lifecycle
    if status in PRE and any(
        run[k] is not None
        for k in ("started_at", "completed_at", "results", "operation_run_id", "failure_reason")
    ):
        out.append(f"L1: {status} run {rid} has execution fields")
    if status in EXECUTION:
        if completed is not None or results is not None or run["failure_reason"] is not None:
            out.append(f"L2: {status} run {rid} has completion fields")
        if (status == "queued") != (started is None):
            out.append(f"L2: {status} run {rid} started_at wrong")
    if status in TERMINAL | LEGACY:
        if completed is None:
            out.append(f"L3: {status} run {rid} without completed_at")
        if started is None:
            if status not in ("cancelled", "aborted"):
                out.append(f"L3: {status} run {rid} without started_at")
            elif results is not None and results["items"]:
                out.append(f"L3: never-started run {rid} has item results")
    chain = [t for t in (created, started, completed) if t is not None]
    if chain != sorted(chain):
        out.append(f"L4: run {rid} timestamps out of order")
    if updated < created or (completed is not None and updated < completed):
        out.append(f"L4: run {rid} updated_at too early")
    if status == "failed" and not run["failure_reason"]:
        out.append(f"L5: failed run {rid} without failure_reason")
    if status == "completed" and run["failure_reason"] is not None:
        out.append(f"L5: completed run {rid} with failure_reason")
    if dry:
        outcomes = [i["status"] for i in (results or {}).get("items", {}).values()]
        if (
            status not in ("previewed", "completed")
            or "succeeded" in outcomes
            or "partial" in outcomes
            or (meta or {}).get("succeeded", 0) != 0
            or (meta or {}).get("partial", 0) != 0
            or run["operation_run_id"] is not None
        ):
            out.append(f"L6: dry run {rid} applies or executes")

    # M1-M6 results and metadata
    if results is not None:
        items = results["items"]
        tally = Counter(i["status"] for i in items.values())
        meta = meta or {}
        if meta.get("total") != len(items) or any(
            meta.get(k) != tally.get(k, 0) for k in COUNT_KEYS
        ):
            out.append(f"M1: run {rid} counts differ from item outcomes")
        if sum(meta.get(k) or 0 for k in COUNT_KEYS) != meta.get("total"):
            out.append(f"M2: run {rid} counts do not add up")
        skipped = sum(1 for f in results["foundations"] if f["decision"] == "skipped")
        if meta.get("foundations_skipped") != skipped:
            out.append(f"M3: run {rid} foundations_skipped wrong")
        if any(i["status"] not in a.item_outcome_statuses for i in items.values()) or any(
            f["decision"] not in a.foundation_decisions for f in results["foundations"]
        ):
            out.append(f"M4: run {rid} outcome vocabulary")
    if run["preview"] is not None and any(
        p["action"] not in a.preview_actions for p in run["preview"]["items"].values()
    ):
        out.append(f"M4: run {rid} preview action vocabulary")
    required = {"draft": 0, "scoped": 1, "checked": 2}.get(status, 3)
    if dry and status == "completed":
        required = 0
    keys = ("scope_basis", "check_basis", "preview_basis")
    meta = run["metadata"] or {}
    for key in keys[:required]:
        if not meta.get(key) or meta[key].get("recorded_at") is None:
            out.append(f"M5: {status} run {rid} lacks {key}")
    if any(meta.get(k) is not None and meta[k].get("recorded_at") is None for k in keys):
        out.append(f"M5: run {rid} basis without recorded_at")
    basis_times = [_ts(meta[k]["recorded_at"]) for k in keys if meta.get(k)]
    if started is not None:
        basis_times.append(started)
    if basis_times != sorted(basis_times):
        out.append(f"M5: run {rid} basis chain out of order")
    if not dry and status in EXECUTION | TERMINAL | LEGACY:
        snap = meta.get("execution_safety_snapshot")
        if not snap:
            out.append(f"M6: run {rid} without execution_safety_snapshot")
        elif started is not None and _ts(snap["captured_at"]) > started:
            out.append(f"M6: run {rid} safety snapshot after start")

    # O1-O4 operation runs
    op_id = run["operation_run_id"]
    if op_id is not None:
        op = by_id["operation_runs"].get(op_id)
        if op is None:
            out.append(f"O1: run {rid} operation run missing")
        else:
            if (op["workspace_id"], op["managed_environment_id"]) != (
                run["workspace_id"],
                run["managed_environment_id"],
            ):
                out.append(f"O2: run {rid} operation run in another tenant")
            effective = a.effective_status(RestoreRunStatus(status))
            pair = f"{op['status']}/{op['outcome']}"
            if (
                pair not in a.operation_run_agreement.get(effective, ())
                or op["status"] not in a.operation_run_statuses
                or op["outcome"] not in a.operation_run_outcomes
            ):
                out.append(f"O3: run {rid} operation run {pair} disagrees with {status}")
        if run["created_at"] < OPERATION_RUN_COLUMN_SINCE:
            out.append(f"O4: run {rid} created before the column has an operation run")
    return out


def _evidence_violations(
    world: World, by_id: dict[str, dict[Any, Any]], a: Assumptions
) -> list[str]:
    out: list[str] = []
    active: Counter[Any] = Counter()
    runs_by_op = {r["operation_run_id"]: r for r in world.rows("restore_runs")}
    for snap in world.rows("evidence_snapshots"):
        sid = snap["id"]
        op_id = snap["operation_run_id"]
        if op_id is not None:
            op = by_id["operation_runs"].get(op_id)
            if op is None or (op["workspace_id"], op["managed_environment_id"]) != (
                snap["workspace_id"],
                snap["managed_environment_id"],
            ):
                out.append(f"V1: snapshot {sid} operation run missing or in another tenant")
            run = runs_by_op.get(op_id)
            if run is not None and run["created_at"] < EVIDENCE_TABLE_SINCE:
                out.append(f"V1: snapshot {sid} for a run created before the table existed")
            if snap["status"] in a.active_evidence_statuses:
                active[op_id] += 1
        if snap["status"] not in a.evidence_statuses:
            out.append(f"V2: snapshot {sid} status {snap['status']!r}")
        if snap["completeness_state"] not in a.completeness_states:
            out.append(f"V2: snapshot {sid} completeness {snap['completeness_state']!r}")
    for op_id, count in active.items():
        if count > 1:
            out.append(f"V3: operation run {op_id} has {count} active snapshots")
    return out


__all__ = ("violations",)
