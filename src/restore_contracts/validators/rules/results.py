"""RR3xx: results and metadata agree, use the configured vocabularies, and the basis chain holds.

The count keys are repo-verified; that they equal the counted item outcomes,
the vocabularies and the basis chain by status are assumptions (configurable
where they are vocabularies).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from restore_contracts.contracts.metadata import COUNT_KEYS
from restore_contracts.validators.context import EXECUTION, LEGACY, TERMINAL, RuleContext
from restore_contracts.validators.findings import Hit, one_of, show
from restore_contracts.validators.rules._instants import shown, surely_before
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
    results = row.get("results")
    if results is None:
        return _EMPTY
    return results.get("items") or _EMPTY


_EMPTY: dict[str, Any] = {}
_status_of = itemgetter("status")
_decision_of = itemgetter("decision")
_action_of = itemgetter("action")


def outcome_statuses(items: dict[str, Any]) -> list[str]:
    """The status of every item of a results.items map, in order."""
    return list(map(_status_of, items.values()))


@rule("RR301", "Results without their metadata counts", table=RUNS, reads=("results", "metadata"))
def counts_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The results surface reads the summary from metadata (repo-verified); when a run has
    results, metadata carries total and the five outcome counts (M1)."""
    if row.get("results") is None:
        return NO_HITS
    meta = row.get("metadata")
    if meta is None:
        return (Hit("/metadata", "metadata is null; expected the six counts beside results"),)
    if None not in map(meta.get, COUNT_KEYS):
        return NO_HITS
    return [
        Hit(f"/metadata/{key}", f"{key} is missing; expected it beside results")
        for key in COUNT_KEYS
        if meta.get(key) is None
    ]


@rule(
    "RR302",
    "Metadata counts differ from the item outcomes",
    table=RUNS,
    reads=("results", "metadata"),
)
def counts_match_items(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The summary counts and the item table must tell the same story (M1): total is the
    number of results.items, each outcome count the number of items with that status."""
    results = row.get("results")
    meta = row.get("metadata")
    if results is None or meta is None:
        return NO_HITS
    items = results.get("items") or _EMPTY
    statuses = outcome_statuses(items)
    get = meta.get
    if None in statuses:
        # An item without the assumed status key (RR314) cannot be counted: only total is judged.
        return _total_differs(get("total"), len(items))
    count = statuses.count
    if (
        get("total") in (None, len(items))
        and get("succeeded") in (None, count("succeeded"))
        and get("failed") in (None, count("failed"))
        and get("skipped") in (None, count("skipped"))
        and get("partial") in (None, count("partial"))
        and get("non_applied") in (None, count("non_applied"))
    ):
        return NO_HITS
    counted = {"total": len(items), **{key: count(key) for key in _STATUS_COUNTS}}
    hits = []
    for key in COUNT_KEYS:
        value = meta.get(key)
        if value is not None and value != counted[key]:
            expected = counted[key]
            noun = ("entry" if expected == 1 else "entries") if key == "total" else "item"
            what = (
                noun
                if key == "total"
                else f"{noun}{'' if expected == 1 else 's'} with status {key}"
            )
            hits.append(
                Hit(
                    f"/metadata/{key}",
                    f"{key} is {value}; expected {expected} (results.items has {expected} {what})",
                )
            )
    return hits


def _total_differs(total: Any, counted: int) -> Sequence[Hit]:
    if total is None or total == counted:
        return NO_HITS
    noun = "entry" if counted == 1 else "entries"
    return (
        Hit(
            "/metadata/total",
            f"total is {total}; expected {counted} (results.items has {counted} {noun})",
        ),
    )


@rule("RR303", "Metadata counts do not add up to total", table=RUNS, reads=("results", "metadata"))
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


@rule(
    "RR304",
    "foundations_skipped differs from the skipped foundations",
    table=RUNS,
    reads=("results", "metadata"),
)
def foundations_skipped(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """foundations_skipped summarises results.foundations (M3); it equals the number of
    entries with decision "skipped" (a missing count reads as 0)."""
    results = row.get("results")
    if results is None:
        return NO_HITS
    foundations = results.get("foundations")
    decisions = list(map(_decision_of, foundations)) if foundations else []
    if None in decisions:
        return NO_HITS  # an entry without the assumed decision key (RR316) cannot be counted
    skipped = decisions.count("skipped")
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


@rule(
    "RR305", "Result item outside requested_items", table=RUNS, reads=("requested_items", "results")
)
def items_within_request(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A run restores what was requested (T4): when requested_items is given, every key of
    results.items is one of them."""
    requested = row.get("requested_items")
    if requested is None:
        return NO_HITS
    items = _items(row)
    allowed = set(map(str, requested))
    if allowed.issuperset(items):
        return NO_HITS
    return [
        Hit(f"/results/items/{key}", f"backup item {key} has a result but was not requested")
        for key in items
        if key not in allowed
    ]


@rule("RR306", "Item outcome status outside the vocabulary", table=RUNS, reads=("results",))
def item_status_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Counts, attention and the item table all switch on the outcome status (M4); a value
    outside item_outcome_statuses is counted nowhere."""
    known = ctx.item_statuses
    items = _items(row)
    if known.issuperset(map(_status_of, items.values())):
        return NO_HITS
    return [
        Hit(
            f"/results/items/{key}/status",
            f"status is {show(outcome['status'])}; expected {one_of(known)}",
        )
        for key, outcome in items.items()
        if outcome["status"] is not None and outcome["status"] not in known
    ]


@rule("RR307", "Foundation decision outside the vocabulary", table=RUNS, reads=("results",))
def foundation_decision_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """foundations_skipped and the foundation list switch on the decision (M4); a value
    outside foundation_decisions cannot be shown or counted."""
    results = row.get("results")
    if results is None:
        return NO_HITS
    known = ctx.foundation_decisions
    foundations = results.get("foundations")
    if not foundations or known.issuperset(map(_decision_of, foundations)):
        return NO_HITS
    return [
        Hit(
            f"/results/foundations/{index}/decision",
            f"decision is {show(entry['decision'])}; expected {one_of(known)}",
        )
        for index, entry in enumerate(foundations)
        if entry["decision"] is not None and entry["decision"] not in known
    ]


_INVENTED = "the key is this toolkit's name for it; the truth map does not name it"


@rule("RR314", "Item outcome without a status", table=RUNS, note=_INVENTED, reads=("results",))
def item_status_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Counts, attention and the item table switch on an item outcome's status, a key this
    toolkit assumes the application writes; an item without it cannot be counted (RR302
    then judges only total), and every other rule still runs on the row."""
    items = _items(row)
    if None not in outcome_statuses(items):
        return NO_HITS
    return [
        Hit(f"/results/items/{key}", "item outcome has no status; expected the assumed key status")
        for key, outcome in items.items()
        if outcome["status"] is None
    ]


def _foundations_without(row: Row, key: str) -> Sequence[Hit]:
    results = row.get("results")
    foundations = results.get("foundations") if results is not None else None
    if not foundations:
        return NO_HITS
    return [
        Hit(
            f"/results/foundations/{index}",
            f"foundation entry has no {key}; expected the assumed key {key}",
        )
        for index, entry in enumerate(foundations)
        if entry[key] is None
    ]


@rule("RR315", "Foundation entry without a type", table=RUNS, note=_INVENTED, reads=("results",))
def foundation_type_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The foundation list names each entry by its kind (scope tag, assignment filter), a key
    this toolkit assumes; an entry without it is reported here and nowhere else."""
    return _foundations_without(row, "type")


@rule(
    "RR316", "Foundation entry without a decision", table=RUNS, note=_INVENTED, reads=("results",)
)
def foundation_decision_present(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """foundations_skipped counts the entries whose decision is skipped, a key this toolkit
    assumes; without it the entry cannot be counted (RR304 then stays silent)."""
    return _foundations_without(row, "decision")


@rule("RR308", "Preview action outside the vocabulary", table=RUNS, reads=("preview",))
def preview_action_vocabulary(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The preview surface renders each planned action (M4); a value outside preview_actions
    has no rendering."""
    preview = row.get("preview")
    items = preview.get("items") if preview is not None else None
    known = ctx.preview_actions
    if not items or known.issuperset(map(_action_of, items.values())):
        return NO_HITS
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
    return _bases_for(row["status"], row["is_dry_run"], ctx)


def _bases_for(status: str, dry: bool, ctx: RuleContext) -> tuple[str, ...]:
    if status in _REQUIRED_BASES:
        return _REQUIRED_BASES[status]
    if not dry and ctx.group[status] in _EXECUTED:
        return _BASES
    return ()


@rule(
    "RR309",
    "Basis missing for the run's status",
    table=RUNS,
    when=lambda status, dry, ctx: bool(_bases_for(status, dry, ctx)),
    reads=("status", "is_dry_run", "metadata"),
)
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


@rule("RR310", "Basis without recorded_at", table=RUNS, reads=("metadata",))
def basis_recorded(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """A basis proves when its step happened (M5); without recorded_at the chain's order
    cannot be checked."""
    meta = row.get("metadata") or {}
    return [
        Hit(f"/metadata/{name}/recorded_at", f"{name} has no recorded_at")
        for name in _BASES
        if meta.get(name) is not None and meta[name].get("recorded_at") is None
    ]


@rule("RR311", "Basis chain out of order", table=RUNS, reads=("metadata", "started_at"))
def basis_in_order(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """Scope comes before check, check before preview, and preview before execution starts
    (M5); a later step recorded earlier was decided on a stale basis."""
    meta = row.get("metadata")
    if meta is None:
        return NO_HITS
    zone = ctx.zone
    hits: list[Hit] = []
    before: tuple[str, str] | None = None
    for name in _BASES:
        basis = meta.get(name)
        recorded = basis.get("recorded_at") if basis is not None else None
        if recorded is None:
            continue
        label = f"{name}.recorded_at"
        if before is not None and surely_before(recorded, before[1], zone):
            hits.append(
                Hit(
                    f"/metadata/{name}/recorded_at",
                    f"{label} {shown(recorded, zone)} is before {before[0]} "
                    f"{shown(before[1], zone)}",
                )
            )
        before = (label, recorded)
    started = row.get("started_at")
    if started is not None and before is not None and surely_before(started, before[1], zone):
        hits.append(
            Hit(
                "/started_at",
                f"started_at {shown(started, zone)} is before {before[0]} {shown(before[1], zone)}",
            )
        )
    return hits


@rule(
    "RR312",
    "Executed run without execution_safety_snapshot",
    table=RUNS,
    when=lambda status, dry, ctx: not dry and ctx.group[status] in _EXECUTED,
    reads=("is_dry_run", "status", "metadata"),
)
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


@rule(
    "RR313",
    "Safety snapshot captured after execution started",
    table=RUNS,
    reads=("started_at", "metadata"),
)
def safety_snapshot_before_start(row: Row, ctx: RuleContext) -> Sequence[Hit]:
    """The safety snapshot gates execution (M6), so it is captured no later than started_at."""
    started = row.get("started_at")
    snapshot = (row.get("metadata") or {}).get("execution_safety_snapshot") or {}
    captured = snapshot.get("captured_at")
    zone = ctx.zone
    if started is None or captured is None or not surely_before(started, captured, zone):
        return NO_HITS
    return (
        Hit(
            "/metadata/execution_safety_snapshot/captured_at",
            f"captured_at {shown(captured, zone)} is after started_at {shown(started, zone)}",
        ),
    )


__all__ = (
    "basis_in_order",
    "basis_present",
    "basis_recorded",
    "counts_add_up",
    "counts_match_items",
    "counts_present",
    "foundation_decision_present",
    "foundation_decision_vocabulary",
    "foundation_type_present",
    "foundations_skipped",
    "item_status_present",
    "item_status_vocabulary",
    "items_within_request",
    "preview_action_vocabulary",
    "required_bases",
    "safety_snapshot_before_start",
    "safety_snapshot_present",
)
