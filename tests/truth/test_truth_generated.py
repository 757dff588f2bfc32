"""The truth report on generated worlds whose answers follow from the scenario catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.generators import World, build_scenario, write_worlds

SCENARIOS = [
    "completed",
    "failed",
    "evidence_latest_any_pending",
    "evidence_superseded_then_active",
    "evidence_none",
    "aborted",
    "completed_with_errors",
    "draft",
    "dry_run_completed",
    "executed_without_operation_run",
]
"""Five executed runs with an operation run (four with evidence), two legacy runs, three others."""


@pytest.fixture(scope="module")
def worlds() -> dict[str, World]:
    return {name: build_scenario(name, seed=3) for name in SCENARIOS}


def run_id(worlds: dict[str, World], name: str) -> int:
    value: int = worlds[name].restore_run()["id"]
    return value


def truth_json(path: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["truth", str(path), "--format", "json", "--date", "2026-11-28", *extra]
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture(scope="module")
def report(worlds: dict[str, World], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("truth-ndjson")
    write_worlds(worlds.values(), "ndjson", out)
    return truth_json(out, "--examples", "10")


class TestFromNdjson:
    """The figures from NDJSON files equal the ones the catalogue implies."""

    def test_evidence_for_executions(
        self, report: dict[str, Any], worlds: dict[str, World]
    ) -> None:
        """Four of the five executed, linked runs have a snapshot; evidence_none has none."""
        answer = report["questions"]["evidence_for_executions"]
        with_evidence = [
            "completed",
            "failed",
            "evidence_latest_any_pending",
            "evidence_superseded_then_active",
        ]
        assert {
            "verdict": "sometimes (80.0%)",
            "executed_with_operation_run": 5,
            "with_evidence": 4,
            "share": 0.8,
            "by_status": {
                "completed": {"runs": 4, "with_evidence": 3, "share": 0.75},
                "failed": {"runs": 1, "with_evidence": 1, "share": 1.0},
            },
            "examples": {
                "with_evidence": [run_id(worlds, n) for n in with_evidence],
                "without_evidence": [run_id(worlds, "evidence_none")],
            },
        } == {k: v for k, v in answer.items() if k != "question"}

    def test_multiple_snapshots(self, report: dict[str, Any], worlds: dict[str, World]) -> None:
        """Two operation runs have two snapshots; only the newer-generating one disagrees."""
        answer = report["questions"]["multiple_snapshots"]
        op_id = worlds["evidence_latest_any_pending"].restore_run()["operation_run_id"]
        assert (2, 1, {"pending": 1}, [op_id]) == (
            answer["with_several"],
            answer["policies_disagree"],
            answer["when_disagreeing"]["latest_active_hides_newer"],
            answer["examples"]["operation_run_ids"],
        )

    def test_legacy_and_coverage(self, report: dict[str, Any], worlds: dict[str, World]) -> None:
        """One run of each legacy status; five of ten runs are linked to an operation run."""
        legacy = report["questions"]["legacy_statuses"]["statuses"]
        coverage = report["questions"]["operation_run_coverage"]
        assert (
            {"aborted": 1, "completed_with_errors": 1},
            worlds["aborted"].restore_run()["created_at"],
            10,
            5,
        ) == (
            {status: v["count"] for status, v in legacy.items()},
            legacy["aborted"]["latest_created_at"],
            coverage["runs"],
            coverage["with_operation_run"],
        )

    def test_rows_per_table(self, report: dict[str, Any], worlds: dict[str, World]) -> None:
        """The header counts every row of every table the worlds hold."""
        expected = {
            table: sum(len(w.rows(table)) for w in worlds.values()) for table in report["rows"]
        }
        assert expected == report["rows"]
        assert report["missing_tables"] == []

    def test_every_assumed_rule_holds(self, report: dict[str, Any]) -> None:
        """Generated worlds are valid, so every assumed rule that applied held everywhere."""
        holds = report["questions"]["assumption_hold_rates"]
        assert holds["verdict"] == "every assumed rule held wherever it applied"
        assert [r["code"] for r in holds["rules"] if r["held"] != r["applied"]] == []

    def test_markdown_matches_json(self, worlds: dict[str, World], tmp_path: Path) -> None:
        """The Markdown report carries the same verdicts as the JSON one."""
        write_worlds(worlds.values(), "ndjson", tmp_path)
        result = CliRunner().invoke(cli, ["truth", str(tmp_path), "--date", "2026-11-28"])
        assert result.exit_code == 0
        assert (
            "Verdict: **sometimes (80.0%)**. Of 5 executed restore runs with an operation run, 4 (80.0%) have at least one linked evidence snapshot."
            in result.stdout
        )


class TestBadInput:
    """Unusable input is one line and exit 2."""

    def test_missing_path(self, tmp_path: Path) -> None:
        """A path that does not exist is named."""
        result = CliRunner().invoke(cli, ["truth", str(tmp_path / "nope")])
        assert (2, f"Error: {tmp_path / 'nope'}: no such file or directory\n") == (
            result.exit_code,
            result.stderr,
        )

    def test_bad_policy(self, tmp_path: Path) -> None:
        """An unknown policy lists the valid ones."""
        result = CliRunner().invoke(cli, ["truth", str(tmp_path), "--evidence-policy", "newest"])
        assert result.exit_code == 2
        assert "'newest' is not one of 'latest_active', 'latest_any'" in result.stderr
