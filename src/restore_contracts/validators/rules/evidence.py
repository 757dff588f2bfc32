"""RR6xx: evidence snapshots belong to their operation run's tenant and use known values.

Snapshots are foundation-real (the model exists; whether restores produce them
is open). Tenancy and the columns are repo-verified; vocabularies and the
one-active-snapshot expectation are assumed.
"""

from __future__ import annotations

from collections.abc import Sequence

from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.findings import Hit, one_of, show
from restore_contracts.validators.rules._registry import NO_HITS, Row, rule
from restore_contracts.validators.rules.operation_run import dangling_operation_run
from restore_contracts.validators.tables import EVIDENCE, OPERATION_RUNS

OPS = OPERATION_RUNS


@rule(
    "RR601",
    "Snapshot's operation run does not resolve",
    table=EVIDENCE,
    needs=(OPS,),
    reads=("operation_run_id",),
)
def snapshot_operation_run_resolves(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A snapshot linked to an operation run documents that run (V1); a dangling link is
    evidence nobody can reach from the run."""
    return dangling_operation_run(row, ctx)


@rule(
    "RR602",
    "Snapshot in another tenant than its operation run",
    table=EVIDENCE,
    needs=(OPS,),
    reads=("operation_run_id", "workspace_id", "managed_environment_id"),
)
def snapshot_tenant(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Snapshots are tenant-scoped (repo-verified): one that documents an operation run has
    that run's workspace_id and managed_environment_id (V1), or it would leak across
    tenants."""
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
                    f"/{column}",
                    f"{column} is {ours}; expected {show(theirs)} (operation run {op_id}'s)",
                )
            )
    return hits


@rule("RR603", "Snapshot status outside the vocabulary", table=EVIDENCE, reads=("status",))
def snapshot_status_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The evidence state switches on the snapshot status (V2); an unknown one is shown as
    unrecognised."""
    if row["status"] in ctx.evidence_statuses:
        return NO_HITS
    known = sorted(ctx.evidence_statuses)
    return (Hit("/status", f"status is {show(row['status'])}; expected {one_of(known)}"),)


@rule(
    "RR604",
    "Snapshot completeness_state outside the vocabulary",
    table=EVIDENCE,
    reads=("completeness_state",),
)
def snapshot_completeness_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The evidence state of an active snapshot is its completeness (V2); an unknown value
    is shown as unrecognised."""
    if row["completeness_state"] in ctx.completeness_states:
        return NO_HITS
    known = sorted(ctx.completeness_states)
    value = row["completeness_state"]
    return (
        Hit(
            "/completeness_state", f"completeness_state is {show(value)}; expected {one_of(known)}"
        ),
    )


@rule(
    "RR605",
    "Several active snapshots for one operation run",
    table=EVIDENCE,
    severity="warning",
    reads=("operation_run_id", "status"),
)
def several_active_snapshots(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """With several active snapshots the latest-active and latest-any policies can disagree
    about which evidence the run shows (V3, an open question of the truth map)."""
    op_id = row.get("operation_run_id")
    if op_id is None or row["status"] not in ctx.active_evidence_statuses:
        return NO_HITS
    first = ctx.indexes.active_snapshot.get(op_id)
    if first is None:
        return NO_HITS
    return (
        Hit(
            "/status",
            f"status is {show(row['status'])} but operation run {op_id} already has active "
            f"snapshot {first}",
        ),
    )


__all__ = (
    "several_active_snapshots",
    "snapshot_completeness_vocabulary",
    "snapshot_operation_run_resolves",
    "snapshot_status_vocabulary",
    "snapshot_tenant",
)
