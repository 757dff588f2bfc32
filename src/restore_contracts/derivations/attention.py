"""Attention: the reference derivation of RestoreResultAttention from a persisted run.

The contract's six fields are repo-verified; this derivation is the toolkit's
reading of ``RestoreSafetyResolver::resultAttentionForRun`` and is labelled
assumed. Each field has one rule table built from the configuration, and
nothing the functions return comes from anywhere else: ``derivations``
prints exactly what runs. Whatever the state, execution alone never claims
recovery.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from restore_contracts.config import Assumptions, AttentionChoice, CausePattern
from restore_contracts.contracts.attention import AttentionState, RestoreResultAttention
from restore_contracts.contracts.restore_run import RestoreRun
from restore_contracts.contracts.status import RestoreRunStatus, StatusGroup, group_of
from restore_contracts.derivations._table import Decided, TableRow
from restore_contracts.derivations.counts import OutcomeCounts, outcome_counts
from restore_contracts.provenance import Provenance

St = AttentionState
A = Provenance.ASSUMED

STATE_TABLE = "attention_state"
TONE_TABLE = "attention_tone"
NEXT_ACTION_TABLE = "attention_next_action"
SUMMARY_TABLE = "attention_summary"
CAUSE_TABLE = "attention_cause_family"
BOUNDARY_TABLE = "attention_recovery_claim_boundary"

FIELD_TABLES = {
    "state": STATE_TABLE,
    "summary": SUMMARY_TABLE,
    "primary_next_action": NEXT_ACTION_TABLE,
    "primary_cause_family": CAUSE_TABLE,
    "recovery_claim_boundary": BOUNDARY_TABLE,
    "tone": TONE_TABLE,
}
"""Attention field -> the table that decides it."""


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[CausePattern, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p.pattern, re.I) for p in patterns)


def _choose(choice: AttentionChoice, counts: OutcomeCounts) -> tuple[AttentionState, bool]:
    if choice.when == "always":
        return choice.then, True
    holds = counts.clean if choice.when == "clean" else counts.applied > 0
    if holds:
        return choice.then, True
    assert choice.otherwise is not None  # guaranteed by AttentionChoice's validator
    return choice.otherwise, False


def decide_attention_state(run: RestoreRun, assumptions: Assumptions) -> Decided[AttentionState]:
    """The attention state and the row of the attention_state table that gave it."""
    if run.is_dry_run:
        return Decided(assumptions.dry_run_attention_state, "A2")
    effective = assumptions.effective_status(run.status)
    via = ("A1",) if effective is not run.status else ()
    if group_of(effective) is not StatusGroup.TERMINAL:
        return Decided(assumptions.unfinished_attention_state, "A3", via)
    choice = assumptions.attention_by_status[effective]
    state, held = _choose(choice, outcome_counts(run, assumptions))
    row = f"A.{effective.value}" + ("" if held else "'")
    return Decided(state, row, via)


def derive_attention_state(run: RestoreRun, assumptions: Assumptions) -> AttentionState:
    """The attention state alone (see :func:`attention_tables` for the rules)."""
    return decide_attention_state(run, assumptions).value


def attention_case(run: RestoreRun, state: AttentionState, assumptions: Assumptions) -> str:
    """What next action and summary switch on: the state, or why a run is not executed."""
    if state is not St.NOT_EXECUTED:
        return state.value
    if run.is_dry_run:
        return "dry_run"
    group = group_of(assumptions.effective_status(run.status))
    if group is StatusGroup.PRE_EXECUTION:
        return "pre_execution"
    if group is StatusGroup.EXECUTION:
        return "execution"
    return "ended"


def classify_message(text: str | None, assumptions: Assumptions) -> Decided[str] | None:
    """The cause family a failure message points at and the message row that matched."""
    if not text:
        return None
    patterns = assumptions.cause_by_message
    for index, compiled in enumerate(_compiled(patterns), start=1):
        if compiled.search(text):
            return Decided(patterns[index - 1].family, f"M{index}")
    return None


def classify_cause(text: str | None, assumptions: Assumptions) -> str | None:
    """The cause family a failure message points at, if any pattern matches."""
    found = classify_message(text, assumptions)
    return found.value if found else None


def _item_cause(run: RestoreRun, assumptions: Assumptions) -> Decided[str] | None:
    """The most common cause among items with a cause status (ties: alphabetical)."""
    if run.results is None:
        return None
    wanted = assumptions.cause_item_statuses
    unclassified = assumptions.cause_family_by_case["unclassified"]
    causes: Counter[str] = Counter()
    rows: dict[str, set[str]] = {}
    for outcome in run.results.items.values():
        if outcome.status not in wanted:
            continue
        family = assumptions.cause_by_http_status.get(outcome.http_status or 0)
        row = f"H.{outcome.http_status}"
        if family is None:
            found = classify_message(outcome.reason, assumptions)
            family, row = (found.value, found.rule) if found else (unclassified, "F4")
        causes[family] += 1
        rows.setdefault(family, set()).add(row)
    if not causes:
        return None
    family = min(causes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return Decided(family, "F4", tuple(sorted(rows[family])))


def decide_cause_family(
    run: RestoreRun, state: AttentionState, counts: OutcomeCounts, assumptions: Assumptions
) -> Decided[str]:
    """primary_cause_family and the row of the cause table that gave it."""
    by_case = assumptions.cause_family_by_case
    cancelled = not run.is_dry_run and (
        assumptions.effective_status(run.status) is RestoreRunStatus.CANCELLED
    )
    if state is St.COMPLETED:
        return Decided(by_case["completed"], "F1")
    if state is St.NOT_EXECUTED:
        if cancelled:
            return Decided(by_case["cancelled"], "F2")
        return Decided(by_case["not_executed"], "F3")
    item = _item_cause(run, assumptions)
    if item is not None:
        return item
    if state is St.FAILED:
        found = classify_message(run.failure_reason, assumptions)
        if found is not None:
            return Decided(found.value, "F5", (found.rule,))
        return Decided(by_case["unclassified"], "F6")
    if cancelled:
        return Decided(by_case["cancelled"], "F7")
    if counts.skipped or counts.non_applied:
        return Decided(by_case["skipped_items"], "F8")
    if counts.foundations_skipped:
        return Decided(by_case["foundation_skipped"], "F9")
    return Decided(by_case["unclassified"], "F10")


def _summary(
    run: RestoreRun, case: str, counts: OutcomeCounts, assumptions: Assumptions
) -> Decided[str]:
    template = assumptions.summary_by_case[case]
    text = template.format(
        applied=counts.applied,
        total=counts.total,
        failed=counts.failed,
        follow_up=counts.needing_review + counts.foundations_skipped,
        status=run.status.value,
        reason=f" {run.failure_reason}" if run.failure_reason else "",
    )
    return Decided(text.rstrip(), f"S.{case}")


def decide_attention(run: RestoreRun, assumptions: Assumptions) -> dict[str, Decided[str]]:
    """Every attention field with the row that decided it, in contract order."""
    decided_state = decide_attention_state(run, assumptions)
    state = decided_state.value
    counts = outcome_counts(run, assumptions)
    case = attention_case(run, state, assumptions)
    boundary = "not_executed" if state is St.NOT_EXECUTED else "executed"
    return {
        "state": Decided(state.value, decided_state.rule, decided_state.via),
        "summary": _summary(run, case, counts, assumptions),
        "primary_next_action": Decided(assumptions.next_action_by_case[case], f"N.{case}"),
        "primary_cause_family": decide_cause_family(run, state, counts, assumptions),
        "recovery_claim_boundary": Decided(
            assumptions.recovery_claim_boundary_by_case[boundary], f"B.{boundary}"
        ),
        "tone": Decided(assumptions.tones[state], f"T.{state.value}"),
    }


def derive_attention(run: RestoreRun, assumptions: Assumptions) -> RestoreResultAttention:
    """All six fields of the attention contract for a persisted run."""
    fields = decide_attention(run, assumptions)
    return RestoreResultAttention.model_validate({k: d.value for k, d in fields.items()})


def _state_table(assumptions: Assumptions) -> list[TableRow]:
    rows = [
        TableRow(
            "A1",
            "legacy status: resolve through legacy_mapping ("
            + ", ".join(f"{k.value} -> {v.value}" for k, v in assumptions.legacy_mapping.items())
            + ")",
            "(continue with the resolved status)",
            A,
        ),
        TableRow("A2", "is_dry_run", assumptions.dry_run_attention_state.value, A),
        TableRow(
            "A3",
            "status is pre-execution or execution",
            assumptions.unfinished_attention_state.value,
            A,
        ),
    ]
    for status, choice in assumptions.attention_by_status.items():
        key = f"A.{status.value}"
        if choice.when == "always":
            rows.append(TableRow(key, f"status = {status.value}", choice.then.value, A))
            continue
        test = (
            "nothing failed/partial/skipped/non_applied and no foundation skipped"
            if choice.when == "clean"
            else "at least one item applied (succeeded or partial)"
        )
        other = choice.otherwise.value if choice.otherwise else ""
        rows.append(TableRow(key, f"status = {status.value} and {test}", choice.then.value, A))
        rows.append(TableRow(f"{key}'", f"status = {status.value} otherwise", other, A))
    return rows


_CASE_TEXT = {
    "dry_run": "state not_executed, is_dry_run",
    "pre_execution": "state not_executed, status pre-execution",
    "execution": "state not_executed, status queued or running",
    "ended": "state not_executed, execution ended without applying anything",
}


def _case_text(case: str) -> str:
    return _CASE_TEXT.get(case, f"state = {case}")


def _cause_table(assumptions: Assumptions) -> list[TableRow]:
    by_case = assumptions.cause_family_by_case
    item_statuses = ", ".join(assumptions.cause_item_statuses)
    rows = [
        TableRow("F1", "state = completed", by_case["completed"], A),
        TableRow(
            "F2", "state = not_executed and (not dry) status cancelled", by_case["cancelled"], A
        ),
        TableRow("F3", "state = not_executed otherwise", by_case["not_executed"], A),
        TableRow(
            "F4",
            f"items with status in ({item_statuses}): each classified by the H rows (its "
            "http_status), else the M rows (its reason), else unclassified; the most common "
            "family wins, ties alphabetical",
            f"(that family; unclassified = {by_case['unclassified']})",
            A,
        ),
        TableRow("F5", "state = failed and failure_reason matches an M row", "(that family)", A),
        TableRow("F6", "state = failed otherwise", by_case["unclassified"], A),
        TableRow("F7", "status cancelled (not dry)", by_case["cancelled"], A),
        TableRow("F8", "skipped or non_applied items", by_case["skipped_items"], A),
        TableRow("F9", "foundations skipped", by_case["foundation_skipped"], A),
        TableRow("F10", "otherwise", by_case["unclassified"], A),
    ]
    for code, family in sorted(assumptions.cause_by_http_status.items()):
        rows.append(TableRow(f"H.{code}", f"item http_status = {code}", family, A))
    for index, pattern in enumerate(assumptions.cause_by_message, start=1):
        rows.append(
            TableRow(f"M{index}", f"message matches /{pattern.pattern}/i", pattern.family, A)
        )
    return rows


def attention_tables(assumptions: Assumptions) -> dict[str, list[TableRow]]:
    """The rule table of every attention field, by table name, as they execute."""
    placeholders = "placeholders: {applied} {total} {failed} {follow_up} {status} {reason}"
    boundary = assumptions.recovery_claim_boundary_by_case
    return {
        STATE_TABLE: _state_table(assumptions),
        SUMMARY_TABLE: [
            TableRow(f"S.{case}", _case_text(case), template, A, note=placeholders)
            for case, template in assumptions.summary_by_case.items()
        ],
        NEXT_ACTION_TABLE: [
            TableRow(f"N.{case}", _case_text(case), action, A)
            for case, action in assumptions.next_action_by_case.items()
        ],
        CAUSE_TABLE: _cause_table(assumptions),
        BOUNDARY_TABLE: [
            TableRow(
                "B.not_executed",
                "state = not_executed",
                boundary["not_executed"],
                A,
                note="'completed != recovery proven' is repo-verified; the values are assumed",
            ),
            TableRow(
                "B.executed",
                "any other state",
                boundary["executed"],
                A,
                note="'completed != recovery proven' is repo-verified; the values are assumed",
            ),
        ],
        TONE_TABLE: [
            TableRow(f"T.{state.value}", f"state = {state.value}", tone, A)
            for state, tone in assumptions.tones.items()
        ],
    }


def attention_table(assumptions: Assumptions) -> list[TableRow]:
    """The rule table of :func:`derive_attention_state`, in evaluation order."""
    return _state_table(assumptions)


__all__ = (
    "BOUNDARY_TABLE",
    "CAUSE_TABLE",
    "FIELD_TABLES",
    "NEXT_ACTION_TABLE",
    "STATE_TABLE",
    "SUMMARY_TABLE",
    "TONE_TABLE",
    "attention_case",
    "attention_table",
    "attention_tables",
    "classify_cause",
    "classify_message",
    "decide_attention",
    "decide_attention_state",
    "decide_cause_family",
    "derive_attention",
    "derive_attention_state",
)
