"""The truth report read from each database equals the one read from NDJSON files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.db.seed import seed_worlds
from restore_contracts.db.urls import parse_url
from restore_contracts.generators import build_scenario, write_worlds
from tests.truth.test_truth_generated import SCENARIOS


def truth(spec: str) -> dict[str, Any]:
    """The JSON report of a source, with every example id kept."""
    result = CliRunner().invoke(
        cli, ["truth", spec, "--format", "json", "--date", "2026-11-28", "--examples", "100"]
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def normalised(value: Any, examples: bool = False) -> Any:
    """Example id lists sorted: files keep write order, databases primary-key order."""
    if isinstance(value, dict):
        return {k: normalised(v, examples or k == "examples") for k, v in value.items()}
    if isinstance(value, list):
        items = [normalised(v, examples) for v in value]
        return sorted(items) if examples else items
    return value


def test_database_report_equals_files(db_url: str, tmp_path: Path) -> None:
    """Every figure matches, requested_by's types too (ids from a varchar column are integers)."""
    worlds = [build_scenario(name, seed=3) for name in SCENARIOS]
    write_worlds(worlds, "ndjson", tmp_path / "files")
    seed_worlds(parse_url(db_url), worlds)
    files = normalised(truth(str(tmp_path / "files")))
    database = normalised(truth(db_url))

    assert database["questions"]["evidence_for_executions"]["verdict"] == "sometimes (80.0%)"
    assert {k: v for k, v in files.items() if k != "source"} == {
        k: v for k, v in database.items() if k != "source"
    }
