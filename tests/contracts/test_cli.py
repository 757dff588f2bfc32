"""The contract commands of the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.config import Assumptions
from restore_contracts.contracts import CONTRACTS, RestoreRun
from restore_contracts.derivations import attention_table
from restore_contracts.provenance import Provenance, field_provenance, provenance_of


def test_help_lists_the_commands() -> None:
    """--help names every command."""
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:")[1].split()
    for name in ("derivations", "fields", "schemas", "statuses"):
        assert name in commands


def test_module_entry_point() -> None:
    """``python -m restore_contracts`` is the same program."""
    done = subprocess.run(
        [sys.executable, "-m", "restore_contracts", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "restore-contracts, version 0.1.0\n")


def test_statuses_json() -> None:
    """The status taxonomy as JSON, one entry per status in the truth map's order."""
    result = CliRunner().invoke(cli, ["statuses", "--format", "json"])
    payload = json.loads(result.stdout)
    assert payload["dry_run_decision_state"] == "preview_only"
    assert [list(row.values()) for row in payload["statuses"]] == [
        ["draft", "pre_execution", "draft", "not_started"],
        ["scoped", "pre_execution", "scoped", "not_started"],
        ["checked", "pre_execution", "checked", "not_started"],
        ["previewed", "pre_execution", "previewed", "not_started"],
        ["pending", "pre_execution", "pending", "not_started"],
        ["queued", "execution", "queued", "in_progress"],
        ["running", "execution", "running", "in_progress"],
        ["completed", "terminal", "completed", "completed"],
        ["partial", "terminal", "partial", "partial"],
        ["failed", "terminal", "failed", "failed"],
        ["cancelled", "terminal", "cancelled", "cancelled"],
        ["aborted", "legacy", "cancelled", "cancelled"],
        ["completed_with_errors", "legacy", "partial", "partial"],
    ]


def test_derivations_json_is_the_executed_table() -> None:
    """Every executed table is printed; the attention state table is the configured one."""
    result = CliRunner().invoke(cli, ["derivations", "--format", "json"])
    payload = json.loads(result.stdout)
    assert list(payload) == [
        "decision_state",
        "counts",
        "attention_state",
        "attention_summary",
        "attention_next_action",
        "attention_cause_family",
        "attention_recovery_claim_boundary",
        "attention_tone",
        "operation_run_proof",
        "evidence",
    ]
    assert [
        {
            "rule": r.rule,
            "when": r.when,
            "then": r.then,
            "provenance": r.provenance.value,
            "note": r.note,
        }
        for r in attention_table(Assumptions())
    ] == payload["attention_state"]


def test_derivations_follow_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A configured legacy mapping, found in the working directory, shows in the tables."""
    (tmp_path / "restore-contracts.toml").write_text('legacy_mapping = { aborted = "failed" }\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["derivations"])
    assert "aborted -> failed" in result.stdout


def test_fields_filters_by_provenance() -> None:
    """``fields --provenance assumed`` lists exactly the assumed fields."""
    result = CliRunner().invoke(
        cli, ["fields", "restore_run", "--provenance", "assumed", "--format", "json"]
    )
    assert json.loads(result.stdout) == [
        {
            "contract": "restore_run",
            "field": "id",
            "provenance": "assumed",
            "note": "Laravel convention ($table->id())",
        },
        {
            "contract": "restore_run",
            "field": "created_at",
            "provenance": "assumed",
            "note": "Laravel timestamps(); naive values are in the application timezone (configurable, default UTC)",
        },
        {
            "contract": "restore_run",
            "field": "updated_at",
            "provenance": "assumed",
            "note": "Laravel timestamps(); naive values are in the application timezone (configurable, default UTC)",
        },
    ]


def test_unknown_contract_is_exit_2() -> None:
    """A contract name that does not exist lists the valid ones."""
    result = CliRunner().invoke(cli, ["fields", "restore_runz"])
    assert result.exit_code == 2
    assert "'restore_runz' is not one of" in result.stderr


def test_provenance_is_queryable_from_python() -> None:
    """Every field of every contract has a label, readable without the schema."""
    assert provenance_of(RestoreRun, "status") == Provenance.REPO_VERIFIED
    for model in CONTRACTS.values():
        labels = field_provenance(model)
        assert list(model.model_fields) == list(labels)


def test_statuses_follow_the_legacy_mapping(tmp_path: Path) -> None:
    """A configured legacy mapping moves the legacy status's decision state with it."""
    config = tmp_path / "restore-contracts.toml"
    config.write_text('legacy_mapping = { aborted = "failed" }\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "statuses", "--format", "json"])
    rows = {row["status"]: row for row in json.loads(result.stdout)["statuses"]}
    assert rows["aborted"] == {"status": "aborted", "group": "legacy", "resolves_to": "failed"} | {
        "decision_state": "failed"
    }


def test_fields_lists_nested_fields() -> None:
    """Fields of nested models are listed by path, with their own labels and notes."""
    result = CliRunner().invoke(
        cli, ["fields", "restore_run_metadata", "--provenance", "assumed", "--format", "json"]
    )
    paths = [row["field"] for row in json.loads(result.stdout)]
    assert [
        f"{basis}.{name}"
        for basis in ("scope_basis", "check_basis", "preview_basis")
        for name in ("fingerprint", "recorded_at", "item_count")
    ] + [
        "execution_safety_snapshot.captured_at",
        "execution_safety_snapshot.checks_passed",
        "execution_safety_snapshot.warnings",
    ] == paths


def test_fields_nested_assumed_keys_carry_their_rule() -> None:
    """The invented item status key is listed as assumed, its note naming the rule checking it."""
    result = CliRunner().invoke(cli, ["fields", "restore_run_results", "--format", "json"])
    rows = {row["field"]: row for row in json.loads(result.stdout)}
    assert rows["items.*.status"] == {
        "contract": "restore_run_results",
        "field": "items.*.status",
        "provenance": "assumed",
        "note": "key named by this toolkit, not by the truth map; optional "
        "(RR314 reports an item without it)",
    }
    assert "foundations[].decision" in rows
