"""Attention: the reference derivation of RestoreResultAttention from a persisted run.

The contract is repo-verified; this derivation is the toolkit's reading of
``RestoreSafetyResolver::resultAttentionForRun`` and is labelled assumed. It
is one table: legacy statuses resolve first, dry and unfinished runs are not
executed, and each terminal status has one configurable choice. Whatever the
state, execution alone never claims recovery.
"""

from __future__ import annotations

import re
from collections import Counter

from restore_contracts.config import Assumptions, AttentionChoice
from restore_contracts.contracts.attention import AttentionState, RestoreResultAttention
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.contracts.status import RestoreRunStatus, StatusGroup, group_of
from restore_contracts.derivations._table import TableRow
from restore_contracts.derivations.counts import OutcomeCounts, outcome_counts
from restore_contracts.provenance import Provenance

St = AttentionState
NO_EXECUTION = "no_execution"
EXECUTION_ONLY = "execution_only_not_recovery_proven"

_CAUSE_BY_HTTP: dict[int, str] = {
    400: "validation",
    403: "permission",
    404: "not_found",
    408: "timeout",
    429: "throttling",
    504: "timeout",
}
_CAUSE_BY_TEXT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b403\b|forbidden|permission|unauthori[sz]ed", re.I), "permission"),
    (re.compile(r"\b429\b|throttl|too many requests", re.I), "throttling"),
    (re.compile(r"\b404\b|not found", re.I), "not_found"),
    (re.compile(r"\b400\b|bad request|invalid", re.I), "validation"),
    (re.compile(r"time[d ]?out|\b408\b|\b504\b", re.I), "timeout"),
    (re.compile(r"foundation", re.I), "foundation"),
)


def _choose(choice: AttentionChoice, counts: OutcomeCounts) -> AttentionState:
    if choice.when == "always":
        return choice.then
    holds = counts.clean if choice.when == "clean" else counts.applied > 0
    if holds:
        return choice.then
    assert choice.otherwise is not None  # guaranteed by AttentionChoice's validator
    return choice.otherwise


def derive_attention_state(run: RestoreRun, assumptions: Assumptions) -> AttentionState:
    """The attention state alone (see :func:`attention_table` for the rules)."""
    effective = assumptions.effective_status(run.status)
    if run.is_dry_run or group_of(effective) is not StatusGroup.TERMINAL:
        return St.NOT_EXECUTED
    choice = assumptions.attention_by_status.get(effective)
    if choice is None:
        return St.NOT_EXECUTED
    return _choose(choice, outcome_counts(run))


def classify_cause(text: str | None) -> str | None:
    """The cause family a failure message points at, if any pattern matches."""
    if not text:
        return None
    for pattern, family in _CAUSE_BY_TEXT:
        if pattern.search(text):
            return family
    return None


def _item_cause(run: RestoreRun) -> str | None:
    """The most common cause among failed or partial items (ties: alphabetical)."""
    if run.results is None:
        return None
    causes: Counter[str] = Counter()
    for outcome in run.results.items.values():
        if outcome.status not in ("failed", "partial"):
            continue
        family = _CAUSE_BY_HTTP.get(outcome.http_status or 0) or classify_cause(outcome.reason)
        causes[family or "unknown"] += 1
    if not causes:
        return None
    return min(causes.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _cause_family(
    run: RestoreRun, state: AttentionState, counts: OutcomeCounts, assumptions: Assumptions
) -> str:
    if state is St.COMPLETED:
        return "none"
    cancelled = not run.is_dry_run and (
        assumptions.effective_status(run.status) is RestoreRunStatus.CANCELLED
    )
    if state is St.NOT_EXECUTED:
        return "cancelled" if cancelled else "not_executed"
    cause = _item_cause(run)
    if cause is not None:
        return cause
    if state is St.FAILED:
        return classify_cause(run.failure_reason) or "unknown"
    if cancelled:
        return "cancelled"
    if counts.skipped or counts.non_applied:
        return "skipped_items"
    if counts.foundations_skipped:
        return "foundation"
    return "unknown"


def _next_action(run: RestoreRun, state: AttentionState, assumptions: Assumptions) -> str:
    if state is St.NOT_EXECUTED:
        if run.is_dry_run:
            return "review_preview"
        if group_of(assumptions.effective_status(run.status)) is StatusGroup.EXECUTION:
            return "wait_for_execution"
        return "start_restore"
    return {
        St.COMPLETED: "verify_tenant_state",
        St.COMPLETED_WITH_FOLLOW_UP: "review_follow_up_items",
        St.PARTIAL: "review_item_failures",
        St.FAILED: "review_failure",
    }[state]


def _summary(run: RestoreRun, state: AttentionState, counts: OutcomeCounts) -> str:
    applied = f"{counts.applied} of {counts.total} items applied"
    if state is St.NOT_EXECUTED:
        if run.is_dry_run:
            return "Preview only: no changes were applied."
        group = group_of(run.status)
        if group is StatusGroup.EXECUTION:
            return f"Restore is {run.status.value}; no result yet."
        if group is StatusGroup.PRE_EXECUTION:
            return f"Restore has not been executed (status {run.status.value})."
        return "Restore was cancelled before any item was applied."
    if state is St.COMPLETED:
        return f"Restore completed: {applied}."
    if state is St.COMPLETED_WITH_FOLLOW_UP:
        follow = counts.needing_review + counts.foundations_skipped
        return f"Restore completed with follow-up: {applied}, {follow} to review."
    if state is St.PARTIAL:
        return f"Restore partially applied: {applied}, {counts.failed} failed."
    reason = f" {run.failure_reason}" if run.failure_reason else ""
    return f"Restore failed: {applied}.{reason}".rstrip()


def derive_attention(run: RestoreRun, assumptions: Assumptions) -> RestoreResultAttention:
    """All six fields of the attention contract for a persisted run."""
    state = derive_attention_state(run, assumptions)
    counts = outcome_counts(run)
    return RestoreResultAttention(
        state=state,
        summary=_summary(run, state, counts),
        primary_next_action=_next_action(run, state, assumptions),
        primary_cause_family=_cause_family(run, state, counts, assumptions),
        recovery_claim_boundary=NO_EXECUTION if state is St.NOT_EXECUTED else EXECUTION_ONLY,
        tone=assumptions.tones[state],
    )


def attention_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_attention_state`, in evaluation order."""
    a = Provenance.ASSUMED
    rows = [
        TableRow(
            "A1",
            "legacy status: resolve through legacy_mapping ("
            + ", ".join(f"{k.value} -> {v.value}" for k, v in assumptions.legacy_mapping.items())
            + ")",
            "(continue with the resolved status)",
            a,
        ),
        TableRow("A2", "is_dry_run", St.NOT_EXECUTED.value, a),
        TableRow("A3", "status is pre-execution or execution", St.NOT_EXECUTED.value, a),
    ]
    for index, (status, choice) in enumerate(assumptions.attention_by_status.items(), start=4):
        if choice.when == "always":
            rows.append(TableRow(f"A{index}", f"status = {status.value}", choice.then.value, a))
            continue
        test = (
            "nothing failed/partial/skipped/non_applied and no foundation skipped"
            if choice.when == "clean"
            else "at least one item applied (succeeded or partial)"
        )
        other = choice.otherwise.value if choice.otherwise else ""
        rows.append(
            TableRow(f"A{index}", f"status = {status.value} and {test}", choice.then.value, a)
        )
        rows.append(TableRow(f"A{index}'", f"status = {status.value} otherwise", other, a))
    rows.append(
        TableRow(
            f"A{len(rows) + 1}",
            "any state",
            f"tone by state ({', '.join(f'{k.value}={v}' for k, v in assumptions.tones.items())});"
            " recovery_claim_boundary never claims recovery",
            a,
        )
    )
    return rows


__all__ = (
    "EXECUTION_ONLY",
    "NO_EXECUTION",
    "attention_table",
    "classify_cause",
    "derive_attention",
    "derive_attention_state",
)
