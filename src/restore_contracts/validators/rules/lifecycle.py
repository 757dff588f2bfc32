"""RR2xx: which timestamps, results and failure reason each status may carry, and in what order.

Timestamps of valid rows are canonical UTC text (``'Y-m-d H:i:s'`` with an
optional six-digit fraction), so comparing the text compares the instants; a
pair is out of order only when it is under every reading of a wall-clock time
the application's timezone repeats (see ``_instants``).
"""

from __future__ import annotations

from collections.abc import Sequence

from restore_contracts.validators.context import EXECUTION, PRE, RuleContext
from restore_contracts.validators.findings import Hit, show
from restore_contracts.validators.rules._instants import shown, surely_before
from restore_contracts.validators.rules._registry import NO_HITS, Row, rule
from restore_contracts.validators.tables import RESTORE_RUNS

RUNS = RESTORE_RUNS
_PRE_EXECUTION_NULLS = (
    "started_at",
    "completed_at",
    "results",
    "operation_run_id",
    "failure_reason",
)
_APPLIED = ("succeeded", "partial")
_DRY_RUN_STATUSES = ("previewed", "completed")


def _must_be_null(row: Row, columns: Sequence[str], why: str) -> list[Hit]:
    return [
        Hit(f"/{column}", f"{column} is {show(row[column])}; expected null {why}")
        for column in columns
        if row.get(column) is not None
    ]


@rule(
    "RR201",
    "Pre-execution run carries execution fields",
    table=RUNS,
    when=lambda status, dry, ctx: ctx.group[status] is PRE,
    reads=("status", *_PRE_EXECUTION_NULLS),
)
def pre_execution_fields(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A run that has not been queued (draft, scoped, checked, previewed, pending) has not
    started, finished, produced results, been linked to an operation run or failed (L1)."""
    status = row["status"]
    if ctx.group[status] is not PRE:
        return NO_HITS
    return _must_be_null(row, _PRE_EXECUTION_NULLS, f"while the run is {status}")


@rule(
    "RR202",
    "Queued or running run has the wrong timestamps or results",
    table=RUNS,
    when=lambda status, dry, ctx: ctx.group[status] is EXECUTION,
    reads=("status", "started_at", "completed_at", "results", "failure_reason"),
)
def execution_fields(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A queued run has neither started nor finished; a running one has started but not
    finished; neither has results or a failure reason yet (L2)."""
    status = row["status"]
    if ctx.group[status] is not EXECUTION:
        return NO_HITS
    hits = []
    if status == "running" and row.get("started_at") is None:
        hits.append(Hit("/started_at", "started_at is null; expected a time once running"))
    nulls: tuple[str, ...] = ("completed_at", "results", "failure_reason")
    if status == "queued":
        nulls = ("started_at", *nulls)
    hits.extend(_must_be_null(row, nulls, f"while the run is {status}"))
    return hits


def _ended(ctx: RuleContext, status: str) -> bool:
    group = ctx.group[status]
    return group is not PRE and group is not EXECUTION


@rule(
    "RR203",
    "Finished run without completed_at",
    table=RUNS,
    when=lambda status, dry, ctx: ctx.ended(status),
    reads=("status", "completed_at"),
)
def finished_without_completed_at(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Terminal and legacy statuses are set when execution ends, together with completed_at
    (L3); without it the run's duration and its place in time are unknown."""
    status = row["status"]
    if not _ended(ctx, status) or row.get("completed_at") is not None:
        return NO_HITS
    return (Hit("/completed_at", f"completed_at is null; expected a time for a {status} run"),)


@rule(
    "RR204",
    "Executed run without started_at",
    table=RUNS,
    when=lambda status, dry, ctx: ctx.ended(status) and ctx.effective[status] != "cancelled",
    reads=("status", "started_at"),
)
def executed_without_started_at(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A run that reached a terminal or legacy status other than cancelled/aborted went
    through execution, so it has a start time (L3); only a run cancelled while queued may
    have none."""
    status = row["status"]
    if not _ended(ctx, status) or row.get("started_at") is not None:
        return NO_HITS
    if ctx.effective[status] == "cancelled":
        return NO_HITS
    return (Hit("/started_at", f"started_at is null; expected a time for a {status} run"),)


@rule(
    "RR205",
    "Run cancelled before it started has item results",
    table=RUNS,
    when=lambda status, dry, ctx: ctx.ended(status) and ctx.effective[status] == "cancelled",
    reads=("status", "started_at", "results"),
)
def cancelled_before_start_with_items(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A cancelled or aborted run without started_at was cancelled while queued, so no item
    was processed: its results are null or have no items (L3)."""
    status = row["status"]
    if not _ended(ctx, status) or ctx.effective[status] != "cancelled":
        return NO_HITS
    if row.get("started_at") is not None:
        return NO_HITS
    items = (row.get("results") or {}).get("items") or {}
    if not items:
        return NO_HITS
    return (
        Hit(
            "/results/items",
            f"{len(items)} item results; expected none for a {status} run that never started",
        ),
    )


@rule(
    "RR206",
    "Timestamps out of order",
    table=RUNS,
    reads=("created_at", "started_at", "completed_at"),
)
def timestamps_in_order(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A run is created before it starts and starts before it completes (L4); the reverse
    means clock or import errors that would make durations negative."""
    created = row.get("created_at")
    started = row.get("started_at")
    completed = row.get("completed_at")
    zone = ctx.zone
    hits: list[Hit] = []
    if started is not None:
        if created is not None and surely_before(started, created, zone):
            hits.append(_before("started_at", started, "created_at", created, ctx))
        if completed is not None and surely_before(completed, started, zone):
            hits.append(_before("completed_at", completed, "started_at", started, ctx))
    elif created is not None and completed is not None and surely_before(completed, created, zone):
        hits.append(_before("completed_at", completed, "created_at", created, ctx))
    return hits


def _before(after: str, later: str, before: str, earlier: str, ctx: RuleContext) -> Hit:
    zone = ctx.zone
    return Hit(
        f"/{after}", f"{after} {shown(later, zone)} is before {before} {shown(earlier, zone)}"
    )


@rule(
    "RR207",
    "updated_at before created_at or completed_at",
    table=RUNS,
    reads=("updated_at", "created_at", "completed_at"),
)
def updated_at_last(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Laravel touches updated_at on every save, including the one that sets completed_at, so
    it is never earlier than created_at or completed_at (L4)."""
    updated = row.get("updated_at")
    if updated is None:
        return NO_HITS
    created = row.get("created_at")
    completed = row.get("completed_at")
    zone = ctx.zone
    hits: list[Hit] = []
    if created is not None and surely_before(updated, created, zone):
        hits.append(_before("updated_at", updated, "created_at", created, ctx))
    if completed is not None and surely_before(updated, completed, zone):
        hits.append(_before("updated_at", updated, "completed_at", completed, ctx))
    return hits


@rule(
    "RR208",
    "Failed run without failure_reason",
    table=RUNS,
    when=lambda status, dry, ctx: status == "failed",
    reads=("status", "failure_reason"),
)
def failed_without_reason(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The results surface explains a failed run by its failure_reason (L5); a failed run
    without one leaves the operator with nothing to act on."""
    if row["status"] != "failed":
        return NO_HITS
    reason = row.get("failure_reason")
    if reason is not None and reason.strip():
        return NO_HITS
    return (Hit("/failure_reason", f"failure_reason is {show(reason)}; expected a reason"),)


@rule(
    "RR209",
    "Completed run with a failure_reason",
    table=RUNS,
    when=lambda status, dry, ctx: status == "completed",
    reads=("status", "failure_reason"),
)
def completed_with_reason(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A completed run did not fail (L5); a failure reason on it contradicts its status."""
    if row["status"] != "completed" or row.get("failure_reason") is None:
        return NO_HITS
    return (
        Hit(
            "/failure_reason",
            f"failure_reason is {show(row['failure_reason'])}; expected null for a completed run",
        ),
    )


@rule(
    "RR210",
    "Dry run in a status it cannot reach",
    table=RUNS,
    when=lambda status, dry, ctx: dry,
    reads=("is_dry_run", "status"),
)
def dry_run_status(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A dry run is preview-only (repo-verified): it ends as previewed or completed and never
    goes through queueing or execution (L6)."""
    status = row["status"]
    if not row["is_dry_run"] or status in _DRY_RUN_STATUSES:
        return NO_HITS
    return (Hit("/status", f"dry run has status {show(status)}; expected previewed or completed"),)


@rule(
    "RR211",
    "Dry run applied items",
    table=RUNS,
    when=lambda status, dry, ctx: dry,
    reads=("is_dry_run", "results", "metadata"),
)
def dry_run_applied(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A dry run changes nothing (L6): no item outcome is succeeded or partial and the
    metadata counts of succeeded and partial items are 0."""
    if not row["is_dry_run"]:
        return NO_HITS
    hits = []
    items = (row.get("results") or {}).get("items") or {}
    for key, outcome in items.items():
        if outcome.get("status") in _APPLIED:
            hits.append(
                Hit(
                    f"/results/items/{key}/status",
                    f"dry run item outcome is {show(outcome['status'])}; expected nothing applied",
                )
            )
    meta = row.get("metadata") or {}
    for name in _APPLIED:
        count = meta.get(name)
        if count:
            hits.append(Hit(f"/metadata/{name}", f"{name} is {count}; expected 0 for a dry run"))
    return hits


@rule(
    "RR212",
    "Dry run linked to an operation run",
    table=RUNS,
    when=lambda status, dry, ctx: dry,
    reads=("is_dry_run", "operation_run_id"),
)
def dry_run_operation_run(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A dry run is never executed, so no OperationRun executes it (L6)."""
    if not row["is_dry_run"] or row.get("operation_run_id") is None:
        return NO_HITS
    return (
        Hit(
            "/operation_run_id",
            f"operation_run_id is {row['operation_run_id']}; expected null for a dry run",
        ),
    )


__all__ = (
    "cancelled_before_start_with_items",
    "completed_with_reason",
    "dry_run_applied",
    "dry_run_operation_run",
    "dry_run_status",
    "executed_without_started_at",
    "execution_fields",
    "failed_without_reason",
    "finished_without_completed_at",
    "pre_execution_fields",
    "timestamps_in_order",
    "updated_at_last",
)
