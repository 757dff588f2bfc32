"""Small hand-built worlds: every contract table, every column encoding, a few rows each."""

from __future__ import annotations

from restore_contracts.generators.world import World


def completed_world(offset: int = 0, *, name: str = "hand/completed") -> World:
    """One completed, executed restore run with all its neighbours (ids shifted by ``offset``)."""
    o = offset
    world = World(name)
    world.rows("workspaces").append(
        {
            "id": 1 + o,
            "name": "Contoso Ltd — Zürich ✓",
            "slug": "contoso",
            "created_at": "2026-01-05 08:00:00",
            "updated_at": "2026-01-05 08:00:00",
        }
    )
    world.rows("managed_environments").append(
        {
            "id": 10 + o,
            "workspace_id": 1 + o,
            "name": "Production",
            "tenant_id": "6f1c1a52-1f0e-4bd4-9a57-0c4b8f3d2a11",
            "created_at": "2026-01-05 08:01:00",
            "updated_at": "2026-01-05 08:01:00",
        }
    )
    world.rows("backup_sets").append(
        {
            "id": 20 + o,
            "workspace_id": 1 + o,
            "managed_environment_id": 10 + o,
            "name": "Nightly 2026-03-20",
            "status": "completed",
            "item_count": 2,
            "created_by": "admin@contoso.example",
            "completed_at": "2026-03-20 02:10:00",
            "created_at": "2026-03-20 02:00:00",
            "updated_at": "2026-03-21 09:00:00",
            "deleted_at": "2026-03-21 09:00:00",
        }
    )
    world.rows("backup_items").extend(
        {
            "id": item + o,
            "backup_set_id": 20 + o,
            "policy_identifier": f"pol-{item}",
            "policy_type": "deviceConfiguration",
            "display_name": f"Policy {item}",
            "platform": "windows10",
            "payload": {"@odata.type": "#microsoft.graph.x", "settings": [1, 2.5, None, True]},
            "captured_at": "2026-03-20 02:05:00",
            "created_at": "2026-03-20 02:05:00",
            "updated_at": "2026-03-20 02:05:00",
        }
        for item in (30, 31)
    )
    world.rows("operation_runs").append(
        {
            "id": 40 + o,
            "workspace_id": 1 + o,
            "managed_environment_id": 10 + o,
            "user_id": 7,
            "type": "restore.execute",
            "status": "completed",
            "outcome": "succeeded",
            "summary_counts": {"total": 2, "succeeded": 2},
            "failure_summary": [],
            "context": {"restore_run_id": 50 + o},
            "started_at": "2026-03-22 10:00:05",
            "completed_at": "2026-03-22 10:02:00",
            "created_at": "2026-03-22 10:00:04",
            "updated_at": "2026-03-22 10:02:00",
        }
    )
    basis = {"fingerprint": "abc", "item_count": 2}
    world.rows("restore_runs").append(
        {
            "id": 50 + o,
            "managed_environment_id": 10 + o,
            "workspace_id": 1 + o,
            "backup_set_id": 20 + o,
            "requested_by": "admin@contoso.example",
            "is_dry_run": False,
            "status": "completed",
            "requested_items": [30 + o, 31 + o],
            "preview": {
                "generated_at": "2026-03-22 09:58:00",
                "items": {
                    str(30 + o): {"action": "update", "policy_type": "deviceConfiguration"},
                    str(31 + o): {"action": "create"},
                },
            },
            "results": {
                "foundations": [{"type": "scopeTag", "decision": "mapped_existing"}],
                "items": {
                    str(30 + o): {"status": "succeeded", "duration_ms": 120},
                    str(31 + o): {"status": "succeeded", "duration_ms": 80},
                },
            },
            "metadata": {
                "total": 2,
                "succeeded": 2,
                "failed": 0,
                "skipped": 0,
                "partial": 0,
                "non_applied": 0,
                "foundations_skipped": 0,
                "scope_basis": basis | {"recorded_at": "2026-03-22 09:50:00"},
                "check_basis": basis | {"recorded_at": "2026-03-22 09:55:00"},
                "preview_basis": basis | {"recorded_at": "2026-03-22 09:58:00"},
                "execution_safety_snapshot": {
                    "captured_at": "2026-03-22 10:00:00",
                    "checks_passed": True,
                    "warnings": ["assignments are not restored"],
                },
            },
            "failure_reason": None,
            "started_at": "2026-03-22 10:00:05",
            "completed_at": "2026-03-22 10:02:00",
            "operation_run_id": 40 + o,
            "created_at": "2026-03-22 09:45:00",
            "updated_at": "2026-03-22 10:02:00",
        }
    )
    world.rows("evidence_snapshots").append(
        {
            "id": 60 + o,
            "workspace_id": 1 + o,
            "managed_environment_id": 10 + o,
            "operation_run_id": 40 + o,
            "status": "active",
            "completeness_state": "complete",
            "generated_at": "2026-03-22 10:03:00",
            "expires_at": None,
            "summary": {"items": 2},
            "created_at": "2026-03-22 10:03:00",
            "updated_at": "2026-03-22 10:03:00",
        }
    )
    world.covers = {"status": ["completed"]}
    return world


def dry_run_world(offset: int = 0) -> World:
    """A previewed dry run sharing nothing with :func:`completed_world` but its shape."""
    world = completed_world(offset, name="hand/dry-run")
    run = world.restore_run()
    run.update(
        is_dry_run=True,
        status="previewed",
        results=None,
        operation_run_id=None,
        started_at=None,
        completed_at=None,
        requested_items=None,
        requested_by=None,
        failure_reason=None,
    )
    run["metadata"] = {k: v for k, v in run["metadata"].items() if k.endswith("_basis")}
    world.tables["operation_runs"] = []
    world.tables["evidence_snapshots"] = []
    return world


__all__ = ("completed_world", "dry_run_world")
