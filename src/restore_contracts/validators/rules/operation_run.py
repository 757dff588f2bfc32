"""RR5xx: the operation run that proves a restore run's execution.

The link ``restore_runs.operation_run_id -> operation_runs.id`` is
repo-verified; tenancy agreement, the status/outcome vocabularies and their
agreement with the restore status are assumed (configurable).
"""

from __future__ import annotations

from collections.abc import Sequence

from restore_contracts.provenance import Provenance
from restore_contracts.validators.context import LEGACY, TERMINAL, RuleContext
from restore_contracts.validators.findings import Hit, one_of, show
from restore_contracts.validators.rules._registry import NO_HITS, Row, rule
from restore_contracts.validators.tables import OPERATION_RUNS, RESTORE_RUNS

RUNS = RESTORE_RUNS
OPS = OPERATION_RUNS


def dangling_operation_run(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The hit for a row whose operation_run_id names no operation run (none if it is null)."""
    op_id = row.get("operation_run_id")
    if op_id is None or op_id in ctx.indexes.ids_of(OPS):
        return NO_HITS
    return (Hit("/operation_run_id", f"operation run {op_id} does not exist in operation_runs"),)


@rule(
    "RR501",
    "operation_run_id does not resolve",
    table=RUNS,
    needs=(OPS,),
    provenance=Provenance.REPO_VERIFIED,
    note="the foreign key to operation_runs is repo-verified",
    reads=("operation_run_id",),
)
def operation_run_resolves(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """operation_run_id is a foreign key to operation_runs (O1); a dangling one means the
    detail page cannot show any execution proof."""
    return dangling_operation_run(row, ctx)


@rule(
    "RR502",
    "Operation run belongs to another tenant",
    table=RUNS,
    needs=(OPS,),
    reads=("operation_run_id", "workspace_id", "managed_environment_id"),
)
def operation_run_tenant(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Records are tenant-owned and every lookup is scoped (repo-verified isolation): the
    operation run of a restore run has its workspace_id and managed_environment_id (O2)."""
    op_id = row.get("operation_run_id")
    found = ctx.indexes.operation_runs.get(op_id) if op_id is not None else None
    if found is None:
        return NO_HITS
    hits = []
    for column, theirs in zip(("workspace_id", "managed_environment_id"), found[:2], strict=True):
        ours = row[column]
        if theirs != ours:
            hits.append(
                Hit(
                    "/operation_run_id",
                    f"operation run {op_id} has {column} {show(theirs)}; expected {ours} "
                    "(the restore run's)",
                )
            )
    return hits


@rule(
    "RR503",
    "Operation run status/outcome disagrees with the restore status",
    table=RUNS,
    needs=(OPS,),
    reads=("operation_run_id", "status"),
)
def operation_run_agreement(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The restore status and the operation run describe one execution (O3): a completed
    restore has a completed/succeeded operation run, and so on by operation_run_agreement
    (legacy statuses resolved first). Values outside the vocabularies are RR504/RR505."""
    op_id = row.get("operation_run_id")
    found = ctx.indexes.operation_runs.get(op_id) if op_id is not None else None
    if found is None:
        return NO_HITS
    _, _, status, outcome = found
    if status not in ctx.operation_run_statuses or outcome not in ctx.operation_run_outcomes:
        return NO_HITS
    effective = ctx.effective[row["status"]]
    allowed = ctx.agreement.get(effective)
    if allowed is None or f"{status}/{outcome}" in allowed:
        return NO_HITS
    return (
        Hit(
            "/operation_run_id",
            f"operation run {op_id} is {status}/{outcome}; a {row['status']} restore run "
            f"expects {' or '.join(sorted(allowed))}",
        ),
    )


@rule("RR504", "Operation run status outside the vocabulary", table=OPS, reads=("status",))
def operation_status_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The proof state switches on OperationRunStatus (class repo-verified, values assumed);
    a value outside operation_run_statuses cannot be read as any state."""
    if row["status"] in ctx.operation_run_statuses:
        return NO_HITS
    known = sorted(ctx.operation_run_statuses)
    return (Hit("/status", f"status is {show(row['status'])}; expected {one_of(known)}"),)


@rule("RR505", "Operation run outcome outside the vocabulary", table=OPS, reads=("outcome",))
def operation_outcome_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The proof state of a completed operation run is its OperationRunOutcome (class
    repo-verified, values assumed); an unknown outcome proves nothing."""
    if row["outcome"] in ctx.operation_run_outcomes:
        return NO_HITS
    known = sorted(ctx.operation_run_outcomes)
    return (Hit("/outcome", f"outcome is {show(row['outcome'])}; expected {one_of(known)}"),)


@rule(
    "RR506",
    "Executed run without an operation run",
    table=RUNS,
    severity="info",
    provenance=Provenance.FOUNDATION_REAL,
    note="operation_run_id came with migration 2026_02_10_115908 (repo-verified); "
    "that runs executed before it have none is assumed",
    when=lambda status, dry, ctx: not dry and ctx.ended(status),
    reads=("is_dry_run", "operation_run_id", "status"),
)
def executed_without_operation_run(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Runs executed before the operation_run_id column existed have no execution proof
    (O4); that is history, not an error, but the detail page can show no proof for them."""
    if row["is_dry_run"] or row.get("operation_run_id") is not None:
        return NO_HITS
    status = row["status"]
    group = ctx.group[status]
    if group is not TERMINAL and group is not LEGACY:
        return NO_HITS
    return (
        Hit("/operation_run_id", f"{status} run has no operation run; execution proof unavailable"),
    )


__all__ = (
    "dangling_operation_run",
    "executed_without_operation_run",
    "operation_outcome_vocabulary",
    "operation_run_agreement",
    "operation_run_resolves",
    "operation_run_tenant",
    "operation_status_vocabulary",
)
