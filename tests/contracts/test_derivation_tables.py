"""Every value a derivation gives comes from a printed table row, under any configuration."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pytest

from restore_contracts.config import (
    ATTENTION_CASES,
    CAUSE_CASES,
    DEFAULT_CAUSE_BY_HTTP_STATUS,
    DEFAULT_NEXT_ACTION_BY_CASE,
    Assumptions,
    build_assumptions,
)
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun
from restore_contracts.contracts.attention import CAUSE_FAMILIES, NEXT_ACTIONS, TONES
from restore_contracts.derivations import (
    FIELD_TABLES,
    TABLE_KEYS,
    Decided,
    OutcomeCounts,
    TableRow,
    decide_view,
    derivation_tables,
)
from restore_contracts.generators import build_coverage

RENAMED: dict[str, Any] = {
    "next_actions": [f"act_{c}" for c in ATTENTION_CASES],
    "next_action_by_case": {c: f"act_{c}" for c in ATTENTION_CASES},
    "cause_families": [f"cause_{c}" for c in CAUSE_CASES] + ["cause_http", "cause_text"],
    "cause_family_by_case": {c: f"cause_{c}" for c in CAUSE_CASES},
    "cause_by_http_status": {str(code): "cause_http" for code in DEFAULT_CAUSE_BY_HTTP_STATUS},
    "cause_by_message": [{"pattern": "e", "family": "cause_text"}],
    "tone_vocabulary": ["t_gray", "t_green", "t_amber", "t_red"],
    "tones": {
        "not_executed": "t_gray",
        "completed": "t_green",
        "completed_with_follow_up": "t_amber",
        "partial": "t_amber",
        "failed": "t_red",
    },
    "recovery_claim_boundaries": ["b_none", "b_exec"],
    "recovery_claim_boundary_by_case": {"not_executed": "b_none", "executed": "b_exec"},
    "summary_by_case": {c: f"sum_{c} {{applied}}/{{total}}{{reason}}" for c in ATTENTION_CASES},
    "dry_run_decision_state": "not_started",
}
"""A configuration that renames every value the attention tables can give."""


@lru_cache(maxsize=1)
def _coverage() -> list[tuple[RestoreRun, OperationRun | None, list[EvidenceSnapshot]]]:
    cases = []
    for world in build_coverage(7):
        ops = {r["id"]: OperationRun.model_validate(r) for r in world.rows("operation_runs")}
        snaps = [EvidenceSnapshot.model_validate(r) for r in world.rows("evidence_snapshots")]
        for row in world.rows("restore_runs"):
            run = RestoreRun.model_validate(row)
            linked = [s for s in snaps if s.operation_run_id == run.operation_run_id]
            cases.append((run, ops.get(run.operation_run_id or 0), linked))
    return cases


def _matches(row: TableRow, value: str) -> bool:
    """Whether a value is what a row gives (a summary row's ``then`` is its template)."""
    if "{" not in row.then:
        return row.then == value
    pattern = re.escape(row.then)
    pattern = re.sub(r"\\\{reason\\\}", "(?: .*)?", pattern)
    pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^ ]+", pattern)
    return re.fullmatch(pattern, value, re.S) is not None


def _untraced(assumptions: Assumptions) -> list[tuple[int, str, str, str]]:
    """(run id, table, rule, value) of every derived value its deciding row does not give."""
    tables = {
        name: {r.rule: r for r in rows} for name, rows in derivation_tables(assumptions).items()
    }
    wrong = []
    for run, operation_run, snapshots in _coverage():
        view = decide_view(run, operation_run, snapshots, assumptions)
        decided: list[tuple[str, Decided[Any]]] = [
            ("decision_state", view.decision_state),
            ("operation_run_proof", view.operation_run_proof),
            *[(FIELD_TABLES[name], d) for name, d in view.attention.items()],
            *[("evidence", choice.state) for choice in view.evidence.values()],
        ]
        for table, d in decided:
            rows = tables[table]
            value = str(getattr(d.value, "value", d.value))
            candidates = [rows[d.rule]] if d.rule in rows else []
            if d.rule in ("F4", "F5"):
                candidates = [rows[v] for v in d.via if v in rows]
                if d.rule == "F4" and d.via == ("F4",):
                    candidates = [TableRow("F4", "", table_value(rows), rows["F4"].provenance)]
            if not any(_matches(row, value) for row in candidates):
                wrong.append((run.id, table, d.rule, value))
    return wrong


def table_value(rows: dict[str, TableRow]) -> str:
    """The family F4 gives an unclassified item: the F10 (otherwise unclassified) row's."""
    return rows["F10"].then


class TestTraced:
    """A derived value is always the ``then`` of the printed row that decided it."""

    @pytest.mark.parametrize("overrides", [{}, RENAMED], ids=["defaults", "renamed"])
    def test_every_value_comes_from_its_printed_row(self, overrides: dict[str, Any]) -> None:
        """Over the coverage set, no derived value differs from its deciding row's ``then``."""
        assert _untraced(build_assumptions(overrides)) == []

    def test_renamed_configuration_leaves_no_default_value(self) -> None:
        """With every value renamed, no default next action, cause family or tone is derived."""
        assumptions = build_assumptions(RENAMED)
        defaults = set(NEXT_ACTIONS) | set(CAUSE_FAMILIES) | set(TONES)
        seen = set()
        for run, operation_run, snapshots in _coverage():
            view = decide_view(run, operation_run, snapshots, assumptions)
            seen |= {
                view.attention[name].value
                for name in ("primary_next_action", "primary_cause_family", "tone")
            }
        assert set() == seen & defaults
        assert {"act_dry_run", "act_completed", "t_red", "cause_completed"} <= seen

    def test_coverage_reaches_every_attention_case(self) -> None:
        """The coverage set exercises every next-action case, so the checks above see them all."""
        assumptions = Assumptions()
        rules = {
            decide_view(run, op, snaps, assumptions).attention["primary_next_action"].rule
            for run, op, snaps in _coverage()
        }
        assert {f"N.{c}" for c in DEFAULT_NEXT_ACTION_BY_CASE} == rules


class TestStableIds:
    """Row ids do not move when the configuration adds or overrides entries."""

    def test_ids_kept_when_entries_are_added_or_overridden(self) -> None:
        """Adding an outcome and overriding a status keeps every default row's id and place."""
        default = derivation_tables(Assumptions())
        custom = derivation_tables(
            build_assumptions(
                {
                    "operation_run_outcomes": [
                        "pending",
                        "succeeded",
                        "partially_succeeded",
                        "failed",
                        "blocked",
                        "cancelled",
                        "skipped",
                    ],
                    "proof_by_outcome": {"skipped": "cancelled", "blocked": "failed"},
                    "decision_states": {"queued": "not_started"},
                    "cause_by_http_status": {"401": "permission"},
                }
            )
        )
        assert {n: [r.rule for r in rows] for n, rows in default.items()} == {
            n: [r.rule for r in rows if r.rule not in ("P.skipped", "H.401")]
            for n, rows in custom.items()
        }
        assert [
            r.rule
            for r in custom["operation_run_proof"]
            if r.rule not in {x.rule for x in default["operation_run_proof"]}
        ] == ["P.skipped"]


OP_STATUS = {"queued": "op_waiting", "running": "op_busy", "completed": "op_done"}
OUTCOME = {o: f"out_{o}" for o in Assumptions().operation_run_outcomes}
EVIDENCE_STATUS = {s: f"ev_{s}" for s in Assumptions().evidence_statuses}
COMPLETENESS = {c: f"cs_{c}" for c in Assumptions().completeness_states}
ITEM_STATUS = {s: f"it_{s}" for s in Assumptions().item_outcome_statuses}
DECISION = {d: f"fd_{d}" for d in Assumptions().foundation_decisions}


def _renamed_inputs() -> Assumptions:
    """The defaults with every input vocabulary a derivation switches on renamed."""
    defaults = Assumptions()
    return build_assumptions(
        {
            "operation_run_statuses": list(OP_STATUS.values()),
            "operation_run_completed_status": OP_STATUS["completed"],
            "operation_run_outcomes": list(OUTCOME.values()),
            "proof_by_outcome": {OUTCOME[k]: v.value for k, v in defaults.proof_by_outcome.items()},
            "operation_run_agreement": {
                status.value: [
                    f"{OP_STATUS[p.split('/')[0]]}/{OUTCOME[p.split('/')[1]]}" for p in pairs
                ]
                for status, pairs in defaults.operation_run_agreement.items()
            },
            "evidence_statuses": list(EVIDENCE_STATUS.values()),
            "active_evidence_statuses": [EVIDENCE_STATUS["active"]],
            "evidence_by_status": {
                EVIDENCE_STATUS[k]: v.value for k, v in defaults.evidence_by_status.items()
            },
            "completeness_states": list(COMPLETENESS.values()),
            "evidence_by_completeness": {
                COMPLETENESS[k]: v.value for k, v in defaults.evidence_by_completeness.items()
            },
            "item_outcome_statuses": list(ITEM_STATUS.values()),
            "count_by_item_status": {
                ITEM_STATUS[k]: v for k, v in defaults.count_by_item_status.items()
            },
            "cause_item_statuses": [ITEM_STATUS[s] for s in defaults.cause_item_statuses],
            "foundation_decisions": list(DECISION.values()),
            "skipped_foundation_decision": DECISION["skipped"],
        }
    )


def _renamed_case(
    run: RestoreRun, op: OperationRun | None, snaps: list[EvidenceSnapshot]
) -> tuple[RestoreRun, OperationRun | None, list[EvidenceSnapshot]]:
    """The same run with every input value renamed as :func:`_renamed_inputs` expects."""
    data = run.model_dump(mode="json")
    if data["results"] is not None:
        for outcome in data["results"]["items"].values():
            outcome["status"] = ITEM_STATUS.get(outcome["status"], outcome["status"])
        for entry in data["results"]["foundations"]:
            entry["decision"] = DECISION.get(entry["decision"], entry["decision"])
    new_op = None
    if op is not None:
        new_op = op.model_copy(
            update={"status": OP_STATUS[op.status], "outcome": OUTCOME[op.outcome]}
        )
    new_snaps = [
        s.model_copy(
            update={
                "status": EVIDENCE_STATUS[s.status],
                "completeness_state": COMPLETENESS[s.completeness_state],
            }
        )
        for s in snaps
    ]
    return RestoreRun.model_validate(data), new_op, new_snaps


def _rename_rule(rule: str) -> str:
    for prefix, names in (
        ("P.", OUTCOME),
        ("E.status.", EVIDENCE_STATUS),
        ("E.completeness.", COMPLETENESS),
    ):
        if rule.startswith(prefix) and rule[len(prefix) :] in names:
            return prefix + names[rule[len(prefix) :]]
    return rule


def _summary(view: Any) -> dict[str, Any]:
    return {
        "decision": (view.decision_state.value, view.decision_state.rule),
        "counts": (view.counts.value, view.counts.rule),
        "attention": {k: (d.value, d.rule, d.via) for k, d in view.attention.items()},
        "proof": (view.operation_run_proof.value, view.operation_run_proof.rule),
        "evidence": {
            p.value: (c.state.value, c.state.rule, c.snapshot.id if c.snapshot else None)
            for p, c in view.evidence.items()
        },
    }


class TestNoHardCodedInput:
    """Renaming every input vocabulary in data and configuration changes no decision."""

    def test_decisions_follow_renamed_vocabularies(self) -> None:
        """Each run decides the same way, by the renamed rows, as with the default names."""
        defaults, renamed = Assumptions(), _renamed_inputs()
        differing = []
        for run, op, snaps in _coverage():
            expected = _summary(decide_view(run, op, snaps, defaults))
            expected["proof"] = (expected["proof"][0], _rename_rule(expected["proof"][1]))
            expected["evidence"] = {
                p: (s, _rename_rule(r), i) for p, (s, r, i) in expected["evidence"].items()
            }
            actual = _summary(decide_view(*_renamed_case(run, op, snaps), renamed))
            if actual != expected:
                differing.append(run.id)
        assert differing == []

    def test_counts_from_results_follow_renamed_vocabularies(self) -> None:
        """Without metadata counts (row C2), renamed item statuses and decisions are counted."""
        run = RestoreRun.model_validate(
            {
                "id": 1,
                "managed_environment_id": 2,
                "workspace_id": 3,
                "backup_set_id": 4,
                "is_dry_run": False,
                "status": "completed",
                "results": {
                    "foundations": [{"type": "scopeTag", "decision": DECISION["skipped"]}],
                    "items": {
                        "101": {"status": ITEM_STATUS["succeeded"]},
                        "102": {"status": ITEM_STATUS["failed"]},
                    },
                },
            }
        )
        view = decide_view(run, None, None, _renamed_inputs())
        expected = OutcomeCounts(total=2, succeeded=1, failed=1, foundations_skipped=1)
        assert (expected, "C2") == (view.counts.value, view.counts.rule)


class TestTableKeys:
    """Each printed table names the configuration keys that set it."""

    def test_every_table_names_existing_keys(self) -> None:
        """Every table has keys, and every key is a field of the configuration."""
        tables = derivation_tables(Assumptions())
        assert list(tables) == list(TABLE_KEYS)
        unknown = [
            (table, key)
            for table, keys in TABLE_KEYS.items()
            for key in keys
            if key not in Assumptions.model_fields
        ]
        assert unknown == []
