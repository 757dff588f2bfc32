"""What a world covers: its status, the states the derivations give it, and its traits.

The derived facets (decision, attention, operation-run proof, evidence under
both selection policies) are computed by :mod:`restore_contracts.derivations`
from the generated rows validated through the contract models, so a world's
``covers`` is what the detail page would show, not what the builder meant.
Validating every random world would dominate generation time, so
:class:`CoverCache` derives once per *signature* (the row values the
derivations read) and reuses the result; tests check that the cached covers
equal a fresh derivation.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun
from restore_contracts.derivations import (
    derive_attention_state,
    derive_decision_state,
    derive_evidence,
    derive_operation_run_proof,
    derive_proof,
)
from restore_contracts.generators.builder import DST_TRANSITIONS, LARGE_RUN
from restore_contracts.generators.world import Row, World

FACETS = (
    "status",
    "decision",
    "attention",
    "proof",
    "evidence_latest_active",
    "evidence_latest_any",
    "traits",
)
"""Keys of ``World.covers``, in order."""

_EXECUTED = frozenset(
    ("completed", "partial", "failed", "cancelled", "aborted", "completed_with_errors")
)
_OPERATION_RUN_COLUMN_SINCE = "2026-02-10 00:00:00"


def traits_of(world: World) -> list[str]:
    """Notable facts of a world read straight from its rows (cheap: no models)."""
    run = world.restore_run()
    traits = []
    if run["is_dry_run"]:
        traits.append("dry_run")
    set_id = run["backup_set_id"]
    for backup_set in world.rows("backup_sets"):
        if backup_set["id"] == set_id and backup_set.get("deleted_at") is not None:
            traits.append("soft_deleted_backup_set")
    created = run.get("created_at") or ""
    status = run["status"]
    if created < _OPERATION_RUN_COLUMN_SINCE:
        traits.append("created_before_operation_run_column")
    elif status in _EXECUTED and not run["is_dry_run"] and run["operation_run_id"] is None:
        traits.append("executed_without_operation_run")
    if run["started_at"] is None and status in ("cancelled", "aborted"):
        traits.append("cancelled_while_queued")
    in_set = 0
    ascii_names = True
    for item in world.rows("backup_items"):
        if item["backup_set_id"] == set_id:
            in_set += 1
            if ascii_names and not (item["display_name"] or "").isascii():
                ascii_names = False
    requested = run["requested_items"]
    if requested is None:
        traits.append("whole_set_requested")
    elif len(requested) < in_set:
        traits.append("requested_subset")
    requester = run["requested_by"]
    if requester is None:
        traits.append("requested_by_null")
    elif isinstance(requester, str):
        traits.append("requested_by_text")
    if in_set >= LARGE_RUN:
        traits.append("large_run")
    if not ascii_names:
        traits.append("unicode_display_names")
    started, completed = run["started_at"], run["completed_at"]
    if started and completed and any(started < t <= completed for t in DST_TRANSITIONS):
        traits.append("dst_boundary")
    op_id = run["operation_run_id"]
    if op_id is not None:
        linked = 0
        for snapshot in world.rows("evidence_snapshots"):
            linked += snapshot["operation_run_id"] == op_id
        if linked > 1:
            traits.append("several_evidence_snapshots")
    return traits


def derived_facets(world: World, assumptions: Assumptions) -> dict[str, list[str]]:
    """Decision, attention, proof and evidence of the world's run, via the derivations."""
    run = RestoreRun.model_validate(world.restore_run())
    operation_run = None
    for row in world.rows("operation_runs"):
        if row["id"] == run.operation_run_id:
            operation_run = OperationRun.model_validate(row)
    snapshots = [EvidenceSnapshot.model_validate(row) for row in world.rows("evidence_snapshots")]
    active, _ = derive_evidence(run, snapshots, assumptions, EvidencePolicy.LATEST_ACTIVE)
    latest, _ = derive_evidence(run, snapshots, assumptions, EvidencePolicy.LATEST_ANY)
    facets = {
        "decision": [derive_decision_state(run, assumptions).value],
        "attention": [derive_attention_state(run, assumptions).value],
        "proof": [derive_operation_run_proof(run, operation_run, assumptions).value],
        "evidence_latest_active": [active.value],
        "evidence_latest_any": [latest.value],
    }
    if active is not latest:
        facets["traits"] = ["evidence_policies_differ"]
    return facets


def _assemble(world: World, derived: dict[str, list[str]]) -> dict[str, list[str]]:
    traits = sorted(traits_of(world) + derived.get("traits", []))
    return {
        "status": [world.restore_run()["status"]],
        "decision": list(derived["decision"]),
        "attention": list(derived["attention"]),
        "proof": list(derived["proof"]),
        "evidence_latest_active": list(derived["evidence_latest_active"]),
        "evidence_latest_any": list(derived["evidence_latest_any"]),
        "traits": traits,
    }


def derive_covers(world: World, assumptions: Assumptions | None = None) -> dict[str, list[str]]:
    """The covers of a world computed afresh from its rows."""
    return _assemble(world, derived_facets(world, assumptions or Assumptions()))


def signature(world: World) -> Hashable:
    """Every row value the derived facets depend on; equal signatures derive equal facets.

    Decision reads status and is_dry_run; attention also whether anything was
    applied and whether the run is clean (from the metadata counts the builder
    writes); proof reads the operation run's status and outcome; evidence the
    status and completeness of each linked snapshot in recency order (the
    builder writes snapshots oldest first).
    """
    run = world.restore_run()
    meta: dict[str, Any] = run["metadata"] or {}
    get = meta.get
    applied = (get("succeeded") or 0) + (get("partial") or 0)
    unclean = (
        (get("failed") or 0)
        + (get("partial") or 0)
        + (get("skipped") or 0)
        + (get("non_applied") or 0)
        + (get("foundations_skipped") or 0)
    )
    op_id = run["operation_run_id"]
    operation = None
    for row in world.rows("operation_runs"):
        if row["id"] == op_id:
            operation = (row["status"], row["outcome"])
    evidence = tuple(
        (s["status"], s["completeness_state"])
        for s in world.rows("evidence_snapshots")
        if s["operation_run_id"] == op_id and op_id is not None
    )
    return (
        run["status"],
        run["is_dry_run"],
        applied > 0,
        unclean > 0,
        op_id is None,
        operation,
        evidence,
    )


class CoverCache:
    """Derives the facets of each distinct signature once, then reuses them."""

    __slots__ = ("_derived", "assumptions")

    def __init__(self, assumptions: Assumptions) -> None:
        self.assumptions = assumptions
        self._derived: dict[Hashable, dict[str, list[str]]] = {}

    def covers(self, world: World) -> dict[str, list[str]]:
        """The covers of ``world``, deriving only signatures not seen before."""
        key = signature(world)
        derived = self._derived.get(key)
        if derived is None:
            derived = derived_facets(world, self.assumptions)
            self._derived[key] = derived
        return _assemble(world, derived)

    def covers_by_key(self, world: World, key: tuple[Any, ...]) -> dict[str, list[str]]:
        """The covers of a world whose builder gave ``key`` (see ``WorldBuilder.build_keyed``).

        ``key`` is the row signature followed by the traits; derived facets are cached
        by signature only (a few hundred at most), so memory stays flat however many
        worlds stream through.
        """
        *sig, traits = key
        derived = self._derived.get(tuple(sig))
        if derived is None:
            derived = derived_facets(world, self.assumptions)
            self._derived[tuple(sig)] = derived
        extra = derived.get("traits", [])
        return {
            "status": [key[0]],
            "decision": list(derived["decision"]),
            "attention": list(derived["attention"]),
            "proof": list(derived["proof"]),
            "evidence_latest_active": list(derived["evidence_latest_active"]),
            "evidence_latest_any": list(derived["evidence_latest_any"]),
            "traits": sorted([*traits, *extra]),
        }


def proof_rows(world: World, assumptions: Assumptions | None = None) -> list[Row]:
    """The derived ``restore_run_proofs`` rows of a world (one per restore run), JSON-native."""
    chosen = assumptions or Assumptions()
    operation_runs = {row["id"]: row for row in world.rows("operation_runs")}
    snapshots = [EvidenceSnapshot.model_validate(row) for row in world.rows("evidence_snapshots")]
    rows = []
    for raw in world.rows("restore_runs"):
        run = RestoreRun.model_validate(raw)
        op_row = operation_runs.get(run.operation_run_id) if run.operation_run_id else None
        operation_run = OperationRun.model_validate(op_row) if op_row is not None else None
        proof = derive_proof(run, operation_run, snapshots, chosen)
        rows.append(proof.model_dump(mode="json"))
    return rows


__all__ = (
    "FACETS",
    "CoverCache",
    "derive_covers",
    "derived_facets",
    "proof_rows",
    "signature",
    "traits_of",
)
