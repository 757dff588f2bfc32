"""The named scenario catalogue: one world per state the restore-run detail page can show.

Each scenario has a fixed id block (its ids never move when scenarios are
added), a description, and a :class:`Spec`. What a scenario covers is not
declared but derived from a built world, so the catalogue cannot claim a
state its rows do not produce; a test checks covers are the same for every
seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from restore_contracts.generators.builder import Spec
from restore_contracts.generators.clock import DAY, HOUR, epoch_of

OP_QUEUED = ("queued", "pending")
OP_RUNNING = ("running", "pending")
OP_SUCCEEDED = ("completed", "succeeded")
OP_PARTIAL = ("completed", "partially_succeeded")
OP_FAILED = ("completed", "failed")
OP_BLOCKED = ("completed", "blocked")
OP_CANCELLED = ("completed", "cancelled")

ACTIVE_COMPLETE = (("active", "complete"),)


def _pinned(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    """An absolute created_at, for scenarios about a fixed date (migrations, DST)."""
    return epoch_of(datetime(year, month, day, hour, minute, second, tzinfo=UTC))


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named world: its id block, what it shows, and the spec it is built from."""

    name: str
    block: int
    description: str
    spec: Spec

    @property
    def covers(self) -> dict[str, list[str]]:
        """Facets this scenario covers (derived once from a built world, same for every seed)."""
        from restore_contracts.generators.api import scenario_covers

        return scenario_covers(self.name)


def _at(block: int) -> int:
    """created_at of a non-pinned scenario: a distinct time within ten days before the anchor."""
    return -DAY - block * 3 * HOUR - (block * 137) % HOUR


def _s(block: int, name: str, description: str, status: str, **kwargs: object) -> Scenario:
    kwargs.setdefault("at", _at(block))
    return Scenario(name, block, description, Spec(status, **kwargs))  # type: ignore[arg-type]


_CATALOGUE: tuple[Scenario, ...] = (
    _s(1, "draft", "Draft: created, nothing scoped; no metadata, preview or timestamps.", "draft"),
    _s(2, "scoped", "Scoped: scope_basis recorded, not yet checked.", "scoped", items=5),
    _s(3, "checked", "Checked: scope and check bases recorded.", "checked", items=5),
    _s(4, "previewed", "Previewed (not a dry run): full basis chain and preview.", "previewed"),
    _s(5, "pending", "Pending: previewed and waiting to be queued.", "pending", items=7),
    _s(
        6,
        "queued",
        "Queued: safety snapshot taken, operation run queued, no start yet.",
        "queued",
        operation=OP_QUEUED,
    ),
    _s(
        7,
        "running",
        "Running: started, operation run running, no results yet.",
        "running",
        items=12,
        operation=OP_RUNNING,
    ),
    _s(
        8,
        "completed",
        "Completed cleanly: every item succeeded; operation run succeeded; one active, "
        "complete evidence snapshot.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=ACTIVE_COMPLETE,
    ),
    _s(
        9,
        "completed_with_follow_up",
        "Completed with skipped and not-applied items and a skipped foundation; evidence partial.",
        "completed",
        items=9,
        mix="follow_up",
        foundations=3,
        foundation_skipped=True,
        operation=OP_SUCCEEDED,
        evidence=(("active", "partial"),),
    ),
    _s(
        10,
        "partial",
        "Partial: some items throttled (429) or partly applied; operation run partially "
        "succeeded; evidence snapshot with missing content.",
        "partial",
        items=10,
        mix="partial",
        failure="throttled",
        operation=OP_PARTIAL,
        evidence=(("active", "missing"),),
    ),
    _s(
        11,
        "failed",
        "Failed: 403 Forbidden, missing DeviceManagementConfiguration.ReadWrite.All; the "
        "evidence snapshot failed.",
        "failed",
        mix="failed",
        failure="forbidden",
        operation=OP_FAILED,
        evidence=(("failed", "missing"),),
    ),
    _s(
        12,
        "failed_blocked",
        "Failed before any item: the safety check blocked execution; operation run blocked; "
        "results null.",
        "failed",
        blocked=True,
        operation=OP_BLOCKED,
    ),
    _s(
        13,
        "failed_throttled",
        "Failed: 429 throttled with Retry-After; evidence still generating.",
        "failed",
        items=4,
        mix="failed",
        failure="throttled",
        operation=OP_FAILED,
        evidence=(("generating", "missing"),),
    ),
    _s(
        14,
        "failed_bad_request",
        "Failed: 400 Bad Request on the payload.",
        "failed",
        items=3,
        mix="failed",
        failure="bad_request",
        operation=OP_FAILED,
    ),
    _s(
        15,
        "failed_not_found",
        "Failed: 404 Not Found, referenced objects missing in the target tenant.",
        "failed",
        items=3,
        mix="failed",
        failure="not_found",
        operation=OP_FAILED,
    ),
    _s(
        16,
        "failed_timeout",
        "Failed: 504 Gateway Timeout from Microsoft Graph.",
        "failed",
        items=2,
        mix="failed",
        failure="timeout",
        operation=OP_FAILED,
    ),
    _s(
        17,
        "cancelled",
        "Cancelled mid-way: some items applied, the rest not applied; operation run cancelled.",
        "cancelled",
        items=8,
        mix="cancelled_applied",
        operation=OP_CANCELLED,
    ),
    _s(
        18,
        "cancelled_while_queued",
        "Cancelled while queued: never started, results null.",
        "cancelled",
        started=False,
        operation=OP_CANCELLED,
    ),
    _s(
        19,
        "aborted",
        "Legacy aborted, created before operation runs existed; nothing applied.",
        "aborted",
        mix="cancelled_none",
        at=_pinned(2026, 1, 20, 9, 12, 7),
        pinned=True,
    ),
    _s(
        20,
        "completed_with_errors",
        "Legacy completed_with_errors from before operation runs existed.",
        "completed_with_errors",
        items=7,
        mix="partial",
        failure="not_found",
        at=_pinned(2026, 1, 27, 14, 3, 51),
        pinned=True,
    ),
    _s(
        21,
        "aborted_with_operation_run",
        "Legacy aborted after some items applied, linked to a cancelled operation run.",
        "aborted",
        items=6,
        mix="cancelled_applied",
        operation=OP_CANCELLED,
    ),
    _s(
        22,
        "dry_run_previewed",
        "Dry run (preview only), previewed.",
        "previewed",
        dry_run=True,
    ),
    _s(
        23,
        "dry_run_completed",
        "Dry run completed: every item would change but nothing was applied.",
        "completed",
        dry_run=True,
        mix="dry",
        items=8,
    ),
    _s(
        24,
        "executed_without_operation_run",
        "Completed after the operation_run_id migration but with no operation run (info).",
        "completed",
        mix="clean",
    ),
    _s(
        25,
        "evidence_none",
        "Completed with an operation run that has no evidence snapshot.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
    ),
    _s(
        26,
        "evidence_queued",
        "Completed; the only evidence snapshot is still queued.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=(("queued", "missing"),),
    ),
    _s(
        27,
        "evidence_expired",
        "Completed; the only evidence snapshot has expired.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=(("expired", "complete"),),
    ),
    _s(
        28,
        "evidence_superseded_then_active",
        "Two snapshots: a superseded partial one, then the active complete one.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=(("superseded", "partial"), ("active", "complete")),
    ),
    _s(
        29,
        "evidence_latest_any_pending",
        "An active complete snapshot, then a newer one still generating: latest active and "
        "latest any differ.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=(("active", "complete"), ("generating", "missing")),
    ),
    _s(
        30,
        "evidence_latest_any_unavailable",
        "Superseded, active partial, then a failed snapshot: latest active partial, latest "
        "any unavailable.",
        "partial",
        items=6,
        mix="partial",
        failure="bad_request",
        operation=OP_PARTIAL,
        evidence=(("superseded", "complete"), ("active", "partial"), ("failed", "missing")),
    ),
    _s(
        31,
        "evidence_no_active_snapshot",
        "Only a superseded snapshot: no active evidence, latest any complete.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=(("superseded", "complete"),),
    ),
    _s(
        32,
        "completed_before_operation_run_column",
        "Completed in January 2026, before restore_runs.operation_run_id existed.",
        "completed",
        mix="clean",
        at=_pinned(2026, 1, 15, 7, 41, 3),
        pinned=True,
    ),
    _s(
        33,
        "completed_before_evidence_table",
        "Completed with an operation run in March 2026, before evidence snapshots existed.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        at=_pinned(2026, 3, 2, 16, 20, 44),
        pinned=True,
    ),
    _s(
        34,
        "soft_deleted_backup_set",
        "Completed from a backup set that was soft-deleted afterwards (still resolves).",
        "completed",
        mix="clean",
        deleted_set=True,
        operation=OP_SUCCEEDED,
        evidence=ACTIVE_COMPLETE,
    ),
    _s(
        35,
        "requested_subset",
        "Completed for 5 of 9 items of the backup set.",
        "completed",
        items=5,
        extra_set_items=4,
        mix="clean",
        operation=OP_SUCCEEDED,
    ),
    _s(
        36,
        "whole_set_requested",
        "Completed for the whole backup set: requested_items is null.",
        "completed",
        requested="null",
        mix="clean",
        operation=OP_SUCCEEDED,
    ),
    _s(
        37,
        "requested_by_email",
        "requested_by holds an email address instead of a user id.",
        "completed",
        requester="email",
        mix="clean",
        operation=OP_SUCCEEDED,
    ),
    _s(
        38,
        "requested_by_nobody",
        "Scheduled run: requested_by is null.",
        "completed",
        requester="none",
        mix="follow_up",
        operation=OP_SUCCEEDED,
        evidence=ACTIVE_COMPLETE,
    ),
    _s(
        39,
        "unicode_display_names",
        "Display names with accents, CJK, RTL, emoji, combining marks, quotes, tabs and "
        "backslashes.",
        "completed",
        items=10,
        unicode=True,
        mix="follow_up",
        operation=OP_SUCCEEDED,
        evidence=ACTIVE_COMPLETE,
    ),
    _s(
        40,
        "dst_spring_forward",
        "Runs across 2026-03-29 01:00 UTC, when Europe/Berlin jumps from 02:00 to 03:00.",
        "completed",
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=ACTIVE_COMPLETE,
        at=_pinned(2026, 3, 29, 0, 45, 0),
        pinned=True,
        start_gap=898,
    ),
    _s(
        41,
        "dst_fall_back",
        "Runs across 2026-10-25 01:00 UTC, when Europe/Berlin falls back from 03:00 to 02:00.",
        "partial",
        items=6,
        mix="partial",
        failure="timeout",
        operation=OP_PARTIAL,
        evidence=ACTIVE_COMPLETE,
        at=_pinned(2026, 10, 25, 0, 45, 0),
        pinned=True,
        start_gap=898,
    ),
    _s(
        42,
        "large_10000_items",
        "Completed run over 10,000 items (size and streaming tests).",
        "completed",
        items=10_000,
        mix="clean",
        operation=OP_SUCCEEDED,
        evidence=ACTIVE_COMPLETE,
    ),
)

SCENARIOS: dict[str, Scenario] = {scenario.name: scenario for scenario in _CATALOGUE}
"""Scenario name -> scenario, in catalogue order."""

if len({s.block for s in _CATALOGUE}) != len(_CATALOGUE):  # pragma: no cover - catalogue bug
    raise RuntimeError("two scenarios share an id block")

__all__ = ("SCENARIOS", "Scenario")
