"""Fixtures of the truth report tests: one generated export and its reports, made once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli

DATE = "2026-11-30"


@dataclass(frozen=True)
class Rendered:
    """A generated export and `truth` of it in each format (exit code 0 each)."""

    export: Path
    html: str
    markdown: str
    json: str


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Forty random worlds as NDJSON (enough for every chart to have bars), and their reports."""
    export = tmp_path_factory.mktemp("truth-html") / "export"
    runner = CliRunner()
    generated = runner.invoke(
        cli,
        [
            *("generate", "--scenario", "random", "--count", "40", "--seed", "7"),
            *("--format", "ndjson", "--out", str(export)),
        ],
    )
    assert generated.exit_code == 0, generated.output
    outputs = {}
    for fmt in ("html", "markdown", "json"):
        result = runner.invoke(cli, ["truth", str(export), "--format", fmt, "--date", DATE])
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.output
    return Rendered(export, **outputs)
