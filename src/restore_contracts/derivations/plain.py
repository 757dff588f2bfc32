"""The derivation tables evaluated on a row as the validation engine reads it.

The truth report counts, for every restore run, the row of each derivation table that decided
it. Building the contract models for that costs several times more than the checks of the
same run; the tables are data, so they are evaluated here on the plain row the engine
already holds (decoded by the fast path or read by the record path: the values the model
holds, timestamps as canonical UTC text, columns that could not be read absent). The model
functions (:func:`restore_contracts.derivations.decide_view`) stay the reference: the tests
compare both, table by table, on generated worlds and every mutation, so they cannot drift
(tests/truth/test_plain_derivations.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts.attention import AttentionState
from restore_contracts.contracts.evidence_snapshot import EvidenceSnapshot
from restore_contracts.contracts.proof import EvidenceState, OperationRunProofState
from restore_contracts.contracts.status import RestoreRunStatus, StatusGroup, group_of
from restore_contracts.derivations._table import Decided
from restore_contracts.derivations.attention import (
    BOUNDARY_TABLE,
    CAUSE_TABLE,
    NEXT_ACTION_TABLE,
    STATE_TABLE,
    SUMMARY_TABLE,
    TONE_TABLE,
    classify_message,
)
from restore_contracts.derivations.counts import OutcomeCounts
from restore_contracts.derivations.evidence import decide_evidence_state, select_snapshot

Plain = tuple[str, Any, str, tuple[str, ...]]
"""(table, value, deciding row, rows that fed it): one derivation table's answer for a run;
enum values as their text, the counts as :class:`OutcomeCounts`."""

Row = dict[str, Any]
St = AttentionState
Counts = tuple[int, int, int, int, int, int, int]
"""total, succeeded, failed, skipped, partial, non_applied, foundations_skipped."""
_NO_COUNTS: Counts = (0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class _Case:
    """What a run's status and is_dry_run decide alone (computed once per case)."""

    status: str
    decision: tuple[str, str]
    effective: RestoreRunStatus
    when: str
    """``fixed`` when the attention state does not depend on the counts, else the terminal
    status's test (``always``, ``clean``, ``applied``; ``missing`` when the configuration
    has none for it: deriving a run of it fails as the model derivation does)."""
    then: tuple[AttentionState, str, str]
    """The state when the test holds (or the fixed state): the state, its text, its row."""
    otherwise: tuple[AttentionState, str, str] | None
    """The state when the test does not hold, its text, its row."""
    via: tuple[str, ...]
    cancelled: bool
    unfinished_case: str
    """The attention case when the state is not_executed."""


def _choose(case: _Case, counts: Counts) -> tuple[AttentionState, str, str]:
    """The attention state of a run, its text and its row (the model derivation's
    ``_choose`` for a terminal status, on the counts as a tuple)."""
    when = case.when
    if when == "fixed" or when == "always":
        return case.then
    if when == "missing":
        raise KeyError(case.effective)
    if when == "clean":
        holds = not (counts[2] or counts[4] or counts[3] or counts[5] or counts[6])
    else:
        holds = counts[1] + counts[4] > 0
    if holds:
        return case.then
    assert case.otherwise is not None  # guaranteed by AttentionChoice's validator
    return case.otherwise


def _state(state: AttentionState, rule: str) -> tuple[AttentionState, str, str]:
    return state, state.value, rule


CLASSIFIED = 4096
"""Distinct failure messages whose cause family is remembered."""

_P = OperationRunProofState
_NOT_LINKED = (_P.NOT_LINKED.value, "P1")
_UNRESOLVED = (_P.UNRESOLVED.value, "P2")
_UNKNOWN = (_P.UNKNOWN.value, "P3")
_IN_PROGRESS = (_P.IN_PROGRESS.value, "P4")
_UNRECOGNISED = (_P.UNRECOGNISED.value, "P5")


class PlainDeriver:
    """Every derivation of a restore run from its plain row (see the module docstring)."""

    def __init__(self, assumptions: Assumptions) -> None:
        a = assumptions
        self.assumptions = a
        self.cases: dict[tuple[str, bool], _Case] = {}
        for status in RestoreRunStatus:
            for dry in (False, True):
                self.cases[status.value, dry] = self._case(status, dry)
        self.count_by_status = a.count_by_item_status
        self.skipped_decision = a.skipped_foundation_decision
        self.cause_statuses = frozenset(a.cause_item_statuses)
        self.classified: dict[str | None, Decided[str] | None] = {}
        """Message -> the message row it matched (failure messages repeat; bounded)."""

    def classify(self, text: str | None) -> Decided[str] | None:
        """:func:`classify_message`, remembered for up to ``CLASSIFIED`` messages."""
        try:
            return self.classified[text]
        except KeyError:
            pass
        found = classify_message(text, self.assumptions)
        if len(self.classified) >= CLASSIFIED:
            self.classified.clear()
        self.classified[text] = found
        return found

    def _case(self, status: RestoreRunStatus, dry: bool) -> _Case:
        a = self.assumptions
        decision = (
            (a.dry_run_decision_state.value, "D1")
            if dry
            else (a.decision_of(status).value, f"D.{status.value}")
        )
        effective = a.effective_status(status)
        group = group_of(effective)
        unfinished = (
            "dry_run"
            if dry
            else "pre_execution"
            if group is StatusGroup.PRE_EXECUTION
            else "execution"
            if group is StatusGroup.EXECUTION
            else "ended"
        )
        via: tuple[str, ...] = ()
        when = "fixed"
        otherwise: tuple[AttentionState, str, str] | None = None
        if dry:
            then = _state(a.dry_run_attention_state, "A2")
        else:
            via = ("A1",) if effective is not status else ()
            if group is not StatusGroup.TERMINAL:
                then = _state(a.unfinished_attention_state, "A3")
            elif (choice := a.attention_by_status.get(effective)) is None:
                when = "missing"
                then = _state(a.unfinished_attention_state, "")
            else:
                when = choice.when
                then = _state(choice.then, f"A.{effective.value}")
                if choice.otherwise is not None:
                    otherwise = _state(choice.otherwise, f"A.{effective.value}'")
        return _Case(
            status=status.value,
            decision=decision,
            effective=effective,
            when=when,
            then=then,
            otherwise=otherwise,
            via=via,
            cancelled=not dry and effective is RestoreRunStatus.CANCELLED,
            unfinished_case=unfinished,
        )

    def counts(self, row: Row) -> tuple[Counts, str]:
        """The outcome counts (the fields of :class:`OutcomeCounts`, in order) and the row of
        the counts table that gave them."""
        meta = row.get("metadata")
        total = meta.get("total") if meta is not None else None
        if total is not None:
            assert meta is not None
            get = meta.get
            return (
                total,
                get("succeeded") or 0,
                get("failed") or 0,
                get("skipped") or 0,
                get("partial") or 0,
                get("non_applied") or 0,
                get("foundations_skipped") or 0,
            ), "C1"
        results = row.get("results")
        if results is None:
            return _NO_COUNTS, "C2"
        items = results.get("items") or {}
        by_status = self.count_by_status
        keys = [by_status.get(outcome.get("status")) for outcome in items.values()]
        skipped = self.skipped_decision
        foundations = [entry.get("decision") for entry in results.get("foundations") or ()]
        return (
            len(items),
            keys.count("succeeded"),
            keys.count("failed"),
            keys.count("skipped"),
            keys.count("partial"),
            keys.count("non_applied"),
            foundations.count(skipped),
        ), "C2"

    def _item_cause(self, row: Row) -> tuple[str, str, tuple[str, ...]] | None:
        """The most common cause among items with a cause status (ties: alphabetical)."""
        results = row.get("results")
        if results is None:
            return None
        a = self.assumptions
        wanted = self.cause_statuses
        unclassified = a.cause_family_by_case["unclassified"]
        by_http = a.cause_by_http_status
        causes: Counter[str] = Counter()
        rows: dict[str, set[str]] = {}
        for outcome in (results.get("items") or {}).values():
            if outcome.get("status") not in wanted:
                continue
            http = outcome.get("http_status")
            family = by_http.get(http or 0)
            used = f"H.{http}"
            if family is None:
                found = self.classify(outcome.get("reason"))
                family, used = (found.value, found.rule) if found else (unclassified, "F4")
            causes[family] += 1
            rows.setdefault(family, set()).add(used)
        if not causes:
            return None
        family = min(causes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return family, "F4", tuple(sorted(rows[family]))

    def _cause(
        self, row: Row, case: _Case, state: AttentionState, counts: Counts
    ) -> tuple[str, str, tuple[str, ...]]:
        by_case = self.assumptions.cause_family_by_case
        if state is St.COMPLETED:
            return by_case["completed"], "F1", ()
        if state is St.NOT_EXECUTED:
            if case.cancelled:
                return by_case["cancelled"], "F2", ()
            return by_case["not_executed"], "F3", ()
        item = self._item_cause(row)
        if item is not None:
            return item
        if state is St.FAILED:
            found = self.classify(row.get("failure_reason"))
            if found is not None:
                return found.value, "F5", (found.rule,)
            return by_case["unclassified"], "F6", ()
        if case.cancelled:
            return by_case["cancelled"], "F7", ()
        if counts[3] or counts[5]:
            return by_case["skipped_items"], "F8", ()
        if counts[6]:
            return by_case["foundation_skipped"], "F9", ()
        return by_case["unclassified"], "F10", ()

    def proof(
        self, row: Row, operation_run: tuple[Any, Any] | None, *, looked_up: bool
    ) -> tuple[str, str]:
        """The operation-run proof state and its row; ``operation_run`` is the linked run's
        (status, outcome), None when not found."""
        if row.get("operation_run_id") is None:
            return _NOT_LINKED
        if operation_run is None:
            return _UNRESOLVED if looked_up else _UNKNOWN
        a = self.assumptions
        status, outcome = operation_run
        if status != a.operation_run_completed_status:
            if status in a.operation_run_statuses:
                return _IN_PROGRESS
            return _UNRECOGNISED
        state = a.proof_by_outcome.get(outcome)
        if state is None:
            return _UNRECOGNISED
        return state.value, f"P.{outcome}"

    def evidence(
        self, row: Row, snapshots: Sequence[EvidenceSnapshot], policy: EvidencePolicy
    ) -> tuple[str, str, tuple[str, ...]]:
        """The evidence state under ``policy``, its row and the selection row (E2)."""
        op_id = row.get("operation_run_id")
        if op_id is None:
            return EvidenceState.NO_OPERATION_RUN.value, "E1", ()
        linked = [s for s in snapshots if s.operation_run_id == op_id]
        chosen = select_snapshot(linked, policy, self.assumptions)
        decided = decide_evidence_state(chosen, self.assumptions)
        return decided.value.value, decided.rule, ("E2",)

    def _core(
        self,
        row: Row,
        operation_run: tuple[Any, Any] | None,
        snapshots: Sequence[EvidenceSnapshot] | None,
        policy: EvidencePolicy,
        looked_up: bool,
    ) -> tuple[Any, ...]:
        """What both :meth:`decide` and :meth:`signature` are made of."""
        case = self.cases[row["status"], row["is_dry_run"]]
        counts, counts_rule = self.counts(row)
        state, text, state_rule = _choose(case, counts)
        attention_case = text if state is not St.NOT_EXECUTED else case.unfinished_case
        return (
            case,
            counts,
            counts_rule,
            state,
            text,
            state_rule,
            attention_case,
            self._cause(row, case, state, counts),
            self.proof(row, operation_run, looked_up=looked_up),
            self.evidence(row, snapshots, policy) if snapshots is not None else None,
        )

    def signature(
        self,
        row: Row,
        operation_run: tuple[Any, Any] | None,
        snapshots: Sequence[EvidenceSnapshot] | None,
        policy: EvidencePolicy,
        *,
        looked_up: bool = True,
    ) -> tuple[str, str, str, str | None, tuple[Any, ...]]:
        """What the truth report counts of one run: its decision, attention, proof and
        evidence states (None without ``snapshots``), and the rows that decided each table
        (``rule, via`` per table of :data:`TABLES`, as :meth:`decide` lists them): runs
        with the same rows count together."""
        case, _, counts_rule, state, text, state_rule, attention_case, cause, proof, evidence = (
            self._core(row, operation_run, snapshots, policy, looked_up)
        )
        boundary = "B.not_executed" if state is St.NOT_EXECUTED else "B.executed"
        rows: tuple[Any, ...] = (
            case.decision[1],
            (),
            counts_rule,
            (),
            state_rule,
            case.via,
            f"S.{attention_case}",
            (),
            f"N.{attention_case}",
            (),
            cause[1],
            cause[2],
            boundary,
            (),
            f"T.{text}",
            (),
            proof[1],
            (),
        )
        if evidence is None:
            return case.decision[0], text, proof[0], None, rows
        return case.decision[0], text, proof[0], evidence[0], (*rows, *evidence[1:])

    def decide(
        self,
        row: Row,
        operation_run: tuple[Any, Any] | None,
        snapshots: Sequence[EvidenceSnapshot] | None,
        policy: EvidencePolicy,
        *,
        looked_up: bool = True,
    ) -> list[Plain]:
        """Every table's answer for one run, in the order :func:`decide_view` derives them
        (evidence under ``policy``, only when ``snapshots`` is not None)."""
        a = self.assumptions
        (
            case,
            counts,
            counts_rule,
            state,
            text,
            state_rule,
            attention_case,
            cause,
            proof,
            evidence,
        ) = self._core(row, operation_run, snapshots, policy, looked_up)
        boundary = "not_executed" if state is St.NOT_EXECUTED else "executed"
        reason = row.get("failure_reason")
        summary = a.summary_by_case[attention_case].format(
            applied=counts[1] + counts[4],
            total=counts[0],
            failed=counts[2],
            follow_up=sum(counts[2:]),
            status=case.status,
            reason=f" {reason}" if reason else "",
        )
        decision, decision_rule = case.decision
        decided: list[Plain] = [
            ("decision_state", decision, decision_rule, ()),
            ("counts", OutcomeCounts(*counts), counts_rule, ()),
            (STATE_TABLE, text, state_rule, case.via),
            (SUMMARY_TABLE, summary.rstrip(), f"S.{attention_case}", ()),
            (
                NEXT_ACTION_TABLE,
                a.next_action_by_case[attention_case],
                f"N.{attention_case}",
                (),
            ),
            (CAUSE_TABLE, *cause),
            (
                BOUNDARY_TABLE,
                a.recovery_claim_boundary_by_case[boundary],
                f"B.{boundary}",
                (),
            ),
            (TONE_TABLE, a.tones[state], f"T.{text}", ()),
            ("operation_run_proof", *proof, ()),
        ]
        if evidence is not None:
            decided.append(("evidence", *evidence))
        return decided


TABLES = (
    "decision_state",
    "counts",
    STATE_TABLE,
    SUMMARY_TABLE,
    NEXT_ACTION_TABLE,
    CAUSE_TABLE,
    BOUNDARY_TABLE,
    TONE_TABLE,
    "operation_run_proof",
    "evidence",
)
"""The tables of a run's answers, in the order :meth:`PlainDeriver.decide` lists them and
:meth:`PlainDeriver.signature` gives their rows."""


__all__ = ("TABLES", "Plain", "PlainDeriver")
