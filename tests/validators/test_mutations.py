"""Every mutation breaks exactly its own rule: the whole finding list, row and pointer."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from restore_contracts.generators.mutations import MUTATIONS, UNKNOWN_ID, mutate
from restore_contracts.generators.world import World
from restore_contracts.validators import Finding
from restore_contracts.validators.rules import RULES

from .conftest import findings, scenario

Place = tuple[str, int, int, str]
"""(table, primary key, line, pointer) of one expected finding."""

RUNS = "restore_runs"
PROOFS = "restore_run_proofs"


def on_run(*pointers: str) -> Callable[[World], list[Place]]:
    """Findings on the world's restore run (line 1), one per pointer."""
    return lambda w: [(RUNS, w.restore_run()["id"], 1, p) for p in pointers]


def on_first(table: str, *pointers: str) -> Callable[[World], list[Place]]:
    """Findings on the first row of ``table``."""
    return lambda w: [(table, w.rows(table)[0]["id"], 1, p) for p in pointers]


def on_proof(pointer: str) -> Callable[[World], list[Place]]:
    """A finding on the exported proof of the world's run."""
    return lambda w: [(PROOFS, w.restore_run()["id"], 1, pointer)]


def _item(w: World, status: str | None = None) -> str:
    items = w.restore_run()["results"]["items"]
    return next(k for k, v in items.items() if status is None or v["status"] == status)


def _foundation(w: World) -> int:
    entries = w.restore_run()["results"]["foundations"]
    return next(i for i, e in enumerate(entries) if e["decision"] != "skipped")


EXPECTED: dict[str, Callable[[World], list[Place]]] = {
    "RR006": lambda w: [
        ("backup_items", w.rows("backup_items")[0]["id"], len(w.rows("backup_items")) + 1, "/id")
    ],
    "RR101": on_run("/status"),
    "RR102": on_run("/results"),
    "RR103": on_run("/retried_by"),
    "RR104": on_run("/status"),
    "RR106": on_run("/metadata/total"),
    "RR107": lambda w: on_run(f"/results/items/{_item(w)}/duration_ms")(w),
    "RR108": on_run("/requested_items"),
    "RR109": on_run("/metadata"),
    "RR201": on_run("/started_at"),
    "RR202": on_run("/started_at"),
    "RR203": on_run("/completed_at"),
    "RR204": on_run("/started_at"),
    "RR205": on_run("/results/items"),
    "RR206": on_run("/completed_at"),
    "RR207": on_run("/updated_at", "/updated_at"),
    "RR208": on_run("/failure_reason"),
    "RR209": on_run("/failure_reason"),
    "RR210": on_run("/status"),
    "RR211": lambda w: on_run(f"/results/items/{_item(w)}/status", "/metadata/succeeded")(w),
    "RR212": on_run("/operation_run_id"),
    "RR301": on_run("/metadata/total"),
    "RR302": on_run("/metadata/succeeded", "/metadata/failed"),
    "RR303": on_run("/metadata/total"),
    "RR304": on_run("/metadata/foundations_skipped"),
    "RR305": lambda w: on_run(f"/results/items/{_item(w)}")(w),
    "RR306": lambda w: on_run(f"/results/items/{_item(w, 'succeeded')}/status")(w),
    "RR307": lambda w: on_run(f"/results/foundations/{_foundation(w)}/decision")(w),
    "RR308": lambda w: on_run(
        f"/preview/items/{next(iter(w.restore_run()['preview']['items']))}/action"
    )(w),
    "RR309": on_run("/metadata/check_basis"),
    "RR310": on_run("/metadata/scope_basis/recorded_at"),
    "RR311": on_run("/metadata/check_basis/recorded_at"),
    "RR312": on_run("/metadata/execution_safety_snapshot"),
    "RR313": on_run("/metadata/execution_safety_snapshot/captured_at"),
    "RR314": lambda w: on_run(f"/results/items/{_item(w, 'succeeded')}")(w),
    "RR315": on_run("/results/foundations/0"),
    "RR316": lambda w: on_run(f"/results/foundations/{_foundation(w)}")(w),
    "RR401": on_proof("/attention/primary_next_action"),
    "RR402": on_proof("/attention/tone"),
    "RR403": on_proof("/attention/recovery_claim_boundary"),
    "RR404": lambda w: [(PROOFS, UNKNOWN_ID, 1, "/restore_run_id")],
    "RR405": on_proof("/attention/primary_cause_family"),
    "RR406": on_proof("/operation_run_proof_state"),
    "RR407": on_proof("/evidence_state"),
    "RR501": on_run("/operation_run_id"),
    "RR502": on_run("/operation_run_id"),
    "RR503": on_run("/operation_run_id"),
    "RR504": on_first("operation_runs", "/status"),
    "RR505": on_first("operation_runs", "/outcome"),
    "RR506": on_run("/operation_run_id"),
    "RR601": on_first("evidence_snapshots", "/operation_run_id"),
    "RR602": on_first("evidence_snapshots", "/managed_environment_id"),
    "RR603": on_first("evidence_snapshots", "/status"),
    "RR604": on_first("evidence_snapshots", "/completeness_state"),
    "RR605": lambda w: [
        ("evidence_snapshots", max(s["id"] for s in w.rows("evidence_snapshots")) + 1, 2, "/status")
    ],
    "RR701": on_run("/workspace_id"),
    "RR702": on_run("/managed_environment_id"),
    "RR703": on_run("/managed_environment_id"),
    "RR704": on_run("/backup_set_id"),
    "RR705": on_run("/backup_set_id"),
    "RR706": lambda w: on_run(f"/requested_items/{len(w.restore_run()['requested_items'])}")(w),
    "RR707": on_run(f"/results/items/{UNKNOWN_ID}"),
    "RR708": on_run(f"/preview/items/{UNKNOWN_ID}"),
}

READER_ONLY = {
    *("RR001", "RR002", "RR003", "RR004", "RR005", "RR007", "RR008", "RR009"),
    *("RR021", "RR022", "RR023", "RR105"),
}
"""Codes whose problem lives in a file's bytes or names, not in rows (reader tests cover them)."""


def _as_json(found: list[Finding]) -> str:
    return orjson.dumps([f.as_dict() for f in found], option=orjson.OPT_INDENT_2).decode() + "\n"


class TestMutations:
    def test_every_rule_has_a_mutation_or_a_reader_test(self) -> None:
        """The registry covers every code a row can break; the rest are reader-level codes."""
        assert set(RULES) - READER_ONLY == set(MUTATIONS)
        assert set(MUTATIONS) == set(EXPECTED)

    @pytest.mark.parametrize("code", sorted(MUTATIONS))
    def test_base_scenario_is_clean(self, code: str) -> None:
        """The scenario a mutation starts from has no finding at all."""
        expected = []
        assert expected == findings(scenario(MUTATIONS[code].base_scenario).tables)

    @pytest.mark.parametrize("code", sorted(MUTATIONS))
    def test_mutation_gives_exactly_its_findings(self, code: str, snapshot: object) -> None:
        """The mutated world gives only this rule's findings, at the expected rows and pointers."""
        base = scenario(MUTATIONS[code].base_scenario)
        found = findings(mutate(base, code).tables)
        severity = RULES[code].severity
        expected = [
            (code, severity, table, key, f"world/{table}", line, pointer)
            for table, key, line, pointer in EXPECTED[code](base)
        ]
        actual = [(f.code, f.severity, f.table, f.id, f.source, f.line, f.pointer) for f in found]
        assert expected == actual
        snapshot.assert_match(_as_json(found), f"{code}.json")  # type: ignore[attr-defined]

    def test_mutate_leaves_the_base_world_alone(self) -> None:
        """A mutation works on a clone: the base world is unchanged."""
        base = scenario("completed")
        before = orjson.dumps(base.tables)
        mutate(base, "RR302")
        assert before == orjson.dumps(base.tables)
