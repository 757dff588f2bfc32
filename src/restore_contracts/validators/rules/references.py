"""RR7xx: a restore run's references resolve inside its own tenant.

Records are tenant-owned and every lookup is scoped by workspace and
environment (repo-verified); that an environment belongs to one workspace and
a backup set to one tenant are the toolkit's reading of that isolation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from restore_contracts.provenance import Provenance
from restore_contracts.validators.context import RuleContext
from restore_contracts.validators.findings import Hit
from restore_contracts.validators.rules._registry import NO_HITS, Row, rule
from restore_contracts.validators.tables import (
    BACKUP_ITEMS,
    BACKUP_SETS,
    ENVIRONMENTS,
    RESTORE_RUNS,
    WORKSPACES,
)

RUNS = RESTORE_RUNS
R = Provenance.REPO_VERIFIED


@rule(
    "RR701",
    "Workspace does not resolve",
    table=RUNS,
    needs=(WORKSPACES,),
    provenance=Provenance.ASSUMED,
    note="workspace_id is repo-verified; the workspaces table it is looked up in is not named",
    reads=("workspace_id",),
)
def workspace_resolves(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Every tenant-owned record belongs to a workspace; a run whose workspace is missing
    is outside every tenant's scope and unreachable."""
    if row["workspace_id"] in ctx.indexes.ids_of(WORKSPACES):
        return NO_HITS
    return (Hit("/workspace_id", f"workspace {row['workspace_id']} does not exist in workspaces"),)


@rule(
    "RR702",
    "Managed environment does not resolve",
    table=RUNS,
    needs=(ENVIRONMENTS,),
    provenance=R,
    note="the tenant() relation via managed_environment_id is repo-verified",
    reads=("managed_environment_id",),
)
def environment_resolves(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """$restoreRun->tenant() resolves the managed environment the run restores into; a
    missing one leaves the run without a target."""
    env_id = row["managed_environment_id"]
    if env_id in ctx.indexes.ids_of(ENVIRONMENTS):
        return NO_HITS
    return (
        Hit(
            "/managed_environment_id",
            f"managed environment {env_id} does not exist in managed_environments",
        ),
    )


@rule(
    "RR703",
    "Managed environment belongs to another workspace",
    table=RUNS,
    needs=(ENVIRONMENTS,),
    reads=("managed_environment_id", "workspace_id"),
)
def environment_in_workspace(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The run's environment belongs to the run's workspace (T1); otherwise a scoped lookup
    by workspace would not find the environment the run wrote into."""
    env_id = row["managed_environment_id"]
    owner = ctx.indexes.environments.get(env_id)
    if owner is None or owner == row["workspace_id"]:
        return NO_HITS
    return (
        Hit(
            "/managed_environment_id",
            f"managed environment {env_id} belongs to workspace {owner}; expected "
            f"{row['workspace_id']} (the run's)",
        ),
    )


@rule(
    "RR704",
    "Backup set does not resolve",
    table=RUNS,
    needs=(BACKUP_SETS,),
    provenance=R,
    note="backupSet() is repo-verified withTrashed: soft-deleted sets still resolve",
    reads=("backup_set_id",),
)
def backup_set_resolves(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """backupSet() resolves withTrashed (T2), so a soft-deleted set still counts; a set that
    is not there at all leaves the run without its source."""
    set_id = row["backup_set_id"]
    if set_id in ctx.indexes.ids_of(BACKUP_SETS):
        return NO_HITS
    return (Hit("/backup_set_id", f"backup set {set_id} does not exist in backup_sets"),)


@rule(
    "RR705",
    "Backup set belongs to another tenant",
    table=RUNS,
    needs=(BACKUP_SETS,),
    reads=("backup_set_id", "workspace_id", "managed_environment_id"),
)
def backup_set_tenant(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A run restores a backup of its own tenant (T2): the set's workspace_id and
    managed_environment_id are the run's."""
    set_id = row["backup_set_id"]
    found = ctx.indexes.backup_sets.get(set_id)
    if found is None:
        return NO_HITS
    hits = []
    for column, theirs in zip(("workspace_id", "managed_environment_id"), found, strict=True):
        ours = row[column]
        if theirs is not None and theirs != ours:
            hits.append(
                Hit(
                    "/backup_set_id",
                    f"backup set {set_id} has {column} {theirs}; expected {ours} (the run's)",
                )
            )
    return hits


def _foreign_items(
    keys: Iterable[tuple[str, int | str]], set_id: int, ctx: RuleContext
) -> list[Hit]:
    exists = ctx.indexes.ids_of(BACKUP_ITEMS)
    owners = ctx.indexes.backup_items
    hits = []
    for ptr, key in keys:
        item_id = int(key)
        if item_id not in exists:
            hits.append(Hit(ptr, f"backup item {item_id} does not exist in backup_items"))
            continue
        owner = owners.get(item_id)
        if owner is not None and owner != set_id:
            hits.append(
                Hit(
                    ptr,
                    f"backup item {item_id} belongs to backup set {owner}; expected "
                    f"{set_id} (the run's)",
                )
            )
    return hits


@rule(
    "RR706",
    "Requested item is not in the run's backup set",
    table=RUNS,
    needs=(BACKUP_ITEMS,),
    reads=("requested_items", "backup_set_id"),
)
def requested_items_in_set(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """requested_items holds backup item ids (repo-verified) of the set being restored (T3);
    an id from elsewhere cannot be restored from this set."""
    requested = row.get("requested_items")
    if not requested:
        return NO_HITS
    keys = ((f"/requested_items/{i}", item) for i, item in enumerate(requested))
    return _foreign_items(keys, row["backup_set_id"], ctx)


@rule(
    "RR707",
    "Result item is not in the run's backup set",
    table=RUNS,
    needs=(BACKUP_ITEMS,),
    reads=("results", "backup_set_id"),
)
def result_items_in_set(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """results.items is keyed by backup_item_id (repo-verified); every key is an item of the
    run's backup set (T3), or the item table shows outcomes for policies never backed up."""
    items = (row.get("results") or {}).get("items")
    if not items:
        return NO_HITS
    keys = ((f"/results/items/{key}", key) for key in items)
    return _foreign_items(keys, row["backup_set_id"], ctx)


@rule(
    "RR708",
    "Preview item is not in the run's backup set",
    table=RUNS,
    needs=(BACKUP_ITEMS,),
    reads=("preview", "backup_set_id"),
)
def preview_items_in_set(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """preview.items is keyed by backup item id like results.items (assumed); every key is
    an item of the run's backup set (T3)."""
    items = (row.get("preview") or {}).get("items")
    if not items:
        return NO_HITS
    keys = ((f"/preview/items/{key}", key) for key in items)
    return _foreign_items(keys, row["backup_set_id"], ctx)


__all__ = (
    "backup_set_resolves",
    "backup_set_tenant",
    "environment_in_workspace",
    "environment_resolves",
    "preview_items_in_set",
    "requested_items_in_set",
    "result_items_in_set",
    "workspace_resolves",
)
