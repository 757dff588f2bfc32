"""Mutations: each turns a valid world into one that breaks exactly one validator rule.

Every rule of the catalogue whose problem a world's rows can carry has its
mutation here, registered under the rule's code, next to the others, so that
a negative test for any rule is ``mutate(build_scenario(m.base_scenario, seed), code)``.
(Parse problems other than a duplicate key, and an unknown table, live in the
bytes of a file, not in rows: the reader tests cover those.) A mutation
changes as little as it can, and where one change would break a second rule
too it repairs that rule's input (e.g. moving a count with the item whose
status it changes), so that the validator reports exactly the mutated rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson

from restore_contracts.config import Assumptions
from restore_contracts.generators.covers import proof_rows
from restore_contracts.generators.world import Row, World


@dataclass(frozen=True, slots=True)
class Mutation:
    """How to break one rule: which scenario to start from and what to change."""

    code: str
    base_scenario: str
    description: str
    apply: Callable[[World], None]
    """Changes a clone of the base world in place."""


MUTATIONS: dict[str, Mutation] = {}
"""Rule code -> its mutation."""

PROOFS = "restore_run_proofs"
"""The derived view's table; mutations of RR4xx rules put it into the world."""

UNKNOWN_ID = 9_000_000_001
"""An id no generated row uses: it is the first id of block 9000 of the default seed's range,
between the catalogue's blocks (below 10,000, far fewer than 9000) and the random worlds'
(10,000 on); other seeds' ids lie in ranges of their own, from 10^13 on."""


def mutation(
    code: str, base_scenario: str, description: str
) -> Callable[[Callable[[World], None]], Callable[[World], None]]:
    """Register the decorated function as the mutation for ``code``."""

    def register(apply: Callable[[World], None]) -> Callable[[World], None]:
        if code in MUTATIONS:
            raise ValueError(f"mutation for {code} registered twice")
        MUTATIONS[code] = Mutation(code, base_scenario, description, apply)
        return apply

    return register


def mutate(world: World, code: str) -> World:
    """A clone of ``world`` with the mutation for ``code`` applied."""
    found = MUTATIONS[code]
    mutated = world.clone(f"{world.name}+{code}")
    found.apply(mutated)
    return mutated


def shift(timestamp: str, seconds: int) -> str:
    """A 'Y-m-d H:i:s' timestamp moved by ``seconds``."""
    moved = datetime.strptime(timestamp[:19], "%Y-%m-%d %H:%M:%S") + timedelta(seconds=seconds)
    return moved.strftime("%Y-%m-%d %H:%M:%S")


def with_proofs(world: World, assumptions: Assumptions | None = None) -> list[Row]:
    """Add the derived ``restore_run_proofs`` rows of a world to it (JSON-native); return them."""
    rows = proof_rows(world, assumptions)
    world.tables[PROOFS] = rows
    return rows


def _run(world: World) -> Row:
    return world.restore_run()


def _one(world: World, table: str) -> Row:
    rows = world.rows(table)
    if not rows:
        raise LookupError(f"world {world.name!r} has no {table} row to mutate")
    return rows[0]


def _renumber(world: World, table: str) -> None:
    """Give a table's (only) row an id nothing points at: its references dangle."""
    _one(world, table)["id"] = UNKNOWN_ID


def _item(world: World, status: str | None = None) -> tuple[str, dict[str, Any]]:
    """The first result item (with ``status`` when given)."""
    for key, outcome in _run(world)["results"]["items"].items():
        if status is None or outcome["status"] == status:
            return key, outcome
    raise LookupError(f"world {world.name!r} has no result item with status {status!r}")


def _rekey(items: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {new if key == old else key: value for key, value in items.items()}


# RR0xx: parse problems a world's rows can carry.


@mutation("RR006", "completed", "A backup item row appears twice (same primary key).")
def _duplicate_key(world: World) -> None:
    items = world.rows("backup_items")
    items.append(dict(items[0]))


# RR1xx: row shape.


@mutation("RR101", "completed", "The restore run's status is not one of the 13 statuses.")
def _unknown_status(world: World) -> None:
    _run(world)["status"] = "exploded"


@mutation("RR102", "completed", "The results column holds text that is not JSON.")
def _results_not_json(world: World) -> None:
    _run(world)["results"] = '{"items": {"1": '


@mutation("RR103", "completed", "The restore run carries a column no contract names.")
def _unknown_column(world: World) -> None:
    _run(world)["retried_by"] = 7


@mutation("RR106", "completed", "metadata.total is stored as numeric text, as a PHP string.")
def _count_as_text(world: World) -> None:
    meta = _run(world)["metadata"]
    meta["total"] = str(meta["total"])


@mutation("RR107", "completed", "An item's duration_ms has a fraction (PHP float arithmetic).")
def _fractional_duration(world: World) -> None:
    _item(world)[1]["duration_ms"] = 1200.5


@mutation("RR108", "completed", "requested_items is an object keyed 0, 2, 4 (after array_filter).")
def _requested_items_as_object(world: World) -> None:
    run = _run(world)
    run["requested_items"] = {str(2 * i): item for i, item in enumerate(run["requested_items"])}


@mutation("RR109", "completed", "The metadata column holds JSON text of JSON text.")
def _metadata_double_encoded(world: World) -> None:
    run = _run(world)
    run["metadata"] = orjson.dumps(orjson.dumps(run["metadata"]).decode()).decode()


@mutation("RR104", "cancelled", "A cancelled run persisted under the legacy status aborted.")
def _legacy_status(world: World) -> None:
    _run(world)["status"] = "aborted"


# RR2xx: lifecycle.


@mutation("RR201", "previewed", "A previewed (never queued) run has started_at set.")
def _pre_execution_started(world: World) -> None:
    run = _run(world)
    run["started_at"] = run["updated_at"]


@mutation("RR202", "queued", "A queued run has started_at set.")
def _queued_started(world: World) -> None:
    run = _run(world)
    run["started_at"] = run["updated_at"]


@mutation("RR203", "completed", "A completed run has no completed_at.")
def _finished_without_completed_at(world: World) -> None:
    _run(world)["completed_at"] = None


@mutation("RR204", "completed", "A completed run has no started_at.")
def _executed_without_started_at(world: World) -> None:
    _run(world)["started_at"] = None


@mutation("RR205", "cancelled", "A cancelled run with item results has no started_at.")
def _cancelled_before_start_with_items(world: World) -> None:
    _run(world)["started_at"] = None


@mutation("RR206", "completed", "completed_at is a second before started_at.")
def _completed_before_started(world: World) -> None:
    run = _run(world)
    run["completed_at"] = shift(run["started_at"], -1)


@mutation("RR207", "completed", "updated_at is an hour before created_at (and completed_at).")
def _updated_too_early(world: World) -> None:
    run = _run(world)
    run["updated_at"] = shift(run["created_at"], -3600)


@mutation("RR208", "failed", "A failed run has no failure_reason.")
def _failed_without_reason(world: World) -> None:
    _run(world)["failure_reason"] = None


@mutation("RR209", "completed", "A completed run carries a failure_reason.")
def _completed_with_reason(world: World) -> None:
    _run(world)["failure_reason"] = "Graph API returned 500 Internal Server Error"


@mutation("RR210", "dry_run_previewed", "A dry run is pending, a status only real runs reach.")
def _dry_run_pending(world: World) -> None:
    _run(world)["status"] = "pending"


@mutation("RR211", "dry_run_completed", "A dry run's item succeeded (counts moved with it).")
def _dry_run_applied(world: World) -> None:
    run = _run(world)
    _, outcome = _item(world)
    meta = run["metadata"]
    meta[outcome["status"]] -= 1
    meta["succeeded"] += 1
    outcome["status"] = "succeeded"
    outcome["reason"] = None


@mutation("RR212", "dry_run_completed", "A dry run is linked to a (consistent) operation run.")
def _dry_run_operation_run(world: World) -> None:
    run = _run(world)
    world.rows("operation_runs").append(
        {
            "id": UNKNOWN_ID,
            "workspace_id": run["workspace_id"],
            "managed_environment_id": run["managed_environment_id"],
            "user_id": None,
            "type": "restore.execute",
            "status": "completed",
            "outcome": "succeeded",
            "started_at": run["started_at"],
            "completed_at": run["completed_at"],
            "created_at": run["created_at"],
            "updated_at": run["updated_at"],
        }
    )
    run["operation_run_id"] = UNKNOWN_ID


# RR3xx: results and metadata.


@mutation("RR301", "completed", "metadata lacks total although results are recorded.")
def _count_missing(world: World) -> None:
    del _run(world)["metadata"]["total"]


@mutation("RR302", "completed", "An item turned failed without the counts following.")
def _counts_differ(world: World) -> None:
    _, outcome = _item(world, "succeeded")
    outcome["status"] = "failed"


@mutation("RR303", "completed", "Results are null and total exceeds the sum of the counts.")
def _counts_do_not_add_up(world: World) -> None:
    run = _run(world)
    run["results"] = None
    run["metadata"]["total"] += 1


@mutation("RR304", "completed", "foundations_skipped is one more than the skipped foundations.")
def _foundations_skipped(world: World) -> None:
    meta = _run(world)["metadata"]
    meta["foundations_skipped"] = (meta.get("foundations_skipped") or 0) + 1


@mutation("RR305", "completed", "A result item's id is missing from requested_items.")
def _result_not_requested(world: World) -> None:
    run = _run(world)
    key, _ = _item(world)
    run["requested_items"] = [i for i in run["requested_items"] if str(i) != key]


@mutation("RR306", "completed", "An item outcome status outside the vocabulary (counts moved).")
def _item_status_vocabulary(world: World) -> None:
    _, outcome = _item(world, "succeeded")
    _run(world)["metadata"]["succeeded"] -= 1
    outcome["status"] = "restored"


@mutation("RR307", "completed", "A foundation decision outside the vocabulary.")
def _foundation_decision_vocabulary(world: World) -> None:
    for entry in _run(world)["results"]["foundations"]:
        if entry["decision"] != "skipped":
            entry["decision"] = "merged"
            return
    raise LookupError("no foundation entry to mutate")


@mutation("RR308", "completed", "A preview action outside the vocabulary.")
def _preview_action_vocabulary(world: World) -> None:
    next(iter(_run(world)["preview"]["items"].values()))["action"] = "overwrite"


@mutation("RR309", "completed", "An executed run's metadata lacks check_basis.")
def _basis_missing(world: World) -> None:
    del _run(world)["metadata"]["check_basis"]


@mutation("RR310", "completed", "scope_basis has no recorded_at.")
def _basis_not_recorded(world: World) -> None:
    _run(world)["metadata"]["scope_basis"]["recorded_at"] = None


@mutation("RR311", "completed", "scope_basis is recorded a second after check_basis.")
def _basis_out_of_order(world: World) -> None:
    meta = _run(world)["metadata"]
    meta["scope_basis"]["recorded_at"] = shift(meta["check_basis"]["recorded_at"], 1)


@mutation("RR312", "completed", "An executed run has no execution_safety_snapshot.")
def _safety_snapshot_missing(world: World) -> None:
    _run(world)["metadata"]["execution_safety_snapshot"] = None


@mutation("RR313", "completed", "The safety snapshot is captured a minute after the start.")
def _safety_snapshot_late(world: World) -> None:
    run = _run(world)
    run["metadata"]["execution_safety_snapshot"]["captured_at"] = shift(run["started_at"], 60)


@mutation("RR314", "completed", "A succeeded item outcome loses its (assumed) status key.")
def _item_without_status(world: World) -> None:
    _, outcome = _item(world, "succeeded")
    del outcome["status"]


@mutation("RR315", "completed", "A foundation entry loses its (assumed) type key.")
def _foundation_without_type(world: World) -> None:
    del _run(world)["results"]["foundations"][0]["type"]


@mutation("RR316", "completed", "A foundation entry that was not skipped loses its decision key.")
def _foundation_without_decision(world: World) -> None:
    for entry in _run(world)["results"]["foundations"]:
        if entry["decision"] != "skipped":
            del entry["decision"]
            return
    raise LookupError("no foundation entry to mutate")


# RR4xx: the exported derived view (the mutation adds restore_run_proofs to the world).


@mutation("RR401", "completed", "The exported proof's next action is not the derived one.")
def _attention_differs(world: World) -> None:
    with_proofs(world)[0]["attention"]["primary_next_action"] = "review_preview"


@mutation("RR402", "completed", "The exported proof's tone belongs to another state.")
def _tone_differs(world: World) -> None:
    with_proofs(world)[0]["attention"]["tone"] = "danger"


@mutation("RR403", "completed", "The exported proof claims recovery from execution.")
def _claims_recovery(world: World) -> None:
    with_proofs(world)[0]["attention"]["recovery_claim_boundary"] = "recovery_proven"


@mutation("RR404", "completed", "The exported proof names a restore run that does not exist.")
def _orphan_proof(world: World) -> None:
    with_proofs(world)[0]["restore_run_id"] = UNKNOWN_ID


@mutation("RR405", "completed", "The exported proof's cause family is outside the vocabulary.")
def _attention_vocabulary(world: World) -> None:
    with_proofs(world)[0]["attention"]["primary_cause_family"] = "cosmic_rays"


@mutation("RR406", "completed", "The exported proof's operation-run proof state is not derived.")
def _operation_run_proof_differs(world: World) -> None:
    with_proofs(world)[0]["operation_run_proof_state"] = "failed"


@mutation("RR407", "completed", "The exported proof's evidence state is not derived.")
def _evidence_differs(world: World) -> None:
    with_proofs(world)[0]["evidence_state"] = "partial"


# RR5xx: operation runs.


@mutation("RR501", "evidence_none", "The linked operation run is not in operation_runs.")
def _operation_run_missing(world: World) -> None:
    _renumber(world, "operation_runs")


@mutation("RR502", "evidence_none", "The operation run belongs to another workspace.")
def _operation_run_tenant(world: World) -> None:
    _one(world, "operation_runs")["workspace_id"] = UNKNOWN_ID


@mutation("RR503", "evidence_none", "A completed run's operation run is completed/failed.")
def _operation_run_disagrees(world: World) -> None:
    _one(world, "operation_runs")["outcome"] = "failed"


@mutation("RR504", "evidence_none", "The operation run's status is outside the vocabulary.")
def _operation_status_vocabulary(world: World) -> None:
    _one(world, "operation_runs")["status"] = "finished"


@mutation("RR505", "evidence_none", "The operation run's outcome is outside the vocabulary.")
def _operation_outcome_vocabulary(world: World) -> None:
    _one(world, "operation_runs")["outcome"] = "ok"


@mutation("RR506", "evidence_none", "An executed run lost its operation run link (info).")
def _executed_without_operation_run(world: World) -> None:
    _run(world)["operation_run_id"] = None


# RR6xx: evidence snapshots.


@mutation("RR601", "completed", "A snapshot links to an operation run that does not exist.")
def _snapshot_operation_run_missing(world: World) -> None:
    _one(world, "evidence_snapshots")["operation_run_id"] = UNKNOWN_ID


@mutation("RR602", "completed", "A snapshot is in another environment than its operation run.")
def _snapshot_tenant(world: World) -> None:
    _one(world, "evidence_snapshots")["managed_environment_id"] = UNKNOWN_ID


@mutation("RR603", "completed", "A snapshot's status is outside the vocabulary.")
def _snapshot_status_vocabulary(world: World) -> None:
    _one(world, "evidence_snapshots")["status"] = "archived"


@mutation("RR604", "completed", "A snapshot's completeness_state is outside the vocabulary.")
def _snapshot_completeness_vocabulary(world: World) -> None:
    _one(world, "evidence_snapshots")["completeness_state"] = "mostly"


@mutation("RR605", "completed", "A second active snapshot for the same operation run (warning).")
def _several_active_snapshots(world: World) -> None:
    snapshots = world.rows("evidence_snapshots")
    copy = dict(snapshots[0])
    copy["id"] = max(snapshot["id"] for snapshot in snapshots) + 1  # read after the others
    snapshots.append(copy)


# RR7xx: references and tenancy.


@mutation("RR701", "completed", "The run's workspace is not in workspaces.")
def _workspace_missing(world: World) -> None:
    _renumber(world, "workspaces")


@mutation("RR702", "completed", "The run's managed environment is not in managed_environments.")
def _environment_missing(world: World) -> None:
    _renumber(world, "managed_environments")


@mutation("RR703", "completed", "The run's environment belongs to another workspace.")
def _environment_elsewhere(world: World) -> None:
    _one(world, "managed_environments")["workspace_id"] = UNKNOWN_ID


@mutation("RR704", "completed", "The run's backup set is not in backup_sets (not even trashed).")
def _backup_set_missing(world: World) -> None:
    _renumber(world, "backup_sets")


@mutation("RR705", "completed", "The run's backup set belongs to another workspace.")
def _backup_set_elsewhere(world: World) -> None:
    _one(world, "backup_sets")["workspace_id"] = UNKNOWN_ID


@mutation("RR706", "completed", "requested_items names an item that is not in backup_items.")
def _requested_item_foreign(world: World) -> None:
    _run(world)["requested_items"].append(UNKNOWN_ID)


@mutation("RR707", "whole_set_requested", "A result is keyed by an item not in backup_items.")
def _result_item_foreign(world: World) -> None:
    run = _run(world)
    key, _ = _item(world)
    run["results"]["items"] = _rekey(run["results"]["items"], key, str(UNKNOWN_ID))


@mutation("RR708", "whole_set_requested", "A preview item is keyed by an item not in backup_items.")
def _preview_item_foreign(world: World) -> None:
    preview = _run(world)["preview"]
    key = next(iter(preview["items"]))
    preview["items"] = _rekey(preview["items"], key, str(UNKNOWN_ID))


__all__ = (
    "MUTATIONS",
    "PROOFS",
    "UNKNOWN_ID",
    "Mutation",
    "mutate",
    "mutation",
    "shift",
    "with_proofs",
)
