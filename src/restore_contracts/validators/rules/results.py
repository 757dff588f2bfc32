"""RR3xx: results and metadata agree, use the configured vocabularies, and the basis chain holds.

The count keys are repo-verified; that they equal the counted item outcomes,
the vocabularies and the basis chain by status are assumptions (configurable
where they are vocabularies).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from restore_contracts.contracts.metadata import COUNT_KEYS
from restore_contracts.validators.context import EXECUTION, LEGACY, PRE, TERMINAL, RuleContext
from restore_contracts.validators.findings import Hit, one_of, show
from restore_contracts.validators.rules._registry import NO_HITS, Row, rule
from restore_contracts.validators.tables import RESTORE_RUNS

RUNS = RESTORE_RUNS
_STATUS_COUNTS = COUNT_KEYS[1:]
_BASES = ("scope_basis", "check_basis", "preview_basis")
_REQUIRED_BASES: dict[str, tuple[str, ...]] = {
    "draft": (),
    "scoped": ("scope_basis",),
    "checked": ("scope_basis", "check_basis"),
    "previewed": _BASES,
    "pending": _BASES,
}
_EXECUTED = (EXECUTION, TERMINAL, LEGACY)


def _items(row: Row) -> dict[str, Any]:
    return (row.get("results") or {}).get("items") or {}


@rule("RR301", "Results without their metadata counts", table=RUNS)
def counts_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The results surface reads the summary from metadata (repo-verified); when a run has
    results, metadata carries total and the five outcome counts (M1)."""
    if row.get("results") is None:
        return NO_HITS
    meta = row.get("metadata")
    if meta is None:
        return (Hit("/metadata", "metadata is null; expected the six counts beside results"),)
    return [
        Hit(f"/metadata/{key}", f"{key} is missing; expected it beside results")
        for key in COUNT_KEYS
        if meta.get(key) is None
    ]


@rule("RR302", "Metadata counts differ from the item outcomes", table=RUNS)
def counts_match_items(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The summary counts and the item table must tell the same story (M1): total is the
    number of results.items, each outcome count the number of items with that status."""
    results = row.get("results")
    meta = row.get("metadata")
    if results is None or meta is None:
        return NO_HITS
    items = results.get("items") or {}
    tally = Counter(outcome.get("status") for outcome in items.values())
    counted = {"total": len(items), **{key: tally[key] for key in _STATUS_COUNTS}}
    hits = []
    for key in COUNT_KEYS:
        value = meta.get(key)
        if value is not None and value != counted[key]:
            what = "entries" if key == "total" else f"items with status {key}"
            hits.append(
                Hit(
                    f"/metadata/{key}",
                    f"{key} is {value}; expected {counted[key]} (results.items has "
                    f"{counted[key]} {what})",
                )
            )
    return hits


@rule("RR303", "Metadata counts do not add up to total", table=RUNS)
def counts_add_up(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Every item ends in exactly one outcome, so the five counts add up to total (M2).
    Checked where results are null; with results, RR302 holds each count to the items,
    which already implies the sum."""
    meta = row.get("metadata")
    if row.get("results") is not None or meta is None:
        return NO_HITS
    counts = [meta.get(key) for key in _STATUS_COUNTS]
    total = meta.get("total")
    if total is None or any(c is None for c in counts):
        return NO_HITS
    added = sum(c for c in counts if c is not None)
    if added == total:
        return NO_HITS
    return (
        Hit(
            "/metadata/total",
            f"total is {total}; expected {added} (succeeded+failed+skipped+partial+non_applied)",
        ),
    )


@rule("RR304", "foundations_skipped differs from the skipped foundations", table=RUNS)
def foundations_skipped(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """foundations_skipped summarises results.foundations (M3); it equals the number of
    entries with decision "skipped" (a missing count reads as 0)."""
    results = row.get("results")
    if results is None:
        return NO_HITS
    skipped = sum(1 for f in results.get("foundations") or () if f.get("decision") == "skipped")
    value = (row.get("metadata") or {}).get("foundations_skipped")
    if (value or 0) == skipped:
        return NO_HITS
    return (
        Hit(
            "/metadata/foundations_skipped",
            f"foundations_skipped is {show(value)}; expected {skipped} (skipped foundation "
            "entries)",
        ),
    )


@rule("RR305", "Result item outside requested_items", table=RUNS)
def items_within_request(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A run restores what was requested (T4): when requested_items is given, every key of
    results.items is one of them."""
    requested = row.get("requested_items")
    if requested is None:
        return NO_HITS
    allowed = {str(i) for i in requested}
    return [
        Hit(f"/results/items/{key}", f"backup item {key} has a result but was not requested")
        for key in _items(row)
        if key not in allowed
    ]


@rule("RR306", "Item outcome status outside the vocabulary", table=RUNS)
def item_status_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Counts, attention and the item table all switch on the outcome status (M4); a value
    outside item_outcome_statuses is counted nowhere."""
    known = ctx.item_statuses
    return [
        Hit(
            f"/results/items/{key}/status",
            f"status is {show(outcome['status'])}; expected {one_of(known)}",
        )
        for key, outcome in _items(row).items()
        if outcome["status"] not in known
    ]


@rule("RR307", "Foundation decision outside the vocabulary", table=RUNS)
def foundation_decision_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """foundations_skipped and the foundation list switch on the decision (M4); a value
    outside foundation_decisions cannot be shown or counted."""
    results = row.get("results")
    if results is None:
        return NO_HITS
    known = ctx.foundation_decisions
    return [
        Hit(
            f"/results/foundations/{index}/decision",
            f"decision is {show(entry['decision'])}; expected {one_of(known)}",
        )
        for index, entry in enumerate(results.get("foundations") or ())
        if entry["decision"] not in known
    ]


@rule("RR308", "Preview action outside the vocabulary", table=RUNS)
def preview_action_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The preview surface renders each planned action (M4); a value outside preview_actions
    has no rendering."""
    items = (row.get("preview") or {}).get("items") or {}
    known = ctx.preview_actions
    return [
        Hit(
            f"/preview/items/{key}/action",
            f"action is {show(planned['action'])}; expected {one_of(known)}",
        )
        for key, planned in items.items()
        if planned["action"] not in known
    ]


def required_bases(row: Row, ctx: RuleContext) -> tuple[str, ...]:
    """The bases a run's status requires (M5): the chain grows with the wizard's steps."""
    status = row["status"]
    if status in _REQUIRED_BASES:
        return _REQUIRED_BASES[status]
    if not row["is_dry_run"] and ctx.group[status] in _EXECUTED:
        return _BASES
    return ()


@rule("RR309", "Basis missing for the run's status", table=RUNS)
def basis_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Scope, check and preview each record the basis the next step was decided on (M5):
    scoped needs scope_basis, checked adds check_basis, previewed, pending and every
    executed non-dry run have all three."""
    needed = required_bases(row, ctx)
    if not needed:
        return NO_HITS
    meta = row.get("metadata") or {}
    return [
        Hit(f"/metadata/{name}", f"{name} is missing; expected it for a {row['status']} run")
        for name in needed
        if meta.get(name) is None
    ]


@rule("RR310", "Basis without recorded_at", table=RUNS)
def basis_recorded(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A basis proves when its step happened (M5); without recorded_at the chain's order
    cannot be checked."""
    meta = row.get("metadata") or {}
    return [
        Hit(f"/metadata/{name}/recorded_at", f"{name} has no recorded_at")
        for name in _BASES
        if meta.get(name) is not None and meta[name].get("recorded_at") is None
    ]


@rule("RR311", "Basis chain out of order", table=RUNS)
def basis_in_order(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Scope comes before check, check before preview, and preview before execution starts
    (M5); a later step recorded earlier was decided on a stale basis."""
    meta = row.get("metadata") or {}
    chain: list[tuple[str, str, str]] = []
    for name in _BASES:
        recorded = (meta.get(name) or {}).get("recorded_at")
        if recorded is not None:
            chain.append((f"/metadata/{name}/recorded_at", f"{name}.recorded_at", recorded))
    started = row.get("started_at")
    if started is not None:
        chain.append(("/started_at", "started_at", started))
    hits = []
    for (_, before, earlier), (ptr, after, later) in zip(chain, chain[1:], strict=False):
        if later < earlier:
            hits.append(Hit(ptr, f"{after} {show(later)} is before {before} {show(earlier)}"))
    return hits


@rule("RR312", "Executed run without execution_safety_snapshot", table=RUNS)
def safety_snapshot_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Execution is allowed only after the safety checks, whose state is kept as
    execution_safety_snapshot (M6); a non-dry run that was queued or went further has it."""
    if row["is_dry_run"] or ctx.group[row["status"]] not in _EXECUTED:
        return NO_HITS
    if (row.get("metadata") or {}).get("execution_safety_snapshot") is not None:
        return NO_HITS
    return (
        Hit(
            "/metadata/execution_safety_snapshot",
            f"execution_safety_snapshot is missing; expected it for a {row['status']} run",
        ),
    )


@rule("RR313", "Safety snapshot captured after execution started", table=RUNS)
def safety_snapshot_before_start(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The safety snapshot gates execution (M6), so it is captured no later than started_at."""
    started = row.get("started_at")
    snapshot = (row.get("metadata") or {}).get("execution_safety_snapshot") or {}
    captured = snapshot.get("captured_at")
    if started is None or captured is None or captured <= started:
        return NO_HITS
    return (
        Hit(
            "/metadata/execution_safety_snapshot/captured_at",
            f"captured_at {show(captured)} is after started_at {show(started)}",
        ),
    )


__all__ = (
    "basis_in_order",
    "basis_present",
    "basis_recorded",
    "counts_add_up",
    "counts_match_items",
    "counts_present",
    "foundation_decision_vocabulary",
    "foundations_skipped",
    "item_status_vocabulary",
    "items_within_request",
    "preview_action_vocabulary",
    "required_bases",
    "safety_snapshot_before_start",
    "safety_snapshot_present",
)
