"""Every report format, snapshot-tested on one export with errors, a warning and an info."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.generators.mutations import mutate
from restore_contracts.validators.reports.github import escape_data, escape_property

from .conftest import scenario, write_ndjson


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An export directory (relative path ``export``) with several kinds of findings."""
    world = mutate(mutate(scenario("completed"), "RR302"), "RR103")
    world.restore_run()["failure_reason"] = "Graph said:\nno,\r%0A::error::x"
    aborted = scenario("aborted").tables
    tables = {
        table: [*rows, *aborted[table]]
        for table, rows in world.tables.items()
        if table != "evidence_snapshots"
    }
    write_ndjson(tables, tmp_path / "export")
    with (tmp_path / "export" / "restore_runs.ndjson").open("ab") as handle:
        handle.write(b"{not json}\n")
    monkeypatch.chdir(tmp_path)
    return "export"


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_report_format(export: str, fmt: str, snapshot: object) -> None:
    """Each format renders the same findings; the exit code is 1 (errors present)."""
    result = CliRunner().invoke(
        cli, ["validate", export, "--format", fmt, "--max-examples", "1"], catch_exceptions=False
    )
    expected = 1
    assert expected == result.exit_code
    snapshot.assert_match(result.output, f"report.{'xml' if fmt == 'junit' else fmt}")  # type: ignore[attr-defined]


def test_text_is_coloured_only_when_asked(export: str) -> None:
    """No ANSI codes by default off a terminal; --color adds them."""
    runner = CliRunner()
    plain = runner.invoke(cli, ["validate", export]).output
    coloured = runner.invoke(cli, ["validate", export, "--color"]).output
    assert ("\x1b[" in plain, "\x1b[" in coloured) == (False, True)


class TestGithubEscaping:
    def test_data_and_properties(self) -> None:
        """%, CR and LF are escaped in data; properties also escape ':' and ','."""
        expected = "a%25b%0Dc%0Ad::e,f"
        assert expected == escape_data("a%b\rc\nd::e,f")
        expected = "a%25b%0Dc%0Ad%3A%3Ae%2Cf"
        assert expected == escape_property("a%b\rc\nd::e,f")

    def test_no_value_starts_a_command(self, export: str) -> None:
        """A failure_reason with a newline and '::error::' stays inside its annotation."""
        output = CliRunner().invoke(cli, ["validate", export, "--format", "github"]).output
        assert all(line.startswith(("::", "restore-contracts: ")) for line in output.splitlines())
        expected = 1
        assert expected == sum("Graph said" in line for line in output.splitlines())
