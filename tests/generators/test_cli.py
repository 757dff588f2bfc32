"""The generate and scenarios commands: outputs, manifest, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from restore_contracts.contracts import TABLE_MODELS
from restore_contracts.generators import SCENARIOS, coverage_scenarios


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one invocation."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


class TestGenerate:
    """generate writes what it is asked for."""

    def test_coverage_ndjson_writes_every_table_and_manifest(self, tmp_path: Path) -> None:
        """The Done-when command: every table file plus a manifest covering all statuses."""
        out = tmp_path / "fixtures"
        code, stdout, _ = run(
            "generate",
            "--scenario",
            "coverage",
            "--seed",
            "1",
            "--format",
            "ndjson",
            "--out",
            str(out),
        )
        manifest = json.loads((out / "manifest.json").read_text())
        expected_files = sorted([*(f"{t}.ndjson" for t in TABLE_MODELS), "manifest.json"])
        assert (0, expected_files, coverage_scenarios(), 13, True) == (
            code,
            sorted(p.name for p in out.iterdir()),
            list(manifest["scenarios"]),
            len(manifest["union"]["status"]),
            stdout.startswith("wrote 17 world(s), 200 row(s) as ndjson to "),
        )

    def test_single_scenario_json_to_stdout(self) -> None:
        """--out - with json prints the one world as {table: rows}."""
        code, stdout, stderr = run("generate", "--scenario", "failed", "--out", "-")
        document = json.loads(stdout)
        expected = (
            0,
            list(TABLE_MODELS),
            "failed",
            "wrote 1 world(s), 12 row(s) as json to stdout\n",
        )
        assert expected == (code, list(document), document["restore_runs"][0]["status"], stderr)

    def test_random_count_and_items(self, tmp_path: Path) -> None:
        """--scenario random --count N --items K gives N runs of K items each."""
        code, _, _ = run(
            "generate",
            "--scenario",
            "random",
            "--count",
            "5",
            "--items",
            "3",
            "--format",
            "ndjson",
            "--out",
            str(tmp_path),
        )
        runs = [json.loads(x) for x in (tmp_path / "restore_runs.ndjson").read_text().splitlines()]
        items = [json.loads(x) for x in (tmp_path / "backup_items.ndjson").read_text().splitlines()]
        assert (code, len(runs), len(items)) == (0, 5, 15)

    def test_status_filter(self, tmp_path: Path) -> None:
        """--status S --count N gives N random worlds whose run has status S."""
        code, _, _ = run(
            "generate",
            "--status",
            "completed_with_errors",
            "--count",
            "4",
            "--format",
            "ndjson",
            "--out",
            str(tmp_path),
        )
        statuses = [
            json.loads(x)["status"]
            for x in (tmp_path / "restore_runs.ndjson").read_text().splitlines()
        ]
        assert (code, statuses) == (0, ["completed_with_errors"] * 4)

    def test_csv_one_table_to_stdout(self) -> None:
        """csv to stdout with --table restore_runs is the header and one line per run."""
        code, stdout, _ = run(
            "generate",
            "--scenario",
            "draft",
            "--format",
            "csv",
            "--table",
            "restore_runs",
            "--out",
            "-",
        )
        lines = stdout.splitlines()
        header = ",".join(TABLE_MODELS["restore_runs"].model_fields)
        assert (0, header, 2) == (code, lines[0], len(lines))

    def test_sql_dialect(self, tmp_path: Path) -> None:
        """--format sql --dialect sqlite writes fixtures.sqlite.sql in one transaction."""
        code, _, _ = run(
            "generate",
            "--scenario",
            "completed",
            "--format",
            "sql",
            "--dialect",
            "sqlite",
            "--out",
            str(tmp_path),
        )
        text = (tmp_path / "fixtures.sqlite.sql").read_text()
        assert (code, text.splitlines()[1], text.splitlines()[-1]) == (0, "BEGIN;", "COMMIT;")


class TestErrors:
    """Bad values: one line naming the valid ones, exit 2, no traceback."""

    @pytest.mark.parametrize(
        ("args", "prefix"),
        [
            (
                ["--scenario", "nope"],
                "Error: unknown scenario 'nope'; valid scenarios: coverage, random, draft,",
            ),
            (["--status", "done"], "Error: unknown status 'done'; valid statuses: draft, scoped,"),
            (
                ["--format", "xml"],
                "Error: unknown format 'xml'; valid formats: json, ndjson, csv, sql, php",
            ),
            (["--locale", "xx_XX"], "Error: unknown locale 'xx_XX'; valid locales: am_ET,"),
            (
                ["--format", "sql", "--dialect", "db2"],
                "Error: unknown dialect 'db2'; valid dialects:",
            ),
            (["--mutate", "RR999"], "Error: unknown mutation code 'RR999'; valid codes:"),
            (
                ["--anchor", "yesterday"],
                "Error: --anchor: expected a date (YYYY-MM-DD) or timestamp",
            ),
            (
                ["--anchor", "2020-01-01"],
                "Error: --anchor must be between 2026-04-01 and 2100-01-01",
            ),
            (
                ["--scenario", "failed", "--count", "3"],
                "Error: --count applies to --scenario random",
            ),
            (
                ["--format", "json", "--scenario", "random", "--count", "2", "--out", "-"],
                "Error: json to stdout holds exactly one world, got more;",
            ),
        ],
    )
    def test_one_line_exit_two(self, args: list[str], prefix: str, tmp_path: Path) -> None:
        """The command fails with exit 2 and a single stderr line starting as expected."""
        if "--out" not in args:
            args = [*args, "--out", str(tmp_path)]
        code, _, stderr = run("generate", *args)
        lines = stderr.splitlines()
        assert (code, len(lines), lines[0].startswith(prefix)) == (2, 1, True), stderr

    def test_mutation_of_registered_code(self, tmp_path: Path) -> None:
        """A registered mutation is built from its base scenario and written broken."""
        from restore_contracts.generators.mutations import MUTATIONS, Mutation

        def drop_failure_reason(world: object) -> None:
            world.restore_run()["failure_reason"] = None  # type: ignore[attr-defined]

        MUTATIONS["TEST900"] = Mutation("TEST900", "failed", "test only", drop_failure_reason)
        try:
            code, _, _ = run("generate", "--mutate", "TEST900", "--out", str(tmp_path))
        finally:
            del MUTATIONS["TEST900"]
        document = json.loads((tmp_path / "failed+TEST900.json").read_text())
        run_row = document["restore_runs"][0]
        assert (code, run_row["status"], run_row["failure_reason"]) == (0, "failed", None)


class TestScenariosCommand:
    """scenarios lists the catalogue with what each world covers."""

    def test_json_lists_every_scenario(self) -> None:
        """JSON output has every scenario, its covers and whether it is in the coverage set."""
        code, stdout, _ = run("scenarios", "--format", "json")
        rows = json.loads(stdout)
        chosen = set(coverage_scenarios())
        expected = [(n, s.covers, n in chosen) for n, s in SCENARIOS.items()]
        assert (0, expected) == (
            code,
            [(r["name"], r["covers"], r["in_coverage_set"]) for r in rows],
        )

    def test_text_has_two_lines_per_scenario(self) -> None:
        """Text output: a facts line and a description line per scenario, then the legend."""
        code, stdout, _ = run("scenarios")
        lines = stdout.splitlines()
        assert (0, 2 * len(SCENARIOS) + 1, "* draft") == (code, len(lines), lines[0][:8].rstrip())
