"""``restore-contracts explain``: one run as read, as derived (row by row) and as judged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun
from restore_contracts.derivations import derive_proof
from restore_contracts.generators import build_coverage, build_scenario
from restore_contracts.generators.mutations import mutate

TENANT = {"workspace_id": 1, "managed_environment_id": 2}


def small_world() -> dict[str, list[dict[str, Any]]]:
    """A failed run without a reason, its operation run and two snapshots (newest failed)."""
    return {
        "operation_runs": [
            {
                "id": 10,
                "type": "restore.execute",
                "status": "completed",
                "outcome": "failed",
                **TENANT,
            }
        ],
        "evidence_snapshots": [
            {
                "id": 20,
                "operation_run_id": 10,
                "status": "active",
                "completeness_state": "partial",
                "generated_at": "2026-04-01 10:00:00",
                **TENANT,
            },
            {
                "id": 21,
                "operation_run_id": 10,
                "status": "failed",
                "completeness_state": "missing",
                "generated_at": "2026-04-02 10:00:00",
                **TENANT,
            },
        ],
        "restore_runs": [
            {
                "id": 7,
                "backup_set_id": 3,
                "is_dry_run": False,
                "status": "failed",
                "results": {
                    "foundations": [],
                    "items": {
                        "101": {"status": "failed", "http_status": 403},
                        "102": {"status": "succeeded"},
                    },
                },
                "metadata": {
                    "total": 2,
                    "succeeded": 1,
                    "failed": 1,
                    "skipped": 0,
                    "partial": 0,
                    "non_applied": 0,
                },
                "started_at": "2026-04-01 09:00:00",
                "completed_at": "2026-04-01 09:05:00",
                "operation_run_id": 10,
                **TENANT,
            }
        ],
    }


def write(tables: dict[str, list[dict[str, Any]]], directory: Path) -> Path:
    """One NDJSON file per table."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        (directory / f"{table}.ndjson").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return directory


def explain(*args: str) -> Any:
    """Run ``explain`` and return its result."""
    return CliRunner().invoke(cli, ["explain", *args])


def explain_json(source: str, run_id: int) -> dict[str, Any]:
    """The JSON explanation of one run (exit 0 asserted)."""
    result = explain(source, "--run", str(run_id), "--format", "json")
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


EVIDENCE_SELECTION = {
    "rule": "E2",
    "when": "select among the operation run's snapshots: latest_active = newest with status in"
    " (active); latest_any = newest; newest by generated_at, created_at, id (a null timestamp"
    " falls back to the next one; policy now latest_active)",
    "then": "(the selected snapshot)",
    "provenance": "deferred",
    "note": "which snapshot to link when there are several is deferred (open question 2)",
}


class TestSmallWorld:
    """A hand-built failed run: every derived field with its row, neighbours, findings."""

    @pytest.fixture
    def report(self, tmp_path: Path) -> dict[str, Any]:
        return explain_json(str(write(small_world(), tmp_path / "x")), 7)

    def test_row_as_read(self, report: dict[str, Any], tmp_path: Path) -> None:
        """The row is shown exactly as the source gave it, with where it was read."""
        assert {
            "id": 7,
            "location": f"{tmp_path / 'x' / 'restore_runs.ndjson'}:1",
            "row": small_world()["restore_runs"][0],
            "matches_contract": True,
        } == report["restore_run"]

    def test_cause_family_with_its_rows(self, report: dict[str, Any]) -> None:
        """The cause family names the row that decided it and the HTTP row that fed it."""
        assert report["derived"]["attention"]["primary_cause_family"] == {
            "value": "permission",
            "table": "attention_cause_family",
            "decided_by": {
                "rule": "F4",
                "when": "items with status in (failed, partial): each classified by the H rows "
                "(its http_status), else the M rows (its reason), else unclassified; the most "
                "common family wins, ties alphabetical",
                "then": "(that family; unclassified = unknown)",
                "provenance": "assumed",
                "note": None,
            },
            "via": [
                {
                    "rule": "H.403",
                    "when": "item http_status = 403",
                    "then": "permission",
                    "provenance": "assumed",
                    "note": None,
                }
            ],
        }

    def test_evidence_under_both_policies(self, report: dict[str, Any]) -> None:
        """latest_active shows the older partial snapshot, latest_any the newer failed one."""
        assert report["derived"]["evidence"] == {
            "latest_active": {
                "value": "partial",
                "table": "evidence",
                "decided_by": {
                    "rule": "E.completeness.partial",
                    "when": "otherwise, completeness_state = partial",
                    "then": "partial",
                    "provenance": "deferred",
                    "note": None,
                },
                "via": [EVIDENCE_SELECTION],
                "snapshot_id": 20,
                "configured": True,
            },
            "latest_any": {
                "value": "unavailable",
                "table": "evidence",
                "decided_by": {
                    "rule": "E.status.failed",
                    "when": "selected status = failed",
                    "then": "unavailable",
                    "provenance": "deferred",
                    "note": None,
                },
                "via": [EVIDENCE_SELECTION],
                "snapshot_id": 21,
                "configured": False,
            },
        }

    def test_every_attention_field_and_its_row(self, report: dict[str, Any]) -> None:
        """All six attention fields, the decision and the proof state, each with its row id."""
        derived = report["derived"]
        assert {
            "decision_state": (
                derived["decision_state"]["value"],
                derived["decision_state"]["decided_by"]["rule"],
            ),
            **{
                name: (entry["value"], entry["decided_by"]["rule"])
                for name, entry in derived["attention"].items()
            },
            "operation_run_proof_state": (
                derived["operation_run_proof_state"]["value"],
                derived["operation_run_proof_state"]["decided_by"]["rule"],
            ),
        } == {
            "decision_state": ("failed", "D.failed"),
            "state": ("failed", "A.failed"),
            "summary": ("Restore failed: 1 of 2 items applied.", "S.failed"),
            "primary_next_action": ("review_failure", "N.failed"),
            "primary_cause_family": ("permission", "F4"),
            "recovery_claim_boundary": ("execution_only_not_recovery_proven", "B.executed"),
            "tone": ("danger", "T.failed"),
            "operation_run_proof_state": ("failed", "P.failed"),
        }

    def test_neighbours_and_findings(self, report: dict[str, Any], tmp_path: Path) -> None:
        """The operation run and both snapshots as read; every finding on the run."""
        world = small_world()
        assert (
            {
                "id": 10,
                "looked_up": True,
                "found": True,
                "location": f"{tmp_path / 'x' / 'operation_runs.ndjson'}:1",
                "row": world["operation_runs"][0],
                "matches_contract": True,
            },
            world["evidence_snapshots"],
            [
                ("RR208", "/failure_reason"),
                ("RR309", "/metadata/scope_basis"),
                ("RR309", "/metadata/check_basis"),
                ("RR309", "/metadata/preview_basis"),
                ("RR312", "/metadata/execution_safety_snapshot"),
            ],
            [],
        ) == (
            report["operation_run"],
            [s["row"] for s in report["evidence_snapshots"]],
            [(f["code"], f["pointer"]) for f in report["findings"]],
            report["neighbour_findings"],
        )

    def test_text_names_rows_and_findings(self, tmp_path: Path) -> None:
        """The text form prints each field with its row, and each finding with its pointer."""
        result = explain(str(write(small_world(), tmp_path / "x")), "--run", "7")
        lines = result.stdout.splitlines()
        assert result.exit_code == 0
        assert [
            line
            for line in lines
            if line.startswith(("  attention.primary_cause", "      via H.", "  RR208"))
        ] == [
            '  attention.primary_cause_family = "permission"',
            "      via H.403 [assumed] if item http_status = 403 -> permission",
            "  RR208 error restore_runs #7 /failure_reason: failure_reason is null; expected a reason",
        ]


class TestEscaping:
    """Data-derived text cannot reach the terminal raw."""

    def test_control_characters_are_escaped(self, tmp_path: Path) -> None:
        """An escape sequence, a newline and a bidirectional override in the data print as
        visible escapes, one line each."""
        world = small_world()
        world["restore_runs"][0]["failure_reason"] = "boom\x1b[2J\nnext\u202e"
        result = explain(str(write(world, tmp_path / "x")), "--run", "7")
        assert result.exit_code == 0
        assert ("\x1b" in result.stdout, "\u202e" in result.stdout) == (False, False)
        assert [
            line
            for line in result.stdout.splitlines()
            if line.startswith(("    failure_reason", "  attention.summary"))
        ] == [
            '    failure_reason          "boom\\u001b[2J\\nnext\\u202e"',
            '  attention.summary = "Restore failed: 1 of 2 items applied. boom\\u001b[2J\\nnext\\u202e"',
        ]


class TestSources:
    """The coverage set, a mutated world and bad input."""

    def test_coverage_set_agrees_with_the_derivations(self, tmp_path: Path) -> None:
        """For every coverage run, explain shows what derive_proof gives, and only info findings."""
        write_dir = tmp_path / "coverage"
        worlds = list(build_coverage(1))
        tables: dict[str, list[dict[str, Any]]] = {}
        for world in worlds:
            for table, rows in world.tables.items():
                tables.setdefault(table, []).extend(rows)
        write(tables, write_dir)
        assumptions = Assumptions()
        differing = []
        infos: dict[int, list[str]] = {}
        for row in tables["restore_runs"]:
            run = RestoreRun.model_validate(row)
            ops = [OperationRun.model_validate(o) for o in tables["operation_runs"]]
            op = next((o for o in ops if o.id == run.operation_run_id), None)
            snaps = [EvidenceSnapshot.model_validate(s) for s in tables["evidence_snapshots"]]
            proof = derive_proof(run, op, snaps, assumptions)
            report = explain_json(str(write_dir), run.id)
            derived = report["derived"]
            shown = {
                "decision_state": derived["decision_state"]["value"],
                "attention": {k: v["value"] for k, v in derived["attention"].items()},
                "operation_run_proof_state": derived["operation_run_proof_state"]["value"],
                "evidence_state": derived["evidence"]["latest_active"]["value"],
                "evidence_snapshot_id": derived["evidence"]["latest_active"]["snapshot_id"],
            }
            expected = proof.model_dump(
                mode="json",
                include={
                    "decision_state",
                    "attention",
                    "operation_run_proof_state",
                    "evidence_state",
                    "evidence_snapshot_id",
                },
            )
            problems = [
                f["code"]
                for f in report["findings"] + report["neighbour_findings"]
                if f["severity"] != "info"
            ]
            if shown != expected or problems:
                differing.append(run.id)
            infos[run.id] = sorted({f["code"] for f in report["findings"]})
        assert len(tables["restore_runs"]) > 10
        assert differing == []
        legacy = [r["id"] for r in tables["restore_runs"] if r["status"] == "aborted"]
        assert infos[legacy[0]] == ["RR104", "RR506"]

    def test_mutated_world_shows_its_finding(self, tmp_path: Path) -> None:
        """A world mutated to break RR503 shows exactly that finding on the run."""
        world = mutate(build_scenario("evidence_none", seed=5), "RR503")
        run_id = world.restore_run()["id"]
        report = explain_json(str(write(world.tables, tmp_path / "m")), run_id)
        assert [f["code"] for f in report["findings"]] == ["RR503"]

    def test_row_the_model_rejects(self, tmp_path: Path) -> None:
        """A run in an unknown status has no derived view; RR101 says why."""
        world = mutate(build_scenario("completed", seed=5), "RR101")
        run_id = world.restore_run()["id"]
        report = explain_json(str(write(world.tables, tmp_path / "m")), run_id)
        assert (
            report["derived"],
            report["restore_run"]["matches_contract"],
            [f["code"] for f in report["findings"]],
        ) == (None, False, ["RR101"])

    def test_unknown_run_is_exit_2(self, tmp_path: Path) -> None:
        """A run id that is not in the source is one line and exit 2."""
        source = write(small_world(), tmp_path / "x")
        result = explain(str(source), "--run", "99")
        assert (2, [f"Error: restore run 99 is not in {source} (1 restore_runs rows read)"]) == (
            result.exit_code,
            result.stderr.splitlines(),
        )
